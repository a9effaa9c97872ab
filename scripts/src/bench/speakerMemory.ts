/**
 * The speakers' memory, idle and announcing: the lab's 3 nodes with a speaker each (the controller assigning), first
 * with no LoadBalancer Service, then with 1,000 IPv6 Services spread over the nodes. Each speaker's resident set
 * (VmRSS of its own pid) beside its V8 heap (its /metrics), so objects it keeps can be told from the runtime's own
 * memory. Targets (issue 10): under 80 MiB idle, under 100 MiB with 1,000 Services; MetalLB's chart example limits
 * its speaker to 100Mi. The same again in a second lab with node's default heap settings, so the bins' heap flags
 * are measured against their absence in one run. Then BGP mode in a third lab (no L2Advertisement; BIRD as the
 * router, BFD at 100 ms x 3 on both ends): idle with the sessions up but no BFD, idle with BFD (the speaker's BFD
 * worker thread started), then with the same 1,000 Services, each advertised from every node.
 */
import { routerBfdSessions } from '../lab/routerQueries';
import { bgpConfigYaml } from '../testing/bgpLab';
import type { DaemonMemory } from '../testing/daemonMemory';
import { httpClient } from '../testing/kubeHttp';
import { startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';
import {
  BENCH_NS,
  burst,
  l2StatusesByNode,
  POOL6,
  SERVICES,
  SPEAKER_METRICS_PORT,
  speakerMemory,
  type BurstFigures,
  type SpeakerMemory,
  type StatusPlural,
} from './l2Burst';
import { fmt, mib } from './stats';

const PREFIX = 'ilbbenchmem';
/** Quiet time before each reading: the last writes and Events are done, and the heap is what stays. */
const QUIET_MS = 10_000;
const IDLE_TARGET = 80 * 1024 * 1024;
const BUSY_TARGET = 100 * 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const progress = (text: string): void => void process.stderr.write(`[speaker-memory] ${text}\n`);
const READY = /"msg":"ready: every list synced/;

interface Reading {
  readonly label: string;
  readonly mode: 'layer2' | 'bgp';
  /** BGP: idle with the sessions up and no BFD, before the BFDProfile is applied. */
  readonly noBfd?: Map<string, SpeakerMemory>;
  readonly idle: Map<string, SpeakerMemory>;
  readonly busy: Map<string, SpeakerMemory>;
  readonly perNode: Map<string, number>;
  readonly scale: BurstFigures;
  readonly nodes: readonly string[];
}

async function untilTrue(what: string, l: SpeakerLab, check: () => Promise<boolean> | boolean): Promise<void> {
  const by = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > by) throw new Error(`${what}: not within 60 s\n${l.logs()}`);
    await sleep(200);
  }
}

const allReady = (l: SpeakerLab): boolean => l.nodes.every((n) => READY.test(l.speakers.get(n)?.output() ?? ''));

/** One lab: idle, then the burst; `nodeFlags` replaces the bin's heap flags when given. */
async function measure(label: string, nodeFlags?: string[]): Promise<Reading> {
  progress(`${label}: starting the lab, ironlb-kube, the controller and 3 speakers`);
  const l = await startSpeakerLab({
    prefix: PREFIX,
    speakerArgs: ['--metrics-port', String(SPEAKER_METRICS_PORT)],
    ...(nodeFlags ? { nodeFlags } : {}),
  });
  const client = httpClient(32);
  try {
    await untilTrue('every speaker ready', l, () => allReady(l));
    await sleep(QUIET_MS);
    const idle = await speakerMemory(l);
    progress(`${label}: a burst of ${SERVICES} IPv6 Services`);
    const scale = await burst(l, client);
    await sleep(QUIET_MS);
    const busy = await speakerMemory(l);
    const perNode = await l2StatusesByNode(client, l.server.url, BENCH_NS);
    return { label, mode: 'layer2', idle, busy, perNode, scale, nodes: l.nodes };
  } finally {
    for (const n of l.nodes) await l.killSpeaker(n, 'SIGTERM');
    client.close();
    await l.stop();
  }
}

