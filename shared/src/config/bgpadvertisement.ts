/**
 * BGPAdvertisement objects: which pools are announced to which BGPPeers from which nodes, with which prefix length,
 * LOCAL_PREF and communities. The rules are MetalLB's (api/v1beta1/bgpadvertisement_types.go, internal/config/
 * config.go bgpAdvertisementFromCR and validateBGPAdvPerPool):
 *
 * - aggregationLength 1..32 (default 32) and aggregationLengthV6 1..128 (default 128); no shorter than the widest
 *   CIDR block of any address entry of a pool the advertisement covers, since a shorter aggregate would announce
 *   addresses outside the pool (a range is taken as MetalLB takes it: the CIDR blocks it splits into);
 * - localPref a uint32, 0 meaning unset (a Go omitempty field cannot tell them apart); two advertisements covering a
 *   pool with different LOCAL_PREFs conflict unless their aggregation lengths, peers or nodes keep them apart
 *   (MetalLB compares the nodes that exist; here, whether the node selectors can share a node at all);
 * - communities: each a Community alias that loaded (looked up first, as MetalLB does), else a community value;
 * - ipAddressPools, peers and communities are sets, as the CRD declares them.
 *
 * Pools and peers named but not loaded are no error: the advertisement covers what exists, as for L2Advertisements.
 */
import { BITS, formatIP } from '../ip/ip';
import type { CommunitiesResult } from './community';
import { compareCommunities, formatCommunity, looksNumeric, parseCommunityValue } from './community-value';
import { readSelection } from './advertisement';
import { readInteger, readStringList } from './fields';
import { coversPool } from './lookup';
import { errorsOf, loadInNameOrder, readObject, type Candidate, type LoadResult } from './object';
import type { PoolsResult } from './parse-pools';
import { problem, type FieldProblem } from './raw';
import { selectionsDisjoint } from './selector';
import type { AddressRange, BGPAdvertisement, CommunityValue, ConfigError, Pool } from './types';

export const BGP_ADV_KIND = 'BGPAdvertisement';

const LOCAL_PREF = { min: 0, max: 4294967295 };

function readCommunities(raw: unknown, communities: CommunitiesResult, out: FieldProblem[]): CommunityValue[] {
  const field = 'spec.communities';
  const before = out.length;
  const texts = readStringList(raw, field, out);
  if (out.length > before) return [];
  const values = new Map<string, CommunityValue>();
  texts.forEach((text, i) => {
    const f = `${field}[${i}]`;
    const alias = communities.aliases.get(text);
    const refused = communities.refused.get(text);
    const literal = parseCommunityValue(text);
    if (alias) values.set(formatCommunity(alias), alias);
    else if (refused)
      out.push(problem(f, `${JSON.stringify(text)} is an alias of ${refused}, which is not loaded: it has errors`));
    else if ('value' in literal) values.set(formatCommunity(literal.value), literal.value);
    else if (looksNumeric(text)) out.push(problem(f, literal.error));
    else
      out.push(
        problem(
          f,
          `${JSON.stringify(text)} is no Community alias and no community value (a:b, large:a:b:c, or a well-known name like no-export)`,
        ),
      );
  });
  return [...values.values()].sort(compareCommunities);
}

function parseAdvertisement(raw: unknown, index: number, communities: CommunitiesResult): Candidate<BGPAdvertisement> {
  const { id, spec, problems } = readObject(BGP_ADV_KIND, raw, index, false);
  const s = spec ?? {};
  const localPref = readInteger(s.localPref, 'spec.localPref', LOCAL_PREF, problems);
  const adv: BGPAdvertisement = Object.freeze({
    name: id.name,
    aggregationLength: readInteger(s.aggregationLength, 'spec.aggregationLength', { min: 1, max: 32 }, problems) ?? 32,
    aggregationLengthV6:
      readInteger(s.aggregationLengthV6, 'spec.aggregationLengthV6', { min: 1, max: 128 }, problems) ?? 128,
    ...(localPref ? { localPref } : {}),
    communities: Object.freeze(readCommunities(s.communities, communities, problems)),
    ...readSelection(s, problems),
    peers: Object.freeze(readStringList(s.peers, 'spec.peers', problems)),
  });
  const errors = errorsOf(id, problems);
  return errors.length ? { id, errors } : { id, value: adv, errors };
}

