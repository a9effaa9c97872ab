import { mustParseIP } from '@ironlb/shared';
import type { AsPathSegment, Prefix, UpdateMessage } from '../codec/types';
import { createAdjRibOut } from './adjRibOut';
import { updateLength } from '../codec';
import type { AdjRibOutOptions, Route, RouteAttributes } from './types';

const EBGP: AdjRibOutOptions = {
  localAs: 64512,
  ibgp: false,
  families: ['ipv4', 'ipv6'],
  ipv4InClassicNlri: true,
  fourOctetAs: true,
  extendedMessage: false,
};
const IBGP: AdjRibOutOptions = { ...EBGP, ibgp: true };

const NH4 = mustParseIP('198.51.100.1');
const NH6 = mustParseIP('2001:db8:ffff::1');
const A4: RouteAttributes = { nextHop: NH4, communities: [], largeCommunities: [] };
const B4: RouteAttributes = { nextHop: NH4, communities: [64512 * 65536 + 7], largeCommunities: [] };
const A6: RouteAttributes = { nextHop: NH6, communities: [], largeCommunities: [] };

function prefix(text: string, length?: number): Prefix {
  const ip = mustParseIP(text);
  return { ip, length: length ?? (ip.family === 'IPv4' ? 32 : 128) };
}

function route(text: string, attributes: RouteAttributes, length?: number): Route {
  return { prefix: prefix(text, length), attributes };
}

const EBGP_PATH: AsPathSegment[] = [{ type: 2, asns: [64512] }];

function classic(nlri: Prefix[], attributes: RouteAttributes = A4): UpdateMessage {
  return {
    type: 'update',
    withdrawn: [],
    attributes: {
      origin: 'igp',
      asPath: EBGP_PATH,
      nextHop: attributes.nextHop,
      ...(attributes.communities.length > 0 ? { communities: attributes.communities } : {}),
    },
    nlri,
  };
}

function mpReach(nlri: Prefix[]): UpdateMessage {
  return {
    type: 'update',
    withdrawn: [],
    attributes: { origin: 'igp', asPath: EBGP_PATH, mpReach: { family: 'ipv6', nextHops: [NH6], nlri } },
    nlri: [],
  };
}

function withdraw4(withdrawn: Prefix[]): UpdateMessage {
  return { type: 'update', withdrawn, attributes: {}, nlri: [] };
}

function withdraw6(withdrawn: Prefix[]): UpdateMessage {
  return { type: 'update', withdrawn: [], attributes: { mpUnreach: { family: 'ipv6', withdrawn } }, nlri: [] };
}

