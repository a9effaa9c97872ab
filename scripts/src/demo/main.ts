/**
 * `npm run demo`: the first thing a newcomer runs. Starts ironlb-kube, builds the network lab (3 nodes, a BIRD
 * router, a client, a pod per node with an echo server), shows that the lab routes and that every node reaches the
 * API server, starts the lab kubelet (which runs the pods the API asks for as processes in the nodes' namespaces)
 * and installs ironlb with `helm install` from charts/ironlb: the chart's DaemonSet and Deployment are what start
 * the speakers and the controllers. Then: a pool the webhook refuses and the one it accepts, the seed documents'
 * Services with the real kubectl (the IPs assigned, the split pair sharing one, the refused request's Event),
 * layer 2 (ARP answers, the client's requests through the VIP to the pods, the announcing node failing, the same
 * requests through the node that took over), BGP (bgpPart.ts: ECMP at the router, connections spread over the nodes
 * to the pods, a node dropped by BFD while the others still answer) and `helm uninstall`, which stops the pods and
 * leaves the pools. Everything it starts it stops, even on failure; `--keep` leaves it running until Ctrl-C.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeServer } from '@ironlb/kube-testserver';
import { Lab } from '../lab/lab';
import { tcpRequest, serveTcp } from '../lab/labServices';
import { gatherStatus } from '../lab/status';
import { formatStatus } from '../lab/statusFormat';
import { arpingMacs, KUBE_PORT, L2_ADVERTISEMENT, macOf } from '../testing/speakerLab';
import { poolYaml } from '../testing/ironlbYaml';
import { ArpPinger, pingerNow, waitSole } from '../testing/arpPinger';
import { kubeTools, kubectlPath } from '@ironlb/kube-testserver';
import { until } from '../testing/controllerProcess';
import {
  helmInstallArgs,
  releasePodsReady,
  RELEASE_NAMESPACE,
  restarts,
  startLabKubelet,
  startLabKubeServer,
} from '../testing/helmLab';
import { processSecurity } from '../lab/kubelet/capabilities';
import type { LabKubelet } from '../lab/kubelet/kubelet';
import { runCmd, type CmdResult } from '../lab/sh';
import { repoRoot } from '../tools';
import { bgpPart } from './bgpPart';
import { indent, must, say, tail } from './show';
import { ask, askAndShow, PODS, POD_PORTS, servePods, sliceYaml, type Request } from './traffic';
import type { EchoServer } from '../lab/echo';

const PREFIX = 'ilbdemo';
const NODES = ['node1', 'node2', 'node3'];
const SEEDS = path.join(repoRoot, 'scripts', 'fixtures', 'seeds');
/** The lab's layer 2 pool space (README, lab address plan). */
const POOL = poolYaml({
  name: 'lab',
  addresses: ['198.51.100.200-198.51.100.254', '2001:db8:1::200-2001:db8:1::2ff'],
});
/** The seeds' own addresses lie on the users' LANs; the lab swaps in its pool's, and says so. */
const LAB_ADDRESSES: [string, string][] = [
  ['192.168.1.144', '198.51.100.244'],
  ['192.168.1.200', '198.51.100.200'],
];
/**
 * The chart's values the demo sets: the speakers forward VIP traffic to the pods with nftables rules (DNAT, and
 * masquerade for Cluster policy); the rest are the chart's defaults.
 */
