/**
 * `npm run bench -- l2-failover [--trials N] [--keep-logs <file>]`: ironlb-speaker in layer 2 mode, in the lab (startSpeakerLab: the
 * in-process API server, 3 nodes and a client, ironlb-controller, one speaker per node), measured from the client
 * with arpPinger (the speaker's own AF_PACKET addon and ARP codec):
 *
 * 1. Failover: N trials each of SIGKILL of the announcing speaker and `ip link set eth0 down` on the announcing node,
 *    alternated. The client ARPs for the VIP every 10 ms; the outage is the last reply from the old MAC to the first
 *    from the new one. Two MACs answering one request or one 10 ms slot is split brain. A second VIP, announced by
 *    another node, is pinged throughout as a bystander: it must never go silent or get two answers.
 * 2. Restarts, as a DaemonSet rolling update does them (SIGTERM to the speaker, then a new process): the owner of
 *    the VIP, then every speaker in turn, with one more VIP per node; the longest silence of every VIP (target:
 *    under 50 ms), and how much of it the other VIPs did not share (a loaded machine stalls every speaker at once).
 * 3. Stalls: ten 350 ms freezes (SIGSTOP, SIGCONT) cycling through the speakers, then 60 s of sixteen busy processes
 *    (`node -e 'for(;;);'`); "speaker dead" verdicts and changes of the MAC answering each VIP (target: none).
 * 4. Answer latency: ARP round trips to the VIP (the speaker) and to the same node's own address (its kernel),
 *    interleaved, 2,000 each.
 * 5. Memory and 6. API load: the speakers' RSS and their requests per second on the API server's Unix socket (only
 *    the speakers use it), with the 2 Services and again after a burst of 1,000 IPv6 Services.
 */
import * as fs from 'node:fs';
import { winner } from '@ironlb/speaker';
import { httpClient, type HttpClient } from '../testing/kubeHttp';
import type { DaemonMemory } from '../testing/daemonMemory';
import {
  BENCH_NS,
  burst,
  ingressIP,
  l2StatusesByNode,
  POOL6,
  SERVICES,
  SPEAKER_METRICS_PORT,
  speakerMemory,
  total,
  type L2StatusObject,
  type ServiceObject,
} from './l2Burst';
import { macOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';
import { ArpPinger, pingerNow, waitSole } from '../testing/arpPinger';
import { analyzeTrial, dualAnswers, longestGap, type Silence, type TrialMarks, type TrialResult } from './l2Trials';
import {
  busyProcesses,
  deadVerdicts,
  freezeSpeaker,
  macChanges,
  restartAndWait,
  silences,
  vipPerNode,
  type RestartTiming,
} from '../testing/speakerFaults';
import { fmt, median, mib, percentile } from './stats';

const PREFIX = 'ilbbenchl2';
const FAILOVER_INTERVAL_MS = 10;
const LATENCY_INTERVAL_MS = 2;
const LATENCY_REQUESTS = 2_000;
const API_WINDOW_MS = 10_000;
const SETTLE_MS = 15_000;
const TARGET_MS = 1_000;
/** SIGKILL failover: p50 and max. */
const KILL_P50_TARGET_MS = 300;
const KILL_MAX_TARGET_MS = 400;
const RESTART_SILENCE_TARGET_MS = 50;
const FREEZES = 10;
const FREEZE_MS = 350;
const BUSY_PROCESSES = 16;
const BUSY_MS = 60_000;

type Kind = 'kill' | 'link';
const KIND_TEXT: Record<Kind, string> = {
  kill: 'SIGKILL of the announcing speaker',
  link: 'ip link set eth0 down on its node',
};

interface Trial {
  readonly kind: Kind;
  readonly marks: TrialMarks;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const progress = (text: string): void => void process.stderr.write(`[l2-failover] ${text}\n`);

const v4Service = (name: string, ip?: string): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', ...(ip ? { annotations: { 'ironlb.io/loadBalancerIPs': ip } } : {}) },
  spec: {
    type: 'LoadBalancer',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
    selector: { app: name },
    ports: [{ port: 80 }],
  },
});

async function serviceIP(client: HttpClient, url: string, name: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await client.json<ServiceObject>(`${url}/api/v1/namespaces/default/services/${name}`, 'GET');
    const ip = ingressIP(s);
    if (ip) return ip;
    if (Date.now() > deadline) throw new Error(`Service ${name} got no IP in 30 s`);
    await sleep(100);
  }
}

interface ApiRate {
  /** Requests per second over the whole window. */
  readonly mean: number;
  /** The quietest and the busiest second. */
  readonly min: number;
  readonly max: number;
}

