// Starts the router host's BGP daemon (BIRD 2, FRR or GoBGP) with its config, control sockets, pid
// and log files all in the lab's own directory, and asks it how its sessions are.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BgpRouterOptions } from './bgpOptions';
import type { LabPlan } from './plan';
import { findHost } from './plan';
import { GOBGP_API_PORT, renderBirdConfig, renderFrrConfig, renderGobgpConfig } from './routerConfig';
import {
  birdIsUp,
  parseBirdProtocols,
  parseFrrNeighbors,
  parseGobgpNeighbors,
  type RouterStatus,
} from './routerStatusParse';
import { which } from './preflight';
import { inNetns, runCmd, waitFor } from './sh';

/** Starts one long-running program in a host's namespace, records it, returns its pid. */
export type SpawnDaemon = (host: string, role: string, argv: string[], logFile: string) => number;

const READY_MS = 10000;

/** The end of a daemon's log, for the error message: `down` deletes the file right after. */
function logTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-8).join('\n') || '(empty log)';
  } catch {
    return '(no log)';
  }
}

function userIds(name: string): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`user ${name} does not exist (is the frr package installed?)`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

const routerNetns = (plan: LabPlan): string => findHost(plan, 'router').netns;

export const birdSocket = (dir: string): string => path.join(dir, 'bird.ctl');
export const frrDir = (dir: string): string => path.join(dir, 'frr');

/** The roles (state file) of the router's daemon processes, per kind: what stopping the router ends. */
export const ROUTER_ROLES: readonly string[] = ['bird', 'zebra', 'bfdd', 'bgpd', 'gobgpd'];

async function startBird(plan: LabPlan, dir: string, spawn: SpawnDaemon, opts: BgpRouterOptions): Promise<void> {
  const conf = path.join(dir, 'bird.conf');
  fs.writeFileSync(conf, renderBirdConfig(plan, opts));
  spawn(
    'router',
    'bird',
    ['bird', '-f', '-c', conf, '-s', birdSocket(dir), '-P', path.join(dir, 'bird.pid')],
    path.join(dir, 'bird.log'),
  );
  const ok = await waitFor(
    async () => birdIsUp((await runCmd(['birdc', '-s', birdSocket(dir), 'show', 'status'])).stdout),
    READY_MS,
  );
  if (!ok) throw new Error(`bird did not come up: ${logTail(path.join(dir, 'bird.log'))}`);
}

/**
 * Writes FRR's config files into a fresh directory `d` owned by user frr (FRR drops privileges to it: configs, vty
 * sockets and pid files live there); returns the zserv socket path zebra will create.
 */
export function writeFrrDir(d: string, files: Readonly<Record<string, string>>): string {
  fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(d, { recursive: true });
  const { uid, gid } = userIds('frr');
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(d, f), text);
  for (const f of ['', ...Object.keys(files)]) fs.chownSync(path.join(d, f), uid, gid);
  return path.join(d, 'zserv.api');
}

/** The argv of one FRR daemon (zebra, bgpd, bfdd) with its config, pid, zserv and vty sockets in `d`. */
export const frrArgv = (d: string, daemon: string): string[] => [
  `/usr/lib/frr/${daemon}`,
  '-f',
  path.join(d, `${daemon}.conf`),
  '-i',
  path.join(d, `${daemon}.pid`),
  '-z',
  path.join(d, 'zserv.api'),
  '--vty_socket',
  d,
  '-u',
  'frr',
  '-g',
  'frr',
];

async function startFrr(plan: LabPlan, dir: string, spawn: SpawnDaemon, opts: BgpRouterOptions): Promise<void> {
  // FRR drops privileges to user frr: its own directory (configs, vty sockets, pid files) must be frr's.
  // A restart starts from an empty one: a stale zserv.api would pass for a zebra that is not up yet.
  const d = frrDir(dir);
  const conf = renderFrrConfig(plan, opts);
  const zserv = writeFrrDir(d, {
    'zebra.conf': conf.zebra,
    'bgpd.conf': conf.bgpd,
    ...(conf.bfdd ? { 'bfdd.conf': conf.bfdd } : {}),
  });
  const common = (daemon: string): string[] => frrArgv(d, daemon);
  spawn('router', 'zebra', common('zebra'), path.join(dir, 'zebra.log'));
  if (!(await waitFor(async () => fs.existsSync(zserv), READY_MS))) {
    throw new Error(`zebra did not come up: ${logTail(path.join(dir, 'zebra.log'))}`);
  }
  if (conf.bfdd !== undefined) {
    // bfdd before bgpd, so bgpd's `neighbor X bfd` finds it; its control socket lives in the lab too.
    const bfdctl = path.join(d, 'bfdd.sock');
    spawn('router', 'bfdd', [...common('bfdd'), '--bfdctl', bfdctl], path.join(dir, 'bfdd.log'));
    const up = await waitFor(async () => (await frrQuery(d, 'show bfd peers json', 'bfdd')).code === 0, READY_MS);
    if (!up) throw new Error(`bfdd did not come up: ${logTail(path.join(dir, 'bfdd.log'))}`);
  }
  spawn('router', 'bgpd', common('bgpd'), path.join(dir, 'bgpd.log'));
  const ok = await waitFor(async () => (await frrQuery(d, 'show bgp neighbors json')).code === 0, READY_MS);
  if (!ok) throw new Error(`bgpd did not come up: ${logTail(path.join(dir, 'bgpd.log'))}`);
}

