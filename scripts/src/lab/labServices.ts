// Test helpers over a lab: TCP echo servers and requests to them (socat; `ping` is not among the lab's tools),
// and a BIRD "speaker" in a node that peers with the router like ironlb's speaker will. Pods with several
// addresses, TCP+UDP echo servers that name the pod and the source they saw, and typed failures: echo.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Lab } from './lab';
import { birdIsUp, type RouterStatus } from './routerStatusParse';
import { runCmd, waitFor } from './sh';

/** Starts `socat` in `host` answering `reply` on TCP `port` (IPv6 when `v6`), and waits until it listens. */
export async function serveTcp(lab: Lab, host: string, port: number, reply: string, v6 = false): Promise<void> {
  const listen = `${v6 ? 'TCP6' : 'TCP4'}-LISTEN:${port},fork,reuseaddr`;
  lab.spawn(host, ['socat', listen, `SYSTEM:echo ${reply}`], { stdio: 'ignore' });
  if (!(await lab.waitForListen(host, port))) throw new Error(`socat in ${host} did not listen on ${port}`);
}

/**
 * Connects from `host` to addr:port and returns what came back ('' on failure). `ttl` sets the IPv4
 * TTL of the connection's packets, to prove how many routers lie in between.
 */
export async function tcpRequest(lab: Lab, host: string, addr: string, port: number, ttl?: number): Promise<string> {
  const v6 = addr.includes(':');
  const target = `${v6 ? 'TCP6' : 'TCP4'}:${v6 ? `[${addr}]` : addr}:${port},connect-timeout=2${ttl ? `,ip-ttl=${ttl}` : ''}`;
  const r = await lab.exec(host, ['socat', '-T', '3', 'STDIO', target], { timeoutMs: 8000 });
  return r.code === 0 ? r.stdout.trim() : '';
}

/** Runs BIRD in a node as a BGP speaker (AS 64513) announcing `routes` to the router; returns when started. */
export async function startBirdSpeaker(lab: Lab, node: string, routes: string[]): Promise<void> {
  const h = lab.host(node);
  const router = lab.host('router');
  const conf = path.join(lab.dir, `speaker-${node}.conf`);
  fs.writeFileSync(
    conf,
    [
      `router id ${h.ipv4};`,
      'protocol device {}',
      `protocol static { ipv4; ${routes.map((r) => `route ${r} blackhole;`).join(' ')} }`,
      `protocol bgp uplink { local ${h.ipv4} as ${lab.plan.nodeAsn}; neighbor ${router.ipv4} as ${lab.plan.routerAsn};`,
      '  connect delay time 1; ipv4 { import none; export all; next hop self; }; }',
      '',
    ].join('\n'),
  );
  const sock = path.join(lab.dir, `speaker-${node}.ctl`);
  lab.spawn(node, ['bird', '-f', '-c', conf, '-s', sock], { stdio: 'ignore' });
  const up = async (): Promise<boolean> => birdIsUp((await runCmd(['birdc', '-s', sock, 'show', 'status'])).stdout);
  if (!(await waitFor(up, 5000))) throw new Error(`speaker BIRD in ${node} did not start`);
}

/** Waits until the router reports the named session Established; returns the last status. */
export async function waitEstablished(lab: Lab, session: string, timeoutMs = 20000): Promise<RouterStatus> {
  let last: RouterStatus = await lab.routerStatus();
  await waitFor(
    async () => {
      last = await lab.routerStatus();
      return last.sessions.some((s) => s.name === session && s.established);
    },
    timeoutMs,
    250,
  );
  return last;
}
