import { mustParseIP } from '@ironlb/shared';
import { prefixesBytes, updateLength } from '../codec';
import type { CodecOptions, Family, Prefix, UpdateMessage } from '../codec/types';
import { announcementAttributes } from './attributes';
import { type AnnouncementShape, announcementSize, packAnnouncements, packWithdraws, withdrawSize } from './pack';
import { expectOnTheWire } from './testWire';

const options: CodecOptions = { fourOctetAs: true, extendedMessage: false };
const extended: CodecOptions = { fourOctetAs: true, extendedMessage: true };
const ebgp = { ibgp: false, localAs: 64512, fourOctetAs: true };

/** Every prefix of 5 wire bytes (/25../32) inside the documentation /24s: 1020 of them, longest first. */
const V4_FIVE_BYTE: Prefix[] = [32, 31, 30, 29, 28, 27, 26, 25].flatMap((length) =>
  ['198.51.100.0', '203.0.113.0'].flatMap((block) =>
    Array.from({ length: 2 ** (length - 24) }, (_, j): Prefix => {
      const value = mustParseIP(block).value + (BigInt(j) << BigInt(32 - length));
      return { ip: { family: 'IPv4', value }, length };
    }),
  ),
);
/** The two documentation /24s (4 wire bytes each). */
const V4_24: Prefix[] = [
  { ip: mustParseIP('198.51.100.0'), length: 24 },
  { ip: mustParseIP('203.0.113.0'), length: 24 },
];

/** `n` IPv4 prefixes of 5 wire bytes; distinct up to 1020, then repeating (the packer does not look at values). */
function v4(n: number): Prefix[] {
  return Array.from({ length: n }, (_, i) => V4_FIVE_BYTE[i % V4_FIVE_BYTE.length]);
}

function v6(n: number, length = 128): Prefix[] {
  const base = mustParseIP('2001:db8::').value;
  const step = 1n << BigInt(128 - length);
  return Array.from({ length: n }, (_, i) => ({ ip: { family: 'IPv6', value: base + BigInt(i) * step }, length }));
}

/** `n` communities: each adds 4 bytes, which the boundary cases use to land a message on the limit exactly. */
function communities(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 64512 * 65536 + i);
}

function classicShape(nComm: number): AnnouncementShape {
  const attrs = { nextHop: mustParseIP('198.51.100.1'), communities: communities(nComm), largeCommunities: [] };
  return { kind: 'classic', attributes: announcementAttributes(attrs, ebgp, true) };
}

function v6Shape(nComm: number): AnnouncementShape {
  const nextHop = mustParseIP('2001:db8:ffff::1');
  const attrs = { nextHop, communities: communities(nComm), largeCommunities: [] };
  return { kind: 'mp', family: 'ipv6', nextHops: [nextHop], attributes: announcementAttributes(attrs, ebgp, false) };
}

describe('packAnnouncements, classic IPv4', () => {
  // 23 fixed + ORIGIN 4 + AS_PATH 9 + NEXT_HOP 7 + COMMUNITIES (3 + 4 × 5) = 66; 806 prefixes of 5 bytes = 4030: 4096.
  test('806 five-byte prefixes with five communities fill one UPDATE to exactly 4096 bytes', () => {
    const msgs = packAnnouncements(classicShape(5), v4(806), options);
    expect(msgs).toHaveLength(1);
    expect(msgs[0].nlri).toHaveLength(806);
    expect(updateLength(msgs[0], options)).toBe(4096);
  });

  test('one more prefix (5 more bytes) starts a second UPDATE with the same attributes', () => {
    const prefixes = v4(807);
    const msgs = packAnnouncements(classicShape(5), prefixes, options);
    expect(msgs.map((m) => m.nlri.length)).toEqual([806, 1]);
    expect(msgs[1].attributes).toBe(msgs[0].attributes);
    expect(msgs.flatMap((m) => m.nlri)).toEqual(prefixes);
    expect(msgs[1].nlri[0]).toBe(prefixes[806]);
  });

  test('a message one byte short of the limit when one more community is added moves a prefix', () => {
    // Six communities: 70 + 806 × 5 = 4100 > 4096, so 805 fit.
    expect(packAnnouncements(classicShape(6), v4(806), options).map((m) => m.nlri.length)).toEqual([805, 1]);
  });

  test('the classic message carries NEXT_HOP and the prefixes in the NLRI field, nothing withdrawn', () => {
    const [msg] = packAnnouncements(classicShape(0), v4(2), options);
    expect(msg).toEqual({
      type: 'update',
      withdrawn: [],
      attributes: { origin: 'igp', asPath: [{ type: 2, asns: [64512] }], nextHop: mustParseIP('198.51.100.1') },
      nlri: v4(2),
    });
  });

  test('extended messages: 13,097 five-byte prefixes with one community fill 65,535 bytes exactly; one more starts a second', () => {
    // 23 + 4 + 9 + 7 + 7 = 50; 50 + 13,097 × 5 = 65,535.
    const exact = packAnnouncements(classicShape(1), v4(13097), extended);
    expect(exact).toHaveLength(1);
    expect(updateLength(exact[0], extended)).toBe(65535);
    expect(packAnnouncements(classicShape(1), v4(13098), extended).map((m) => m.nlri.length)).toEqual([13097, 1]);
    // The same prefixes without the extension: 4096-byte messages.
    const small = packAnnouncements(classicShape(1), v4(13097), options);
    expect(small).toHaveLength(17);
    for (const m of small) expect(updateLength(m, options)).toBeLessThanOrEqual(4096);
  });

  test('nothing to announce is no message', () => {
    expect(packAnnouncements(classicShape(0), [], options)).toEqual([]);
  });
});

