/**
 * Questions both daemons ask of a Config: which pool holds an address, and whether an advertisement (L2 or BGP,
 * which select pools and nodes alike) covers a pool, a node or (BGP) a peer.
 */
import type { ParsedIP } from '../ip/ip';
import { matchesSelector } from './selector';
import type { BGPAdvertisement, BGPPeer, LabelSelector, Pool, Config } from './types';

/** The pool whose ranges hold `ip`; pools never overlap, so there is at most one. */
export function poolOf(config: Config, ip: ParsedIP): Pool | undefined {
  for (const pool of config.pools.values()) {
    if (pool.ranges.some((r) => r.family === ip.family && r.first <= ip.value && ip.value <= r.last)) return pool;
  }
  return undefined;
}

/** What an L2Advertisement and a BGPAdvertisement have alike. */
export interface Advertisement {
  readonly ipAddressPools: readonly string[];
  readonly ipAddressPoolSelectors: readonly LabelSelector[];
  readonly nodeSelectors: readonly LabelSelector[];
}

/** No pools and no pool selectors: every pool (MetalLB's meaning). */
export function coversPool(adv: Advertisement, pool: Pool): boolean {
  if (adv.ipAddressPools.length === 0 && adv.ipAddressPoolSelectors.length === 0) return true;
  return (
    adv.ipAddressPools.includes(pool.name) ||
    adv.ipAddressPoolSelectors.some((s) => matchesSelector(s, pool.labels ?? {}))
  );
}

/** No node selectors: every node. For an advertisement, or a BGPPeer (the nodes that open its session). */
export const coversNode = (
  adv: Pick<Advertisement, 'nodeSelectors'>,
  nodeLabels: Readonly<Record<string, string>>,
): boolean => adv.nodeSelectors.length === 0 || adv.nodeSelectors.some((s) => matchesSelector(s, nodeLabels));

/** No peers: every peer (MetalLB's meaning). */
export const coversPeer = (adv: Pick<BGPAdvertisement, 'peers'>, peer: Pick<BGPPeer, 'name'>): boolean =>
  adv.peers.length === 0 || adv.peers.includes(peer.name);
