/**
 * `npm run bench -- bgp-failover [--trials N] [--gr-trials N] [--idle-minutes N] [--parts bfd,hold,idle,rolling]`:
 * ironlb-speaker in BGP mode with 2 nodes (startSpeakerLab) against BIRD and FRR in the lab, measured at the
 * router's kernel:
 *
 * 1. BFD failover (BFD 100 ms x 3, hold time 90 s, graceful restart on): `ip link set eth0 down` in a node, and the
 *    time until the router's kernel route to the VIP drops that node's next hop. Both ends come from `ip -ts
 *    monitor` (link events in the node, route and nexthop events in the router), the FIB is polled every 10 ms to
 *    know which route event removed the hop. N trials per router, nodes alternated; p50 and max.
 * 2. Without BFD: hold time 9 s, graceful restart off, then on (router restart time 15 s; the speaker announces
 *    120 s, and both routers keep stale paths for the time the restarting side announces): the same link-down,
 *    timed; and a speaker SIGKILLed and left dead (its TCP session closes: graceful restart applies). BIRD with
 *    `bfd graceful` too: a link-down then only ends at the restart time.
 * BGP_FAILOVER_DEBUG=1 prints the monitor lines around each link-down trial.
 * 3. Idle: BFD Down transitions at the routers (BIRD: show bfd sessions, polled; FRR: bfdd's session-down
 *    counters) and "BGP session down" in the speakers' logs, over N idle minutes, then 60 s with 2 busy loops.
 * 4. Rolling restart: SIGTERM and restart each speaker in turn while the router's FIB is polled every 10 ms:
 *    polls that lacked a next hop and the longest gap per node; with BFD (BIRD `bfd on` and `bfd graceful`, FRR)
 *    and without.
 */
import { routerBfdSessions, routerFib } from '../lab/routerQueries';
import { birdSocket, frrDir, frrQuery } from '../lab/routerDaemon';
import type { BgpRouterOptions } from '../lab/bgpOptions';
import type { RouterKind } from '../lab/plan';
import { mustRun, runCmd } from '../lab/sh';
import { DEFAULT_RESTART_TIME_SEC } from '@ironlb/speaker';
import {
  bgpConfigYaml,
  bgpServiceYaml,
  hostRoute,
  nodesByAddress,
  BFD_PROFILE_FAST as BFD_PROFILE,
} from '../testing/bgpLab';
import { until } from '../testing/controllerProcess';
import { ipMonitor, type IpMonitor } from '../testing/ipMonitor';
import { serviceIPOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';
import { busyProcesses } from '../testing/speakerFaults';
import {
  birdDownsBetween,
  fibGaps,
  linkDownAt,
  parseBirdBfdRows,
  parseFrrBfdCounters,
  routeChangeAt,
  stampOf,
  type BfdRow,
  type FibSample,
} from './bgpFailoverCalc';
import { fmt, median, percentile } from './stats';

const ROUTERS: readonly RouterKind[] = ['bird', 'frr'];
const POLL_MS = 10;
const BFD_TARGET_MS = 400;
const BUSY_MS = 60_000;
const BUSY_PROCESSES = 2;
const HOLD_SEC = 9;
const RESTART_SEC = 15;
/** What ironlb-speaker announces in its graceful restart capability unless --bgp-restart-time says otherwise. */
const SPEAKER_RESTART_SEC = DEFAULT_RESTART_TIME_SEC;
/** The speaker's --bgp-restart-time in the BIRD `bfd graceful` lab: how long a dead node stays a next hop there. */
const SHORT_RESTART_SEC = 15;

const BFD_ROUTER: BgpRouterOptions = {
  bfd: { intervalMs: 100, multiplier: 3 },
  gracefulRestartSec: 120,
  holdTimeSec: 90,
  errorWaitSec: 1,
};
const BFD_PEER = '  holdTime: 90s\n  enableGracefulRestart: true\n  bfdProfile: fast\n';
const NO_BFD_ROUTER: BgpRouterOptions = { gracefulRestartSec: RESTART_SEC, holdTimeSec: HOLD_SEC, errorWaitSec: 1 };
const noBfdPeer = (gr: boolean): string => `  holdTime: ${HOLD_SEC}s\n  enableGracefulRestart: ${gr}\n`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const progress = (text: string): void => void process.stderr.write(`[bgp-failover] ${text}\n`);

interface Options {
  trials: number;
  grTrials: number;
  idleMinutes: number;
  parts: Set<string>;
}

function parseArgs(args: readonly string[]): Options {
  const o: Options = { trials: 20, grTrials: 3, idleMinutes: 1, parts: new Set(['bfd', 'hold', 'idle', 'rolling']) };
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1];
    const num = (name: string, min: number): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) throw new Error(`${name} wants a number >= ${min}`);
      i++;
      return n;
    };
    if (args[i] === '--trials') o.trials = Math.floor(num('--trials', 1));
    else if (args[i] === '--gr-trials') o.grTrials = Math.floor(num('--gr-trials', 1));
    else if (args[i] === '--idle-minutes') o.idleMinutes = num('--idle-minutes', 0);
    else if (args[i] === '--parts') {
      o.parts = new Set((v ?? '').split(','));
      i++;
    } else throw new Error(`bgp-failover: unknown argument ${args[i]}`);
  }
  return o;
}

