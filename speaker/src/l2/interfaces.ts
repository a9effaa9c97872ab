/**
 * The node's own interfaces as the OS reports them (libuv lists only interfaces that are up and running), and
 * which of them an IP is announced on: the L2Advertisement's names, plus, when it names none, every interface with
 * an address whose subnet holds the IP. Pure; the daemon re-reads the table whenever rtnetlink reports a change.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { BITS, parseIP, type ParsedIP } from '@ironlb/shared';
import type { Interfaces } from './plan';

export interface InterfaceAddress {
  readonly ip: ParsedIP;
  readonly prefixLength: number;
}

export interface LocalInterface {
  readonly name: string;
  readonly addresses: readonly InterfaceAddress[];
  /** The IPv6 link-local address Neighbor Advertisements are sent from. */
  readonly linkLocal?: ParsedIP;
}

const LINK_LOCAL_PREFIX = 0xfe80n << 112n;
const isLinkLocal6 = (ip: ParsedIP): boolean => ip.family === 'IPv6' && ip.value >> 118n === LINK_LOCAL_PREFIX >> 118n;

/** The table from os.networkInterfaces(), loopback left out. */
export function localInterfaces(info: NodeJS.Dict<NetworkInterfaceInfo[]>): LocalInterface[] {
  const out: LocalInterface[] = [];
  for (const [name, entries] of Object.entries(info)) {
    if (!entries || entries.some((e) => e.internal)) continue;
    const addresses: InterfaceAddress[] = [];
    let linkLocal: ParsedIP | undefined;
    for (const e of entries) {
      const ip = parseIP(e.address.split('%')[0]);
      const prefixLength = Number(e.cidr?.split('/')[1]);
      if (!ip || !Number.isInteger(prefixLength)) continue;
      if (isLinkLocal6(ip)) linkLocal ??= ip;
      else addresses.push({ ip, prefixLength });
    }
    out.push({ name, addresses, ...(linkLocal ? { linkLocal } : {}) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function inSubnet(ip: ParsedIP, a: InterfaceAddress): boolean {
  if (ip.family !== a.ip.family) return false;
  const host = BigInt(BITS[ip.family] - a.prefixLength);
  return ip.value >> host === a.ip.value >> host;
}

/** The interfaces `ip` is announced on, by name, sorted; empty when none is up. */
export function interfacesForIP(ip: ParsedIP, want: Interfaces, table: readonly LocalInterface[]): string[] {
  const names = new Set<string>();
  for (const iface of table) {
    if (want.names.includes(iface.name)) names.add(iface.name);
    else if (want.auto && iface.addresses.some((a) => inSubnet(ip, a))) names.add(iface.name);
  }
  return [...names].sort();
}
