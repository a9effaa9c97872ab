#!/usr/bin/env node
'use strict';
// kubectl runs any executable named kubectl-ironlb on PATH for `kubectl ironlb ...`. client-node is ESM-only and
// the plugin is compiled to CommonJS, so its module is loaded here with a native import() and handed in.
import('@kubernetes/client-node').then(
  (k8s) => require('../dist/main.js').run(process.argv.slice(2), k8s),
  (e) => {
    process.stderr.write(`Error: cannot load @kubernetes/client-node: ${e instanceof Error ? e.message : e}\n`);
    process.exitCode = 1;
  },
);
