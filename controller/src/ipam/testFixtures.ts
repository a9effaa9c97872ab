/** Builders for the allocator's tests: addresses, pools and Services written the way a user writes them. */
import type { AddressRange, Pool } from '@ironlb/shared/config';
import type { PoolConfig } from './allocator';
import { parseIP, type IPAddress } from './ip';
import type { ServicePort, ServiceRequest } from './service';

export function ip(text: string): IPAddress {
  const parsed = parseIP(text);
  if (!parsed) throw new Error(`bad test address ${text}`);
  return parsed;
}

/** `198.51.100.0/24`, `198.51.100.10-198.51.100.20` or one address. */
export function range(text: string): AddressRange {
  if (text.includes('/')) {
    const [addr, len] = text.split('/');
    const { family, value } = ip(addr);
    const hostBits = BigInt((family === 'IPv4' ? 32 : 128) - Number(len));
    const first = (value >> hostBits) << hostBits;
    return { family, first, last: first + (1n << hostBits) - 1n };
  }
  const [a, b = a] = text.split('-');
  const first = ip(a);
  return { family: first.family, first: first.value, last: ip(b).value };
}

export function pool(name: string, addresses: string[], options: Partial<Omit<Pool, 'name' | 'ranges'>> = {}): Pool {
  return { name, ranges: addresses.map(range), autoAssign: true, avoidBuggyIPs: false, ...options };
}

export const config = (...pools: Pool[]): PoolConfig => ({ pools: new Map(pools.map((p) => [p.name, p])) });

export const tcp = (port: number): ServicePort => ({ port, protocol: 'TCP' });
export const udp = (port: number): ServicePort => ({ port, protocol: 'UDP' });

type ServiceOptions = Partial<Omit<ServiceRequest, 'key' | 'requestedIPs'>> & { readonly requested?: string[] };

/** A SingleStack IPv4 Cluster Service on TCP 80 selecting `app: <name>`, unless told otherwise. */
export function service(key: string, options: ServiceOptions = {}): ServiceRequest {
  const { requested = [], ...rest } = options;
  return {
    key,
    namespaceLabels: {},
    labels: {},
    ports: [tcp(80)],
    externalTrafficPolicy: 'Cluster',
    selector: { app: key.split('/')[1] },
    requestedIPs: requested.map(ip),
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
    ...rest,
  };
}