const HELM_SETS = ['speaker.dataplane=nftables'];
/** The chart's pods in a 3-node lab: a speaker per node and the controller's 2 replicas. */
const RELEASE_PODS = 5;
/** A pool the webhook refuses: host bits set in a CIDR. */
const BAD_POOL = poolYaml({ name: 'typo', addresses: ['198.51.100.200/24'] });
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
  const keep = process.argv.includes('--keep');
  // kubectl finds its plugins on PATH: kubectl-ironlb is in node_modules/.bin, as `npm install` puts it.
  process.env.PATH = `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-demo-'));
  // The controller's pods run as uid 65534 (the chart's securityContext): their kubeconfig lies below.
  fs.chmodSync(dir, 0o711);
  let server: KubeServer | undefined;
  let lab: Lab | undefined;
  let kubelet: LabKubelet | undefined;
  let pods: EchoServer[] = [];
  const stop = async (): Promise<void> => {
    await kubelet?.stop();
    kubelet = undefined;
    for (const p of pods) await p.stop();
    pods = [];
    if (lab) await Lab.down(PREFIX);
    lab = undefined;
    await server?.stop();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (!keep) process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    say('ironlb-kube: a Kubernetes 1.35 API server for the lab');
    // The API server calls the webhook at its pod's address, which lives in a lab namespace: through a socket.
    const api = await startLabKubeServer(dir, () => kubelet);
    server = api.server;
    const { kubeconfig, socket } = api;
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

    say('the lab kubelet: it registers the nodes and runs the pods the API asks for, as processes in their namespaces');
    kubelet = await startLabKubelet(lab, kubeconfig, socket, path.join(dir, 'kubelet'));
    const logs = (): string => kubelet?.logs() ?? '';
    console.log(`    $ kubectl get nodes -o wide\n${indent(await must(kubectl(['get', 'nodes', '-o', 'wide'])))}`);

    say("helm install: the chart's CRDs, RBAC, webhook, the controller Deployment and the speaker DaemonSet");
    const install = helmInstallArgs(HELM_SETS);
    console.log(`    $ helm ${install.join(' ').replace(repoRoot + '/', '')}`);
    const { helm } = kubeTools(kubeconfig);
    console.log(indent(await must(helm(install))));
    await releasePodsReady(kubectl, RELEASE_PODS, logs);
    const wide = await must(kubectl(['get', 'pods', '-n', RELEASE_NAMESPACE, '-o', 'wide']));
    console.log(`    $ kubectl get pods -n ${RELEASE_NAMESPACE} -o wide\n${indent(wide)}`);
    const workloads = await must(kubectl(['get', 'daemonsets,deployments', '-n', RELEASE_NAMESPACE]));
    console.log(`    $ kubectl get daemonsets,deployments -n ${RELEASE_NAMESPACE}\n${indent(workloads)}`);
    console.log("    each pod is a process run with its container's command, args, env and securityContext:");
    for (const p of kubelet.processes()) console.log(`    ${p.node}: ${p.pod} ${processSummary(p.pid)}`);

    say(
      'the validating webhook (served by the controller, called by the API server) refuses a pool with host bits set',
    );
    console.log(`    $ kubectl apply -f - <<EOF\n${indent(BAD_POOL)}\n    EOF`);
    // The controller writes the webhook's caBundle once it has its certificate: until then the call fails closed.
    const refusedPool = await until(
      () => kubectl(['apply', '-f', '-'], BAD_POOL),
      (r) => r.code !== 0 && /denied the request/.test(r.stderr),
      logs,
    );
    console.log(indent(refusedPool.stderr));

    say('a pool on the lab segment and an L2Advertisement, accepted');
    const l2Config = `${POOL}---\n${L2_ADVERTISEMENT}`;
    console.log(`    $ kubectl apply -f - <<EOF\n${indent(l2Config)}\n    EOF`);
    console.log(indent(await must(kubectl(['apply', '-f', '-'], l2Config))));
    // The speakers sign their heartbeats with the key the controller generated.
    const secret = await must(kubectl(['get', 'secret', '-n', RELEASE_NAMESPACE, 'ironlb-heartbeat-key']));
    console.log(
      `    heartbeats between the speakers are signed (HMAC-SHA256) with the key ironlb-controller created:\n` +
        `    $ kubectl get secret -n ${RELEASE_NAMESPACE} ironlb-heartbeat-key\n${indent(secret)}`,
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
    const log = logs;
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
    // The verdict is a condition too, whose reason is the allocator's code: for scripts, and it outlives the Event.
    const waited = await must(
      kubectl(['wait', '--for=condition=ironlb.io/IPAllocated=false', 'svc/invalid-request', '--timeout=30s']),
    );
    const condition = await must(
      kubectl([
        'get',
        'svc',
        'invalid-request',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="ironlb.io/IPAllocated")].reason}',
      ]),
    );
    console.log(
      `    $ kubectl wait --for=condition=ironlb.io/IPAllocated=false svc/invalid-request\n${indent(waited)}\n` +
        `    $ kubectl get svc invalid-request -o jsonpath='{.status.conditions[?(@.type=="ironlb.io/IPAllocated")].reason}'\n` +
        `    ${condition}`,
    );
    console.log("    seed 003's other requests, each with the Event that explains it:");
    for (const name of SEED_003_OTHERS) {
      const text = await until(
        () => must(kubectl(['describe', 'service', name])),
        (t) => eventRows(t).length > 0,
        log,
      );
      console.log(`    $ kubectl describe service ${name}   # its Events\n${indent(eventRows(text).join('\n'))}`);
    }
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
    const speakerLogs = logs;
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
    // kubectl runs a plugin only with the plugin's name first: the kubeconfig goes in KUBECONFIG.
    const explained = await must(
      runCmd([kubectlPath(), 'ironlb', 'explain', 'svc/acserver1-service-tcp', '-n', 'acserver'], {
        env: { ...process.env, KUBECONFIG: kubeconfig },
      }),
    );
    console.log(`    $ kubectl ironlb explain svc/acserver1-service-tcp -n acserver\n${indent(explained)}`);

    say(`layer 2 traffic: the client's requests to ${vip} reach the pods through ${announcing}, which announces it`);
    console.log(
      `    the split pair's EndpointSlices (written by the demo: its echo servers are lab processes, not Pods): ` +
        `${PODS.map((p) => p.name).join(', ')}, ports 9610 (query1, connection) and 8085 (query2)`,
    );
    await must(kubectl(['apply', '-f', '-'], L2_SLICES));
    await throughNode(lab, vip, announcing, speakerLogs);
    await askAndShow(lab, vip, L2_REQUESTS);

    say(
      `failover: the client asks for ${vip} every 10 ms while ${announcing} fails: its pods are SIGKILLed, its kubelet stops`,
    );
    const pinger = await ArpPinger.start(lab, 'client', { intervalMs: 10, targets: [vip] });
    let taker = '';
    try {
      const sole = { intervalMs: 10, holdMs: 300, timeoutMs: 15_000, context: speakerLogs };
      await waitSole(pinger, vip, { ...sole, mac: answers[0] });
      const killedAt = pingerNow();
      const killed = await kubelet.failNode(announcing);
      console.log(`    killed on ${announcing}: ${killed.join(', ')}`);
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

    say(`${announcing} comes back: its kubelet starts its pods again`);
    kubelet.reviveNode(announcing);
    await releasePodsReady(kubectl, RELEASE_PODS, logs, (p) => p.spec.nodeName !== announcing || restarts(p) > 0);
    const restarted = await must(kubectl(['get', 'pods', '-n', RELEASE_NAMESPACE, '-o', 'wide']));
    console.log(`    $ kubectl get pods -n ${RELEASE_NAMESPACE} -o wide\n${indent(restarted)}`);

    await bgpPart({ lab, kubectl, logs });

    // The pods call the API server as their service accounts, which ironlb-kube authorizes by the chart's RBAC.
    const refusals = logs()
      .split('\n')
      .filter((l) => / is forbidden: User "system:serviceaccount:/.test(l));
    if (refusals.length > 0) throw new Error(`the chart's RBAC refused the daemons:\n${refusals.join('\n')}`);
    console.log(
      '\n    every API call of the speakers and controllers above was made as their service account and allowed by ' +
        "the chart's RBAC (ironlb-kube authorizes them; none refused)",
    );

    say("helm uninstall: the pods stop, the CRDs and the pools stay (helm never deletes a chart's crds/)");
    console.log(`    $ helm uninstall ironlb -n ${RELEASE_NAMESPACE}`);
    console.log(indent(await must(helm(['uninstall', 'ironlb', '-n', RELEASE_NAMESPACE]))));
    await until(
      async () => kubelet?.processes().length ?? 0,
      (n) => n === 0,
      logs,
    );
    console.log(`    the lab kubelet stopped every pod of the release (SIGTERM, then the grace period)`);
    const kept = await must(kubectl(['get', 'ipaddresspools', '-n', RELEASE_NAMESPACE]));
    console.log(`    $ kubectl get ipaddresspools -n ${RELEASE_NAMESPACE}\n${indent(kept)}`);
    if (keep) await keepRunning(kubeconfig, helm);
  } finally {
    say('tearing down');
    await stop();
    console.log(`    pods stopped, lab '${PREFIX}' removed, API server stopped`);
  }
}