describe('packAnnouncements, MP_REACH', () => {
  // 23 + ORIGIN 4 + AS_PATH 9 + COMMUNITIES 23 = 59; MP_REACH 4 + (21 + 236 × 17 = 4033) = 4037: 4096.
  test('236 IPv6 /128s with five communities fill one UPDATE to exactly 4096 bytes', () => {
    const msgs = packAnnouncements(v6Shape(5), v6(236), options);
    expect(msgs).toHaveLength(1);
    expect(updateLength(msgs[0], options)).toBe(4096);
    expect(msgs[0]).toEqual({
      type: 'update',
      withdrawn: [],
      attributes: {
        origin: 'igp',
        asPath: [{ type: 2, asns: [64512] }],
        communities: communities(5),
        mpReach: { family: 'ipv6', nextHops: [mustParseIP('2001:db8:ffff::1')], nlri: v6(236) },
      },
      nlri: [],
    });
  });

  test('237 need two', () => {
    expect(packAnnouncements(v6Shape(5), v6(237), options).map((m) => m.attributes.mpReach?.nlri.length)).toEqual([
      236, 1,
    ]);
  });

  test('the step from a one-byte to a two-byte MP_REACH length is counted: 237 would need 4097 bytes', () => {
    // One community: the other attributes are 23 + 4 + 9 + 7 = 43; MP_REACH with 237 /128s is 4 + 21 + 4029 = 4054,
    // 4097 in all: it fits only if the length field were one byte, which a 4050-byte value cannot have.
    const msgs = packAnnouncements(v6Shape(1), v6(237), options);
    expect(msgs.map((m) => m.attributes.mpReach?.nlri.length)).toEqual([236, 1]);
    expect(updateLength(msgs[0], options)).toBe(4080);
    const whole = {
      ...msgs[0],
      attributes: { ...msgs[0].attributes, mpReach: { ...msgs[0].attributes.mpReach!, nlri: v6(237) } },
    };
    expect(updateLength(whole, options)).toBe(4097);
  });

  test('a prefix that fits in no message with these attributes is refused', () => {
    expect(() => packAnnouncements(v6Shape(1100), v6(1), options)).toThrow(RangeError);
  });
});

describe('packWithdraws', () => {
  test('IPv4 in Withdrawn Routes: 813 five-byte prefixes and two /24s are exactly 4096 bytes; one more starts a second', () => {
    const prefixes = [...v4(813), ...V4_24];
    const [msg] = packWithdraws('ipv4', true, prefixes, options);
    expect(msg).toEqual({ type: 'update', withdrawn: prefixes, attributes: {}, nlri: [] });
    expect(updateLength(msg, options)).toBe(4096);
    const more = packWithdraws('ipv4', true, [...prefixes, ...v4(1)], options);
    expect(more.map((m) => m.withdrawn.length)).toEqual([815, 1]);
  });

  test('IPv6 in MP_UNREACH, its only attribute: 236 /128s and six /64s are exactly 4096 bytes', () => {
    const prefixes = [...v6(236), ...v6(6, 64)];
    const [msg, ...rest] = packWithdraws('ipv6', false, prefixes, options);
    expect(rest).toEqual([]);
    expect(msg).toEqual({
      type: 'update',
      withdrawn: [],
      attributes: { mpUnreach: { family: 'ipv6', withdrawn: prefixes } },
      nlri: [],
    });
    expect(updateLength(msg, options)).toBe(4096);
    expect(packWithdraws('ipv6', false, [...prefixes, ...v6(1, 48)], options)).toHaveLength(2);
  });

  test('IPv4 announced in MP_REACH is withdrawn in MP_UNREACH', () => {
    expect(packWithdraws('ipv4', false, v4(1), options)).toEqual([
      { type: 'update', withdrawn: [], attributes: { mpUnreach: { family: 'ipv4', withdrawn: v4(1) } }, nlri: [] },
    ]);
  });

  test('extended messages hold 16 times as many withdraws', () => {
    // (65,535 − 30) / 17 = 3853.2: 3853 /128s per MP_UNREACH message.
    expect(
      packWithdraws('ipv6', false, v6(3854), extended).map((m) => m.attributes.mpUnreach?.withdrawn.length),
    ).toEqual([3853, 1]);
  });

  test('nothing to withdraw is no message', () => {
    expect(packWithdraws('ipv6', false, [], options)).toEqual([]);
  });
});

