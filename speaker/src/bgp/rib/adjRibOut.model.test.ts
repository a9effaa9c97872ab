/**
 * A seeded random model test: whatever sequence of route sets the table is given, a peer that applies every UPDATE
 * it returned holds exactly what a fresh peer learns from all(), which is exactly the sendable routes of the last set
 * with their attributes. Along the way every UPDATE carries something, names each prefix once, and encodes within
 * the limit to bytes that decode back to it.
 */
import { formatIP, mustParseIP, rng } from '@ironlb/shared';
import type { Family, PathAttributes, Prefix, UpdateMessage } from '../codec/types';
import { createAdjRibOut } from './adjRibOut';
import { expectOnTheWire } from './testWire';
import type { AdjRibOutOptions, Route, RouteAttributes } from './types';

function keyOf(p: Prefix): string {
  return `${formatIP(p.ip)}/${p.length}`;
}

/** What a peer learned for one prefix: its next hop and the attributes, as text. */
type Learned = Map<string, string>;

function describeAttributes(attrs: PathAttributes, nextHop: string): string {
  const { mpReach: _mp, nextHop: _nh, ...rest } = attrs;
  return JSON.stringify({ ...rest, nextHop });
}

/** Applies one UPDATE as a peer would (RFC 4271 §9, RFC 4760): withdraws, then the announced prefixes replace. */
function apply(peer: Learned, msg: UpdateMessage): void {
  for (const p of msg.withdrawn) peer.delete(keyOf(p));
  for (const p of msg.attributes.mpUnreach?.withdrawn ?? []) peer.delete(keyOf(p));
  if (msg.nlri.length > 0) {
    const nextHop = formatIP(msg.attributes.nextHop!);
    for (const p of msg.nlri) peer.set(keyOf(p), describeAttributes(msg.attributes, nextHop));
  }
  const reach = msg.attributes.mpReach;
  if (reach !== undefined) {
    const nextHop = formatIP(reach.nextHops[0]);
    for (const p of reach.nlri) peer.set(keyOf(p), describeAttributes(msg.attributes, nextHop));
  }
}

function prefixesOf(msg: UpdateMessage): Prefix[] {
  return [
    ...msg.withdrawn,
    ...msg.nlri,
    ...(msg.attributes.mpReach?.nlri ?? []),
    ...(msg.attributes.mpUnreach?.withdrawn ?? []),
  ];
}

const PREFIXES: Prefix[] = [
  ...['198.51.100.0', '198.51.100.128', '203.0.113.0'].map((t) => ({ ip: mustParseIP(t), length: 25 })),
  ...Array.from({ length: 40 }, (_, i) => ({ ip: mustParseIP(`198.51.100.${i * 3}`), length: 32 })),
  ...Array.from({ length: 20 }, (_, i) => ({ ip: mustParseIP(`203.0.113.${200 + i}`), length: 32 })),
  ...Array.from({ length: 40 }, (_, i) => ({ ip: mustParseIP(`2001:db8::${(i * 7).toString(16)}`), length: 128 })),
  ...Array.from({ length: 6 }, (_, i) => ({ ip: mustParseIP(`2001:db8:${i + 1}::`), length: 64 })),
];

const NH4 = [mustParseIP('198.51.100.1'), mustParseIP('198.51.100.2')];
const NH6 = [mustParseIP('2001:db8:ffff::1'), mustParseIP('2001:db8:ffff::2')];

/** A few attribute sets per family, some equal on the wire on eBGP (they differ only in LOCAL_PREF). */
function attributeSets(nh: typeof NH4): RouteAttributes[] {
  const large = [{ global: 64512, local1: 7, local2: 9 }];
  return [
    { nextHop: nh[0], communities: [], largeCommunities: [] },
    { nextHop: nh[0], localPref: 200, communities: [], largeCommunities: [] },
    { nextHop: nh[1], communities: [64512 * 65536 + 1], largeCommunities: [] },
    { nextHop: nh[0], communities: [1, 2], largeCommunities: large },
    // Many communities, so groups spill over more than one 4096-byte UPDATE with the larger sets.
    { nextHop: nh[1], communities: Array.from({ length: 200 }, (_, i) => i), largeCommunities: large },
  ];
}
const ATTRS: Record<Family, RouteAttributes[]> = { ipv4: attributeSets(NH4), ipv6: attributeSets(NH6) };