/** The speakers' requests per second on the Unix socket over `ms`, sampled every second. */
async function apiRate(l: SpeakerLab, ms: number): Promise<ApiRate> {
  const first = l.server.requestCounts().unix;
  const t0 = performance.now();
  const perSecond: number[] = [];
  let c = first;
  let t = t0;
  while (performance.now() - t0 < ms - 1) {
    await sleep(Math.min(1_000, ms - (performance.now() - t0)));
    const c1 = l.server.requestCounts().unix;
    const t1 = performance.now();
    perSecond.push(((c1 - c) * 1000) / (t1 - t));
    c = c1;
    t = t1;
  }
  return {
    mean: ((c - first) * 1000) / (t - t0),
    min: Math.min(...perSecond),
    max: Math.max(...perSecond),
  };
}

interface Phase {
  readonly name: string;
  readonly at: number;
}

/** Log lines of every speaker (restarts append to the same file) that `match`, counted by the phase of their pino time. */
function linesByPhase(
  l: SpeakerLab,
  phases: readonly Phase[],
  match: (line: string) => boolean,
): Map<string, string[]> {
  const out = new Map<string, string[]>(phases.map((p) => [p.name, []]));
  for (const n of l.nodes) {
    for (const line of (l.speakers.get(n)?.output() ?? '').split('\n')) {
      if (!line.startsWith('{') || !match(line)) continue;
      const { time } = JSON.parse(line) as { time: number };
      const phase = [...phases].reverse().find((p) => p.at <= time);
      if (phase) out.get(phase.name)?.push(`${n}: ${line}`);
    }
  }
  return out;
}

/** Error log lines (`<node>: <json>`) grouped by message and cause, names and addresses blanked: `count x what`. */
function errorKinds(lines: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const { msg, err } = JSON.parse(line.slice(line.indexOf('{'))) as { msg?: string; err?: string };
    const text = String(err ?? '');
    const cause =
      /reason: (\w+ \w+)/.exec(text)?.[1] ?? /"code\\?":(\d+)/.exec(text.replace(/\\/g, ''))?.[1] ?? text.slice(0, 40);
    const what = String(msg ?? '')
      .replace(/[a-z0-9-]+\.[a-z0-9-]+\.node\d+/g, '<status>')
      .replace(/\b[a-z0-9-]+\/[a-z0-9-]+\b/g, '<service>');
    const key = `${what} (${cause})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} x ${k}`);
}

const tail = (text: string, lines = 30): string => text.trimEnd().split('\n').slice(-lines).join('\n');

interface FailoverFigures {
  readonly results: Map<Kind, TrialResult[]>;
  readonly newNodes: Map<Kind, Map<string, number>>;
  readonly bystanderGapMs: number;
  readonly bystanderDual: string[];
  readonly home: string;
  readonly bystanderNode: string;
}

async function failoverTrials(
  l: SpeakerLab,
  trials: number,
  vip: string,
  bystander: string,
  nodeOfMac: (mac: string) => string,
): Promise<FailoverFigures> {
  const context = (): string => tail(l.logs(), 60);
  const pinger = await ArpPinger.start(l.lab, 'client', {
    intervalMs: FAILOVER_INTERVAL_MS,
    targets: [vip, bystander],
  });
  try {
    const sole = (ip: string, o: { mac?: string; not?: string; holdMs: number; timeoutMs?: number }) =>
      waitSole(pinger, ip, {
        ...o,
        intervalMs: FAILOVER_INTERVAL_MS,
        timeoutMs: o.timeoutMs ?? 20_000,
        context,
      });
    const homeMac = (await sole(vip, { holdMs: 1_000, timeoutMs: 30_000 })).mac;
    const home = nodeOfMac(homeMac);
    const bystanderMac = (await sole(bystander, { holdMs: 1_000 })).mac;
    const bystanderNode = nodeOfMac(bystanderMac);
    if (bystanderNode === home) progress(`note: the bystander VIP is on ${home} too; it is then a second failover`);
    const run: Trial[] = [];
    const start = pingerNow();
    for (let i = 0; i < 2 * trials; i++) {
      const kind: Kind = i % 2 === 0 ? 'kill' : 'link';
      await sole(vip, { mac: homeMac, holdMs: 1_000 });
      const action = pingerNow();
      if (kind === 'kill') await l.killSpeaker(home);
      else await l.lab.exec(home, ['ip', 'link', 'set', 'eth0', 'down']);
      // Settled: another MAC alone for half a second.
      await sole(vip, { not: homeMac, holdMs: 500 });
      const restore = pingerNow();
      if (kind === 'kill') l.startSpeaker(home);
      else await l.lab.exec(home, ['ip', 'link', 'set', 'eth0', 'up']);
      await sole(vip, { mac: homeMac, holdMs: 1_000, timeoutMs: 30_000 });
      if (bystanderNode !== home) await sole(bystander, { mac: bystanderMac, holdMs: 1_000 });
      run.push({ kind, marks: { action, restore, end: pingerNow() } });
      if ((i + 1) % 10 === 0) progress(`${i + 1} of ${2 * trials} failover trials`);
    }
    const end = pingerNow();
    await pinger.stop();
    if (pinger.errors.length > 0) progress(`pinger errors: ${pinger.errors.slice(0, 5).join('; ')}`);

    const results = new Map<Kind, TrialResult[]>([
      ['kill', []],
      ['link', []],
    ]);
    const newNodes = new Map<Kind, Map<string, number>>([
      ['kill', new Map()],
      ['link', new Map()],
    ]);
    const replies = pinger.replies(vip);
    for (const t of run) {
      const r = analyzeTrial(replies, homeMac, t.marks, FAILOVER_INTERVAL_MS);
      results.get(t.kind)?.push(r);
      const nn = newNodes.get(t.kind);
      const node = r.newMac ? nodeOfMac(r.newMac) : 'none';
      nn?.set(node, (nn.get(node) ?? 0) + 1);
    }
    const by = pinger.replies(bystander);
    // The bystander must not notice any of it: its longest silence and any double answer over the whole run.
    const bystanderDual: string[] = [];
    if (bystanderNode !== home) {
      for (const d of dualAnswers(by, FAILOVER_INTERVAL_MS)) {
        const i = run.findIndex((t) => t.marks.action <= d.t && d.t <= t.marks.end);
        const t = run[i];
        const when = t
          ? `trial ${i + 1} (${t.kind}), ${fmt(d.t - t.marks.action, 0)} ms after the ${t.kind === 'kill' ? 'kill' : 'link down'}, ${fmt(d.t - t.marks.restore, 0)} ms after the ${t.kind === 'kill' ? 'restart' : 'link up'}`
          : 'between trials';
        bystanderDual.push(`${when}: ${d.macs.map(nodeOfMac).join(' and ')}`);
      }
    }
    return {
      results,
      newNodes,
      bystanderGapMs: longestGap(by, start, end),
      bystanderDual,
      home,
      bystanderNode,
    };
  } finally {
    await pinger.stop();
  }
}

