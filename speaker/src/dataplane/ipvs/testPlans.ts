/** Plans, services and destinations the IPVS tests build from (addresses from the documentation ranges only). */
import { mustParseIP } from '@ironlb/shared';
import type { L4Protocol } from '../types';
import type { IpvsDest, IpvsService, IpvsState, IpvsVirtual } from './model';
import { destKey, serviceKey } from './model';

// The dataplane's own builders, under the names these tests use.
export { forward, plan } from '../testPlans';

export function service(ip: string, protocol: L4Protocol, port: number, s: Partial<IpvsService> = {}): IpvsService {
  const addr = mustParseIP(ip);
  return {
    addr,
    protocol,
    port,
    scheduler: 'rr',
    flags: 0,
    timeoutSec: 0,
    netmask: addr.family === 'IPv4' ? 0xffffffff : 128,
    ...s,
  };
}

export function dest(ip: string, port: number, d: Partial<IpvsDest> = {}): IpvsDest {
  return { addr: mustParseIP(ip), port, fwdMethod: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0, ...d };
}

export function virtual(s: IpvsService, ...dests: IpvsDest[]): IpvsVirtual {
  return { service: s, dests: new Map(dests.map((d) => [destKey(d), d])) };
}

export function state(...virtuals: IpvsVirtual[]): IpvsState {
  return new Map(virtuals.map((v) => [serviceKey(v.service), v]));
}

/** Hex written one field per line: spaces and `// comments` are dropped. */
export function hex(text: string): Buffer {
  const digits = text
    .split('\n')
    .map((l) => l.replace(/\/\/.*$/, ''))
    .join('')
    .replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new Error(`not whole bytes of hex: ${digits}`);
  return Buffer.from(digits, 'hex');
}