describe('setRoutes: the diff', () => {
  test('an empty table given nothing sends nothing', () => {
    const rib = createAdjRibOut(EBGP);
    expect(rib.setRoutes([])).toEqual([]);
    expect(rib.size).toBe(0);
    expect(rib.all()).toEqual([]);
  });

  test('new routes are announced in prefix order, whatever the input order', () => {
    const rib = createAdjRibOut(EBGP);
    const msgs = rib.setRoutes([
      route('203.0.113.7', A4),
      route('198.51.100.0', A4, 24),
      route('198.51.100.9', A4),
      route('198.51.100.10', A4),
    ]);
    expect(msgs).toEqual([
      classic([prefix('198.51.100.0', 24), prefix('198.51.100.9'), prefix('198.51.100.10'), prefix('203.0.113.7')]),
    ]);
    expect(rib.size).toBe(4);
  });

  test('the same set twice sends nothing the second time, even as new objects in another order', () => {
    const rib = createAdjRibOut(EBGP);
    rib.setRoutes([route('198.51.100.9', A4), route('2001:db8::1', A6)]);
    expect(rib.setRoutes([route('2001:db8::1', { ...A6 }), route('198.51.100.9', { ...A4, communities: [] })])).toEqual(
      [],
    );
  });

  test('a removed prefix is withdrawn and nothing else is sent', () => {
    const rib = createAdjRibOut(EBGP);
    rib.setRoutes([route('198.51.100.9', A4), route('198.51.100.10', A4), route('2001:db8::1', A6)]);
    expect(rib.setRoutes([route('198.51.100.10', A4)])).toEqual([
      withdraw4([prefix('198.51.100.9')]),
      withdraw6([prefix('2001:db8::1')]),
    ]);
    expect(rib.size).toBe(1);
  });

  test('a changed attribute re-announces that prefix alone, without a withdraw (the announcement replaces it)', () => {
    const rib = createAdjRibOut(EBGP);
    rib.setRoutes([route('198.51.100.9', A4), route('198.51.100.10', A4)]);
    expect(rib.setRoutes([route('198.51.100.9', A4), route('198.51.100.10', B4)])).toEqual([
      classic([prefix('198.51.100.10')], B4),
    ]);
  });

  test('a changed next hop is a changed attribute', () => {
    const rib = createAdjRibOut(EBGP);
    rib.setRoutes([route('2001:db8::1', A6)]);
    const other = { ...A6, nextHop: mustParseIP('2001:db8:ffff::2') };
    const [msg, ...rest] = rib.setRoutes([route('2001:db8::1', other)]);
    expect(rest).toEqual([]);
    expect(msg.attributes.mpReach).toEqual({
      family: 'ipv6',
      nextHops: [other.nextHop],
      nlri: [prefix('2001:db8::1')],
    });
  });

  test('withdraws come first (IPv4, then IPv6), then announcements grouped by attributes in prefix order', () => {
    const rib = createAdjRibOut(EBGP);
    rib.setRoutes([route('198.51.100.1', A4), route('2001:db8::1', A6)]);
    const msgs = rib.setRoutes([
      route('2001:db8::2', A6),
      route('203.0.113.2', A4),
      route('203.0.113.1', B4),
      route('198.51.100.2', A4),
      route('198.51.100.3', B4),
    ]);
    expect(msgs).toEqual([
      withdraw4([prefix('198.51.100.1')]),
      withdraw6([prefix('2001:db8::1')]),
      classic([prefix('198.51.100.2'), prefix('203.0.113.2')], A4),
      classic([prefix('198.51.100.3'), prefix('203.0.113.1')], B4),
      mpReach([prefix('2001:db8::2')]),
    ]);
  });

  test('a later route for the same prefix wins', () => {
    const rib = createAdjRibOut(EBGP);
    expect(rib.setRoutes([route('198.51.100.9', A4), route('198.51.100.9', B4)])).toEqual([
      classic([prefix('198.51.100.9')], B4),
    ]);
    expect(rib.size).toBe(1);
  });

  test('prefixes differing only in length are different prefixes', () => {
    const rib = createAdjRibOut(EBGP);
    const msgs = rib.setRoutes([
      route('198.51.100.0', A4, 25),
      route('198.51.100.0', A4, 24),
      route('198.51.100.0', A4),
    ]);
    expect(msgs).toEqual([classic([prefix('198.51.100.0', 24), prefix('198.51.100.0', 25), prefix('198.51.100.0')])]);
  });

  test('everything removed: all withdrawn, the table is empty, all() is nothing', () => {
    const rib = createAdjRibOut(EBGP);
    rib.setRoutes([route('198.51.100.9', A4), route('2001:db8::1', A6)]);
    expect(rib.setRoutes([])).toHaveLength(2);
    expect(rib.size).toBe(0);
    expect(rib.all()).toEqual([]);
    expect(rib.setRoutes([])).toEqual([]);
  });
});

describe('all()', () => {
  test('every held route as announcements, as a fresh table would send them', () => {
    const rib = createAdjRibOut(EBGP);
    const routes = [route('203.0.113.1', B4), route('2001:db8::5', A6), route('198.51.100.2', A4)];
    rib.setRoutes([route('198.51.100.200', A4), ...routes]);
    rib.setRoutes(routes);
    expect(rib.all()).toEqual(createAdjRibOut(EBGP).setRoutes(routes));
    expect(rib.all()).toEqual([
      classic([prefix('198.51.100.2')], A4),
      classic([prefix('203.0.113.1')], B4),
      mpReach([prefix('2001:db8::5')]),
    ]);
  });
});