interface RestartFigures {
  /** Every VIP pinged (the failover VIP, the bystander, one more per node) and the node owning it. */
  readonly owners: Map<string, string>;
  readonly ownerNode: string;
  readonly owner: Map<string, Silence>;
  readonly rolling: Map<string, Silence>;
  readonly restarts: RestartTiming[];
}

/**
 * The owner of `vip` restarted, then every speaker in turn, with a VIP per node besides `vip` and `bystander`
 * (Services created for the phase and deleted after it); each VIP's silences over each part.
 */
async function restartPhase(
  l: SpeakerLab,
  client: HttpClient,
  vip: string,
  bystander: string,
  macOfNode: ReadonlyMap<string, string>,
  nodeOfMac: (mac: string) => string,
): Promise<RestartFigures> {
  const url = l.server.url;
  const perNode = vipPerNode(l.nodes, [vip, bystander]);
  const names = [...perNode].map(([n]) => `restart-${n}`);
  for (const [n, ip] of perNode)
    await client.json(`${url}/api/v1/namespaces/default/services`, 'POST', v4Service(`restart-${n}`, ip));
  const targets = [vip, bystander, ...perNode.values()];
  const pinger = await ArpPinger.start(l.lab, 'client', { intervalMs: FAILOVER_INTERVAL_MS, targets });
  try {
    const sole = {
      intervalMs: FAILOVER_INTERVAL_MS,
      holdMs: 1_000,
      timeoutMs: 30_000,
      context: () => tail(l.logs(), 60),
    };
    const owners = new Map<string, string>();
    for (const ip of targets) owners.set(ip, nodeOfMac((await waitSole(pinger, ip, sole)).mac));
    const ownerNode = owners.get(vip) ?? '';
    const mac = (n: string): string => macOfNode.get(n) ?? '';
    let from = pingerNow();
    const restarts = [
      await restartAndWait(l, pinger, ownerNode, vip, mac(ownerNode), { intervalMs: FAILOVER_INTERVAL_MS }),
    ];
    const owner = silences(pinger, targets, from, pingerNow());
    from = pingerNow();
    for (const [n, ip] of perNode) {
      restarts.push(await restartAndWait(l, pinger, n, ip, mac(n), { intervalMs: FAILOVER_INTERVAL_MS }));
    }
    const rolling = silences(pinger, targets, from, pingerNow());
    return { owners, ownerNode, owner, rolling, restarts };
  } finally {
    await pinger.stop();
    for (const name of names) await client.json(`${url}/api/v1/namespaces/default/services/${name}`, 'DELETE');
  }
}

interface StallFigures {
  readonly frozenMs: number[];
  readonly freezeVerdicts: { node: string; peer: string; why: string }[];
  readonly freezeMoves: number;
  readonly busyVerdicts: { node: string; peer: string; why: string }[];
  readonly busyMoves: number;
  /** The speakers' logged stalls (100 ms or more) while busy, and the longest silence of a VIP then. */
  readonly busyStallLines: number;
  readonly busyLongestSilence: number;
  readonly loadAfterBusy: string;
}

