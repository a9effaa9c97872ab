#!/usr/bin/env node
'use strict';
require('../dist/daemon/main.js').run(process.argv);