/** One vtysh command against one FRR daemon of the lab (bgpd unless told). */
export function frrQuery(
  d: string,
  command: string,
  daemon: 'bgpd' | 'bfdd' | 'zebra' = 'bgpd',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCmd(['vtysh', '--vty_socket', d, '-d', daemon, '-c', command], { timeoutMs: 5000 });
}

/** One gobgp CLI command against the router's gobgpd, with JSON output. */
export function gobgpQuery(plan: LabPlan, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCmd(inNetns(routerNetns(plan), ['gobgp', '-u', '127.0.0.1', '-p', String(GOBGP_API_PORT), ...args, '-j']), {
    timeoutMs: 5000,
  });
}

/** Without the gobgp CLI, "up" means gobgpd's API port listens inside the router namespace. */
async function gobgpApiListening(plan: LabPlan): Promise<boolean> {
  const r = await runCmd(inNetns(routerNetns(plan), ['ss', '-Hltn', `sport = :${GOBGP_API_PORT}`]));
  return r.code === 0 && r.stdout.trim() !== '';
}

async function startGobgp(plan: LabPlan, dir: string, spawn: SpawnDaemon, opts: BgpRouterOptions): Promise<void> {
  const conf = path.join(dir, 'gobgpd.toml');
  fs.writeFileSync(conf, renderGobgpConfig(plan, opts));
  const argv = ['gobgpd', '-f', conf, '-t', 'toml', '--api-hosts', `127.0.0.1:${GOBGP_API_PORT}`, '--pprof-disable'];
  spawn('router', 'gobgpd', argv, path.join(dir, 'gobgpd.log'));
  const ok = await waitFor(
    async () => (which('gobgp') ? (await gobgpQuery(plan, ['neighbor'])).code === 0 : gobgpApiListening(plan)),
    READY_MS,
  );
  if (!ok) throw new Error(`gobgpd did not come up: ${logTail(path.join(dir, 'gobgpd.log'))}`);
}

export async function startRouter(
  plan: LabPlan,
  dir: string,
  spawn: SpawnDaemon,
  opts: BgpRouterOptions = {},
): Promise<void> {
  if (plan.router === 'bird') await startBird(plan, dir, spawn, opts);
  else if (plan.router === 'frr') await startFrr(plan, dir, spawn, opts);
  else if (plan.router === 'gobgp') await startGobgp(plan, dir, spawn, opts);
}

export async function routerStatus(plan: LabPlan, dir: string): Promise<RouterStatus> {
  const down = (detail: string): RouterStatus => ({ daemon: plan.router, up: false, detail, sessions: [] });
  if (plan.router === 'none') return down('no BGP daemon (--router none)');
  if (plan.router === 'bird') {
    const st = await runCmd(['birdc', '-s', birdSocket(dir), 'show', 'status'], { timeoutMs: 5000 });
    if (!birdIsUp(st.stdout)) return down(`birdc: ${(st.stdout + st.stderr).trim()}`);
    const protos = await runCmd(['birdc', '-s', birdSocket(dir), 'show', 'protocols', 'all'], { timeoutMs: 5000 });
    return {
      daemon: 'bird',
      up: true,
      detail: 'Daemon is up and running',
      sessions: parseBirdProtocols(protos.stdout),
    };
  }
  if (plan.router === 'frr') {
    const r = await frrQuery(frrDir(dir), 'show bgp neighbors json');
    if (r.code !== 0) return down(`vtysh: ${(r.stdout + r.stderr).trim()}`);
    return { daemon: 'frr', up: true, detail: 'bgpd answers on its vty socket', sessions: parseFrrNeighbors(r.stdout) };
  }
  if (!which('gobgp')) {
    const up = await gobgpApiListening(plan);
    return {
      daemon: 'gobgp',
      up,
      detail: up ? 'API port listening (gobgp CLI not installed)' : 'API not listening',
      sessions: [],
    };
  }
  const r = await gobgpQuery(plan, ['neighbor']);
  if (r.code !== 0) return down(`gobgp: ${(r.stdout + r.stderr).trim()}`);
  return { daemon: 'gobgp', up: true, detail: 'gobgpd answers on its API', sessions: parseGobgpNeighbors(r.stdout) };
}
