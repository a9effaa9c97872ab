/** The README's first command must keep working: run the built demo end to end and check what it shows. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labTestGate } from '../lab/testGate';
import { runCmd } from '../lab/sh';
import { repoRoot } from '../tools';

const DEMO = path.join(repoRoot, 'scripts', 'dist', 'demo', 'main.js');

labTestGate('npm run demo', () => {
  test('builds the lab, reaches pod1 and the API server from every node, applies the seeds, cleans up', async () => {
    expect(fs.existsSync(DEMO)).toBe(true);
    const r = await runCmd([process.execPath, DEMO], { timeoutMs: 180_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('client -> 203.0.113.18:7000 answered: hello-from-pod1');
    for (const node of ['node1', 'node2', 'node3']) expect(r.stdout).toContain(`${node}: v1.35.0`);
    expect(r.stdout).toContain(
      'The Service "sample-nodeport" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    expect(r.stdout).toMatch(
      /acserver\s+acserver4-service\s+LoadBalancer\s+\S+\s+<pending>\s+9610:(\d+)\/TCP,8085:\d+\/TCP,9610:\1\/UDP/,
    );
    expect(r.stdout).toContain("lab 'ilbdemo' removed, API server stopped");
    // Nothing of the demo's lab is left behind.
    const left = await runCmd(['ip', 'netns', 'list']);
    expect(left.stdout).not.toMatch(/^ilbdemo-/m);
  });
});
