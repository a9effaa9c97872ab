/**
 * Every ironlb.io object read from the API server to one validated, immutable Config: the one parser the controller
 * and the speaker share, so both daemons read the same YAML the same way. Pure and deterministic; an object with any
 * error is left out whole (named with its field in `errors`) and the rest still load.
 */
import { BFD_KIND, parseBFDProfiles } from './bfdprofile';
import { BGP_ADV_KIND, parseBGPAdvertisements } from './bgpadvertisement';
import { parseBGPPeers, PEER_KIND } from './bgppeer';
import { COMMUNITY_KIND, parseCommunities } from './community';
import { parseL2Advertisements, L2_KIND } from './l2advertisement';
import { valuesByName } from './object';
import { POOL_KIND } from './parse-pool';
import { parsePools } from './parse-pools';
import { isRecord, jsonType } from './raw';
import type { Config, ConfigError } from './types';

/** The raw objects of each kind, each a bare array or a List object as the API returns it; absent = none. */
export interface ConfigObjects {
  readonly ipAddressPools?: unknown;
  readonly l2Advertisements?: unknown;
  readonly bfdProfiles?: unknown;
  readonly communities?: unknown;
  readonly bgpPeers?: unknown;
  readonly bgpAdvertisements?: unknown;
}

export interface ParseResult {
  readonly config: Config;
  readonly errors: readonly ConfigError[];
}

/** A bare array of objects, or a List object (`{kind: IPAddressPoolList, items: [...]}`) as the API returns it. */
function itemsOf(kind: string, raw: unknown, errors: ConfigError[]): readonly unknown[] {
  if (raw === undefined || Array.isArray(raw)) return raw ?? [];
  if (isRecord(raw) && Array.isArray(raw.items)) return raw.items;
  const got = isRecord(raw) ? `an object whose items is ${jsonType(raw.items)}` : jsonType(raw);
  const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  errors.push({ object: `${kind}List`, field: 'items', message: `must be a list of ${plural}, got ${got}` });
  return [];
}

/**
 * Kinds that others name are read first: BFD profiles (named by peers) and Communities (named by advertisements),
 * then BGPPeers and BGPAdvertisements against them; an advertisement's prefix lengths and LOCAL_PREF are checked
 * against the pools, which name nothing and are read alone. Errors come in that order, List errors first.
 */
export function parseConfig(objects: ConfigObjects): ParseResult {
  const errors: ConfigError[] = [];
  const bfdItems = itemsOf(BFD_KIND, objects.bfdProfiles, errors);
  const communityItems = itemsOf(COMMUNITY_KIND, objects.communities, errors);
  const peerItems = itemsOf(PEER_KIND, objects.bgpPeers, errors);
  const bgpItems = itemsOf(BGP_ADV_KIND, objects.bgpAdvertisements, errors);
  const poolItems = itemsOf(POOL_KIND, objects.ipAddressPools, errors);
  const l2Items = itemsOf(L2_KIND, objects.l2Advertisements, errors);

  const bfd = parseBFDProfiles(bfdItems);
  const communities = parseCommunities(communityItems);
  const peers = parseBGPPeers(peerItems, bfd);
  const pools = parsePools(poolItems);
  const bgp = parseBGPAdvertisements(bgpItems, communities, pools);
  const l2 = parseL2Advertisements(l2Items);
  errors.push(...bfd.errors, ...communities.errors, ...peers.errors, ...bgp.errors, ...pools.errors, ...l2.errors);

  const config: Config = {
    pools: pools.pools,
    refusedPools: pools.refused,
    l2Advertisements: l2.advertisements,
    bgpAdvertisements: Object.freeze([...valuesByName(bgp).values()]),
    bgpPeers: Object.freeze([...valuesByName(peers).values()]),
    bfdProfiles: valuesByName(bfd),
    communities: communities.aliases,
  };
  return Object.freeze({ config: Object.freeze(config), errors: Object.freeze(errors) });
}

/** One line for a log or an Event: `IPAddressPool ironlb-system/lab: spec.addresses[2]: invalid CIDR ...`. */
export function formatConfigError(e: ConfigError): string {
  return e.field ? `${e.object}: ${e.field}: ${e.message}` : `${e.object}: ${e.message}`;
}
