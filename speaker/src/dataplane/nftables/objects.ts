/**
 * What one Forward owns in the `inet ironlb` table: its chains, its affinity sets and its elements in the shared
 * maps and sets. Every name derives from the forward's key (and a backend's address), so the same forward renders
 * the same objects in every plan and a diff can touch only the forwards that changed.
 *
 * The packet path (hash lookups only, whatever the number of Services, as kube-proxy's nftables mode):
 *   nat prerouting/output: `daddr . l4proto . dport` in the set `masquerade4|6` (Cluster policy) -> mark the packet;
 *            then the same key in the verdict map `forwards4|6` -> goto dnat4-<N> (or svc-<h> with affinity)
 *   dnat4-<N>: shared by every forward with N endpoints: DNAT to the address . port found in the map `endpoints4`
 *            under `daddr . l4proto . dport . (numgen random mod N)`
 *   svc-<h> (ClientIP affinity only): a client seen recently goes to its endpoint's chain, else `numgen random
 *            mod N` picks one; ep-<h>: remember the client, DNAT to the endpoint
 *   Chains per Service only where affinity needs them: nft's userspace reads every chain of the table back before
 *   any command (a `GETCHAIN` dump), so a chain per Service made a one-endpoint change cost 0.20 s at 10,000
 *   Services against 0.02 s at 10; with endpoints as map elements the change touches elements only and the table
 *   holds a handful of chains (measured with `nft -f` alone on 2026-12-02; a chain per endpoint was worse still:
 *   157 s to load 10,000 Services x 10 endpoints, against 20 s with a chain per Service).
 *   nat postrouting: marked packets are masqueraded (the mark cleared)
 *   filter prerouting: a forward with source ranges drops every other source, before any DNAT
 *   filter input/forward/output: a new connection to a forward with no endpoint is refused (TCP reset, ICMP)
 */
import { createHash } from 'node:crypto';
import { formatIP } from '@ironlb/shared';
import type { IPFamily } from '@ironlb/shared';
import type { Backend, Forward, L4Protocol } from '../types';

export const TABLE = 'ironlb';
/** The table's chains that hook into netfilter (render.ts declares them). */
export const HOOKED_CHAINS = [
  'filter-prerouting',
  'filter-input',
  'filter-forward',
  'filter-output',
  'nat-prerouting',
  'nat-output',
  'nat-postrouting',
] as const;
/** The packet mark bit that asks nat postrouting to masquerade (kube-proxy's own bit, for the same meaning). */
export const DEFAULT_MASQUERADE_MARK = 0x4000;

/** Names of the shared sets and maps a forward puts elements in, per IP family. */
export const SHARED = {
  forwards: { IPv4: 'forwards4', IPv6: 'forwards6' },
  masquerade: { IPv4: 'masquerade4', IPv6: 'masquerade6' },
  refused: { IPv4: 'refused4', IPv6: 'refused6' },
  limited: { IPv4: 'limited4', IPv6: 'limited6' },
  allowed: { IPv4: 'allowed4', IPv6: 'allowed6' },
} as const;

/**
 * The map of a family's endpoints for one protocol: `vip . port . index -> endpoint address . port`. One per
 * protocol because nft ties a DNAT with ports to one transport protocol through the map's declared value.
 */
export const endpointsMap = (family: IPFamily, protocol: L4Protocol): string =>
  `endpoints${family === 'IPv4' ? 4 : 6}-${protocol.toLowerCase()}`;

/** An element of a shared set (no value) or verdict map (value: the verdict). */
export interface Element {
  readonly set: string;
  readonly key: string;
  readonly value?: string;
}

export interface ForwardObjects {
  /** Set name -> its declaration body (affinity sets). */
  readonly sets: ReadonlyMap<string, string>;
  /** Chain name -> its rules, in order. Endpoint chains come before the service chain that jumps to them. */
  readonly chains: ReadonlyMap<string, readonly string[]>;
  /** Chains other forwards may use too (dnat4-<N>): created with the first user, deleted after the last. */
  readonly sharedChains: ReadonlyMap<string, readonly string[]>;
  readonly elements: readonly Element[];
}

