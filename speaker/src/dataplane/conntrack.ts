/**
 * UDP has no connection to end: conntrack keeps sending a client's datagrams to the endpoint its first one was NATed
 * to, even after that endpoint is gone, until the entry times out. kube-proxy deletes such entries, and so do we (a
 * game server's clients move to a live pod at once). Pure: which entries, from two plans.
 */
import { formatIP } from '@ironlb/shared';
import type { DataplanePlan } from './types';

/** Entries of UDP to ip:port; `endpoint`: only those NATed to it; absent: all of them. */
export interface StaleUdp {
  readonly ip: string;
  readonly port: number;
  readonly endpoint?: string;
}

export function staleUdp(prev: DataplanePlan | undefined, next: DataplanePlan): StaleUdp[] {
  const out: StaleUdp[] = [];
  for (const [key, b] of next.forwards) {
    if (b.protocol !== 'UDP') continue;
    const a = prev?.forwards.get(key);
    // First endpoints: datagrams refused or sent elsewhere before may have left entries without our NAT.
    if (b.backends.length > 0 && (!a || a.backends.length === 0)) out.push({ ip: formatIP(b.ip), port: b.port });
  }
  for (const [key, a] of prev?.forwards ?? []) {
    if (a.protocol !== 'UDP') continue;
    const b = next.forwards.get(key);
    if (!b) {
      if (a.backends.length > 0) out.push({ ip: formatIP(a.ip), port: a.port });
      continue;
    }
    const kept = new Set(b.backends.map((x) => formatIP(x.ip)));
    const gone = new Set(a.backends.map((x) => formatIP(x.ip)).filter((ip) => !kept.has(ip)));
    for (const endpoint of gone) out.push({ ip: formatIP(a.ip), port: a.port, endpoint });
  }
  return out;
}

/** The conntrack(8) argv that deletes one set of stale entries. */
export function conntrackArgv(s: StaleUdp): string[] {
  const family = s.ip.includes(':') ? 'ipv6' : 'ipv4';
  return [
    'conntrack',
    '-D',
    '-f',
    family,
    '-p',
    'udp',
    '--orig-dst',
    s.ip,
    '--orig-port-dst',
    String(s.port),
    ...(s.endpoint ? ['--reply-src', s.endpoint] : []),
  ];
}
