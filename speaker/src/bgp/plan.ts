/**
 * What this node advertises over BGP, as a pure function of the SpeakerView and the node's interface table. Unlike
 * layer 2 there is no single owner: every eligible node advertises every IP its BGPAdvertisements allow, and the
 * routers spread traffic over the paths (MetalLB's BGP mode). For this node the plan says which BGPPeers it opens
 * sessions with (their nodeSelectors), which routes each peer gets, and for every IP it does not advertise, why.
 *
 * MetalLB's meanings, kept: an advertisement with no pools and no pool selectors covers every pool, with no node
 * selectors every node, with no peers every peer; aggregationLength masks the IP into the prefix announced, so
 * several IPs may make one route; LOCAL_PREF goes to iBGP peers only; when several advertisements give one peer the
 * same prefix, its communities are the union (and its LOCAL_PREF the highest: MetalLB leaves that case to the
 * routing daemon, and the highest is what a router would prefer among the copies anyway).
 *
 * A node that may not advertise (no live speaker, cordoned, labelled to be excluded) keeps its sessions and
 * advertises nothing: a drain withdraws routes, it does not tear sessions down.
 */
import { BITS, formatIP, type IPFamily, type ParsedIP } from '@ironlb/shared';
import {
  coversNode,
  coversPeer,
  coversPool,
  poolOf,
  type BGPAdvertisement,
  type BGPPeer,
  type CommunityValue,
} from '@ironlb/shared/config';
import type { LocalInterface } from '../l2/interfaces';
import { ipsOf, nodeIneligibility } from '../mode/eligibility';
import type { NotAnnounced } from '../mode/reasons';
import type { NodeView, SpeakerView } from '../mode/view';
import type { LargeCommunity, Prefix } from './codec/types';
import { nextHopFor } from './nextHop';
import type { Route } from './rib/types';

/** One peer of this node and its routes (one per prefix, in prefix text order). */
export interface PeerPlan {
  readonly peer: BGPPeer;
  readonly routes: readonly Route[];
}

/** One IP shown by a Service. */
export interface BgpIPPlan {
  readonly ip: ParsedIP;
  /** Every Service on the IP, sorted. */
  readonly services: readonly string[];
  /** The peers (names, sorted) that get a route covering it; empty when it is not advertised. */
  readonly peers: readonly string[];
  /**
   * Per peer name, the texts of the prefixes that carry it (`198.51.100.0/24`), sorted: two when advertisements of
   * two lengths cover it.
   */
  readonly prefixes: ReadonlyMap<string, readonly string[]>;
  /** Why it is not advertised. */
  readonly reason?: NotAnnounced;
}

export interface BgpPlan {
  /** This node's BGPPeers by name, in name order; a peer with no routes keeps its session. */
  readonly peers: ReadonlyMap<string, PeerPlan>;
  /** Every IP shown by a Service, in IP text order. */
  readonly ips: ReadonlyMap<string, BgpIPPlan>;
}

/** The IP masked to `length` bits. */
export function prefixOf(ip: ParsedIP, length: number): Prefix {
  const host = BigInt(BITS[ip.family] - length);
  return { ip: { family: ip.family, value: (ip.value >> host) << host }, length };
}

export const prefixText = (p: Prefix): string => `${formatIP(p.ip)}/${p.length}`;

const isIbgp = (peer: BGPPeer): boolean => peer.myASN === peer.peerASN;

/** Whether a session with the peer carries routes of `family`: both families unless disableMP. */
const carries = (peer: BGPPeer, family: IPFamily): boolean => !peer.disableMP || peer.peerAddress.family === family;

/** A route being built: attributes merged over the advertisements that give the prefix to the peer. */
interface Building {
  readonly prefix: Prefix;
  readonly nextHop: ParsedIP;
  localPref?: number;
  readonly communities: Set<number>;
  readonly large: Map<string, LargeCommunity>;
}

function addCommunities(into: Building, values: readonly CommunityValue[]): void {
  for (const c of values) {
    if (c.kind === 'standard') into.communities.add(c.value);
    else
      into.large.set(`${c.global}:${c.local1}:${c.local2}`, { global: c.global, local1: c.local1, local2: c.local2 });
  }
}

const byLarge = (a: LargeCommunity, b: LargeCommunity): number =>
  a.global - b.global || a.local1 - b.local1 || a.local2 - b.local2;