/** 16 hex characters of the SHA-256 of `text`: names stay short and stable, collisions out of reach. */
export function nameHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export const serviceChain = (f: Forward): string => `svc-${nameHash(f.key)}`;
const backendText = (b: Backend): string => `${formatIP(b.ip)} ${b.port}`;
export const endpointChain = (f: Forward, b: Backend): string => `ep-${nameHash(`${f.key} ${backendText(b)}`)}`;
// The timeout is in the name: a set's timeout cannot change in place, so a new timeout is a new set.
const affinitySet = (f: Forward, b: Backend, sec: number): string =>
  `aff-${nameHash(`${f.key} ${backendText(b)} ${sec}`)}`;

const l4 = (f: Forward): string => f.protocol.toLowerCase();
/** The element key `ip . proto . port` of a forward in the shared sets and maps. */
export const elementKey = (f: Forward): string => `${formatIP(f.ip)} . ${l4(f)} . ${f.port}`;

function dnat(f: Forward, b: Backend): string {
  const to = b.ip.family === 'IPv4' ? `${formatIP(b.ip)}:${b.port}` : `[${formatIP(b.ip)}]:${b.port}`;
  return `meta l4proto ${l4(f)} dnat ${b.ip.family === 'IPv4' ? 'ip' : 'ip6'} to ${to}`;
}

/** The shared chain that DNATs the forwards of one family and protocol with `n` endpoints. */
const dnatChain = (f: Forward): string => `dnat${f.ip.family === 'IPv4' ? 4 : 6}-${l4(f)}-${f.backends.length}`;

/** The shared chain a forward goes to, if any (not for affinity, which has its own chains, nor for refusals). */
export function sharedChainOf(f: Forward): string | undefined {
  return f.backends.length > 0 && f.affinitySec === undefined ? dnatChain(f) : undefined;
}

function dnatChainRules(f: Forward): string[] {
  const ip = f.ip.family === 'IPv4' ? 'ip' : 'ip6';
  const map = endpointsMap(f.ip.family, f.protocol);
  return [
    `meta l4proto ${l4(f)} dnat ${ip} to ${ip} daddr . th dport . numgen random mod ${f.backends.length} map @${map}`,
  ];
}

export function forwardObjects(f: Forward): ForwardObjects {
  const family = f.ip.family;
  const saddr = family === 'IPv4' ? 'ip saddr' : 'ip6 saddr';
  const sets = new Map<string, string>();
  const chains = new Map<string, string[]>();
  const sharedChains = new Map<string, string[]>();
  const elements: Element[] = [];
  const key = elementKey(f);
  if (f.backends.length === 0) {
    elements.push({ set: SHARED.refused[family], key });
  } else {
    if (f.masquerade) elements.push({ set: SHARED.masquerade[family], key });
    const sec = f.affinitySec;
    if (sec === undefined) {
      const shared = dnatChain(f);
      sharedChains.set(shared, dnatChainRules(f));
      const map = endpointsMap(family, f.protocol);
      const vip = `${formatIP(f.ip)} . ${f.port}`;
      f.backends.forEach((b, i) =>
        elements.push({ set: map, key: `${vip} . ${i}`, value: `${formatIP(b.ip)} . ${b.port}` }),
      );
      elements.push({ set: SHARED.forwards[family], key, value: `goto ${shared}` });
    } else {
      const svc: string[] = [];
      const picks: string[] = [];
      f.backends.forEach((b, i) => {
        const ep = endpointChain(f, b);
        const aff = affinitySet(f, b, sec);
        sets.set(aff, `type ${family === 'IPv4' ? 'ipv4_addr' : 'ipv6_addr'}; flags dynamic,timeout; timeout ${sec}s;`);
        svc.push(`${saddr} @${aff} goto ${ep}`);
        chains.set(ep, [`update @${aff} { ${saddr} }`, dnat(f, b)]);
        picks.push(`${i} : goto ${ep}`);
      });
      svc.push(`numgen random mod ${f.backends.length} vmap { ${picks.join(', ')} }`);
      chains.set(serviceChain(f), svc);
      elements.push({ set: SHARED.forwards[family], key, value: `goto ${serviceChain(f)}` });
    }
  }
  if (f.sourceRanges.length > 0) {
    elements.push({ set: SHARED.limited[family], key });
    for (const r of f.sourceRanges)
      elements.push({ set: SHARED.allowed[family], key: `${key} . ${formatIP(r.ip)}/${r.length}` });
  }
  return { sets, chains, sharedChains, elements };
}