/** `--keep`: the lab stays up (ironlb installed again) until Ctrl-C, and the user is told how to look at it. */
async function keepRunning(kubeconfig: string, helm: (args: string[]) => Promise<CmdResult>): Promise<void> {
  await must(helm(helmInstallArgs(HELM_SETS)));
  console.log(
    [
      '',
      'The lab stays up with ironlb installed again (--keep). In another shell, as root:',
      `  export KUBECONFIG=${kubeconfig}`,
      `  .tools/bin/kubectl get svc -A; .tools/bin/kubectl get pods -n ${RELEASE_NAMESPACE} -o wide`,
      `  PATH=$PWD/node_modules/.bin:$PATH .tools/bin/kubectl ironlb status`,
      `  ip netns exec ${PREFIX}-client arping -c 1 -I eth0 ${L2_VIP}`,
      `  ip netns exec ${PREFIX}-node1 nft list table inet ironlb`,
      'Ctrl-C tears everything down.',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}

/** A process's user, effective capabilities and command line, from /proc, as `ps` and `getpcaps` would show them. */
function processSummary(pid: number): string {
  const sec = processSecurity(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  const caps = sec.effective.length > 0 ? sec.effective.map((c) => `cap_${c}`).join(',') : 'none';
  const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const shown = cmdline.map((a) => a.replace(repoRoot + '/', '')).join(' ');
  return `(pid ${pid}, uid ${sec.uid}, capabilities ${caps}): ${shown}`;
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

/** Seed 003's Services besides invalid-request, whose describe the demo shows whole. */
const SEED_003_OTHERS = ['pool-request', 'any-ip', 'service-http', 'service-https'];

/** The rows of `kubectl describe`'s Events table (without its header and rule). */
function eventRows(describe: string): string[] {
  const lines = describe.split('\n');
  // "Events:  <none>" when there are none; else "Events:" alone, a header, a rule, then the rows.
  const at = lines.findIndex((l) => l.trimEnd() === 'Events:');
  if (at < 0) return [];
  return lines
    .slice(at + 3)
    .map((l) => l.trim())
    .filter((l) => l !== '');
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