describe('attributes by session', () => {
  const v4 = [route('198.51.100.9', { ...A4, localPref: 250 })];

  test('iBGP: an empty AS_PATH and LOCAL_PREF (the route’s, or 100)', () => {
    expect(createAdjRibOut(IBGP).setRoutes(v4)[0].attributes).toEqual({
      origin: 'igp',
      asPath: [],
      nextHop: NH4,
      localPref: 250,
    });
    expect(createAdjRibOut(IBGP).setRoutes([route('2001:db8::1', A6)])[0].attributes).toEqual({
      origin: 'igp',
      asPath: [],
      localPref: 100,
      mpReach: { family: 'ipv6', nextHops: [NH6], nlri: [prefix('2001:db8::1')] },
    });
  });

  test('iBGP: an absent LOCAL_PREF and 100 are the same on the wire, so switching sends nothing; 101 re-announces', () => {
    const rib = createAdjRibOut(IBGP);
    rib.setRoutes([route('198.51.100.9', A4)]);
    expect(rib.setRoutes([route('198.51.100.9', { ...A4, localPref: 100 })])).toEqual([]);
    expect(rib.setRoutes([route('198.51.100.9', { ...A4, localPref: 101 })])).toHaveLength(1);
  });

  test('eBGP: LOCAL_PREF is not sent, so changing it sends nothing', () => {
    const rib = createAdjRibOut(EBGP);
    expect(rib.setRoutes(v4)[0].attributes.localPref).toBeUndefined();
    expect(rib.setRoutes([route('198.51.100.9', { ...A4, localPref: 10 })])).toEqual([]);
  });

  test('eBGP on a 4-octet session: AS_PATH is one AS_SEQUENCE of the local AS, whatever its size', () => {
    const rib = createAdjRibOut({ ...EBGP, localAs: 4200000000 });
    const [msg] = rib.setRoutes(v4);
    expect(msg.attributes.asPath).toEqual([{ type: 2, asns: [4200000000] }]);
    expect(msg.attributes.as4Path).toBeUndefined();
  });

  test('eBGP on a 2-octet session with a 4-octet AS: AS_TRANS in AS_PATH, the real AS in AS4_PATH', () => {
    const [msg] = createAdjRibOut({ ...EBGP, fourOctetAs: false, localAs: 4200000000 }).setRoutes(v4);
    expect(msg.attributes.asPath).toEqual([{ type: 2, asns: [23456] }]);
    expect(msg.attributes.as4Path).toEqual([{ type: 2, asns: [4200000000] }]);
  });

  test('eBGP on a 2-octet session with a 2-octet AS: no AS4_PATH (65535 is the largest that fits)', () => {
    const [msg] = createAdjRibOut({ ...EBGP, fourOctetAs: false, localAs: 65535 }).setRoutes(v4);
    expect(msg.attributes.asPath).toEqual([{ type: 2, asns: [65535] }]);
    expect(msg.attributes.as4Path).toBeUndefined();
  });

  test('iBGP on a 2-octet session with a 4-octet AS: the path is empty, so no AS4_PATH either', () => {
    const [msg] = createAdjRibOut({ ...IBGP, fourOctetAs: false, localAs: 4200000000 }).setRoutes(v4);
    expect(msg.attributes.asPath).toEqual([]);
    expect(msg.attributes.as4Path).toBeUndefined();
  });

  test('communities and large communities are sent when present, and a change of them re-announces', () => {
    const large = [{ global: 64512, local1: 1, local2: 2 }];
    const rib = createAdjRibOut(EBGP);
    const [msg] = rib.setRoutes([route('198.51.100.9', { ...B4, largeCommunities: large })]);
    expect(msg.attributes.communities).toEqual(B4.communities);
    expect(msg.attributes.largeCommunities).toEqual(large);
    const other = [{ global: 64512, local1: 1, local2: 3 }];
    expect(rib.setRoutes([route('198.51.100.9', { ...B4, largeCommunities: other })])).toHaveLength(1);
    expect(rib.setRoutes([route('198.51.100.9', { ...B4, largeCommunities: other, communities: [1] })])).toHaveLength(
      1,
    );
  });
});