function routeOf(b: Building): Route {
  return {
    prefix: b.prefix,
    attributes: {
      nextHop: b.nextHop,
      ...(b.localPref === undefined ? {} : { localPref: b.localPref }),
      communities: [...b.communities].sort((x, y) => x - y),
      largeCommunities: [...b.large.values()].sort(byLarge),
    },
  };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function planBgp(view: SpeakerView, local: readonly LocalInterface[]): BgpPlan {
  // A node without its Node object has no labels: only selector-less peers and advertisements match it.
  const self: NodeView = view.nodes.get(view.self) ?? { name: view.self, labels: {}, unschedulable: false };
  const peers = view.config.bgpPeers.filter((p) => coversNode(p, self.labels));
  /** Per peer name, prefix text -> the route being built. */
  const building = new Map<string, Map<string, Building>>();
  const tableOf = (peer: string): Map<string, Building> => {
    const table = building.get(peer) ?? new Map<string, Building>();
    building.set(peer, table);
    return table;
  };
  const ips = new Map<string, BgpIPPlan>();
  for (const { key, ip, services } of ipsOf(view.services)) {
    const base = { ip, services: services.map((s) => s.key) };
    const skip = (reason: NotAnnounced): void => {
      ips.set(key, { ...base, peers: [], prefixes: new Map(), reason });
    };
    const pool = poolOf(view.config, ip);
    if (!pool) {
      skip({ code: 'notInAnyPool', ip });
      continue;
    }
    const advs = view.config.bgpAdvertisements.filter((a) => coversPool(a, pool));
    if (advs.length === 0) {
      skip({ code: 'noAdvertisement', advertisementKind: 'BGPAdvertisement', pool: pool.name });
      continue;
    }
    const ineligible = nodeIneligibility(view, self, services);
    if (ineligible) {
      skip({ code: 'nodeIneligible', why: ineligible });
      continue;
    }
    const here = advs.filter((a) => coversNode(a, self.labels));
    if (here.length === 0) {
      skip({ code: 'nodeIneligible', why: { code: 'nodeNotSelected', advertisementKind: 'BGPAdvertisement' } });
      continue;
    }
    if (peers.length === 0) {
      skip({ code: 'noPeer' });
      continue;
    }
    const pairs: { adv: BGPAdvertisement; peer: BGPPeer }[] = here.flatMap((adv) =>
      peers.filter((peer) => coversPeer(adv, peer)).map((peer) => ({ adv, peer })),
    );
    if (pairs.length === 0) {
      skip({ code: 'noAdvertisedPeer', advertisements: here.map((a) => a.name).sort(byText) });
      continue;
    }
    const carried = pairs.filter(({ peer }) => carries(peer, ip.family));
    if (carried.length === 0) {
      skip({ code: 'familyNotCarried', family: ip.family, peers: namesOf(pairs) });
      continue;
    }
    const reachable = carried.flatMap((pair) => {
      const nextHop = nextHopFor(pair.peer, ip.family, local);
      return nextHop ? [{ ...pair, nextHop }] : [];
    });
    if (reachable.length === 0) {
      skip({ code: 'noNextHop', family: ip.family, peers: namesOf(carried) });
      continue;
    }
    const prefixes = new Map<string, string[]>();
    for (const { adv, peer, nextHop } of reachable) {
      const prefix = prefixOf(ip, ip.family === 'IPv4' ? adv.aggregationLength : adv.aggregationLengthV6);
      const text = prefixText(prefix);
      const table = tableOf(peer.name);
      const b: Building = table.get(text) ?? { prefix, nextHop, communities: new Set(), large: new Map() };
      if (isIbgp(peer) && adv.localPref !== undefined) b.localPref = Math.max(b.localPref ?? 0, adv.localPref);
      addCommunities(b, adv.communities);
      table.set(text, b);
      const mine = prefixes.get(peer.name) ?? [];
      if (!mine.includes(text)) mine.push(text);
      prefixes.set(peer.name, mine);
    }
    for (const list of prefixes.values()) list.sort(byText);
    ips.set(key, { ...base, peers: [...prefixes.keys()].sort(byText), prefixes });
  }
  const out = new Map<string, PeerPlan>();
  for (const peer of peers) {
    const routes = [...tableOf(peer.name).entries()].sort(([a], [b]) => byText(a, b)).map(([, b]) => routeOf(b));
    out.set(peer.name, { peer, routes });
  }
  return { peers: out, ips };
}

const namesOf = (pairs: readonly { peer: BGPPeer }[]): string[] => [...new Set(pairs.map((p) => p.peer.name))].sort();
