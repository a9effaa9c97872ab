/**
 * Captures the byte vectors of the speaker's BGP codec tests (speaker/src/bgp/codec/fixtures/*.hex) from real BGP
 * daemons talking to each other: BIRD 2, FRR's bgpd and GoBGP, each in its own network namespace, a veth link between
 * each pair, sessions over IPv4 and IPv6 transport, eBGP and iBGP, and two sessions where BIRD is a 2-octet-AS
 * speaker (RFC 6793's OLD speaker, so its peers send AS4_PATH). The daemons originate routes with communities, large
 * communities, MED, LOCAL_PREF (iBGP) and 4-octet AS_PATHs, then withdraw some, ask for a route refresh, and shut a
 * session down each with an RFC 9003 message. tcpdump captures each link in one of its namespaces; the pcaps are
 * reassembled per TCP direction and cut into BGP messages (bgpCapture.ts). See bgpCapturePlan.ts for the plan.
 *
 *   npx tsc -b && sudo node scripts/dist/lab/captureBgpVectors.js [--out <dir>]
 *
 * Root only. Namespaces are named `<random ilbt* prefix>-<daemon>` and deleted at the end, on failure and on
 * SIGINT/SIGTERM; every process it starts is ended by its own pid, then whatever is left in its namespaces.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../tools';
import { collectVectors, fixtureFiles } from './bgpVectors';
import {
  ASN,
  birdConfig,
  DAEMONS,
  endsOf,
  frrConfig,
  GOBGP_API_PORT,
  gobgpConfig,
  gobgpRouteArgs,
  LINKS,
  ROUTES,
  type Daemon,
} from './bgpCapturePlan';
import { randomTestPrefix } from './names';
import { frrArgv, writeFrrDir } from './routerDaemon';
import { watchChild, watchTcpdump, type Watched } from './pcapCapture';
import { killPids, netnsPids } from './processes';
import { inNetns, mustRun, runCmd, sleep, waitFor } from './sh';

const DEFAULT_OUT = path.join(repoRoot, 'speaker', 'src', 'bgp', 'codec', 'fixtures');
const FILTER = 'tcp port 179';
const SHUTDOWN_TEXT: Record<Daemon, string> = {
  bird2: 'ironlb capture: bird2 disables this session',
  frr: 'ironlb capture: frr shuts this neighbor down',
  gobgp: 'ironlb capture: gobgp disables this neighbor',
};

interface Env {
  prefix: string;
  dir: string;
  namespaces: string[];
  children: Set<Watched>;
  log: (l: string) => void;
}

const nsOf = (env: Env, d: Daemon): string => `${env.prefix}-${d}`;

/** Starts argv in a namespace and watches it with `watch`; the teardown stops it by its own pid. */
function spawnIn<W extends Watched>(
  env: Env,
  ns: string,
  argv: string[],
  logFile: string | 'pipe',
  watch: (child: ChildProcess) => W,
): W {
  const out = logFile === 'pipe' ? 'pipe' : fs.openSync(logFile, 'a');
  // `ip netns exec` execs the command: the child's pid is the daemon's own.
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', out, out] });
  if (typeof out === 'number') fs.closeSync(out);
  // Without a listener a spawn failure would be thrown out of the event loop, past the teardown.
  child.on('error', (e) => env.log(`${argv[0]} in ${ns}: ${e.message}`));
  const watched = watch(child);
  env.children.add(watched);
  void watched.closed.then(() => env.children.delete(watched));
  return watched;
}

async function must(ns: string, argv: string[]): Promise<string> {
  return mustRun(inNetns(ns, argv), { timeoutMs: 10000 });
}