describe('on the wire: every packed UPDATE encodes to the size the packer counted and decodes back to itself', () => {
  const twoOctet: CodecOptions = { fourOctetAs: false, extendedMessage: false };
  const sessions: [string, CodecOptions][] = [
    ['4-octet', options],
    ['4-octet extended', extended],
    ['2-octet', twoOctet],
  ];
  /** Every shape the table builds: classic or MP_REACH IPv4, MP_REACH IPv6; eBGP (a 4-byte AS: AS4_PATH on 2-octet sessions) or iBGP. */
  function shapes(session: CodecOptions): [string, AnnouncementShape][] {
    const out: [string, AnnouncementShape][] = [];
    for (const [who, peer] of [
      ['eBGP', { ibgp: false, localAs: 4200000000, fourOctetAs: session.fourOctetAs }],
      ['iBGP', { ibgp: true, localAs: 64512, fourOctetAs: session.fourOctetAs }],
    ] as const) {
      // 0, 5 and 70 communities: the last takes COMMUNITIES past 255 bytes (Extended Length).
      for (const n of [0, 5, 70]) {
        const large = n === 5 ? [{ global: 64512, local1: 1, local2: 2 }] : [];
        const nh4 = mustParseIP('198.51.100.1');
        const nh6 = mustParseIP('2001:db8:ffff::1');
        const a4 = { nextHop: nh4, communities: communities(n), largeCommunities: large };
        const a6 = { ...a4, nextHop: nh6 };
        out.push(
          [`${who} classic ${n}`, { kind: 'classic', attributes: announcementAttributes(a4, peer, true) }],
          [
            `${who} MP IPv4 ${n}`,
            { kind: 'mp', family: 'ipv4', nextHops: [nh4], attributes: announcementAttributes(a4, peer, false) },
          ],
          [
            `${who} MP IPv6 ${n}`,
            { kind: 'mp', family: 'ipv6', nextHops: [nh6], attributes: announcementAttributes(a6, peer, false) },
          ],
        );
      }
    }
    return out;
  }
  const reachOf = (m: UpdateMessage): Prefix[] => [...m.nlri, ...(m.attributes.mpReach?.nlri ?? [])];
  const goneOf = (m: UpdateMessage): Prefix[] => [...m.withdrawn, ...(m.attributes.mpUnreach?.withdrawn ?? [])];
  /** The very prefix objects, in order (the packer splits the list; it copies nothing). */
  const sameList = (xs: readonly Prefix[], ys: readonly Prefix[]): boolean =>
    xs.length === ys.length && xs.every((x, i) => x === ys[i]);

  test.each(sessions)('announcements, %s session', (_name, session) => {
    for (const [, shape] of shapes(session)) {
      const family: Family = shape.kind === 'mp' ? shape.family : 'ipv4';
      const size = announcementSize(shape, session);
      // Around the fill points: 4,096 bytes of /32s (806-807) and /128s (236-237); 65,535 bytes of either.
      for (const n of session.extendedMessage ? [1, 3853, 3854, 13097, 13098] : [1, 236, 237, 806, 807, 1700]) {
        const prefixes = family === 'ipv4' ? v4(n) : v6(n);
        const msgs = packAnnouncements(shape, prefixes, session);
        for (const m of msgs) expectOnTheWire(m, session, size(prefixesBytes(reachOf(m))));
        expect(sameList(msgs.flatMap(reachOf), prefixes)).toBe(true);
      }
    }
  });

  test.each(sessions)('withdraws, %s session', (_name, session) => {
    for (const [family, classic] of [
      ['ipv4', true],
      ['ipv4', false],
      ['ipv6', false],
    ] as const) {
      for (const n of session.extendedMessage ? [1, 3853, 3854, 13097, 13098] : [1, 236, 815, 816, 1700]) {
        const prefixes = family === 'ipv4' ? v4(n) : v6(n, n % 2 === 0 ? 64 : 128);
        const msgs = packWithdraws(family, classic, prefixes, session);
        for (const m of msgs) expectOnTheWire(m, session, withdrawSize(classic)(prefixesBytes(goneOf(m))));
        expect(sameList(msgs.flatMap(goneOf), prefixes)).toBe(true);
      }
    }
  });
});
