/**
 * The speakers' memory, idle and announcing: the lab's 3 nodes with a speaker each (the controller assigning), first
 * with no LoadBalancer Service, then with 1,000 IPv6 Services spread over the nodes. Each speaker's resident set
 * (VmRSS of its own pid) beside its V8 heap (its /metrics), so objects it keeps can be told from the runtime's own
 * memory. Targets (issue 10): under 80 MiB idle, under 100 MiB with 1,000 Services; MetalLB's chart example limits
 * its speaker to 100Mi.
 */
import type { DaemonMemory } from '../testing/daemonMemory';
import { httpClient } from '../testing/kubeHttp';
import { startSpeakerLab } from '../testing/speakerLab';
import { BENCH_NS, burst, l2StatusesByNode, POOL6, SERVICES, SPEAKER_METRICS_PORT, speakerMemory } from './l2Burst';
import { fmt, mib } from './stats';

const PREFIX = 'ilbbenchmem';
/** Quiet time before each reading: the last writes and Events are done, and the heap is what stays. */
const QUIET_MS = 10_000;
const IDLE_TARGET = 80 * 1024 * 1024;
const BUSY_TARGET = 100 * 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const progress = (text: string): void => void process.stderr.write(`[speaker-memory] ${text}\n`);
const READY = /"msg":"ready: every list synced/;

export async function benchSpeakerMemory(): Promise<void> {
  progress('starting the lab, ironlb-kube, the controller and 3 speakers');
  const l = await startSpeakerLab({ prefix: PREFIX, speakerArgs: ['--metrics-port', String(SPEAKER_METRICS_PORT)] });
  const client = httpClient(32);
  try {
    const readyBy = Date.now() + 60_000;
    while (l.nodes.some((n) => !READY.test(l.speakers.get(n)?.output() ?? ''))) {
      if (Date.now() > readyBy) throw new Error(`not every speaker became ready in 60 s:\n${l.logs()}`);
      await sleep(200);
    }
    await sleep(QUIET_MS);
    progress('idle');
    const idle = await speakerMemory(l);
    progress(`a burst of ${SERVICES} IPv6 Services`);
    const scale = await burst(l, client);
    await sleep(QUIET_MS);
    const busy = await speakerMemory(l);
    const perNode = await l2StatusesByNode(client, l.server.url, BENCH_NS);

    const both = (m: DaemonMemory | undefined): string =>
      m === undefined
        ? '?'
        : `RSS ${mib(m.rssBytes).padStart(7)}, heap ${mib(m.heapUsedBytes).padStart(6)} used of ${mib(m.heapTotalBytes).padStart(6)}`;
    console.log(
      `ironlb-speaker memory, in the lab: 3 nodes, ironlb-kube in process, ironlb-controller; RSS is VmRSS of the speaker's pid, heap its /metrics (nodejs_heap_size_*), each read after ${QUIET_MS / 1000} s of quiet`,
    );
    console.log(
      `  ${SERVICES} IPv6 Services (pool ${POOL6}): all with IPs after ${fmt(scale.allIPsMs / 1000, 1)} s, ${scale.announcedMs === undefined ? 'ServiceL2Status not complete 30 s later' : `a ServiceL2Status for every one after ${fmt(scale.announcedMs / 1000, 1)} s`}`,
    );
    for (const n of l.nodes) {
      const i = idle.get(n);
      const b = busy.get(n);
      console.log(
        `    ${n}: idle ${both(i)}; announcing ${String(perNode.get(n) ?? 0).padStart(4)} of ${SERVICES}: ${both(b)} (RSS x${fmt((b?.rssBytes ?? 0) / (i?.rssBytes ?? 1), 2)}); ${(b?.plans ?? 0) - (i?.plans ?? 0)} plans during the burst`,
      );
    }
    const maxRss = (m: Map<string, DaemonMemory>): number => Math.max(...[...m.values()].map((x) => x.rssBytes));
    const verdict = (v: number, target: number): string =>
      `${mib(v)} (target < ${mib(target)}: ${v < target ? 'met' : 'NOT met'})`;
    console.log(
      `  highest RSS: idle ${verdict(maxRss(idle), IDLE_TARGET)}; with ${SERVICES} Services ${verdict(maxRss(busy), BUSY_TARGET)}`,
    );
    console.log('  reproduce: npm run bench -- speaker-memory (root: it builds the network lab)');
  } finally {
    for (const n of l.nodes) await l.killSpeaker(n, 'SIGTERM');
    client.close();
    await l.stop();
  }
}