/** Ten 350 ms freezes cycling through the speakers, then 60 s of sixteen busy processes, with the VIPs pinged. */
async function stallPhase(l: SpeakerLab, vip: string, bystander: string, onBusy: () => void): Promise<StallFigures> {
  const targets = [vip, bystander];
  const pinger = await ArpPinger.start(l.lab, 'client', { intervalMs: FAILOVER_INTERVAL_MS, targets });
  try {
    const sole = {
      intervalMs: FAILOVER_INTERVAL_MS,
      holdMs: 1_000,
      timeoutMs: 30_000,
      context: () => tail(l.logs(), 60),
    };
    for (const ip of targets) await waitSole(pinger, ip, sole);
    const moves = (from: number, to: number): number =>
      targets.reduce((n, ip) => n + macChanges(pinger, ip, from, to), 0);
    let since = Date.now();
    let from = pingerNow();
    const frozenMs: number[] = [];
    for (let i = 0; i < FREEZES; i++) {
      frozenMs.push(await freezeSpeaker(l, l.nodes[i % l.nodes.length], FREEZE_MS));
      await sleep(1_000);
    }
    const freezeVerdicts = deadVerdicts(l, since);
    const freezeMoves = moves(from, pingerNow());
    onBusy();
    since = Date.now();
    from = pingerNow();
    const busy = busyProcesses(l, BUSY_PROCESSES);
    let loadAfterBusy = '';
    try {
      await sleep(BUSY_MS);
      loadAfterBusy = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    } finally {
      await busy.stop();
    }
    await sleep(2_000);
    const to = pingerNow();
    const busyStallLines = [...l.speakers.values()]
      .flatMap((sp) => sp.output().split('\n'))
      .filter((x) => x.includes('did not run for a while') && (JSON.parse(x) as { time: number }).time >= since).length;
    return {
      frozenMs,
      freezeVerdicts,
      freezeMoves,
      busyVerdicts: deadVerdicts(l, since),
      busyMoves: moves(from, to),
      busyStallLines,
      busyLongestSilence: Math.max(...targets.map((ip) => longestGap(pinger.replies(ip), from, to))),
      loadAfterBusy,
    };
  } finally {
    await pinger.stop();
  }
}

interface LatencyFigures {
  readonly speaker: number[];
  readonly kernel: number[];
  readonly sent: number;
  readonly node: string;
  readonly nodeIP: string;
}

async function answerLatency(l: SpeakerLab, vip: string, node: string, mac: string): Promise<LatencyFigures> {
  const nodeIP = l.lab.host(node).ipv4.split('/')[0];
  const pinger = await ArpPinger.start(l.lab, 'client', {
    intervalMs: LATENCY_INTERVAL_MS,
    targets: [vip, nodeIP],
    alternate: true,
    count: 2 * LATENCY_REQUESTS,
  });
  try {
    await Promise.race([pinger.exited, sleep(60_000)]);
  } finally {
    await pinger.stop();
  }
  const fromNode = (ip: string): number[] => {
    const rs = pinger.replies(ip);
    const foreign = rs.filter((r) => r.mac !== mac);
    if (foreign.length > 0) throw new Error(`${ip} answered by ${foreign[0].mac}, not ${node}'s ${mac}`);
    return rs.map((r) => r.rttMs);
  };
  return { speaker: fromNode(vip), kernel: fromNode(nodeIP), sent: pinger.sent ?? 0, node, nodeIP };
}

/** One IPv6 VIP asked for from the client with ndisc6: the node its ServiceL2Status names, and every MAC that answered. */
interface NdiscCheck {
  readonly ip: string;
  readonly node: string;
  readonly answers: string[];
}
const NDISC_SAMPLES = 6;

/** Every Target link-layer address in the Neighbor Advertisements ndisc6 got for `ip` in 1 s (one solicitation). */
async function ndiscAnswers(l: SpeakerLab, ip: string): Promise<string[]> {
  const r = await l.lab.exec('client', ['ndisc6', '-m', '-r', '1', '-w', '1000', ip, 'eth0']);
  return [...r.stdout.matchAll(/Target link-layer address:\s*([0-9A-F:]{17})/gi)].map((m) => m[1].toLowerCase());
}

/**
 * Waits until the speakers' request rate over 2 s is back near `baseline` (the few-Services rate); the time that
 * took, or undefined when it was not within `timeoutMs`.
 */
async function settle(l: SpeakerLab, baseline: number, timeoutMs: number): Promise<number | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if ((await apiRate(l, 2_000)).mean <= 1.5 * baseline + 1) return performance.now() - t0;
  }
  return undefined;
}

interface ManyFigures {
  readonly label: string;
  readonly settledMs: number | undefined;
  readonly rate: ApiRate;
  readonly memory: Map<string, DaemonMemory>;
  readonly perNode: Map<string, number>;
  readonly ndisc: NdiscCheck[];
}

