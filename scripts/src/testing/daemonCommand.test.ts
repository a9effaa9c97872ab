import * as path from 'node:path';
import { repoRoot } from '../tools';
import { daemonArgv, shebangFlags } from './daemonCommand';

test('shebangFlags reads the node flags of a bin, and refuses any other first line', () => {
  expect(shebangFlags('#!/usr/bin/env node', 'a.js')).toEqual([]);
  expect(shebangFlags('#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50', 'a.js')).toEqual([
    '--max-semi-space-size=4',
    '--heap-growing-percent=50',
  ]);
  expect(() => shebangFlags('#!/bin/sh', 'a.js')).toThrow('a.js: the first line is not');
  expect(() => shebangFlags('#!/usr/bin/env -S node; rm -rf /', 'a.js')).toThrow('a.js');
});

test.each(['speaker/bin/ironlb-speaker.js', 'controller/bin/ironlb-controller.js'])(
  '%s starts under this node with the heap flags it ships with',
  (bin) => {
    const argv = daemonArgv(path.join(repoRoot, bin));
    expect(argv[0]).toBe(process.execPath);
    expect(argv.slice(1, -1)).toEqual(['--max-semi-space-size=4', '--heap-growing-percent=50']);
    expect(argv.at(-1)).toBe(path.join(repoRoot, bin));
  },
);

test('daemonArgv puts the flags given in place of the shebang ones', () => {
  const bin = path.join(repoRoot, 'speaker/bin/ironlb-speaker.js');
  expect(daemonArgv(bin, [])).toEqual([process.execPath, bin]);
  expect(daemonArgv(bin, ['--max-semi-space-size=8'])).toEqual([process.execPath, '--max-semi-space-size=8', bin]);
});
