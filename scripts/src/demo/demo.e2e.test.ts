/** The README's first command must keep working: run the built demo end to end and check what it shows. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labTestGate } from '../lab/testGate';
import { runCmd } from '../lab/sh';
import { repoRoot } from '../tools';

const DEMO = path.join(repoRoot, 'scripts', 'dist', 'demo', 'main.js');

labTestGate('npm run demo', () => {
  test('builds the lab, reaches pod1 and the API server from every node, assigns the seeds their IPs, cleans up', async () => {
    expect(fs.existsSync(DEMO)).toBe(true);
    const r = await runCmd([process.execPath, DEMO], { timeoutMs: 180_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('client -> 203.0.113.18:7000 answered: hello-from-pod1');
    for (const node of ['node1', 'node2', 'node3']) expect(r.stdout).toContain(`${node}: v1.35.0`);
    expect(r.stdout).toContain(
      'The Service "sample-nodeport" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    // The mixed-protocol Service gets its requested address (the seed's, swapped for the lab's), one for all ports.
    expect(r.stdout).toMatch(
      /acserver\s+acserver4-service\s+LoadBalancer\s+\S+\s+198\.51\.100\.200\s+9610:(\d+)\/TCP,8085:\d+\/TCP,9610:\1\/UDP/,
    );
    // The split pair shares one address by its sharing key.
    expect(r.stdout).toMatch(/acserver\s+acserver1-service-tcp\s+LoadBalancer\s+\S+\s+198\.51\.100\.244\s/);
    expect(r.stdout).toMatch(/acserver\s+acserver1-service-udp\s+LoadBalancer\s+\S+\s+198\.51\.100\.244\s/);
    expect(r.stdout).toMatch(/default\s+invalid-request\s+LoadBalancer\s+\S+\s+<pending>\s/);
    expect(r.stdout).toMatch(
      /Warning\s+AllocationFailed\s+.*ironlb-controller\s+Failed to allocate IP for "default\/invalid-request": "4\.3\.2\.1" is not allowed in config/,
    );
    expect(r.stdout).toMatch(
      /lab\s+\["198\.51\.100\.200-198\.51\.100\.254","2001:db8:1::200-2001:db8:1::2ff"\]\s+true\s+4\s+51\s/,
    );
    // Layer 2: one node's MAC answers for the split pair's VIP, and describe names that node.
    const answered = /answered by ([0-9a-f:]{17}), the MAC of (node\d)/.exec(r.stdout);
    expect(answered).not.toBeNull();
    expect(r.stdout).toMatch(
      new RegExp(
        `Normal\\s+nodeAssigned\\s+.*ironlb-speaker\\s+announcing from node "${answered?.[2]}" with protocol "layer2"`,
      ),
    );
    // The SIGKILLed speaker's IP is answered by another node, and the outage is printed.
    expect(r.stdout).toMatch(/(node\d) \(([0-9a-f:]{17})\) answers now; outage \d+ ms/);
    expect(/(node\d) \([0-9a-f:]{17}\) answers now/.exec(r.stdout)?.[1]).not.toBe(answered?.[2]);
    expect(r.stdout).toContain("controller stopped, lab 'ilbdemo' removed, API server stopped");
    // Nothing of the demo's lab is left behind.
    const left = await runCmd(['ip', 'netns', 'list']);
    expect(left.stdout).not.toMatch(/^ilbdemo-/m);
  });
});