/** The BGP lab's BFD timers, router and BFDProfile alike. */
const BFD = { intervalMs: 100, multiplier: 3 };
const BFD_PROFILE = `apiVersion: ironlb.io/v1beta1
kind: BFDProfile
metadata:
  name: bench
  namespace: ironlb-system
spec:
  receiveInterval: ${BFD.intervalMs}
  transmitInterval: ${BFD.intervalMs}
  detectMultiplier: ${BFD.multiplier}
`;
/** The burst's pool (burst() creates it), advertised over BGP. */
const BENCH_ADVERTISEMENT = `apiVersion: ironlb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: bench6
  namespace: ironlb-system
spec:
  ipAddressPools: [bench6]
`;
const BGP_STATUS: { plural: StatusPlural; perService: number } = { plural: 'servicebgpstatuses', perService: 3 };

/**
 * BGP mode in its own lab: the L2Advertisement removed before the speakers start, a BGPPeer per router address;
 * idle with the sessions up and no BFD, idle again once the peers name a BFDProfile and the router's BFD sessions
 * are Up, then the burst (each Service advertised from every node: a ServiceBGPStatus per node).
 */
async function measureBgp(label: string): Promise<Reading> {
  progress(
    `${label}: starting the lab (BIRD, BFD ${BFD.intervalMs} ms x ${BFD.multiplier}), ironlb-kube, the controller`,
  );
  const l = await startSpeakerLab({
    prefix: PREFIX,
    speakerArgs: ['--metrics-port', String(SPEAKER_METRICS_PORT)],
    speakers: false,
    router: 'bird',
    bgp: { bfd: BFD, holdTimeSec: 9, errorWaitSec: 1 },
  });
  const client = httpClient(32);
  try {
    await l.ok(['delete', 'l2advertisement', 'lab', '-n', 'ironlb-system']);
    const config = (bfd: boolean): string =>
      bgpConfigYaml({
        peerSpec: bfd ? '  bfdProfile: bench\n' : '',
        extra: bfd ? `${BENCH_ADVERTISEMENT}---\n${BFD_PROFILE}` : BENCH_ADVERTISEMENT,
      });
    await l.ok(['apply', '-f', '-'], config(false));
    for (const n of l.nodes) l.startSpeaker(n);
    await untilTrue('every speaker ready', l, () => allReady(l));
    const sessions = l.nodes.flatMap((n) => [n, `${n}_v6`]);
    const established = async (): Promise<boolean> => {
      const st = await l.lab.routerStatus();
      return sessions.every((name) => st.sessions.some((x) => x.name === name && x.established));
    };
    await untilTrue('every BGP session Established at the router', l, established);
    await sleep(QUIET_MS);
    const noBfd = await speakerMemory(l, 'bgp');
    progress(`${label}: BFD on (the peers name a BFDProfile)`);
    await l.ok(['apply', '-f', '-'], config(true));
    const addresses = l.lab.plan.hosts
      .filter((h) => h.role === 'node')
      .flatMap((h) => [h.ifaces[0].ipv4, h.ifaces[0].ipv6 ?? '']);
    await untilTrue('every BFD session Up at the router', l, async () => {
      const bfd = await routerBfdSessions(l.lab);
      return addresses.every((a) => bfd[a] === 'Up') && (await established());
    });
    await sleep(QUIET_MS);
    const idle = await speakerMemory(l, 'bgp');
    progress(`${label}: a burst of ${SERVICES} IPv6 Services`);
    const scale = await burst(l, client, BGP_STATUS);
    await sleep(QUIET_MS);
    const busy = await speakerMemory(l, 'bgp');
    const perNode = await l2StatusesByNode(client, l.server.url, BENCH_NS, BGP_STATUS.plural);
    return { label, mode: 'bgp', noBfd, idle, busy, perNode, scale, nodes: l.nodes };
  } finally {
    for (const n of l.nodes) await l.killSpeaker(n, 'SIGTERM');
    client.close();
    await l.stop();
  }
}

const both = (m: DaemonMemory | undefined): string =>
  m === undefined
    ? '?'
    : `RSS ${mib(m.rssBytes).padStart(7)}, heap ${mib(m.heapUsedBytes).padStart(6)} used of ${mib(m.heapTotalBytes).padStart(6)}`;