/** One lab: 2 speakers, a router, the BGP config, an IPv4 Service whose route has both nodes. */
interface BgpBench {
  readonly router: RouterKind;
  readonly l: SpeakerLab;
  readonly ip: string;
  readonly addressOf: Map<string, string>;
  /** Route and nexthop events at the router, for the whole run. */
  readonly routes: IpMonitor;
  /** Link events per node. */
  readonly links: Map<string, IpMonitor>;
  fibNodes(): Promise<string[]>;
  stop(): Promise<void>;
}

async function startBench(
  router: RouterKind,
  prefix: string,
  bgp: BgpRouterOptions,
  config: string,
  speakerArgs: string[] = [],
): Promise<BgpBench> {
  progress(`${prefix}: starting a lab with ${router} (${JSON.stringify(bgp)}) ${speakerArgs.join(' ')}`.trim());
  const l = await startSpeakerLab({ prefix, nodes: 2, router, bgp, speakerArgs });
  const monitors: IpMonitor[] = [];
  try {
    await l.ok(['apply', '-f', '-'], config);
    await l.ok(['apply', '-f', '-'], bgpServiceYaml('web', 'IPv4'));
    const ip = await serviceIPOf(l, 'web');
    const byAddress = nodesByAddress(l.lab);
    const addressOf = new Map([...byAddress].filter(([a]) => !a.includes(':')).map(([a, n]) => [n, a]));
    const fibNodes = async (): Promise<string[]> =>
      (await routerFib(l.lab, hostRoute(ip))).map((h) => byAddress.get(h.gateway) ?? h.gateway).sort();
    // `ip link set eth0 down` flushes a link's IPv6 addresses (a pulled cable, carrier loss, keeps them): keep them,
    // or the node's IPv6 session could not come back after a trial.
    for (const n of l.nodes) {
      await mustRun([
        'ip',
        'netns',
        'exec',
        l.lab.host(n).netns,
        'sysctl',
        '-qw',
        'net.ipv6.conf.eth0.keep_addr_on_down=1',
      ]);
    }
    const routes = await ipMonitor(l.lab.host('router').netns, ['route', 'nexthop']);
    monitors.push(routes);
    const links = new Map<string, IpMonitor>();
    for (const n of l.nodes) {
      const m = await ipMonitor(l.lab.host(n).netns, ['link']);
      monitors.push(m);
      links.set(n, m);
    }
    const b: BgpBench = {
      router,
      l,
      ip,
      addressOf,
      routes,
      links,
      fibNodes,
      stop: async () => {
        for (const m of monitors) await m.stop();
        await l.stop();
      },
    };
    await allBack(b, 120_000);
    return b;
  } catch (e) {
    for (const m of monitors) await m.stop();
    await l.stop();
    throw e;
  }
}

