/** Forwards and plans the dataplane's tests build from (addresses from the documentation ranges only). */
import { mustParseIP } from '@ironlb/shared';
import type { DataplanePlan, Forward, L4Protocol } from './types';

/** A Forward on ip:port with backends as [address, port]; Cluster policy, no affinity, no ranges unless `over` says. */
export function forward(
  ip: string,
  protocol: L4Protocol,
  port: number,
  backends: readonly (readonly [string, number])[],
  over: Partial<Omit<Forward, 'key' | 'ip' | 'protocol' | 'port' | 'backends'>> = {},
): Forward {
  return {
    key: `${ip} ${protocol} ${port}`,
    ip: mustParseIP(ip),
    protocol,
    port,
    service: 'default/web',
    portName: '',
    backends: backends.map(([a, p]) => ({ ip: mustParseIP(a), port: p })),
    masquerade: true,
    sourceRanges: [],
    ...over,
  };
}

export function plan(...forwards: Forward[]): DataplanePlan {
  return { forwards: new Map(forwards.map((f) => [f.key, f])), problems: [] };
}