/** The shortest prefix length among the CIDR blocks `r` splits into (the whole of it, for a CIDR). */
function widestBlock(r: AddressRange): number {
  const bits = BITS[r.family];
  let widest = bits;
  for (let at = r.first; at <= r.last;) {
    let size = 0;
    while (size < bits && at % (1n << BigInt(size + 1)) === 0n && at + (1n << BigInt(size + 1)) - 1n <= r.last) size++;
    widest = Math.min(widest, bits - size);
    at += 1n << BigInt(size);
  }
  return widest;
}

function rangeText(r: AddressRange): string {
  const len = widestBlock(r);
  const block = 1n << BigInt(BITS[r.family] - len);
  if (r.last - r.first + 1n === block && r.first % block === 0n)
    return `${formatIP({ family: r.family, value: r.first })}/${len}`;
  return `${formatIP({ family: r.family, value: r.first })}-${formatIP({ family: r.family, value: r.last })}`;
}

function aggregationErrors(object: string, adv: BGPAdvertisement, pool: Pool, poolObject: string): ConfigError[] {
  return pool.ranges.flatMap((r) => {
    const v4 = r.family === 'IPv4';
    const len = v4 ? adv.aggregationLength : adv.aggregationLengthV6;
    const widest = widestBlock(r);
    if (len >= widest) return [];
    const text = rangeText(r);
    const what = text.includes('/') ? text : `/${widest}, the widest CIDR block of ${text},`;
    return [
      {
        object,
        field: v4 ? 'spec.aggregationLength' : 'spec.aggregationLengthV6',
        message: `${len} is shorter than ${what} in ${poolObject}: a /${len} route would announce addresses outside the pool; use ${widest} or more`,
      },
    ];
  });
}

/** MetalLB's isAggrLengthDifferent: the two announce the pool's addresses as different prefixes. */
function aggregationsDiffer(a: BGPAdvertisement, b: BGPAdvertisement, pool: Pool): boolean {
  const v4 = pool.ranges.some((r) => r.family === 'IPv4');
  const v6 = pool.ranges.some((r) => r.family === 'IPv6');
  const differV4 = a.aggregationLength !== b.aggregationLength;
  const differV6 = a.aggregationLengthV6 !== b.aggregationLengthV6;
  return (!v4 || differV4) && (!v6 || differV6);
}

const peersApart = (a: BGPAdvertisement, b: BGPAdvertisement): boolean =>
  a.peers.length > 0 && b.peers.length > 0 && !a.peers.some((p) => b.peers.includes(p));

const localPrefIs = (a: BGPAdvertisement): string => (a.localPref === undefined ? 'unset' : String(a.localPref));
const localPrefHas = (a: BGPAdvertisement): string =>
  a.localPref === undefined ? 'no localPref' : `localPref ${a.localPref}`;
/**
 * Loaded advertisements by name, in name order. Communities are resolved against `communities`; aggregation lengths
 * and LOCAL_PREFs are checked against the pools that loaded.
 */
export function parseBGPAdvertisements(
  items: readonly unknown[],
  communities: CommunitiesResult,
  pools: PoolsResult,
): LoadResult<BGPAdvertisement> {
  const taken: { readonly object: string; readonly adv: BGPAdvertisement }[] = [];
  return loadInNameOrder(
    items.map((raw, i) => parseAdvertisement(raw, i, communities)),
    'the Config knows BGPAdvertisements by name alone',
    (c, adv) => {
      const covered = [...pools.loaded.values()].filter((p) => coversPool(adv, p.value));
      const errors = covered.flatMap((p) => aggregationErrors(c.id.object, adv, p.value, p.object));
      if (errors.length > 0) return errors;
      for (const other of taken) {
        if (other.adv.localPref === adv.localPref) continue;
        const shared = covered.find(
          (p) =>
            coversPool(other.adv, p.value) &&
            !aggregationsDiffer(adv, other.adv, p.value) &&
            !peersApart(adv, other.adv) &&
            !selectionsDisjoint(adv.nodeSelectors, other.adv.nodeSelectors),
        );
        if (shared)
          errors.push({
            object: c.id.object,
            field: 'spec.localPref',
            message: `is ${localPrefIs(adv)} where ${other.object}, which announces ${shared.object} too with the same aggregation to the same peers from nodes their selectors may share, has ${localPrefHas(other.adv)}: a route has one LOCAL_PREF, and ${other.object} comes first by name, so this advertisement is not loaded`,
          });
      }
      if (errors.length === 0) taken.push({ object: c.id.object, adv });
      return errors;
    },
  );
}