const maxRss = (m: Map<string, DaemonMemory>): number => Math.max(...[...m.values()].map((x) => x.rssBytes));

function report(r: Reading): void {
  const kind = r.mode === 'bgp' ? 'ServiceBGPStatus' : 'ServiceL2Status';
  const every = r.mode === 'bgp' ? `one per node (${r.nodes.length})` : 'a';
  console.log(
    `  ${r.label}: ${SERVICES} IPv6 Services (pool ${POOL6}) all with IPs after ${fmt(r.scale.allIPsMs / 1000, 1)} s, ${r.scale.announcedMs === undefined ? `${kind} not complete ${30 * (r.mode === 'bgp' ? BGP_STATUS.perService : 1)} s later` : `${every} ${kind} for every one after ${fmt(r.scale.announcedMs / 1000, 1)} s`}`,
  );
  for (const n of r.nodes) {
    const i = r.idle.get(n);
    const b = r.busy.get(n);
    const before = r.noBfd?.get(n);
    const noBfd = before
      ? `idle, no BFD ${both(before)}; BFD on: +${mib((i?.rssBytes ?? 0) - before.rssBytes)} RSS, `
      : 'idle ';
    console.log(
      `    ${n}: ${noBfd}${both(i)}; announcing ${String(r.perNode.get(n) ?? 0).padStart(4)} of ${SERVICES}: ${both(b)} (RSS x${fmt((b?.rssBytes ?? 0) / (i?.rssBytes ?? 1), 2)}); ${(b?.plans ?? 0) - (i?.plans ?? 0)} plans during the burst`,
    );
  }
}

const BGP_LABEL = `BGP mode as shipped (BIRD router, BFD ${BFD.intervalMs} ms x ${BFD.multiplier} on both peers of each node)`;

/** `--bgp`: the BGP lab alone (its rows, without the layer 2 comparison). */
export async function benchSpeakerMemory(args: string[] = []): Promise<void> {
  const heading = `ironlb-speaker memory, in the lab: 3 nodes, ironlb-kube in process, ironlb-controller; RSS is VmRSS of the speaker's pid (its BFD worker thread included), heap its /metrics (nodejs_heap_size_*: the main thread's), each read after ${QUIET_MS / 1000} s of quiet`;
  if (args.includes('--bgp')) {
    const bgp = await measureBgp(BGP_LABEL);
    console.log(heading);
    report(bgp);
    return;
  }
  const shipped = await measure("layer 2 as shipped (the heap flags in the bin's shebang)");
  const bare = await measure('layer 2 without heap flags', []);
  const bgp = await measureBgp(BGP_LABEL);
  console.log(heading);
  report(shipped);
  report(bare);
  report(bgp);
  const verdict = (v: number, target: number): string =>
    `${mib(v)} (target < ${mib(target)}: ${v < target ? 'met' : 'NOT met'})`;
  console.log(
    `  highest RSS as shipped: idle ${verdict(maxRss(shipped.idle), IDLE_TARGET)}; with ${SERVICES} Services ${verdict(maxRss(shipped.busy), BUSY_TARGET)}`,
  );
  const statusRatio =
    shipped.scale.announcedMs !== undefined && bare.scale.announcedMs !== undefined
      ? fmt(shipped.scale.announcedMs / bare.scale.announcedMs, 2)
      : '?';
  console.log(
    `  with / without the heap flags: highest RSS with ${SERVICES} Services ${fmt(maxRss(shipped.busy) / maxRss(bare.busy), 2)}, idle ${fmt(maxRss(shipped.idle) / maxRss(bare.idle), 2)}; time to every ServiceL2Status ${statusRatio}`,
  );
  console.log(
    `  layer 2 / BGP with BFD, as shipped: highest RSS idle ${mib(maxRss(shipped.idle))} / ${mib(maxRss(bgp.idle))}, with ${SERVICES} Services ${mib(maxRss(shipped.busy))} / ${mib(maxRss(bgp.busy))}; BGP idle without BFD ${mib(maxRss(bgp.noBfd ?? new Map()))}`,
  );
  console.log('  reproduce: npm run bench -- speaker-memory [--bgp] (root: it builds the network lab)');
}