function pick<T>(random: () => number, xs: readonly T[]): T {
  return xs[Math.floor(random() * xs.length)];
}

function randomRoutes(random: () => number): Route[] {
  const density = random();
  const routes: Route[] = [];
  for (const prefix of PREFIXES) {
    if (random() >= density) continue;
    const family: Family = prefix.ip.family === 'IPv4' ? 'ipv4' : 'ipv6';
    // Now and then a next hop of the wrong family, which the table must hold back.
    const attrs =
      random() < 0.05 ? pick(random, ATTRS[family === 'ipv4' ? 'ipv6' : 'ipv4']) : pick(random, ATTRS[family]);
    routes.push({ prefix, attributes: random() < 0.5 ? attrs : { ...attrs } });
  }
  // Shuffle, and sometimes repeat a prefix with other attributes (the later one wins).
  for (let i = routes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [routes[i], routes[j]] = [routes[j], routes[i]];
  }
  if (routes.length > 0 && random() < 0.3) {
    const dup = pick(random, routes);
    const family: Family = dup.prefix.ip.family === 'IPv4' ? 'ipv4' : 'ipv6';
    routes.push({ prefix: dup.prefix, attributes: pick(random, ATTRS[family]) });
  }
  return routes;
}

function randomOptions(random: () => number): AdjRibOutOptions {
  const families = pick<('ipv4' | 'ipv6')[]>(random, [['ipv4', 'ipv6'], ['ipv4'], ['ipv6']]);
  return {
    localAs: pick(random, [64512, 65535, 4200000000]),
    ibgp: random() < 0.5,
    families,
    ipv4InClassicNlri: random() < 0.7,
    fourOctetAs: random() < 0.5,
    extendedMessage: random() < 0.3,
  };
}

/** The prefixes the table should be sending after `routes`: the last route per prefix, if the session carries it. */
function expectedNextHops(routes: readonly Route[], options: AdjRibOutOptions): Map<string, string> {
  const last = new Map<string, Route>();
  for (const r of routes) last.set(keyOf(r.prefix), r);
  const out = new Map<string, string>();
  for (const [key, r] of last) {
    const family: Family = r.prefix.ip.family === 'IPv4' ? 'ipv4' : 'ipv6';
    if (!options.families.includes(family) || r.attributes.nextHop.family !== r.prefix.ip.family) continue;
    out.set(key, formatIP(r.attributes.nextHop));
  }
  return out;
}

describe('adj-RIB-out against a peer model', () => {
  test.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i', (seed) => {
    const random = rng(seed * 2654435761);
    const options = randomOptions(random);
    const rib = createAdjRibOut(options);
    const peer: Learned = new Map();
    for (let step = 0; step < 25; step++) {
      const routes = randomRoutes(random);
      const msgs = rib.setRoutes(routes);
      const named = msgs.flatMap(prefixesOf).map(keyOf);
      expect(new Set(named).size).toBe(named.length);
      for (const m of msgs) {
        expect(prefixesOf(m).length).toBeGreaterThan(0);
        expectOnTheWire(m, options);
        apply(peer, m);
      }

      const fresh: Learned = new Map();
      for (const m of rib.all()) {
        expectOnTheWire(m, options);
        apply(fresh, m);
      }
      expect(peer).toEqual(fresh);

      const expected = expectedNextHops(routes, options);
      expect(new Map([...peer].map(([k, v]) => [k, JSON.parse(v).nextHop as string]))).toEqual(expected);
      expect(rib.size).toBe(expected.size);
      const last = new Map(routes.map((r) => [keyOf(r.prefix), r]));
      expect(rib.unsendable().length).toBe(last.size - expected.size);

      expect(rib.setRoutes(routes)).toEqual([]);
    }
  });
});
