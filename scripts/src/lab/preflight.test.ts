import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { missingToolsMessage, toolsFor, which } from './preflight';

describe('preflight tool check', () => {
  test('names the missing tools and the exact apt-get command', () => {
    const msg = missingToolsMessage([
      { bin: 'ironlb-no-such-tool', pkg: 'bird2' },
      { bin: '/usr/lib/frr/no-such-daemon', pkg: 'frr' },
      { bin: 'sh', pkg: 'dash' },
    ]);
    expect(msg).toContain('ironlb-no-such-tool (Debian package bird2)');
    expect(msg).toContain('apt-get update && apt-get install -y bird2 frr\n');
    expect(msg).not.toContain('dash');
    expect(missingToolsMessage([{ bin: 'sh', pkg: 'dash' }])).toBe('');
  });

  test('each router needs its own daemon; forwards need socat', () => {
    expect(toolsFor('frr', false).map((t) => t.pkg)).toEqual(['iproute2', 'procps', 'frr', 'frr', 'frr']);
    expect(toolsFor('gobgp', true).map((t) => t.bin)).toEqual(['ip', 'sysctl', 'socat', 'gobgpd']);
    expect(toolsFor('none', false).map((t) => t.bin)).toEqual(['ip', 'sysctl']);
  });

  test('which finds programs on PATH only when executable', () => {
    expect(which('sh')).toMatch(/\/sh$/);
    const file = path.join(os.tmpdir(), `ilb-which-${process.pid}`);
    fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
    try {
      expect(which(file)).toBeUndefined();
      fs.chmodSync(file, 0o755);
      expect(which(file)).toBe(file);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