/** Every node's next hop in the router's FIB, and with BFD every node's BFD session Up at the router. */
async function allBack(b: BgpBench, deadlineMs = 60_000): Promise<void> {
  await until(
    () => b.fibNodes(),
    (hops) => hops.join(',') === b.l.nodes.join(','),
    () => b.l.logs().slice(-4000),
    deadlineMs,
  );
  if (b.l.lab.bgpOptions.bfd === undefined) return;
  await until(
    () => routerBfdSessions(b.l.lab),
    (s) => [...b.addressOf.values()].every((a) => s[a] === 'Up'),
    () => b.l.logs().slice(-4000),
    deadlineMs,
  );
}

interface LinkTrial {
  /** Link down (its event in the node) to the router's route event that removed the node's hop, ms. */
  readonly ms: number;
  /** How the two ends were timed: 'monitor' for both from ip monitor, else which end fell back to a poll. */
  readonly how: string;
}

/** Takes `node`'s link down, times the router dropping its next hop, and brings the link back. */
async function linkDownTrial(b: BgpBench, node: string, timeoutMs: number, pollMs = POLL_MS): Promise<LinkTrial> {
  const before = Date.now();
  await b.l.lab.setLink(node, false);
  const after = Date.now();
  let seenAt: number;
  try {
    for (;;) {
      const t = Date.now();
      const hops = await b.fibNodes();
      if (!hops.includes(node)) {
        // `ip route show` read the FIB at some moment before it returned (spawning it can take 100 ms and more
        // on a loaded machine): the change happened before now, not necessarily before the poll began.
        seenAt = Date.now();
        break;
      }
      if (t - after > timeoutMs) throw new Error(`${b.router}: ${node}'s next hop still there ${timeoutMs} ms on`);
      await sleep(Math.max(0, pollMs - (Date.now() - t)));
    }
    // Events reach ip monitor's pipe a little after ip stamps them.
    await sleep(200);
  } finally {
    await b.l.lab.setLink(node, true);
  }
  const down = linkDownAt(b.links.get(node)?.lines() ?? [], 'eth0', before - 1);
  const start = down ?? after;
  // The poll that saw the hop gone returned at seenAt: the route event that removed it came before that.
  const dropped = routeChangeAt(b.routes.lines(), b.ip, start, seenAt + 1);
  const how = down === undefined ? 'link: command returned' : dropped === undefined ? 'route: poll' : 'monitor';
  if (process.env.BGP_FAILOVER_DEBUG) {
    const near = (ls: string[]): string[] =>
      ls.filter((x) => {
        const at = stampOf(x);
        return at !== undefined && at >= before - 100 && at <= seenAt + 1000;
      });
    progress(
      `debug ${node}: before ${before} after ${after} seen ${seenAt}\n${near(b.links.get(node)?.lines() ?? []).join('\n')}\n${near(b.routes.lines()).join('\n')}`,
    );
  }
  return { ms: (dropped ?? seenAt) - start, how };
}

async function linkTrials(b: BgpBench, n: number, timeoutMs: number, pollMs: number): Promise<LinkTrial[]> {
  const out: LinkTrial[] = [];
  for (let i = 0; i < n; i++) {
    const node = b.l.nodes[i % b.l.nodes.length];
    const t = await linkDownTrial(b, node, timeoutMs, pollMs);
    progress(`${b.router}: trial ${i + 1}/${n}, ${node}: ${fmt(t.ms)} ms (${t.how})`);
    out.push(t);
    await allBack(b);
    // A moment for the returning session to settle (End-of-RIB, BFD at its slow start rate).
    await sleep(1000);
  }
  return out;
}