async function buildNetwork(env: Env): Promise<void> {
  for (const d of DAEMONS) {
    const ns = nsOf(env, d);
    await mustRun(['ip', 'netns', 'add', ns]);
    env.namespaces.push(ns);
    await mustRun(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    await must(ns, ['sysctl', '-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
  }
  for (const l of LINKS) {
    const a = nsOf(env, l.a);
    const b = nsOf(env, l.b);
    // Born in a's namespace with its peer in b's: the root namespace never holds either end.
    await mustRun([
      'ip',
      '-n',
      a,
      'link',
      'add',
      l.aIf,
      'address',
      l.aMac,
      'type',
      'veth',
      'peer',
      'name',
      l.bIf,
      'address',
      l.bMac,
      'netns',
      b,
    ]);
    for (const [ns, ifname, addrs] of [
      [a, l.aIf, l.aAddrs],
      [b, l.bIf, l.bAddrs],
    ] as const) {
      for (const addr of addrs) {
        await mustRun([
          'ip',
          '-n',
          ns,
          'address',
          'add',
          addr,
          'dev',
          ifname,
          ...(addr.includes(':') ? ['nodad'] : []),
        ]);
      }
      await mustRun(['ip', '-n', ns, 'link', 'set', ifname, 'up']);
    }
  }
}

interface Capture {
  link: string;
  file: string;
  tcpdump: Watched;
}

async function startCaptures(env: Env): Promise<Capture[]> {
  const caps: Capture[] = [];
  for (const l of LINKS) {
    const file = path.join(env.dir, `${l.a}-${l.b}.pcap`);
    const argv = ['tcpdump', '-i', l.aIf, '--immediate-mode', '-U', '-n', '-s', '0', '-w', file, FILTER];
    const tcpdump = spawnIn(env, nsOf(env, l.a), argv, 'pipe', watchTcpdump);
    await tcpdump.listening(`on ${l.a}:${l.aIf}`);
    caps.push({ link: `${l.a}-${l.b}`, file, tcpdump });
  }
  return caps;
}

const birdSock = (env: Env): string => path.join(env.dir, 'bird.ctl');
const frrDir = (env: Env): string => path.join(env.dir, 'frr');
const birdc = (env: Env, args: string[]): Promise<string> => mustRun(['birdc', '-s', birdSock(env), ...args]);
const vtysh = (env: Env, cmds: string[]): Promise<string> =>
  mustRun(['vtysh', '--vty_socket', frrDir(env), '-d', 'bgpd', ...cmds.flatMap((c) => ['-c', c])], {
    timeoutMs: 10000,
  });
const gobgp = (env: Env, args: string[]): Promise<string> =>
  must(nsOf(env, 'gobgp'), ['gobgp', '-u', '127.0.0.1', '-p', String(GOBGP_API_PORT), ...args]);

async function startDaemons(env: Env): Promise<void> {
  // GoBGP first, with its routes in its RIB before any peer connects: otherwise whether its first UPDATEs come
  // before or after its End-of-RIB, packed or one by one, depends on a race.
  const gobgpConf = path.join(env.dir, 'gobgpd.toml');
  fs.writeFileSync(gobgpConf, gobgpConfig());
  spawnIn(
    env,
    nsOf(env, 'gobgp'),
    ['gobgpd', '-f', gobgpConf, '-t', 'toml', '--api-hosts', `127.0.0.1:${GOBGP_API_PORT}`, '--pprof-disable'],
    path.join(env.dir, 'gobgpd.log'),
    watchChild,
  );
  const gobgpUp = async (): Promise<boolean> =>
    (await runCmd(inNetns(nsOf(env, 'gobgp'), ['gobgp', '-p', String(GOBGP_API_PORT), 'neighbor']))).code === 0;
  if (!(await waitFor(gobgpUp, 10000))) throw new Error('gobgpd did not come up');
  for (const p of [...ROUTES.gobgp.ipv4, ...ROUTES.gobgp.ipv6]) {
    const [af, fam, ...rest] = gobgpRouteArgs(p);
    await gobgp(env, ['global', 'rib', af, fam, 'add', ...rest]);
  }
  const birdConf = path.join(env.dir, 'bird.conf');
  fs.writeFileSync(birdConf, birdConfig(false));
  spawnIn(
    env,
    nsOf(env, 'bird2'),
    ['bird', '-f', '-c', birdConf, '-s', birdSock(env), '-P', path.join(env.dir, 'bird.pid')],
    path.join(env.dir, 'bird.log'),
    watchChild,
  );

  const d = frrDir(env);
  const zserv = writeFrrDir(d, { 'zebra.conf': 'hostname capture-zebra\n', 'bgpd.conf': frrConfig() });
  const frr = (daemon: string): string[] => frrArgv(d, daemon);
  spawnIn(env, nsOf(env, 'frr'), frr('zebra'), path.join(env.dir, 'zebra.log'), watchChild);
  if (!(await waitFor(async () => fs.existsSync(zserv), 10000))) throw new Error('zebra did not come up');
  spawnIn(env, nsOf(env, 'frr'), frr('bgpd'), path.join(env.dir, 'bgpd.log'), watchChild);
}

/** How many sessions each daemon has Established. */
async function established(env: Env): Promise<Record<Daemon, number>> {
  const bird = await runCmd(['birdc', '-s', birdSock(env), 'show', 'protocols']);
  const frr = await runCmd(['vtysh', '--vty_socket', frrDir(env), '-d', 'bgpd', '-c', 'show bgp neighbors json']);
  const gob = await runCmd(inNetns(nsOf(env, 'gobgp'), ['gobgp', '-p', String(GOBGP_API_PORT), 'neighbor']));
  return {
    bird2: (bird.stdout.match(/Established/g) ?? []).length,
    frr: (frr.stdout.match(/"bgpState":\s*"Established"/g) ?? []).length,
    gobgp: (gob.stdout.match(/\bEstabl/g) ?? []).length,
  };
}

async function waitEstablished(env: Env): Promise<void> {
  const want = Object.fromEntries(DAEMONS.map((d) => [d, endsOf(d).length])) as Record<Daemon, number>;
  let last: Record<Daemon, number> = { bird2: 0, frr: 0, gobgp: 0 };
  const ok = await waitFor(
    async () => {
      last = await established(env);
      return DAEMONS.every((d) => last[d] >= want[d]);
    },
    60000,
    500,
  );
  if (!ok) {
    const logs = ['bird.log', 'bgpd.log', 'gobgpd.log']
      .map((f) => `${f}:\n${fs.readFileSync(path.join(env.dir, f), 'utf8').trim().split('\n').slice(-10).join('\n')}`)
      .join('\n');
    throw new Error(
      `sessions not all Established: have ${JSON.stringify(last)}, want ${JSON.stringify(want)}\n${logs}`,
    );
  }
}

/** What the daemons are made to send once the sessions are up (fixtures/README.md lists the same commands). */
async function exercise(env: Env): Promise<void> {
  env.log('sessions up; waiting for the first UPDATEs and End-of-RIB markers');
  await sleep(6000);

  env.log('withdrawing one IPv4 and one IPv6 route on each daemon');
  fs.writeFileSync(path.join(env.dir, 'bird.conf'), birdConfig(true));
  await birdc(env, ['configure']);
  await vtysh(env, [
    'configure terminal',
    `router bgp ${ASN.frr}`,
    'address-family ipv4 unicast',
    `no network ${ROUTES.frr.ipv4[1]}`,
    'exit-address-family',
    'address-family ipv6 unicast',
    `no network ${ROUTES.frr.ipv6[1]}`,
  ]);
  await gobgp(env, ['global', 'rib', '-a', 'ipv4', 'del', ROUTES.gobgp.ipv4[1]]);
  await gobgp(env, ['global', 'rib', '-a', 'ipv6', 'del', ROUTES.gobgp.ipv6[1]]);
  await sleep(4000);

  env.log('route refresh: birdc reload in, vtysh clear bgp soft in, gobgp softresetin');
  await birdc(env, ['reload', 'in', 'bird_frr_v4']);
  await birdc(env, ['reload', 'in', 'bird_gobgp_v6']);
  await vtysh(env, ['clear bgp 198.51.100.19 soft in']);
  await vtysh(env, ['clear bgp 2001:db8:12::1 soft in']);
  await gobgp(env, ['neighbor', '198.51.100.33', 'softresetin']);
  await gobgp(env, ['neighbor', '2001:db8:23::2', 'softresetin']);
  await sleep(3000);

  env.log('administrative shutdown with a message (RFC 9003) on one session of each daemon');
  await vtysh(env, [
    'configure terminal',
    `router bgp ${ASN.frr}`,
    `neighbor 198.51.100.19 shutdown message ${SHUTDOWN_TEXT.frr}`,
  ]);
  await birdc(env, ['disable', 'bird_frr_v4', `"${SHUTDOWN_TEXT.bird2}"`]);
  // `shutdown` sends the reason as the RFC 9003 message; older CLIs only have `disable`.
  const gobgpShutdown = ['gobgp', '-p', String(GOBGP_API_PORT), 'neighbor', '2001:db8:13::1'];
  const r = await runCmd(inNetns(nsOf(env, 'gobgp'), [...gobgpShutdown, 'shutdown', '--reason', SHUTDOWN_TEXT.gobgp]));
  if (r.code !== 0) await must(nsOf(env, 'gobgp'), [...gobgpShutdown, 'disable', '--reason', SHUTDOWN_TEXT.gobgp]);
  await sleep(3000);
}

async function versions(): Promise<string> {
  const first = async (argv: string[]): Promise<string> => {
    const r = await runCmd(argv);
    return `${r.stdout}${r.stderr}`.split('\n')[0].trim();
  };
  return [
    await first(['bird', '--version']),
    `FRR ${await first(['/usr/lib/frr/bgpd', '--version'])}`,
    await first(['gobgpd', '--version']),
    await first(['tcpdump', '--version']),
  ].join(', ');
}

async function teardown(env: Env): Promise<void> {
  await Promise.all([...env.children].map((c) => c.stop()));
  // Whatever a daemon forked and left behind in our namespaces, by pid.
  const left = (await Promise.all(env.namespaces.map(netnsPids))).flat();
  if (left.length > 0) await killPids(left);
  for (const ns of env.namespaces) await runCmd(['ip', 'netns', 'del', ns]);
  env.namespaces.length = 0;
  fs.rmSync(env.dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 && args[outAt + 1] ? path.resolve(args[outAt + 1]) : DEFAULT_OUT;
  if (process.getuid?.() !== 0) throw new Error('run as root (network namespaces)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-bgpcap-'));
  // 0755: FRR runs as user frr and must traverse into its own subdirectory.
  fs.chmodSync(dir, 0o755);
  const env: Env = {
    prefix: randomTestPrefix(),
    dir,
    namespaces: [],
    children: new Set(),
    log: (l) => console.log(l),
  };
  let down: Promise<void> | undefined;
  const finish = (): Promise<void> => (down ??= teardown(env));
  const onSignal = (): void => {
    console.error(`interrupted: deleting ${env.prefix}-*, no fixture written`);
    void finish().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const tools = await versions();
    env.log(`namespaces ${env.prefix}-{${DAEMONS.join(',')}}; ${tools}`);
    await buildNetwork(env);
    const caps = await startCaptures(env);
    await startDaemons(env);
    await waitEstablished(env);
    await exercise(env);
    for (const c of caps) await c.tcpdump.stop();
    const found = collectVectors(caps.map((c) => ({ link: c.link, data: fs.readFileSync(c.file) })));
    fs.mkdirSync(out, { recursive: true });
    for (const f of fs.readdirSync(out)) {
      if (f.endsWith('.hex') && DAEMONS.some((d) => f.startsWith(`${d}-`))) fs.rmSync(path.join(out, f));
    }
    const files = fixtureFiles(found);
    for (const f of files) {
      fs.writeFileSync(path.join(out, f.name), f.text);
      env.log(`  ${f.name}: ${f.count}`);
    }
    env.log(`${found.length} messages in ${files.length} files written to ${out}`);
  } finally {
    await finish();
    env.log(`namespaces ${env.prefix}-*: deleted`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`captureBgpVectors failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
