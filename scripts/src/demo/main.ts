/**
 * `npm run demo`: the first thing a newcomer runs. Starts ironlb-kube, builds the network lab (3 nodes, a BIRD
 * router, a client, a pod per node with an echo server), shows that the lab routes and that every node reaches the
 * API server, starts ironlb-controller with a pool for the lab segment and the speakers with their nftables
 * dataplane, applies the seed documents' Services with the real kubectl and shows the IPs assigned, the split pair
 * sharing one, and the refused request's Event; then layer 2 (ARP answers, the client's requests through the VIP
 * to the pods, a failover, the same requests through the new node) and BGP (bgpPart.ts: ECMP at the router,
 * connections spread over the nodes to the pods, a node dropped by BFD while the others still answer). Everything
 * it starts it stops, even on failure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKubeServer, type KubeServer } from '@ironlb/kube-testserver';
import { Lab } from '../lab/lab';
import { tcpRequest, serveTcp } from '../lab/labServices';
import { gatherStatus } from '../lab/status';
import { formatStatus } from '../lab/statusFormat';
import {
  arpingMacs,
  KUBE_PORT,
  L2_ADVERTISEMENT,
  macOf,
  spawnSpeaker,
  writeNodeKubeconfig,
  type SpeakerProcess,
} from '../testing/speakerLab';
import { poolsYaml } from '../testing/ironlbYaml';
import { ArpPinger, pingerNow, waitSole } from '../testing/arpPinger';
import { kubeTools } from '@ironlb/kube-testserver';
import { startController, until, type ControllerProcess } from '../testing/controllerProcess';
import { repoRoot } from '../tools';
import { bgpPart } from './bgpPart';
import { indent, must, say, tail } from './show';
import { ask, askAndShow, PODS, POD_PORTS, servePods, sliceYaml, type Request } from './traffic';
import type { EchoServer } from '../lab/echo';

const PREFIX = 'ilbdemo';
const NODES = ['node1', 'node2', 'node3'];
const SEEDS = path.join(repoRoot, 'scripts', 'fixtures', 'seeds');
const CRDS = path.join(repoRoot, 'charts', 'ironlb', 'crds');
/** The lab's layer 2 pool space (README, lab address plan). */
const POOL = poolsYaml({
  name: 'lab',
  addresses: ['198.51.100.200-198.51.100.254', '2001:db8:1::200-2001:db8:1::2ff'],
});
/** The seeds' own addresses lie on the users' LANs; the lab swaps in its pool's, and says so. */
const LAB_ADDRESSES: [string, string][] = [
  ['192.168.1.144', '198.51.100.244'],
  ['192.168.1.200', '198.51.100.200'],
];
/** The speakers forward VIP traffic to the pods with nftables rules (DNAT, and masquerade for Cluster policy). */
const SPEAKER_ARGS = ['--dataplane', 'nftables'];
/** The split pair's VIP (seed 000, its address swapped for the lab's), and what the client asks it. */
const L2_VIP = '198.51.100.244';
const L2_REQUESTS: Request[] = [
  { proto: 'tcp', port: 9610 },
  { proto: 'tcp', port: 9610 },
  { proto: 'tcp', port: 9610 },
  { proto: 'udp', port: 9610 },
];
/**
 * The split pair's EndpointSlices (the seed YAML stays as its users wrote it), as an endpoint controller would write
 * them: its Services' named ports with the pods' ports their targetPorts name.
 */