/** SIGKILLs `node`'s speaker and leaves it dead: the time until the router drops its next hop; then restarts it. */
async function killTrial(b: BgpBench, node: string, timeoutMs: number): Promise<LinkTrial> {
  const before = Date.now();
  await b.l.killSpeaker(node, 'SIGKILL');
  let seenAt: number;
  try {
    for (;;) {
      const t = Date.now();
      if (!(await b.fibNodes()).includes(node)) {
        seenAt = Date.now();
        break;
      }
      if (t - before > timeoutMs) throw new Error(`${b.router}: ${node}'s next hop still there ${timeoutMs} ms on`);
      await sleep(50);
    }
    await sleep(200);
  } finally {
    b.l.startSpeaker(node);
  }
  const dropped = routeChangeAt(b.routes.lines(), b.ip, before, seenAt + 1);
  const t = { ms: (dropped ?? seenAt) - before, how: dropped === undefined ? 'route: poll' : 'monitor' };
  progress(`${b.router}: ${node}'s speaker SIGKILLed: dropped after ${fmt(t.ms)} ms (${t.how})`);
  await allBack(b);
  return t;
}

/** Whether the router negotiated graceful restart with node1 (both ends sent the capability). */
async function grNegotiated(b: BgpBench): Promise<string> {
  const address = b.addressOf.get('node1') ?? '';
  if (b.router === 'bird') {
    const r = await runCmd(['birdc', '-s', birdSocket(b.l.lab.dir), 'show', 'protocols', 'all', 'node1']);
    // BIRD 2.0 lists each side's capabilities in an indented block; the neighbor's ends at "Session:".
    const caps = /Neighbor capabilities\n([\s\S]*?)\n\s*Session:/.exec(r.stdout)?.[1] ?? '';
    return /^\s*Graceful restart$/m.test(caps) ? 'yes' : 'NO';
  }
  const r = await frrQuery(frrDir(b.l.lab.dir), `show bgp neighbors ${address} json`);
  return /"gracefulRestart(?:Capability)?":"advertisedAndReceived"/.test(r.stdout) ? 'yes' : 'NO';
}

async function versions(): Promise<Record<RouterKind, string>> {
  const bird = await runCmd(['bird', '--version']);
  const frr = await runCmd(['/usr/lib/frr/bgpd', '--version']);
  const gobgp = await runCmd(['gobgpd', '--version']);
  const first = (r: { stdout: string; stderr: string }): string => (r.stdout + r.stderr).trim().split('\n')[0];
  return { bird: first(bird), frr: `FRR ${first(frr)}`, gobgp: first(gobgp), none: '' };
}

function table(title: string, head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

const monitorNote = (trials: LinkTrial[]): string => {
  const other = trials.filter((t) => t.how !== 'monitor');
  return other.length === 0 ? 'ip monitor' : `${other.length} by ${[...new Set(other.map((t) => t.how))].join('/')}`;
};

/** Counts BFD Down transitions at one router from a start point on. */
interface BfdDownCounter {
  poll(): Promise<void>;
  downs(): Promise<number>;
}

async function bfdDownCounter(b: BgpBench): Promise<BfdDownCounter> {
  if (b.router === 'bird') {
    const read = async (): Promise<Map<string, BfdRow> | undefined> => {
      const r = await runCmd(['birdc', '-s', birdSocket(b.l.lab.dir), 'show', 'bfd', 'sessions']);
      if (r.code === 0) return parseBirdBfdRows(r.stdout);
      // A failed query shows no sessions: counted, it would be a Down of every one.
      progress(`${b.router}: birdc show bfd sessions failed (exit ${r.code}): ${r.stderr.trim()}`);
      return undefined;
    };
    let last = (await read()) ?? new Map<string, BfdRow>();
    let downs = 0;
    const poll = async (): Promise<void> => {
      const next = await read();
      if (!next) return;
      // Each Down is printed with what the two polls showed: the evidence to tell a real flap from a misread.
      for (const d of birdDownsBetween(last, next)) {
        downs++;
        const after = d.after ? `${d.after.state} since ${d.after.mark}` : 'absent';
        progress(`${b.router}: BFD ${d.peer} was up since ${d.before.mark}, now ${after}`);
      }
      last = next;
    };
    return {
      poll,
      downs: async () => {
        await poll();
        return downs;
      },
    };
  }
  const read = async (): Promise<Map<string, number>> => {
    const r = await frrQuery(frrDir(b.l.lab.dir), 'show bfd peers counters json', 'bfdd');
    return parseFrrBfdCounters(r.stdout);
  };
  const first = await read();
  return {
    poll: async () => undefined,
    downs: async () => {
      let n = 0;
      for (const [peer, d] of await read()) n += d - (first.get(peer) ?? 0);
      return n;
    },
  };
}

/** "BGP session down" lines in every speaker's log at or after `since` (ms since the epoch), counted by reason. */
function speakerSessionDowns(l: SpeakerLab, since: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of l.speakers.values()) {
    for (const line of s.output().split('\n')) {
      if (!line.includes('"msg":"BGP session down"')) continue;
      const { time, reason } = JSON.parse(line) as { time: number; reason?: string };
      if (time >= since) out.set(reason ?? '?', (out.get(reason ?? '?') ?? 0) + 1);
    }
  }
  return out;
}