/** After settling (or not): the API rate over a window, each speaker's memory, and who announces what, checked on the wire. */
async function measureMany(l: SpeakerLab, client: HttpClient, label: string, baseline: number): Promise<ManyFigures> {
  const url = l.server.url;
  const settledMs = await settle(l, baseline, SETTLE_MS);
  const rate = await apiRate(l, API_WINDOW_MS);
  const memory = await speakerMemory(l);
  const perNode = await l2StatusesByNode(client, url, BENCH_NS);
  const byName = new Map<string, string>();
  const statuses = await client.json<{ items: L2StatusObject[] }>(
    `${url}/apis/ironlb.io/v1beta1/namespaces/ironlb-system/servicel2statuses`,
    'GET',
  );
  for (const o of statuses.items) {
    if (o.status?.serviceNamespace === BENCH_NS && o.status.serviceName && o.status.node) {
      byName.set(o.status.serviceName, o.status.node);
    }
  }
  const services = (
    await client.json<{ items: ServiceObject[] }>(`${url}/api/v1/namespaces/${BENCH_NS}/services`, 'GET')
  ).items;
  const ndisc: NdiscCheck[] = [];
  for (let k = 0; k < NDISC_SAMPLES; k++) {
    const s = services[Math.floor((k * services.length) / NDISC_SAMPLES)];
    const ip = ingressIP(s) ?? '';
    ndisc.push({ ip, node: byName.get(s.metadata.name) ?? 'none', answers: await ndiscAnswers(l, ip) });
  }
  return { label, settledMs, rate, memory, perNode, ndisc };
}

/** `--trials N` (default 20) and `--keep-logs <file>` (every speaker's and the controller's log, written at the end). */
function parseArgs(args: string[]): { trials: number; keepLogs: string | undefined } {
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i < 0 ? undefined : args[i + 1];
  };
  const trials = Number(value('--trials') ?? 20);
  if (!Number.isInteger(trials) || trials < 1) throw new Error('--trials wants a positive integer');
  return { trials, keepLogs: value('--keep-logs') };
}