describe('families', () => {
  test('IPv4 in MP_REACH when not in the classic NLRI field, and withdrawn in MP_UNREACH', () => {
    const rib = createAdjRibOut({ ...EBGP, ipv4InClassicNlri: false });
    expect(rib.setRoutes([route('198.51.100.9', A4)])).toEqual([
      {
        type: 'update',
        withdrawn: [],
        attributes: {
          origin: 'igp',
          asPath: EBGP_PATH,
          mpReach: { family: 'ipv4', nextHops: [NH4], nlri: [prefix('198.51.100.9')] },
        },
        nlri: [],
      },
    ]);
    expect(rib.setRoutes([])).toEqual([
      {
        type: 'update',
        withdrawn: [],
        attributes: { mpUnreach: { family: 'ipv4', withdrawn: [prefix('198.51.100.9')] } },
        nlri: [],
      },
    ]);
  });

  test('a family the session did not negotiate is held back, listed by unsendable() and not counted', () => {
    const rib = createAdjRibOut({ ...EBGP, families: ['ipv4'] });
    const v6 = route('2001:db8::1', A6);
    expect(rib.setRoutes([v6, route('198.51.100.9', A4)])).toEqual([classic([prefix('198.51.100.9')])]);
    expect(rib.size).toBe(1);
    expect(rib.unsendable()).toEqual([{ route: v6, reason: 'familyNotNegotiated' }]);
    expect(rib.all()).toEqual([classic([prefix('198.51.100.9')])]);
    // Removing it sends nothing: it was never sent.
    expect(rib.setRoutes([route('198.51.100.9', A4)])).toEqual([]);
    expect(rib.unsendable()).toEqual([]);
  });

  test('an IPv6-only session holds IPv4 back', () => {
    const rib = createAdjRibOut({ ...EBGP, families: ['ipv6'] });
    const v4 = route('198.51.100.9', A4);
    expect(rib.setRoutes([v4, route('2001:db8::1', A6)])).toEqual([mpReach([prefix('2001:db8::1')])]);
    expect(rib.unsendable()).toEqual([{ route: v4, reason: 'familyNotNegotiated' }]);
  });

  test('a next hop of the other family cannot carry the prefix', () => {
    const rib = createAdjRibOut(EBGP);
    const bad4 = route('198.51.100.9', A6);
    const bad6 = route('2001:db8::1', A4);
    expect(rib.setRoutes([bad6, bad4])).toEqual([]);
    expect(rib.unsendable()).toEqual([
      { route: bad4, reason: 'nextHopFamily' },
      { route: bad6, reason: 'nextHopFamily' },
    ]);
    expect(rib.size).toBe(0);
  });

  test('a sent route that becomes unsendable is withdrawn; sendable again, it is announced', () => {
    const rib = createAdjRibOut(EBGP);
    rib.setRoutes([route('198.51.100.9', A4)]);
    expect(rib.setRoutes([route('198.51.100.9', A6)])).toEqual([withdraw4([prefix('198.51.100.9')])]);
    expect(rib.setRoutes([route('198.51.100.9', A4)])).toEqual([classic([prefix('198.51.100.9')])]);
    expect(rib.unsendable()).toEqual([]);
  });

  test('a later duplicate moves a prefix between sent and held back, either way', () => {
    const rib = createAdjRibOut(EBGP);
    expect(rib.setRoutes([route('198.51.100.9', A4), route('198.51.100.9', A6)])).toEqual([]);
    expect(rib.unsendable()).toHaveLength(1);
    expect(rib.setRoutes([route('198.51.100.9', A6), route('198.51.100.9', A4)])).toEqual([
      classic([prefix('198.51.100.9')]),
    ]);
    expect(rib.unsendable()).toEqual([]);
  });

  test('attributes that leave no room for a prefix: held back at 4096 bytes, sent with extended messages', () => {
    // 1100 communities are 4403 bytes of attributes.
    const huge = { ...A6, communities: Array.from({ length: 1100 }, (_, i) => i) };
    const r = route('2001:db8::1', huge);
    const rib = createAdjRibOut(EBGP);
    expect(rib.setRoutes([r, route('2001:db8::2', A6)])).toEqual([mpReach([prefix('2001:db8::2')])]);
    expect(rib.unsendable()).toEqual([{ route: r, reason: 'attributesTooLarge' }]);
    const ext = createAdjRibOut({ ...EBGP, extendedMessage: true });
    const [msg] = ext.setRoutes([r]);
    expect(msg.attributes.mpReach?.nlri).toEqual([prefix('2001:db8::1')]);
    expect(ext.unsendable()).toEqual([]);
  });
});

