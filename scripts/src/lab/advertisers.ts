/**
 * Starts BIRD, FRR's bgpd or gobgpd in a lab node as the advertiser of many IPv6 host routes (configs in
 * advertiserConfig.ts), each with its files in the lab's directory, and stops it by its own pid. Every daemon has
 * its whole table before its session comes up (gobgpd is fed its MRT file with the neighbor administratively down),
 * so the time from Established to the router holding everything compares like with like.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ADVERTISER_GOBGP_API_PORT,
  mrtRibDump,
  renderBirdAdvertiser,
  renderFrrAdvertiser,
  renderGobgpAdvertiser,
  sessionEnds,
  type AdvertiserKind,
} from './advertiserConfig';
import type { Lab } from './lab';
import { findHost } from './plan';
import { birdIsUp } from './routerStatusParse';
import { runCmd, waitFor } from './sh';

export interface Advertiser {
  readonly kind: AdvertiserKind;
  readonly pid: number;
  /** performance.now() when the daemon was spawned. */
  readonly startedAt: number;
  /** Lets the session come up (gobgpd: enables the neighbor); the others dial from the start. */
  open(): Promise<void>;
  stop(): Promise<void>;
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

export async function startAdvertiser(
  lab: Lab,
  node: string,
  kind: AdvertiserKind,
  prefixes: readonly string[],
): Promise<Advertiser> {
  const dir = path.join(lab.dir, `adv-${kind}-${node}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const logFd = fs.openSync(path.join(dir, 'log'), 'a');
  const spawn = (argv: string[]): ReturnType<Lab['spawn']> => {
    try {
      return lab.spawn(node, argv, { stdio: ['ignore', logFd, logFd] });
    } finally {
      fs.closeSync(logFd);
    }
  };
  const log = (): string => fs.readFileSync(path.join(dir, 'log'), 'utf8').slice(-2000);
  let child: ReturnType<Lab['spawn']>;
  let open = async (): Promise<void> => undefined;
  const startedAt = performance.now();
  if (kind === 'bird') {
    const conf = path.join(dir, 'bird.conf');
    const socket = path.join(dir, 'bird.ctl');
    fs.writeFileSync(conf, renderBirdAdvertiser(lab.plan, node, prefixes));
    child = spawn(['bird', '-f', '-c', conf, '-s', socket]);
    const up = async (): Promise<boolean> => birdIsUp((await runCmd(['birdc', '-s', socket, 'show', 'status'])).stdout);
    if (!(await waitFor(up, 20_000))) throw new Error(`advertiser BIRD in ${node} did not start: ${log()}`);
  } else if (kind === 'frr') {
    const conf = path.join(dir, 'bgpd.conf');
    fs.writeFileSync(conf, renderFrrAdvertiser(lab.plan, node, prefixes));
    const { uid, gid } = userIds('frr');
    for (const f of ['', 'bgpd.conf']) fs.chownSync(path.join(dir, f), uid, gid);
    child = spawn([
      '/usr/lib/frr/bgpd',
      '-Z',
      '-p',
      '0',
      '-f',
      conf,
      '-i',
      path.join(dir, 'bgpd.pid'),
      '--vty_socket',
      dir,
      '-u',
      'frr',
      '-g',
      'frr',
    ]);
  } else {
    const conf = path.join(dir, 'gobgpd.toml');
    fs.writeFileSync(conf, renderGobgpAdvertiser(lab.plan, node));
    const api = `127.0.0.1:${ADVERTISER_GOBGP_API_PORT}`;
    child = spawn(['gobgpd', '-f', conf, '-t', 'toml', '--api-hosts', api, '--pprof-disable']);
    const gobgp = (args: string[]): ReturnType<Lab['exec']> =>
      lab.exec(node, ['gobgp', '-p', String(ADVERTISER_GOBGP_API_PORT), ...args], { timeoutMs: 120_000 });
    if (!(await waitFor(async () => (await gobgp(['neighbor'])).code === 0, 20_000))) {
      throw new Error(`gobgpd in ${node} did not start: ${log()}`);
    }
    const ends = sessionEnds(lab.plan, node);
    const mrt = path.join(dir, 'table.mrt');
    const v4 = findHost(lab.plan, node).ifaces[0].ipv4;
    fs.writeFileSync(mrt, mrtRibDump(prefixes, ends.local, { prefix: '203.0.113.128/25', nextHop: v4, copies: 5_000 }));
    const count = async (): Promise<number> => {
      const r = await gobgp(['global', 'rib', 'summary', '-a', 'ipv6']);
      return Number(/Destination:\s*(\d+)/i.exec(r.stdout)?.[1] ?? 0);
    };
    // The injector may still lose records (see mrtRibDump): inject again until gobgpd holds them all.
    for (let attempt = 1; ; attempt++) {
      const injected = await gobgp(['mrt', 'inject', 'global', mrt]);
      if (injected.code !== 0) throw new Error(`gobgp mrt inject failed: ${injected.stderr}${injected.stdout}`);
      if (await waitFor(async () => (await count()) >= prefixes.length, 5_000, 100)) break;
      if (attempt === 5)
        throw new Error(`gobgpd in ${node} holds ${await count()} of ${prefixes.length} routes: ${log()}`);
    }
    open = async () => {
      const r = await gobgp(['neighbor', ends.router, 'enable']);
      if (r.code !== 0) throw new Error(`gobgp neighbor enable failed: ${r.stderr}${r.stdout}`);
    };
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    kind,
    pid: child.pid,
    startedAt,
    open,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
      const t = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      }, 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
