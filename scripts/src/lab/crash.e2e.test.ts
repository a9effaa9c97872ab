// Crashes: a process killed half-way through `up`, and a lab whose state file is gone. `up` of the
// same prefix cleans the leftovers first; `down` sweeps everything by prefix alone.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab } from './lab';
import { labDirPath, randomTestPrefix, stateFilePath } from './names';
import { pidAlive } from './processes';
import { readState } from './stateStore';
import { runCmd } from './sh';
import { existingLabNamespaces } from './teardown';
import { labTestGate } from './testGate';

// The child runs the compiled lab (npm test runs `tsc -b` before jest).
const distLab = path.resolve(__dirname, '..', '..', 'dist', 'lab', 'lab.js');
const cli = path.resolve(__dirname, '..', '..', 'bin', 'ironlb-lab.js');

/** Runs `Lab.up` in a child that SIGKILLs itself once the namespaces exist, before the router starts. */
async function upAndDieHalfway(prefix: string): Promise<void> {
  const script = `
    const { Lab } = require(${JSON.stringify(distLab)});
    Lab.up({ prefix: ${JSON.stringify(prefix)}, nodes: 2, router: 'bird', log: (l) => {
      if (l.startsWith('starting')) process.kill(process.pid, 'SIGKILL');
    } }).then(() => process.exit(3), (e) => { console.error(e); process.exit(4); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, s) => r(s)));
  expect(signal).toBe('SIGKILL');
}

labTestGate('lab crashes', () => {
  const prefixes = [randomTestPrefix(), randomTestPrefix()];

  afterAll(async () => {
    for (const p of prefixes) await Lab.down(p);
  });

  test('the compiled lab exists (run `npx tsc -b` first)', () => {
    expect(fs.existsSync(distLab)).toBe(true);
  });

  test('up after an up killed half-way cleans the leftovers, then down removes everything', async () => {
    const prefix = prefixes[0];
    await upAndDieHalfway(prefix);
    expect(existingLabNamespaces(prefix)).toHaveLength(7);
    expect(readState(prefix)?.phase).toBe('creating');

    const lab = await Lab.up({ prefix, nodes: 1, router: 'bird' });
    expect(existingLabNamespaces(prefix).sort()).toEqual(
      ['client', 'node1', 'pod1', 'router', 'sw'].map((h) => `${prefix}-${h}`).sort(),
    );
    expect((await lab.routerStatus()).up).toBe(true);
    await lab.down();
    expect(existingLabNamespaces(prefix)).toEqual([]);
    expect(fs.existsSync(stateFilePath(prefix))).toBe(false);
  });

  test('down without a state file (CLI up, then the file is lost) sweeps by prefix', async () => {
    const prefix = prefixes[1];
    const up = await runCmd([process.execPath, cli, 'up', '--prefix', prefix, '--nodes', '2', '--router', 'bird']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const state = readState(prefix);
    const bird = state?.processes.find((p) => p.role === 'bird')?.pid ?? 0;
    expect(pidAlive(bird)).toBe(true);
    // A second up of the same prefix is refused while the first is healthy.
    const again = await runCmd([process.execPath, cli, 'up', '--prefix', prefix]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already up');

    fs.rmSync(stateFilePath(prefix));
    const down = await runCmd([process.execPath, cli, 'down', '--prefix', prefix]);
    expect(down.code).toBe(0);
    expect(pidAlive(bird)).toBe(false);
    expect(existingLabNamespaces(prefix)).toEqual([]);
    expect(fs.existsSync(labDirPath(prefix))).toBe(false);
  });
});
