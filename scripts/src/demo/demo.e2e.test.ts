/** The README's first command must keep working: run the built demo end to end and check what it shows. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labTestGate } from '../lab/testGate';
import { runCmd } from '../lab/sh';
import { repoRoot } from '../tools';

const DEMO = path.join(repoRoot, 'scripts', 'dist', 'demo', 'main.js');

labTestGate('npm run demo', () => {
  test('builds the lab, reaches pod1 and the API server from every node, assigns the seeds their IPs, sends traffic to the pods through the L2 VIP before and after its failover, shows BGP ECMP and connections to the pods over the nodes, and a BFD drop, cleans up', async () => {
    expect(fs.existsSync(DEMO)).toBe(true);
    const r = await runCmd([process.execPath, DEMO], { timeoutMs: 180_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('client -> 203.0.113.18:7000 answered: hello-from-pod1');
    // helm install is what starts the daemons: the lab kubelet runs the chart's pods, ready by their probes, each
    // process with the chart's securityContext (the speaker root with three capabilities, the controller nobody).
    expect(r.stdout).toMatch(
      /helm install ironlb charts\/ironlb -n ironlb-system --create-namespace[^\n]*\n\s+NAME: ironlb/,
    );
    expect(r.stdout).toMatch(/STATUS: deployed/);
    const pods = section(r.stdout, '$ kubectl get pods -n ironlb-system -o wide');
    expect(pods.match(/^\s+ironlb-speaker-\w+\s+1\/1\s+Running\s+0\s/gm)).toHaveLength(3);
    expect(pods.match(/^\s+ironlb-controller-\w+-\w+\s+1\/1\s+Running\s+0\s+\S+\s+203\.0\.113\.\d+\s/gm)).toHaveLength(
      2,
    );
    expect(r.stdout).toMatch(/daemonset\.apps\/ironlb-speaker\s+3\s+3\s+3\s+3\s+3\s/);
    expect(r.stdout).toMatch(/deployment\.apps\/ironlb-controller\s+2\/2\s+2\s+2\s/);
    expect(
      r.stdout.match(
        /node\d: ironlb-speaker-\w+ \(pid \d+, uid 0, capabilities cap_net_bind_service,cap_net_admin,cap_net_raw\): node .*speaker\/bin\/ironlb-speaker\.js --node-name=node\d --namespace=ironlb-system/g,
      ),
    ).toHaveLength(3);
    expect(
      r.stdout.match(
        /node\d: ironlb-controller-\S+ \(pid \d+, uid 65534, capabilities none\): node .*controller\/bin\/ironlb-controller\.js --leader-elect/g,
      ),
    ).toHaveLength(2);
    // The webhook, served by the controller's pod and called by the API server, refuses a pool with host bits.
    expect(r.stdout).toContain(
      'admission webhook "validate.ironlb.io" denied the request: IPAddressPool ironlb-system/typo: spec.addresses[0]: invalid CIDR "198.51.100.200/24": host bits are set',
    );
    expect(r.stdout).toMatch(/ipaddresspool\.ironlb\.io\/lab created\n\s+l2advertisement\.ironlb\.io\/lab created/);
    // The refusal is a condition too, its reason the allocator's code, waited on with kubectl.
    expect(r.stdout).toContain('service/invalid-request condition met');
    expect(r.stdout).toMatch(
      /jsonpath='\{\.status\.conditions\[\?\(@\.type=="ironlb\.io\/IPAllocated"\)\]\.reason\}'\n\s+notInAnyPool\n/,
    );
    // Seed 003: the requests inside a pool served, each outside refused, each with its Event.
    expect(section(r.stdout, '$ kubectl describe service pool-request')).toContain(
      'pool "doc-example" does not exist; the address comes from the auto-assign pools',
    );
    for (const name of ['service-http', 'service-https']) {
      expect(section(r.stdout, `$ kubectl describe service ${name}`)).toContain(
        `Failed to allocate IP for "default/${name}": "172.31.249.7" is not allowed in config`,
      );
    }
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
    // kubectl ironlb explain names the pool, the sharing and the announcing node.
    const explained = section(r.stdout, '$ kubectl ironlb explain svc/acserver1-service-tcp -n acserver');
    expect(explained).toMatch(/Sharing Key:\s+acserver-service/);
    expect(explained).toMatch(new RegExp(`layer2\\s+${answered?.[2]}\\s+IPv4\\s+alive`));
    // The failed node's pods are SIGKILLed; another node answers for its IP, and the outage is printed.
    expect(r.stdout).toMatch(new RegExp(`killed on ${answered?.[2]}: ironlb-speaker-\\w+/speaker \\(pid \\d+\\)`));
    expect(r.stdout).toMatch(/(node\d) \(([0-9a-f:]{17})\) answers now; outage \d+ ms/);
    const taker = /(node\d) \([0-9a-f:]{17}\) answers now/.exec(r.stdout)?.[1];
    expect(taker).not.toBe(answered?.[2]);
    // The node comes back: its kubelet restarts its speaker (RESTARTS 1), ready again.
    const back = section(r.stdout, `=== ${answered?.[2]} comes back`);
    expect(back).toMatch(
      new RegExp(`^\\s+ironlb-speaker-\\w+\\s+1/1\\s+Running\\s+1\\s+\\S+\\s+\\S+\\s+${answered?.[2]}\\s`, 'm'),
    );
    // The client's requests through the L2 VIP reach the pods: first through the announcing node, then, after the
    // failover, through the one that took over; each pod saw that node's address (Cluster policy).
    const l2Before = echoAnswers(section(r.stdout, '=== layer 2 traffic'), '198.51.100.244:9610');
    const l2After = echoAnswers(section(r.stdout, 'the same requests, now answered through'), '198.51.100.244:9610');
    for (const [answers, node] of [
      [l2Before, answered?.[2]],
      [l2After, taker],
    ] as const) {
      expect(answers.map((a) => a.proto)).toEqual(['tcp', 'tcp', 'tcp', 'udp']);
      for (const a of answers) {
        expect(['pod1-0', 'pod2-0', 'pod3-0']).toContain(a.pod);
        expect(a.via).toBe(node);
        expect(nodeAddresses(a.via)).toContain(a.source);
      }
    }
    // BGP: every node's IPv4 and IPv6 sessions are up with BFD, the IPv4 and IPv6 Services get IPs in the BGP pool,
    // and the router learns each from all three nodes.
    for (const k of [1, 2, 3]) {
      expect(r.stdout).toMatch(new RegExp(`node${k}\\s+198\\.51\\.100\\.1${k}\\s+Established\\s+BFD Up\\n`));
      expect(r.stdout).toMatch(new RegExp(`node${k}_v6\\s+2001:db8:1::1${k}\\s+Established\\s`));
    }
    const vip4 = /^\s+web4\s+LoadBalancer\s+\S+\s+(203\.0\.113\.\d+)\s/m.exec(r.stdout)?.[1];
    expect(vip4).toBeDefined();
    expect(r.stdout).toMatch(/^\s+web6\s+LoadBalancer\s+\S+\s+2001:db8:200::\S*\s/m);
    for (const node of ['node1', 'node2', 'node3']) {
      expect(r.stdout).toMatch(new RegExp(`default\\.web4\\.${node}\\s+${node}\\s+web4\\s+default\\s+.*router-v4`));
    }
    const bird = section(r.stdout, `router$ birdc show route ${vip4}/32 all`);
    for (const k of [1, 2, 3]) expect(bird).toContain(`via 198.51.100.1${k} on eth0`);
    const ecmp = (hops: number[]): RegExp =>
      new RegExp(hops.map((k) => `\\s+nexthop via 198\\.51\\.100\\.1${k} dev eth0 weight 1`).join('') + '\\n');
    const kernel = section(r.stdout, `router$ ip route show ${vip4}\n`);
    expect(kernel).toMatch(ecmp([1, 2, 3]));
    expect(r.stdout).toContain(`client$ ip route get ${vip4}\n    ${vip4} via 198.51.100.1 dev eth0`);
    // The client's connections to the BGP VIP come through at least two nodes (ECMP by ports), each forwarding to
    // web4's pods, pod1-0 and pod3-0.
    const bgpBefore = echoAnswers(section(r.stdout, `=== connections from the client to ${vip4}:80`), `${vip4}:80`);
    expect(bgpBefore.length).toBeGreaterThanOrEqual(6);
    expect(new Set(bgpBefore.map((a) => a.via)).size).toBeGreaterThanOrEqual(2);
    for (const a of bgpBefore) {
      expect(['pod1-0', 'pod3-0']).toContain(a.pod);
      expect(nodeAddresses(a.via)).toContain(a.source);
    }
    // node2's link goes down: the router drops it (BFD, well within the 90 s hold time), then takes it back.
    const dropped = /the router dropped node2 (\d+) ms after its link went down/.exec(r.stdout);
    expect(dropped).not.toBeNull();
    expect(Number(dropped?.[1])).toBeLessThan(20_000);
    expect(section(r.stdout, 'the router dropped node2')).toMatch(ecmp([1, 3]));
    // With node2's link down, the connections are still answered, through node1 and node3.
    const bgpCut = echoAnswers(section(r.stdout, "the client's connections, still answered"), `${vip4}:80`);
    expect(bgpCut).toHaveLength(4);
    for (const a of bgpCut) {
      expect(['pod1-0', 'pod3-0']).toContain(a.pod);
      expect(['node1', 'node3']).toContain(a.via);
      expect(nodeAddresses(a.via)).toContain(a.source);
    }
    expect(section(r.stdout, 'three next hops again')).toMatch(ecmp([1, 2, 3]));
    // helm uninstall stops the pods and leaves the pools.
    expect(r.stdout).toContain('release "ironlb" uninstalled');
    const kept = section(r.stdout, 'the lab kubelet stopped every pod of the release');
    expect(kept).toMatch(/^\s+bgp\s/m);
    expect(kept).toMatch(/^\s+lab\s/m);
    expect(r.stdout).toContain("pods stopped, lab 'ilbdemo' removed, API server stopped");
    // Nothing of the demo's lab is left behind: no namespace, and none of the pods' processes (by their pids).
    const left = await runCmd(['ip', 'netns', 'list']);
    expect(left.stdout).not.toMatch(/^ilbdemo-/m);
    const pids = [...r.stdout.matchAll(/\(pid (\d+)[,)]/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThanOrEqual(5);
    for (const pid of pids) expect(daemonAlive(pid)).toBe(false);
  }, 200_000);
});

interface EchoLine {
  proto: string;
  pod: string;
  source: string;
  via: string;
}

/** True when `pid` is a live ironlb daemon (a reused pid running something else is not). */
function daemonAlive(pid: number): boolean {
  try {
    return /ironlb-(speaker|controller)/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/** The demo's request lines to `target` (`tcp 198.51.100.244:9610 -> pod3-0, which saw 198.51.100.11 (node1)`). */
function echoAnswers(text: string, target: string): EchoLine[] {
  const line = /^\s+(tcp|udp) (\S+) -> (pod\d-\d), which saw (\S+) \((node\d)\)$/gm;
  return [...text.matchAll(line)]
    .filter((m) => m[2] === target)
    .map((m) => ({ proto: m[1], pod: m[3], source: m[4], via: m[5] }));
}

/** Node k's own addresses, the sources its masquerade gives: on the segment, and toward its pod (lab plan). */
function nodeAddresses(node: string): string[] {
  const k = Number(node.replace('node', ''));
  return [`198.51.100.${10 + k}`, `203.0.113.${16 * k + 1}`];
}

/** The output from `from` up to the next heading (or the end). */
function section(stdout: string, from: string): string {
  const at = stdout.indexOf(from);
  if (at < 0) return '';
  const next = stdout.indexOf('\n=== ', at);
  return stdout.slice(at, next < 0 ? undefined : next);
}