export async function benchL2Failover(args: string[]): Promise<void> {
  const { trials, keepLogs } = parseArgs(args);
  const began = performance.now();
  const phases: Phase[] = [{ name: 'setup', at: Date.now() }];
  progress('starting the lab, ironlb-kube, the controller and 3 speakers');
  const l = await startSpeakerLab({ prefix: PREFIX, speakerArgs: ['--metrics-port', String(SPEAKER_METRICS_PORT)] });
  const client = httpClient(32);
  // Interrupted: the lab still comes down (its daemons are detached and would outlive this process).
  const interrupted = (): void => {
    progress('interrupted: taking the lab down');
    void l.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    // IPv6 addresses survive a link flap on a real node (its network config puts them back); in the lab they are
    // plain `ip addr` ones, which the kernel flushes on link down unless told to keep them.
    for (const n of l.nodes) await l.lab.exec(n, ['sysctl', '-qw', 'net.ipv6.conf.eth0.keep_addr_on_down=1']);
    const macOfNode = new Map<string, string>();
    for (const n of l.nodes) macOfNode.set(n, await macOf(l.lab, n));
    const nodeOfMac = (mac: string): string => [...macOfNode].find(([, m]) => m === mac)?.[0] ?? `unknown ${mac}`;
    const url = l.server.url;

    await client.json(`${url}/api/v1/namespaces/default/services`, 'POST', v4Service('vip'));
    const vip = await serviceIP(client, url, 'vip');
    const home = winner(vip, l.nodes);
    let bystanderIP = '';
    for (let last = 254; last >= 200 && !bystanderIP; last--) {
      const ip = `198.51.100.${last}`;
      if (ip !== vip && winner(ip, l.nodes) !== home) bystanderIP = ip;
    }
    await client.json(`${url}/api/v1/namespaces/default/services`, 'POST', v4Service('bystander', bystanderIP));
    const bystander = await serviceIP(client, url, 'bystander');

    progress(`failover: ${trials} trials per case; VIP ${vip}, bystander ${bystander}`);
    phases.push({ name: 'failover trials', at: Date.now() });
    const fo = await failoverTrials(l, trials, vip, bystander, nodeOfMac);

    progress('restarts: the owner of the VIP, then every speaker in turn (SIGTERM, then a new process)');
    phases.push({ name: 'restarts', at: Date.now() });
    const rs = await restartPhase(l, client, vip, bystander, macOfNode, nodeOfMac);

    progress(
      `stalls: ${FREEZES} freezes of ${FREEZE_MS} ms, then ${BUSY_MS / 1000} s of ${BUSY_PROCESSES} busy processes`,
    );
    phases.push({ name: 'freezes', at: Date.now() });
    const st = await stallPhase(l, vip, bystander, () => phases.push({ name: 'busy CPU', at: Date.now() }));

    progress('answer latency');
    phases.push({ name: 'latency', at: Date.now() });
    const lat = await answerLatency(l, vip, fo.home, macOfNode.get(fo.home) ?? '');

    progress('API load and RSS with 2 Services');
    phases.push({ name: 'steady, 2 Services', at: Date.now() });
    const few = await apiRate(l, API_WINDOW_MS);
    const fewRate = few.mean;
    const fewMemory = await speakerMemory(l);

    progress(`a burst of ${SERVICES} IPv6 Services`);
    phases.push({ name: `burst of ${SERVICES}`, at: Date.now() });
    const countsBefore = l.server.requestCounts().unix;
    const scale = await burst(l, client);
    progress(`API load and RSS with ${SERVICES + 2} Services, after the burst`);
    phases.push({ name: `after the burst`, at: Date.now() });
    const afterBurst = await measureMany(l, client, 'after the burst', fewRate);
    const burstRequests = l.server.requestCounts().unix - countsBefore;
    progress(`the speakers restarted (SIGTERM, then started again) with ${SERVICES + 2} Services`);
    phases.push({ name: 'speakers restarted', at: Date.now() });
    const readyLines = (n: string): number =>
      (
        l.speakers
          .get(n)
          ?.output()
          .match(/"msg":"ready: every list synced/g) ?? []
      ).length;
    const readyBefore = new Map(l.nodes.map((n) => [n, readyLines(n)]));
    for (const n of l.nodes) await l.killSpeaker(n, 'SIGTERM');
    for (const n of l.nodes) l.startSpeaker(n);
    // Measured once every new process has planned (they take seconds to start on a loaded machine, and a quiet
    // moment before they talk would pass for settled).
    const readyBy = Date.now() + 60_000;
    while (l.nodes.some((n) => readyLines(n) <= (readyBefore.get(n) ?? 0)) && Date.now() < readyBy) await sleep(200);
    const restarted = await measureMany(l, client, 'speakers restarted', fewRate);
    const dead = linesByPhase(l, phases, (x) => x.includes('"speaker dead"'));
    const errors = linesByPhase(l, phases, (x) => /"level":(50|60)/.test(x));
    const conflicts = linesByPhase(l, phases, (x) => x.includes('another host (MAC'));
    // --- the report
    const totalS = (performance.now() - began) / 1000;
    console.log(
      `ironlb-speaker layer 2, in the lab: 3 nodes, ironlb-kube in process, ironlb-controller; the client ARPs with arpPinger (the speaker's AF_PACKET addon and codec)`,
    );
    console.log(
      `  failover, ${trials} trials per case, alternated; ARP request for the VIP every ${FAILOVER_INTERVAL_MS} ms; outage = last reply from the old MAC to the first from the new one`,
    );
    const p50s = new Map<Kind, number>();
    let allUnder = true;
    for (const kind of ['kill', 'link'] as const) {
      const rs = fo.results.get(kind) ?? [];
      const outages = rs.flatMap((r) => (r.outageMs === undefined ? [] : [r.outageMs]));
      const missing = rs.length - outages.length;
      const p50 = median(outages);
      const max = Math.max(...outages);
      p50s.set(kind, p50);
      if (missing > 0 || max >= TARGET_MS) allUnder = false;
      const to = [...(fo.newNodes.get(kind) ?? new Map<string, number>())].map(([n, c]) => `${n} x${c}`).join(', ');
      console.log(
        `    ${KIND_TEXT[kind].padEnd(34)} p50 ${fmt(p50, 0).padStart(4)} ms, max ${fmt(max, 0).padStart(4)} ms, min ${fmt(Math.min(...outages), 0)} ms (moved from ${fo.home} to ${to}${missing ? `; ${missing} trials without a new MAC` : ''})`,
      );
    }
    console.log(`    ratio link down / SIGKILL (p50): ${fmt((p50s.get('link') ?? 0) / (p50s.get('kill') ?? 1), 2)}`);
    const kills = (fo.results.get('kill') ?? []).flatMap((r) => (r.outageMs === undefined ? [] : [r.outageMs]));
    const killMet = median(kills) < KILL_P50_TARGET_MS && Math.max(...kills) < KILL_MAX_TARGET_MS;
    console.log(
      `    target: SIGKILL p50 under ${KILL_P50_TARGET_MS} ms and max under ${KILL_MAX_TARGET_MS} ms: ${killMet ? 'met' : 'NOT met'}; max under 1 s in both cases: ${allUnder ? 'met' : 'NOT met'}. For scale: MetalLB's memberlist needs about 4 s to declare a node dead; lease-based peers (kube-vip, Cilium) take 10-20 s at defaults, 2-4 s tuned`,
    );
    const all = [...(fo.results.get('kill') ?? []), ...(fo.results.get('link') ?? [])];
    const sum = (f: (r: TrialResult) => number, rs: TrialResult[] = all): number => rs.reduce((a, r) => a + f(r), 0);
    console.log(
      `    split brain (two MACs for one request or in one ${FAILOVER_INTERVAL_MS} ms slot): ${sum((r) => r.dual.afterFailover)} after the failover settled, ${sum((r) => r.dual.failover)} during it; the old MAC answered ${sum((r) => r.oldAfterFailover)} times after the new one took over`,
    );
    for (const kind of ['kill', 'link'] as const) {
      const rs = fo.results.get(kind) ?? [];
      const gaps = rs.flatMap((r) => (r.handbackGapMs === undefined ? [] : [r.handbackGapMs]));
      const overlaps = rs.filter((r) => r.handbackOverlapMs > 0);
      console.log(
        `    handback after ${kind === 'kill' ? 'the restart' : 'link up'} (${fo.home} takes its IP back): gap p50 ${fmt(median(gaps), 0)} ms, max ${fmt(Math.max(...gaps), 0)} ms; two MACs at once: ${sum((r) => r.dual.handback, rs)} slots in ${overlaps.length} trials${overlaps.length ? ` (longest overlap ${fmt(Math.max(...overlaps.map((r) => r.handbackOverlapMs)), 0)} ms)` : ''}`,
      );
    }
    console.log(
      `    bystander VIP ${bystander} (announced by ${fo.bystanderNode} throughout): longest silence ${fmt(fo.bystanderGapMs, 0)} ms, two MACs in ${fo.bystanderDual.length} slots`,
    );
    for (const d of fo.bystanderDual.slice(0, 6)) console.log(`      ${d}`);

    const worst = (m: Map<string, Silence>, pick: (x: Silence) => number): [string, number] =>
      [...m].map(([ip, x]): [string, number] => [ip, pick(x)]).reduce((a, b) => (b[1] > a[1] ? b : a));
    /** Where a silence began, against the restarts: "120 ms after node2's SIGTERM". */
    const when = (t: number): string => {
      const r = [...rs.restarts].reverse().find((x) => x.stopped - 50 <= t);
      return r ? `${fmt(t - r.stopped, 0)} ms after ${r.node}'s SIGTERM` : 'before the first SIGTERM';
    };
    const silenceText = (m: Map<string, Silence>): string => {
      const [rawIP, raw] = worst(m, (x) => x.silenceMs);
      const [ownIP, own] = worst(m, (x) => x.exclusiveMs);
      const rawAt = m.get(rawIP)?.silenceAt ?? 0;
      const ownAt = m.get(ownIP)?.at ?? 0;
      return `longest silence ${fmt(raw, 0)} ms (${rawIP}, ${rs.owners.get(rawIP)}'s, ${when(rawAt)}); beyond what the other VIPs went without at the same time: ${fmt(own, 0)} ms (${ownIP}, ${when(ownAt)}); target under ${RESTART_SILENCE_TARGET_MS} ms: ${raw < RESTART_SILENCE_TARGET_MS ? 'met' : own < RESTART_SILENCE_TARGET_MS ? "met by the VIPs' own silences, not by the raw ones (the machine stalled)" : 'NOT met'}`;
    };
    console.log(
      `  restarts, as a DaemonSet rolling update does them (SIGTERM to the speaker, a new process): ${rs.owners.size} VIPs (one or more per node) ARPed every ${FAILOVER_INTERVAL_MS} ms`,
    );
    console.log(`    the owner of ${vip} (${rs.ownerNode}) restarted:  ${silenceText(rs.owner)}`);
    console.log(
      `    every speaker in turn (${rs.restarts
        .slice(1)
        .map((r) => r.node)
        .join(', ')}): ${silenceText(rs.rolling)}`,
    );
    const backs = rs.restarts.map((r) => (r.back - r.started) / 1000);
    console.log(
      `    a restarted speaker answered for its VIP again ${fmt(Math.min(...backs), 1)}-${fmt(Math.max(...backs), 1)} s after it was started (its peers answered meanwhile)`,
    );
    const verdictText = (vs: { node: string; peer: string; why: string }[]): string =>
      vs.length === 0
        ? '0 "speaker dead" verdicts'
        : `${vs.length} "speaker dead" verdicts (${vs
            .slice(0, 4)
            .map((v) => `${v.node} of ${v.peer}: ${v.why}`)
            .join('; ')})`;
    console.log(
      `  stalls (target: no "speaker dead" verdict and no VIP changing hands), the VIP and the bystander ARPed every ${FAILOVER_INTERVAL_MS} ms`,
    );
    console.log(
      `    ${FREEZES} freezes (SIGSTOP, SIGCONT) of ${fmt(Math.min(...st.frozenMs), 0)}-${fmt(Math.max(...st.frozenMs), 0)} ms, each speaker in turn: ${verdictText(st.freezeVerdicts)}, ${st.freezeMoves} changes of the answering MAC`,
    );
    console.log(
      `    ${BUSY_MS / 1000} s of ${BUSY_PROCESSES} busy processes (load ${st.loadAfterBusy} at the end): ${verdictText(st.busyVerdicts)}, ${st.busyMoves} changes of the answering MAC; the speakers logged ${st.busyStallLines} stall lines; longest VIP silence ${fmt(st.busyLongestSilence, 0)} ms`,
    );

    const sMed = median(lat.speaker);
    const kMed = median(lat.kernel);
    const s99 = percentile(lat.speaker, 99);
    const k99 = percentile(lat.kernel, 99);
    console.log(
      `  answer latency: ARP round trip from the client to ${lat.node}, ${LATENCY_REQUESTS} requests each, interleaved every ${LATENCY_INTERVAL_MS} ms`,
    );
    console.log(
      `    speaker (VIP ${vip}):        median ${fmt(sMed, 3)} ms, p99 ${fmt(s99, 3)} ms (${lat.speaker.length} replies)`,
    );
    console.log(
      `    kernel (${lat.nodeIP}, its own address): median ${fmt(kMed, 3)} ms, p99 ${fmt(k99, 3)} ms (${lat.kernel.length} replies)`,
    );
    console.log(`    ratio speaker/kernel: median ${fmt(sMed / kMed, 2)}, p99 ${fmt(s99 / k99, 2)}`);

    console.log(
      `  ${SERVICES} IPv6 single-stack Services (pool ${POOL6}) created 32 at a time over HTTP: all created after ${fmt(scale.createdMs / 1000, 1)} s, all with IPs after ${fmt(scale.allIPsMs / 1000, 1)} s, ${scale.announcedMs === undefined ? `ServiceL2Status not complete 30 s later` : `a ServiceL2Status for every one after ${fmt(scale.announcedMs / 1000, 1)} s`}; ${scale.distinctIPs} distinct IPs`,
    );
    const rateText = (r: ApiRate): string =>
      `${fmt(r.mean, 1)}/s (ratio to 2 Services ${fmt(r.mean / fewRate, 2)}; seconds from ${fmt(r.min, 0)} to ${fmt(r.max, 0)})`;
    console.log(
      `  API load, the speakers' requests/s on the API server's Unix socket over ${API_WINDOW_MS / 1000} s (3 nodes; target: independent of the number of Services)`,
    );
    console.log(`    2 Services:                           ${rateText(few)}`);
    for (const m of [afterBurst, restarted]) {
      console.log(
        `    ${SERVICES + 2} Services, ${m.label.padEnd(19)} ${rateText(m.rate)}, ${m.settledMs === undefined ? `no quiet 2 s within ${SETTLE_MS / 1000} s before it` : `after a quiet 2 s reached ${fmt(m.settledMs / 1000, 1)} s in`}`,
      );
    }
    console.log(
      `    the burst and the ${SETTLE_MS / 1000 + API_WINDOW_MS / 1000} s after it: ${burstRequests} requests`,
    );
    console.log(
      `  memory: each speaker's RSS (VmRSS) / V8 heap used (its /metrics), and how many of the ${SERVICES} IPv6 VIPs its ServiceL2Status objects say it announces`,
    );
    const both = (m: DaemonMemory | undefined): string =>
      m === undefined ? '?' : `${mib(m.rssBytes)} / ${mib(m.heapUsedBytes)}`;
    for (const n of l.nodes) {
      const few = fewMemory.get(n);
      const cols = [afterBurst, restarted].map(
        (m) =>
          `${m.label}: ${both(m.memory.get(n)).padStart(15)} announcing ${String(m.perNode.get(n) ?? 0).padStart(4)} (RSS x${fmt((m.memory.get(n)?.rssBytes ?? 0) / (few?.rssBytes ?? 1), 2)})`,
      );
      console.log(`    ${n}: 2 Services: ${both(few).padStart(15)}; ${cols.join('; ')}`);
    }
    for (const m of [afterBurst, restarted]) {
      const wrong = m.ndisc.filter((c) => c.answers.length !== 1 || c.answers[0] !== macOfNode.get(c.node));
      console.log(
        `    ${m.label}: ${total(m.perNode)} announced in all; ndisc6 from the client: ${m.ndisc.length - wrong.length} of ${m.ndisc.length} sampled VIPs answered by exactly the node their ServiceL2Status names`,
      );
      for (const c of wrong) {
        console.log(
          `      ${c.ip}: ServiceL2Status names ${c.node}, answers from [${c.answers.map(nodeOfMac).join(', ')}]`,
        );
      }
    }
    console.log(
      `  speaker logs by phase: "speaker dead" verdicts (the trials expect 2-4 per trial) / errors / conflict warnings`,
    );
    console.log(
      `    ${[...dead.keys()].map((p) => `${p}: ${dead.get(p)?.length ?? 0} / ${errors.get(p)?.length ?? 0} / ${conflicts.get(p)?.length ?? 0}`).join('; ')}`,
    );
    const kinds = errorKinds([...errors.values()].flat());
    if (kinds.length > 0) console.log(`    most frequent errors: ${kinds.slice(0, 4).join('; ')}`);
    const ends = [...phases.slice(1).map((p) => p.at), Date.now()];
    const took = phases.map((p, i) => `${p.name} ${fmt((ends[i] - p.at) / 1000, 0)} s`).join(', ');
    console.log(`  whole run ${fmt(totalS, 0)} s (${took}); reproduce: npm run bench -- l2-failover`);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    client.close();
    if (keepLogs) fs.writeFileSync(keepLogs, l.logs());
    progress('taking the lab down');
    await l.stop();
  }
}