describe('packing through the table', () => {
  test('every UPDATE is within the limit and the prefixes are each sent once, in order', () => {
    const base = mustParseIP('2001:db8::').value;
    const routes: Route[] = Array.from({ length: 5000 }, (_, i) => ({
      prefix: { ip: { family: 'IPv6', value: base + BigInt(i) }, length: 128 },
      attributes: i % 3 === 0 ? A6 : { ...A6, communities: [1] },
    }));
    for (const extendedMessage of [false, true]) {
      const options = { ...EBGP, extendedMessage };
      const msgs = createAdjRibOut(options).setRoutes(routes);
      const limit = extendedMessage ? 65535 : 4096;
      for (const m of msgs) expect(updateLength(m, options)).toBeLessThanOrEqual(limit);
      const sent = msgs.flatMap((m) => m.attributes.mpReach?.nlri ?? []);
      expect(sent).toHaveLength(5000);
      expect(new Set(sent.map((p) => p.ip.value)).size).toBe(5000);
      // 1667 prefixes with A6 (237 per 4096 bytes: 8 messages), 3333 with the community (236: 15).
      expect(msgs).toHaveLength(extendedMessage ? 2 : 8 + 15);
    }
  });

  test('a group that fits one UPDATE exactly is one message; one more prefix makes two', () => {
    // 23 + ORIGIN 4 + AS_PATH 9 + COMMUNITIES 23 + MP_REACH 4 + 21 + 236 × 17 = 4096.
    const five = { ...A6, communities: [1, 2, 3, 4, 5] };
    const base = mustParseIP('2001:db8::').value;
    const routes = (n: number): Route[] =>
      Array.from({ length: n }, (_, i) => ({
        prefix: { ip: { family: 'IPv6', value: base + BigInt(i) }, length: 128 },
        attributes: five,
      }));
    const one = createAdjRibOut(EBGP).setRoutes(routes(236));
    expect(one).toHaveLength(1);
    expect(updateLength(one[0], EBGP)).toBe(4096);
    expect(createAdjRibOut(EBGP).setRoutes(routes(237))).toHaveLength(2);
  });
});

describe('invalid prefixes are refused (a bug in the caller)', () => {
  test.each([
    ['host bits set', route('198.51.100.9', A4, 24)],
    ['IPv4 length over 32', route('198.51.100.9', A4, 33)],
    ['IPv6 length over 128', route('2001:db8::', A6, 129)],
    ['negative length', route('198.51.100.0', A4, -1)],
    ['fractional length', route('198.51.100.0', A4, 24.5)],
    ['IPv4 value out of range', { prefix: { ip: { family: 'IPv4', value: 1n << 32n }, length: 32 }, attributes: A4 }],
    ['negative value', { prefix: { ip: { family: 'IPv6', value: -1n }, length: 128 }, attributes: A6 }],
  ] as [string, Route][])('%s', (_, r) => {
    const rib = createAdjRibOut(EBGP);
    expect(() => rib.setRoutes([r])).toThrow(RangeError);
  });

  test('a /24 and a /64 with zero host bits are fine', () => {
    const rib = createAdjRibOut(EBGP);
    expect(rib.setRoutes([route('203.0.113.0', A4, 24), route('2001:db8:1::', A6, 64)])).toHaveLength(2);
  });
});
