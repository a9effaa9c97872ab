#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50
'use strict';
// The V8 flags above keep the heap near what the daemon holds: a burst of API objects otherwise grows the young
// generation to 3 x 16 MiB and the old one to 4x its live size, memory that stays in the resident set afterwards
// (`npm run bench -- speaker-memory` and `-- controller` measure it). Run this file, not `node` on it, to get them.
require('../dist/daemon/main.js').run(process.argv);