const total = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const reasons = (m: ReadonlyMap<string, number>): string => [...m].map(([r, n]) => `${n} x ${r}`).join('; ');

interface IdleFigures {
  readonly routerDowns: number;
  readonly speakerDowns: Map<string, number>;
  readonly fibMissing: number;
}

/** Watches every lab for `ms`: BFD Downs at the routers (BIRD polled each second), the speakers' session downs. */
async function watchIdle(benches: readonly BgpBench[], ms: number): Promise<IdleFigures[]> {
  const counters = await Promise.all(benches.map((b) => bfdDownCounter(b)));
  const since = Date.now();
  const fibMissing = benches.map(() => 0);
  while (Date.now() - since < ms) {
    await sleep(1000);
    await Promise.all(counters.map((c) => c.poll()));
    for (const [i, b] of benches.entries()) {
      if ((await b.fibNodes()).length !== b.l.nodes.length) fibMissing[i]++;
    }
  }
  return Promise.all(
    benches.map(async (b, i) => ({
      routerDowns: await counters[i].downs(),
      speakerDowns: speakerSessionDowns(b.l, since),
      fibMissing: fibMissing[i],
    })),
  );
}

interface RollingFigures {
  readonly polls: number;
  readonly anyMissing: number;
  readonly byNode: Map<string, { missing: number; longestMs: number }>;
  readonly seconds: number;
}

/** SIGTERM and restart each speaker in turn, polling the router's FIB for the VIP every 10 ms throughout. */
async function rollingRestart(b: BgpBench): Promise<RollingFigures> {
  const samples: FibSample[] = [];
  let done = false;
  const poller = (async () => {
    while (!done) {
      const t = performance.now();
      samples.push({ at: t, nodes: await b.fibNodes() });
      await sleep(Math.max(0, POLL_MS - (performance.now() - t)));
    }
  })();
  const t0 = performance.now();
  try {
    for (const node of b.l.nodes) {
      progress(`${b.router}: rolling restart, ${node}`);
      await b.l.killSpeaker(node, 'SIGTERM');
      b.l.startSpeaker(node);
      await until(
        () => b.l.lab.routerStatus(),
        (st) => st.sessions.filter((s) => s.name.startsWith(node)).every((s) => s.state === 'Established'),
        () => b.l.logs().slice(-4000),
      );
      await allBack(b);
      // Past End-of-RIB and the router's stale-path sweep: a path flushed too early shows up here.
      await sleep(5000);
    }
  } finally {
    done = true;
    await poller;
  }
  return { polls: samples.length, ...fibGaps(samples, b.l.nodes), seconds: (performance.now() - t0) / 1000 };
}

function rollingRow(label: string, r: RollingFigures, nodes: readonly string[]): string[] {
  const gaps = nodes.map((n) => {
    const g = r.byNode.get(n);
    return `${n} ${g?.missing ?? 0}/${fmt(g?.longestMs ?? 0, 0)} ms`;
  });
  return [label, `${r.polls} in ${fmt(r.seconds, 0)} s`, String(r.anyMissing), gaps.join(', ')];
}

