#!/usr/bin/env node
require('../dist/lab/cli.js');
