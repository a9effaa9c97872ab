/**
 * What the iptables backend owns: its chain names, its masquerade mark bit, and the jumps from the built-in chains.
 * Every name starts with IRONLB- so that a save can be searched for ours and nothing else; per-Forward and
 * per-backend chains carry a hash of the Forward's key (as kube-proxy names its KUBE-SVC-/KUBE-SEP- chains), so a
 * chain keeps its name from one plan to the next whatever else changes.
 */
import { createHash } from 'node:crypto';

export type IptablesTable = 'nat' | 'filter';

/** The prefix of every chain we create; nothing else in a table is ours. */
export const CHAIN_PREFIX = 'IRONLB-';

/** nat, jumped to from PREROUTING: new connections arriving for a VIP:port. */
export const PREROUTING_CHAIN = 'IRONLB-PREROUTING';
/** nat, jumped to from OUTPUT: new connections this node itself opens to a VIP:port. */
export const OUTPUT_CHAIN = 'IRONLB-OUTPUT';
/** nat: the per-Forward dispatch both entry chains share (one copy of the rules, not two). */
export const SERVICES_CHAIN = 'IRONLB-SERVICES';
/** nat, jumped to from POSTROUTING: source NAT for packets carrying our mark. */
export const POSTROUTING_CHAIN = 'IRONLB-POSTROUTING';
/** filter, jumped to from INPUT, FORWARD and OUTPUT: rejects (no backends) and drops (source ranges). */
export const FILTER_CHAIN = 'IRONLB-FILTER';

export const FIXED_CHAINS: Readonly<Record<IptablesTable, readonly string[]>> = {
  nat: [PREROUTING_CHAIN, OUTPUT_CHAIN, SERVICES_CHAIN, POSTROUTING_CHAIN],
  filter: [FILTER_CHAIN],
};

/**
 * Our bit of the packet mark: set on a connection's first packet when it must leave with this node's address,
 * cleared again in POSTROUTING. kube-proxy uses bit 14 (0x4000) and Calico the upper half by default; bit 18 is
 * neither, so we do not masquerade their traffic nor they ours.
 */
export const MASQ_MARK = '0x40000';

/** iptables refuses longer chain names (kube-proxy's limit too). */
export const MAX_CHAIN_NAME = 28;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first 16 characters of the RFC 4648 base32 text of sha256(key): 80 bits, as kube-proxy names its chains. */
export function chainHash(key: string): string {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  // 16 characters of 5 bits are the first 10 bytes exactly; no padding is involved.
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(digest[i]);
  let out = '';
  for (let shift = 75n; shift >= 0n; shift -= 5n) out += BASE32[Number((bits >> shift) & 31n)];
  return out;
}

/** A Forward's dispatch chain: the spread over its backends (and the affinity lookups). */
export const serviceChain = (forwardKey: string): string => `IRONLB-SVC-${chainHash(forwardKey)}`;
/** A Forward's firewall chain: only its source ranges go on to the service chain. */
export const firewallChain = (forwardKey: string): string => `IRONLB-FW-${chainHash(forwardKey)}`;
/** One backend of one Forward: mark and DNAT. `endpoint` is `ip:port` (`[ip]:port` for IPv6). */
export const endpointChain = (forwardKey: string, endpoint: string): string =>
  `IRONLB-SEP-${chainHash(`${forwardKey} ${endpoint}`)}`;

/** A jump from a built-in chain to one of ours; `match` narrows it (the filter jumps see new connections only). */
export interface BuiltinJump {
  readonly table: IptablesTable;
  readonly from: string;
  readonly to: string;
  readonly match: readonly string[];
}

const NEW_ONLY = ['-m', 'conntrack', '--ctstate', 'NEW'];

export const JUMPS: readonly BuiltinJump[] = [
  { table: 'nat', from: 'PREROUTING', to: PREROUTING_CHAIN, match: [] },
  { table: 'nat', from: 'OUTPUT', to: OUTPUT_CHAIN, match: [] },
  { table: 'nat', from: 'POSTROUTING', to: POSTROUTING_CHAIN, match: [] },
  { table: 'filter', from: 'INPUT', to: FILTER_CHAIN, match: NEW_ONLY },
  { table: 'filter', from: 'FORWARD', to: FILTER_CHAIN, match: NEW_ONLY },
  { table: 'filter', from: 'OUTPUT', to: FILTER_CHAIN, match: NEW_ONLY },
];

/** The rule spec of a jump as `iptables -S` prints it (after `-A <from>`). */
export const jumpSpec = (j: BuiltinJump): string[] => [...j.match, '-j', j.to];