export async function benchBgpFailover(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const v = await versions();
  const started = Date.now();
  const tag = process.pid % 100;
  const cmd = `npm run bench -- bgp-failover ${args.join(' ')}`.trim();
  console.log(`# ${cmd}\n# routers: ${v.bird}; ${v.frr}; 2 nodes, one IPv4 VIP, kernel FIB polled every ${POLL_MS} ms`);

  const rolling: string[][] = [];
  if (o.parts.has('bfd') || o.parts.has('idle') || o.parts.has('rolling')) {
    const benches: BgpBench[] = [];
    try {
      for (const r of ROUTERS) {
        benches.push(
          await startBench(
            r,
            `ilbfob${r[0]}${tag}`,
            BFD_ROUTER,
            bgpConfigYaml({ peerSpec: BFD_PEER, extra: BFD_PROFILE }),
          ),
        );
      }
      if (o.parts.has('bfd')) {
        const rows: string[][] = [];
        for (const b of benches) {
          const t = await linkTrials(b, o.trials, 20_000, POLL_MS);
          const xs = t.map((x) => x.ms);
          const p50 = median(xs);
          const max = Math.max(...xs);
          rows.push([
            v[b.router],
            String(xs.length),
            fmt(p50),
            fmt(percentile(xs, 90)),
            fmt(max),
            max < BFD_TARGET_MS ? 'yes' : 'NO',
            monitorNote(t),
          ]);
        }
        table(
          `1. Failover with BFD 100 ms x 3 (hold 90 s, graceful restart 120 s): ip link set eth0 down in a node -> the router's kernel route drops its next hop (target < ${BFD_TARGET_MS} ms)`,
          ['router', 'trials', 'p50 ms', 'p90 ms', 'max ms', `max < ${BFD_TARGET_MS}`, 'timed by'],
          rows,
        );
      }
      if (o.parts.has('idle')) {
        progress(`idle: ${o.idleMinutes} min, both labs`);
        const idle = await watchIdle(benches, o.idleMinutes * 60_000);
        progress(`busy: ${BUSY_MS / 1000} s with ${BUSY_PROCESSES} busy loops`);
        const busy = busyProcesses(benches[0].l, BUSY_PROCESSES);
        let loaded: IdleFigures[];
        try {
          loaded = await watchIdle(benches, BUSY_MS);
        } finally {
          await busy.stop();
        }
        table(
          `3. False BFD Downs, BFD 100 ms x 3, 2 nodes x (IPv4 + IPv6) sessions per router: ${o.idleMinutes} idle min, then ${BUSY_MS / 1000} s with ${BUSY_PROCESSES} busy loops (node -e 'for(;;);') on this 2-core machine`,
          [
            'router',
            'phase',
            'BFD Downs at router',
            'speaker "BGP session down"',
            'FIB polls (1/s) short of a hop',
            'speaker reasons',
          ],
          benches.flatMap((b, i) => [
            [
              v[b.router],
              `idle ${o.idleMinutes} min`,
              String(idle[i].routerDowns),
              String(total(idle[i].speakerDowns)),
              String(idle[i].fibMissing),
              reasons(idle[i].speakerDowns),
            ],
            [
              v[b.router],
              `busy ${BUSY_MS / 1000} s`,
              String(loaded[i].routerDowns),
              String(total(loaded[i].speakerDowns)),
              String(loaded[i].fibMissing),
              reasons(loaded[i].speakerDowns),
            ],
          ]),
        );
      }
      if (o.parts.has('rolling')) {
        for (const b of benches) rolling.push(rollingRow(`${v[b.router]}, BFD on`, await rollingRestart(b), b.l.nodes));
      }
    } finally {
      for (const b of benches) await b.stop();
    }
  }

  if (o.parts.has('hold') || o.parts.has('rolling')) {
    // Second-scale figures from here on: the labs run side by side, only the 10 ms rolling-restart polls alone.
    const benches: BgpBench[] = [];
    try {
      for (const r of ROUTERS) {
        benches.push(
          await startBench(r, `ilbfoh${r[0]}${tag}`, NO_BFD_ROUTER, bgpConfigYaml({ peerSpec: noBfdPeer(false) })),
        );
      }
      const graceful = await startBench(
        'bird',
        `ilbfog${tag}`,
        { ...BFD_ROUTER, bfd: { intervalMs: 100, multiplier: 3, graceful: true } },
        bgpConfigYaml({ peerSpec: BFD_PEER, extra: BFD_PROFILE }),
        ['--bgp-restart-time', String(SHORT_RESTART_SEC)],
      );
      benches.push(graceful);
      const [birdNoBfd, frrNoBfd] = benches;
      const noBfd = [birdNoBfd, frrNoBfd];
      const holdOnly = o.parts.has('hold')
        ? await Promise.all(noBfd.map((b) => linkTrials(b, o.grTrials, 120_000, 50)))
        : [];
      for (const b of noBfd) await b.l.ok(['apply', '-f', '-'], bgpConfigYaml({ peerSpec: noBfdPeer(true) }));
      // The sessions are replaced to negotiate graceful restart: wait for both back, Established with GR.
      await sleep(3000);
      for (const b of noBfd) await allBack(b);
      await sleep(3000);
      const grOn = await Promise.all(benches.map((b) => grNegotiated(b)));
      if (o.parts.has('rolling')) {
        rolling.push(rollingRow(`${v.bird}, bfd graceful`, await rollingRestart(graceful), graceful.l.nodes));
        for (const b of noBfd) rolling.push(rollingRow(`${v[b.router]}, no BFD`, await rollingRestart(b), b.l.nodes));
      }
      if (o.parts.has('hold')) {
        // One fault at a time per lab; the labs side by side.
        const [grFaults, gracefulFaults] = await Promise.all([
          Promise.all(
            noBfd.map(async (b) => ({
              link: await linkTrials(b, o.grTrials, 200_000, 50),
              kill: await killTrial(b, b.l.nodes[0], 200_000),
            })),
          ),
          (async () => ({
            link: await linkTrials(graceful, 1, 200_000, 50),
            kill: await killTrial(graceful, graceful.l.nodes[0], 200_000),
          }))(),
        ]);
        const withGr = grFaults.map((f) => f.link);
        const killed = grFaults.map((f) => f.kill);
        const s = (t: readonly LinkTrial[]): string[] => {
          const xs = t.map((x) => x.ms / 1000);
          return [String(xs.length), fmt(median(xs), 2), fmt(Math.min(...xs), 2), fmt(Math.max(...xs), 2)];
        };
        table(
          `2. Without BFD (hold time ${HOLD_SEC} s, keepalive ${HOLD_SEC / 3} s; router restart time ${RESTART_SEC} s, the speaker announces ${SPEAKER_RESTART_SEC} s): the fault -> the router's kernel route drops the node's next hop`,
          ['router', 'graceful restart', 'fault', 'trials', 'p50 s', 'min s', 'max s'],
          [
            ...noBfd.flatMap((b, i) => [
              [v[b.router], 'off', 'link down', ...s(holdOnly[i] ?? [])],
              [v[b.router], `on (negotiated: ${grOn[i]})`, 'link down', ...s(withGr[i])],
              [v[b.router], `on (negotiated: ${grOn[i]})`, 'speaker SIGKILL, not restarted', ...s([killed[i]])],
            ]),
            ...(
              [
                ['link down', gracefulFaults.link],
                ['speaker SIGKILL, not restarted', [gracefulFaults.kill]],
              ] as const
            ).map(([fault, t]) => [
              `${v.bird}, bfd graceful, speaker --bgp-restart-time ${SHORT_RESTART_SEC}`,
              `on (negotiated: ${grOn[2]})`,
              fault,
              ...s(t),
            ]),
          ],
        );
      }
    } finally {
      for (const b of benches) await b.stop();
    }
  }
  if (rolling.length > 0) {
    table(
      `4. Rolling restart (SIGTERM, new process, wait Established + 5 s; each node in turn), graceful restart on, FIB polled every ${POLL_MS} ms`,
      ['router', 'polls', 'polls short of a hop', 'per node: polls missing / longest gap'],
      rolling,
    );
  }
  console.log(`\n# whole run: ${fmt((Date.now() - started) / 60_000, 1)} min`);
}
