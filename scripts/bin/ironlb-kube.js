#!/usr/bin/env node
require('../dist/kube/cli.js');
