/**
 * The speakers' memory, idle and announcing: the lab's 3 nodes with a speaker each (the controller assigning), first
 * with no LoadBalancer Service, then with 1,000 IPv6 Services spread over the nodes. Each speaker's resident set
 * (VmRSS of its own pid) beside its V8 heap (its /metrics), so objects it keeps can be told from the runtime's own
 * memory. Targets (issue 10): under 80 MiB idle, under 100 MiB with 1,000 Services; MetalLB's chart example limits
 * its speaker to 100Mi. The same again in a second lab with node's default heap settings, so the bins' heap flags
 * are measured against their absence in one run.
 */
import type { DaemonMemory } from '../testing/daemonMemory';
import { httpClient } from '../testing/kubeHttp';
import { startSpeakerLab } from '../testing/speakerLab';
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
  readonly idle: Map<string, SpeakerMemory>;
  readonly busy: Map<string, SpeakerMemory>;
  readonly perNode: Map<string, number>;
  readonly scale: BurstFigures;
  readonly nodes: readonly string[];
}

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
    const readyBy = Date.now() + 60_000;
    while (l.nodes.some((n) => !READY.test(l.speakers.get(n)?.output() ?? ''))) {
      if (Date.now() > readyBy) throw new Error(`not every speaker became ready in 60 s:\n${l.logs()}`);
      await sleep(200);
    }
    await sleep(QUIET_MS);
    const idle = await speakerMemory(l);
    progress(`${label}: a burst of ${SERVICES} IPv6 Services`);
    const scale = await burst(l, client);
    await sleep(QUIET_MS);
    const busy = await speakerMemory(l);
    const perNode = await l2StatusesByNode(client, l.server.url, BENCH_NS);
    return { label, idle, busy, perNode, scale, nodes: l.nodes };
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
  console.log(
    `  ${r.label}: ${SERVICES} IPv6 Services (pool ${POOL6}) all with IPs after ${fmt(r.scale.allIPsMs / 1000, 1)} s, ${r.scale.announcedMs === undefined ? 'ServiceL2Status not complete 30 s later' : `a ServiceL2Status for every one after ${fmt(r.scale.announcedMs / 1000, 1)} s`}`,
  );
  for (const n of r.nodes) {
    const i = r.idle.get(n);
    const b = r.busy.get(n);
    console.log(
      `    ${n}: idle ${both(i)}; announcing ${String(r.perNode.get(n) ?? 0).padStart(4)} of ${SERVICES}: ${both(b)} (RSS x${fmt((b?.rssBytes ?? 0) / (i?.rssBytes ?? 1), 2)}); ${(b?.plans ?? 0) - (i?.plans ?? 0)} plans during the burst`,
    );
  }
}

export async function benchSpeakerMemory(): Promise<void> {
  const shipped = await measure("as shipped (the heap flags in the bin's shebang)");
  const bare = await measure('without heap flags', []);
  console.log(
    `ironlb-speaker memory, in the lab: 3 nodes, ironlb-kube in process, ironlb-controller; RSS is VmRSS of the speaker's pid, heap its /metrics (nodejs_heap_size_*), each read after ${QUIET_MS / 1000} s of quiet`,
  );
  report(shipped);
  report(bare);
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
  console.log('  reproduce: npm run bench -- speaker-memory (root: it builds the network lab)');
}
