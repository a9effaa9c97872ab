/**
 * `npm run bench -- dataplane-path [--services N] [--seconds S]`: what the dataplane's rules cost a packet, and
 * whether that grows with the number of Services. In the lab (1 node, no router): wrk on the client sends HTTP
 * requests to an HTTP server in pod1, (a) to pod1's address directly (node1 holds no rules of ours), and through the
 * VIP 198.51.100.200:80 (the client routes it via node1, as if node1 had announced it), node1 forwarding it to
 * pod1:8080 with (b) 10 and (c) N Services programmed by nftables, (d) 10 and (e) N by iptables. The target Service
 * is one of them, Cluster policy (masqueraded); the others are the sync bench's (dataplaneInput.ts).
 *
 * Two kinds of run per configuration: a new connection per request (`Connection: close`: every request's SYN goes
 * through the nat lookup, where nftables' verdict map is one hash lookup and iptables walks its Service rules) and
 * keep-alive (only the first packet of each connection meets the rules; the rest is conntrack's). The configurations
 * alternate (a..e, e..a, ...), each run after a 1 s warmup and a conntrack flush in node1; figures are medians.
 */
import { mustParseIP } from '@ironlb/shared';
import {
  iptablesBackend,
  nftablesBackend,
  planDataplane,
  processRunner,
  type DataplaneBackend,
  type DataplanePlan,
} from '@ironlb/speaker';
import { Lab } from '../lab/lab';
import { podAddress } from '../lab/podAddresses';
import { mustRun, runCmd, waitFor } from '../lab/sh';
import { tableLines } from './benchTable';
import { intOption } from './bgpCommon';
import { ENDPOINT_PORT, benchInput, benchService, benchServices } from './dataplaneInput';
import { fmt, median } from './stats';
import { parseWrk, type WrkSummary } from './wrkOutput';

const progress = (text: string): void => void process.stderr.write(`[dataplane-path] ${text}\n`);

const VIP = '198.51.100.200';
const VIP_PORT = 80;
const SMALL = 10;
/**
 * Endpoints of every Service but the target (which has pod1 alone). A packet meets only the target's own chains
 * after the Service lookup, so the other Services weigh on the path by their number alone; one endpoint each keeps
 * iptables' restore of 10,000 in minutes (with 10 each it runs past 15 min: see dataplane-sync).
 */
const OTHER_ENDPOINTS = 1;
const WRK_THREADS = 1;
const WRK_CONNECTIONS = 16;
const WARMUP_SEC = 1;
const ROUNDS = 3;
const INSTALL = 'apt-get install -y wrk';
/**
 * pod1's HTTP server: node's own http module (installed with the project; keep-alive, and fast enough that one
 * server core is not what a 2-core machine saturates first; python's http.server manages a few hundred a second).
 */
const SERVER_JS = (host: string, port: number): string =>
  `require('http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 }); s.end('ok\\n'); }).listen(${port}, '${host}');`;

type Kind = 'nftables' | 'iptables';
type Mode = 'close' | 'keepalive';
const MODES: readonly Mode[] = ['close', 'keepalive'];
const MODE_LABEL: Record<Mode, string> = { close: 'new connection per request', keepalive: 'keep-alive' };

interface Config {
  readonly id: 'a' | 'b' | 'c' | 'd' | 'e';
  readonly label: string;
  readonly backend?: Kind;
  readonly services?: number;
}