const L2_SLICES = [
  sliceYaml({
    service: 'acserver1-service-tcp',
    namespace: 'acserver',
    ports: [
      { name: 'query1', protocol: 'TCP', port: 9610 },
      { name: 'query2', protocol: 'TCP', port: 8085 },
    ],
  }),
  sliceYaml({
    service: 'acserver1-service-udp',
    namespace: 'acserver',
    ports: [{ name: 'connection', protocol: 'UDP', port: 9610 }],
  }),
].join('---\n');

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('The demo builds network namespaces and needs root: run `sudo npm run demo`.');
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-demo-'));
  let server: KubeServer | undefined;
  let lab: Lab | undefined;
  let controller: ControllerProcess | undefined;
  const speakers = new Map<string, SpeakerProcess>();
  let pods: EchoServer[] = [];
  const stop = async (): Promise<void> => {
    for (const s of speakers.values()) await stopSpeaker(s);
    speakers.clear();
    await controller?.stop();
    controller = undefined;
    for (const p of pods) await p.stop();
    pods = [];
    if (lab) await Lab.down(PREFIX);
    lab = undefined;
    await server?.stop();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    say('ironlb-kube: a Kubernetes 1.35 API server for the lab');
    const kubeconfig = path.join(dir, 'kubeconfig');
    const socket = path.join(dir, 'kube.sock');
    server = await startKubeServer({
      port: 0,
      kubeconfigOut: kubeconfig,
      socketPath: socket,
      strategyOptions: { dualStack: true },
    });
    console.log(`    serving ${server.url} and ${socket}; kubeconfig ${kubeconfig}`);
    const { kubectl } = kubeTools(kubeconfig);

    say('the lab: 3 nodes, a BIRD router, a client and a pod behind each node, all in network namespaces');
    // BFD on the router for the BGP part; a session BFD closed is accepted again after 2 s (BIRD's default: minutes).
    lab = await Lab.up({
      prefix: PREFIX,
      nodes: 3,
      router: 'bird',
      ipv6: true,
      bgp: { bfd: { intervalMs: 100, multiplier: 3 }, errorWaitSec: 2 },
      kubeSocket: socket,
      kubePort: KUBE_PORT,
    });
    console.log(indent(formatStatus(await gatherStatus(lab))));

    say('the client reaches pod1 (203.0.113.18) through node1, its next hop');
    await serveTcp(lab, 'pod1', 7000, 'hello-from-pod1');
    const answer = await tcpRequest(lab, 'client', '203.0.113.18', 7000);
    console.log(`    client -> 203.0.113.18:7000 answered: ${answer || '(nothing)'}`);
    if (answer !== 'hello-from-pod1') throw new Error('the client could not reach pod1');
    pods = await servePods(lab);
    console.log(
      `    echo servers in the pods (TCP and UDP ${POD_PORTS.join(', ')}) answer each request with the pod's name and the source ` +
        `it saw:\n    ${PODS.map((p) => `${p.name} ${p.ipv4}`).join(', ')}`,
    );

    say(`every node reaches the API server at 127.0.0.1:${KUBE_PORT}, as a speaker on that node will`);
    for (const node of NODES) {
      const r = await lab.exec(node, ['curl', '-s', '--max-time', '5', `http://127.0.0.1:${KUBE_PORT}/version`]);
      const version = r.code === 0 ? (JSON.parse(r.stdout) as { gitVersion?: string }).gitVersion : undefined;
      console.log(`    ${node}: ${version ?? `failed: ${r.stderr.trim()}`}`);
      if (!version) throw new Error(`${node} cannot reach the API server`);
    }

    say('ironlb-controller: the CRDs, a pool on the lab segment, and the controller');
    await must(kubectl(['apply', '-f', CRDS]));
    console.log(`    $ kubectl apply -f - <<EOF\n${indent(POOL)}\n    EOF`);
    await must(kubectl(['apply', '-f', '-'], POOL));
    controller = startController(kubeconfig, { logFile: path.join(dir, 'controller.log') });
    console.log(`    ironlb-controller running (pid ${controller.pid})`);

    say('ironlb-speaker on every node, announcing the pool on the lab segment (layer 2)');
    console.log(`    $ kubectl apply -f - <<EOF\n${indent(L2_ADVERTISEMENT)}\n    EOF`);
    await must(kubectl(['apply', '-f', '-'], L2_ADVERTISEMENT));
    const nodeKubeconfig = path.join(dir, 'node-kubeconfig');
    writeNodeKubeconfig(nodeKubeconfig);
    for (const node of NODES) {
      const s = spawnSpeaker(lab, node, nodeKubeconfig, path.join(dir, `speaker-${node}.log`), SPEAKER_ARGS);
      speakers.set(node, s);
      console.log(`    ${node}: ironlb-speaker --node-name ${node} ${SPEAKER_ARGS.join(' ')} (pid ${s.child.pid})`);
    }
    // The speakers sign their heartbeats with the key the controller generated (they wait for it to exist).
    const secret = await until(
      () => kubectl(['get', 'secret', '-n', 'ironlb-system', 'ironlb-heartbeat-key']),
      (r) => r.code === 0,
      controller.output,
    );
    console.log(
      `    heartbeats between them are signed (HMAC-SHA256) with the key ironlb-controller created:\n` +
        `    $ kubectl get secret -n ironlb-system ironlb-heartbeat-key\n${indent(secret.stdout)}`,
    );

    say("the seed documents' Services, applied with the real kubectl v1.35");
    const swap = LAB_ADDRESSES.map(([from, to]) => `-e 's/${from}/${to}/'`).join(' ');
    for (const file of ['000-mixed-protocol.yaml', '000-split-pair.yaml', '002-nodeport.yaml', '003-requests.yaml']) {
      const text = LAB_ADDRESSES.reduce(
        (t, [from, to]) => t.replaceAll(from, to),
        fs.readFileSync(path.join(SEEDS, file), 'utf8'),
      );
      const r = await kubectl(['apply', '-f', '-'], text);
      const shown = text.includes('198.51.100.2')
        ? `sed ${swap} ${file} | kubectl apply -f -`
        : `kubectl apply -f ${file}`;
      console.log(`    $ ${shown}\n${indent(r.stdout + r.stderr)}`);
    }
    const bad = fs
      .readFileSync(path.join(SEEDS, '002-nodeport.yaml'), 'utf8')
      .replace('nodePort: 30080', 'nodePort: 8888');
    const refused = await kubectl(['apply', '-f', '-'], bad);
    console.log(
      `    $ sed -e 's|nodePort: 30080|nodePort: 8888|' 002-nodeport.yaml | kubectl apply -f -\n${indent(refused.stderr)}`,
    );

    say('the controller assigns: the split TCP/UDP pair shares one IP, the request outside every pool is refused');
    const log = controller.output;
    await until(
      () => must(kubectl(['get', 'svc', '-A', '-o', 'json'])),
      (json) => settled(json),
      log,
    );
    const all = await kubectl(['get', 'svc', '-A']);
    console.log(`    $ kubectl get svc -A\n${indent(all.stdout)}`);
    const described = await until(
      () => must(kubectl(['describe', 'service', 'invalid-request'])),
      (text) => /AllocationFailed/.test(text),
      log,
    );
    console.log(`    $ kubectl describe service invalid-request\n${indent(described)}`);
    // The pool's counts are written at most once a second.
    await until(
      () =>
        must(kubectl(['get', 'ipaddresspool', '-n', 'ironlb-system', 'lab', '-o', 'jsonpath={.status.assignedIPv4}'])),
      (assigned) => assigned === '4',
      log,
    );
    const pools = await kubectl(['get', 'ipaddresspools', '-n', 'ironlb-system']);
    console.log(`    $ kubectl get ipaddresspools -n ironlb-system\n${indent(pools.stdout)}`);

    say("layer 2: the client resolves the split pair's VIP to the MAC of the node that announces it");
    const vip = L2_VIP;
    const macs = new Map<string, string>();
    for (const node of NODES) macs.set(await macOf(lab, node), node);
    const speakerLogs = (): string => [...speakers.values()].map((s) => `--- ${s.node}\n${s.output()}`).join('\n');
    const answers = await until(
      () => arpingMacs(lab as Lab, vip),
      (a) => a.length === 1 && macs.has(a[0]),
      speakerLogs,
    );
    const announcing = macs.get(answers[0]) ?? '';
    console.log(`    client$ arping -c 1 -i eth0 ${vip}\n    answered by ${answers[0]}, the MAC of ${announcing}`);
    const status = await until(
      () => must(kubectl(['describe', 'service', '-n', 'acserver', 'acserver1-service-tcp'])),
      (text) => /nodeAssigned/.test(text),
      speakerLogs,
    );
    console.log(`    $ kubectl describe service -n acserver acserver1-service-tcp | tail\n${indent(tail(status, 5))}`);
    const l2 = await kubectl(['get', 'servicel2statuses', '-n', 'ironlb-system']);
    console.log(`    $ kubectl get servicel2statuses -n ironlb-system\n${indent(l2.stdout)}`);

    say(`layer 2 traffic: the client's requests to ${vip} reach the pods through ${announcing}, which announces it`);
    console.log(
      `    the split pair's EndpointSlices (written by the demo: no kubelet runs in the lab): ` +
        `${PODS.map((p) => p.name).join(', ')}, ports 9610 (query1, connection) and 8085 (query2)`,
    );
    await must(kubectl(['apply', '-f', '-'], L2_SLICES));
    await throughNode(lab, vip, announcing, speakerLogs);
    await askAndShow(lab, vip, L2_REQUESTS);

    say(`failover: the client asks for ${vip} every 10 ms while the speaker on ${announcing} is SIGKILLed`);
    const pinger = await ArpPinger.start(lab, 'client', { intervalMs: 10, targets: [vip] });
    let taker = '';
    try {
      const sole = { intervalMs: 10, holdMs: 300, timeoutMs: 15_000, context: speakerLogs };
      await waitSole(pinger, vip, { ...sole, mac: answers[0] });
      const killedAt = pingerNow();
      const victim = speakers.get(announcing);
      if (victim) {
        const exited = new Promise((r) => victim.child.once('exit', r));
        process.kill(victim.child.pid, 'SIGKILL');
        await exited;
      }
      const after = await waitSole(pinger, vip, { ...sole, not: answers[0] });
      const replies = pinger.replies(vip);
      const lastOld = [...replies].reverse().find((r) => r.mac === answers[0] && r.t < after.since);
      const outage = lastOld ? Math.round(after.since - lastOld.t) : Math.round(after.since - killedAt);
      taker = macs.get(after.mac) ?? after.mac;
      console.log(
        `    ${macs.get(after.mac) ?? after.mac} (${after.mac}) answers now; outage ${outage} ms ` +
          '(last answer from the old MAC to the first from the new one)',
      );
    } finally {
      await pinger.stop();
    }
    console.log(`    the same requests, now answered through ${taker}:`);
    await throughNode(lab, vip, taker, speakerLogs);
    await askAndShow(lab, vip, L2_REQUESTS);

    const theLab = lab;
    await bgpPart({
      lab: theLab,
      kubectl,
      ensureSpeaker: (node) => {
        if (speakers.get(node)?.running()) return false;
        const log = path.join(dir, `speaker-${node}.log`);
        speakers.set(node, spawnSpeaker(theLab, node, nodeKubeconfig, log, SPEAKER_ARGS));
        return true;
      },
      logs: () => `--- controller\n${controller?.output() ?? ''}\n${speakerLogs()}`,
    });
  } finally {
    say('tearing down');
    await stop();
    console.log(`    controller stopped, lab '${PREFIX}' removed, API server stopped`);
  }
}

/** Waits until TCP and UDP requests to `vip` are answered through `node` (its rules in, the client's ARP on it). */
async function throughNode(lab: Lab, vip: string, node: string, logs: () => string): Promise<void> {
  for (const proto of ['tcp', 'udp'] as const) {
    await until(
      () => ask(lab, vip, { proto, port: 9610 }),
      (a) => a.via === node,
      logs,
    );
  }
}

async function stopSpeaker(s: SpeakerProcess): Promise<void> {
  if (!s.running()) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  process.kill(s.child.pid, 'SIGTERM');
  await exited;
}

/** True once every LoadBalancer Service the demo expects to be served shows an IP. */
function settled(json: string): boolean {
  const list = JSON.parse(json) as {
    items: { metadata: { name: string }; status?: { loadBalancer?: { ingress?: unknown[] } } }[];
  };
  const served = ['acserver4-service', 'acserver1-service-tcp', 'acserver1-service-udp', 'pool-request', 'any-ip'];
  return served.every((name) =>
    list.items.some((s) => s.metadata.name === name && (s.status?.loadBalancer?.ingress?.length ?? 0) > 0),
  );
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