/** wrk, installed from Debian if missing; fails with the exact command when that does not work. */
async function ensureWrk(): Promise<string> {
  const have = async (): Promise<boolean> => (await runCmd(['sh', '-c', 'command -v wrk'])).code === 0;
  if (!(await have())) {
    progress(`wrk is missing: ${INSTALL}`);
    const r = await runCmd(['apt-get', 'install', '-y', 'wrk'], {
      timeoutMs: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.code !== 0 || !(await have()))
      throw new Error(`wrk is not installed and could not be installed; run: ${INSTALL}\n${r.stderr.slice(-1500)}`);
  }
  // `wrk -v` prints its version and usage, and exits 1.
  const v = await runCmd(['wrk', '-v']);
  return (v.stdout + v.stderr).trim().split('\n')[0] ?? 'wrk';
}

export async function benchDataplanePath(args: string[]): Promise<void> {
  const services = intOption(args, '--services', 10_000);
  const seconds = intOption(args, '--seconds', 10);
  if (services < SMALL) throw new Error(`--services must be at least ${SMALL}`);
  const cmd = `npm run bench -- dataplane-path --services ${services} --seconds ${seconds}`;
  const configs: readonly Config[] = [
    { id: 'a', label: 'pod1 directly, no rules in node1' },
    { id: 'b', label: `VIP, nftables, ${SMALL} Services`, backend: 'nftables', services: SMALL },
    { id: 'c', label: `VIP, nftables, ${services} Services`, backend: 'nftables', services },
    { id: 'd', label: `VIP, iptables, ${SMALL} Services`, backend: 'iptables', services: SMALL },
    { id: 'e', label: `VIP, iptables, ${services} Services`, backend: 'iptables', services },
  ];
  const wrkVersion = await ensureWrk();
  const pod = podAddress(1, 0);
  const prefix = `ilbbdp${process.pid % 1000}`;
  const started = performance.now();
  progress(`starting the lab ${prefix} (1 node, no router)`);
  const lab = await Lab.up({ nodes: 1, router: 'none', prefix, log: progress });
  try {
    const node1 = lab.host('node1');
    const nodeAddr = node1.ipv4.split('/')[0];
    const inNode = ['ip', 'netns', 'exec', node1.netns];
    // A big iptables restore takes far longer than the speaker's 30 s default.
    const runner = processRunner(1_800_000);
    const backends: Record<Kind, DataplaneBackend> = {
      nftables: nftablesBackend({ runner, argvPrefix: inNode }),
      iptables: iptablesBackend({ runner, prefix: inNode, families: ['IPv4'] }),
    };

    // The target Service and the others, on VIPs that are none of the lab's own addresses.
    const skipVips = new Set([VIP, ...lab.hosts().map((h) => h.ipv4.split('/')[0])]);
    const target = benchService('bench/target', mustParseIP(VIP), VIP_PORT, [mustParseIP(pod.ipv4)]);
    const planOf = (n: number): DataplanePlan =>
      planDataplane(benchInput([...benchServices({ services: n - 1, endpoints: OTHER_ENDPOINTS, skipVips }), target]));
    const plans = new Map<number, DataplanePlan>([
      [SMALL, planOf(SMALL)],
      [services, planOf(services)],
    ]);

    const must = async (host: string, argv: string[]): Promise<void> => {
      const r = await lab.exec(host, argv);
      if (r.code !== 0) throw new Error(`'${argv.join(' ')}' in ${host} failed (exit ${r.code}): ${r.stderr}`);
    };
    await must('client', ['ip', 'route', 'add', `${VIP}/32`, 'via', nodeAddr]);
    // One client opening thousands of connections a second to one server would, with TIME_WAIT kept, run out of
    // ephemeral ports (connect() then searches the range: slower every run) and, behind the masquerade, have SYNs
    // refused by the server's TIME_WAIT sockets (PAWS: a 1 s retransmit each; iptables' --random-fully source ports
    // meet them most). Neither end keeps any, so what is left to vary is node1's rules. Lab namespaces only.
    for (const host of ['client', 'pod1']) await must(host, ['sysctl', '-qw', 'net.ipv4.tcp_max_tw_buckets=0']);
    const server = lab.spawn('pod1', [process.execPath, '-e', SERVER_JS(pod.ipv4, ENDPOINT_PORT)], {
      stdio: 'ignore',
    });
    try {
      const listening = async (): Promise<boolean> =>
        (await lab.exec('pod1', ['ss', '-Hltn', `sport = :${ENDPOINT_PORT}`])).stdout.includes(
          `${pod.ipv4}:${ENDPOINT_PORT}`,
        );
      if (!(await waitFor(listening, 10_000))) throw new Error(`pod1's HTTP server did not listen`);

      // node1 as the lab left it: no netfilter table at all, so the baseline (a) has no hook, not even conntrack.
      const initial = (await mustRun([...inNode, 'nft', 'list', 'ruleset'])).trim();
      if (initial !== '')
        progress(`node1 holds netfilter rules of the lab's own; the baseline keeps them:\n${initial}`);
      let programmed: string | undefined;
      const programMs = new Map<string, number[]>();
      /** node1 holding exactly this configuration's rules (nothing when it has no backend). */
      const program = async (c: Config): Promise<void> => {
        const want = c.backend ? `${c.backend} ${c.services}` : 'none';
        if (programmed === want) return;
        programmed = undefined;
        for (const b of Object.values(backends)) await b.cleanup();
        // iptables-nft leaves its tables and hooked built-in chains behind, empty: gone too, so no configuration
        // pays for another's hooks.
        if (initial === '') await mustRun([...inNode, 'nft', 'flush', 'ruleset']);
        if (c.backend && c.services) {
          const plan = plans.get(c.services);
          if (!plan) throw new Error(`no plan of ${c.services} Services`);
          progress(`programming node1: ${c.label}`);
          const t0 = performance.now();
          await backends[c.backend].apply(undefined, plan, true);
          const ms = performance.now() - t0;
          programMs.set(want, [...(programMs.get(want) ?? []), ms]);
          progress(`  programmed in ${fmt(ms / 1000, 1)} s`);
        }
        programmed = want;
      };

      const url = (c: Config): string =>
        c.backend ? `http://${VIP}:${VIP_PORT}/` : `http://${pod.ipv4}:${ENDPOINT_PORT}/`;
      const wrk = async (c: Config, mode: Mode, sec: number): Promise<WrkSummary> => {
        // Every run starts from an empty connection table: the previous run's thousands of entries weigh nothing.
        await mustRun([...inNode, 'conntrack', '-F']).catch(() => undefined);
        const argv = ['wrk', '-t', String(WRK_THREADS), '-c', String(WRK_CONNECTIONS), '-d', `${sec}s`];
        argv.push('--timeout', '5s', ...(mode === 'close' ? ['-H', 'Connection: close'] : []), url(c));
        const r = await lab.exec('client', argv, { timeoutMs: (sec + 60) * 1000 });
        if (r.code !== 0) throw new Error(`'${argv.join(' ')}' in the client failed (exit ${r.code}): ${r.stderr}`);
        const s = parseWrk(r.stdout);
        if (s.requests === 0) throw new Error(`${c.label}: no request answered\n${r.stdout}`);
        return s;
      };

      const runs = new Map<string, WrkSummary[]>();
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? configs : [...configs].reverse();
        const modes = r % 2 === 0 ? MODES : [...MODES].reverse();
        for (const c of order) {
          await program(c);
          for (const mode of modes) {
            await wrk(c, mode, WARMUP_SEC);
            const s = await wrk(c, mode, seconds);
            runs.set(`${c.id} ${mode}`, [...(runs.get(`${c.id} ${mode}`) ?? []), s]);
            progress(
              `round ${r + 1}/${ROUNDS} (${c.id}) ${c.label}, ${MODE_LABEL[mode]}: ${fmt(s.requestsPerSec, 0)} req/s, ${s.errors} socket errors, ${s.non2xx} non-2xx`,
            );
          }
        }
      }
      for (const b of Object.values(backends)) await b.cleanup();

      const rate = (id: Config['id'], mode: Mode): number =>
        median((runs.get(`${id} ${mode}`) ?? []).map((s) => s.requestsPerSec));
      /** max/min of a configuration's runs: the noise its ratios are read against. */
      const spread = (id: Config['id'], mode: Mode): number => {
        const xs = (runs.get(`${id} ${mode}`) ?? []).map((s) => s.requestsPerSec);
        return Math.max(...xs) / Math.min(...xs);
      };
      const cell = (id: Config['id'], mode: Mode): string[] => {
        const rs = runs.get(`${id} ${mode}`) ?? [];
        const errors = rs.reduce((a, s) => a + s.errors + s.non2xx, 0);
        return [
          fmt(rate(id, mode), 0),
          fmt(median(rs.map((s) => s.latencyMs)), 2),
          fmt(spread(id, mode), 2),
          String(errors),
        ];
      };
      console.log(`# ${cmd}`);
      console.log(
        `# the lab: 1 node, no router; the client's wrk -> node1 -> pod1's HTTP server (node's http module, 3-byte body) on ${pod.ipv4}:${ENDPOINT_PORT}; VIP ${VIP}:${VIP_PORT} routed by the client via node1, Cluster policy (masqueraded); the other Services ${OTHER_ENDPOINTS} endpoints each`,
      );
      console.log(
        `# ${wrkVersion}; wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS}, ${WARMUP_SEC} s warmup then ${seconds} s per run; median of ${ROUNDS} rounds, configurations alternated (a..e, e..a, a..e); conntrack flushed in node1 before each run; client and pod1 keep no TIME_WAIT (tcp_max_tw_buckets=0); iptables: IPv4 only`,
      );
      const head = ['', ...MODES.flatMap((m) => [`${m} req/s`, 'ms avg', 'max/min', 'errors'])];
      const rows = configs.map((c) => [`(${c.id}) ${c.label}`, ...MODES.flatMap((m) => cell(c.id, m))]);
      for (const l of tableLines(head, rows)) console.log(`  ${l}`);
      console.log('  close = a new connection per request (Connection: close); keepalive = 16 connections kept open');
      const ratio = (x: Config['id'], y: Config['id']): string =>
        MODES.map((m) => `${m} ${fmt(rate(x, m) / rate(y, m), 2)}`).join(', ');
      console.log(`  (c)/(b) nftables, ${services} vs ${SMALL} Services: ${ratio('c', 'b')} (target 1.0 within noise)`);
      // The noise: the wider max/min spread of the two configurations' own runs; 1.0 "within" it when the ratio
      // lies between its inverse and it.
      for (const m of MODES) {
        const noise = Math.max(spread('b', m), spread('c', m));
        const r = rate('c', m) / rate('b', m);
        console.log(
          `    ${m}: ${fmt(r, 2)} against a spread of ${fmt(noise, 2)}: ${r <= noise && r >= 1 / noise ? 'within noise (met)' : 'outside the noise (NOT met)'}`,
        );
      }
      console.log(`  (e)/(d) iptables, ${services} vs ${SMALL} Services: ${ratio('e', 'd')}`);
      console.log(`  (b)/(a) nftables rules' own cost, ${SMALL} Services: ${ratio('b', 'a')}`);
      console.log(`  (d)/(a) iptables rules' own cost, ${SMALL} Services: ${ratio('d', 'a')}`);
      const prog = [...programMs].map(([k, v]) => `${k} ${fmt(median(v) / 1000, 1)} s`).join('; ');
      console.log(`  programming node1 (first full sync, median): ${prog}`);
      console.log(`  whole run: ${fmt((performance.now() - started) / 60_000, 1)} min`);
      console.log(`  reproduce: ${cmd} (root: it builds the network lab; installs wrk if missing)`);
    } finally {
      server.kill();
    }
  } finally {
    await Lab.down(prefix);
    progress(`lab ${prefix} down`);
  }
}
