import { mustParseIP } from '@ironlb/shared';
import type { CodecOptions, Prefix } from '../codec/types';
import { announcementAttributes } from './attributes';
import { type AnnouncementShape, packAnnouncements, packWithdraws } from './pack';
import { updateSize } from './size';

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
    expect(updateSize(msgs[0], options)).toBe(4096);
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
    expect(updateSize(exact[0], extended)).toBe(65535);
    expect(packAnnouncements(classicShape(1), v4(13098), extended).map((m) => m.nlri.length)).toEqual([13097, 1]);
    // The same prefixes without the extension: 4096-byte messages.
    const small = packAnnouncements(classicShape(1), v4(13097), options);
    expect(small).toHaveLength(17);
    for (const m of small) expect(updateSize(m, options)).toBeLessThanOrEqual(4096);
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
    expect(updateSize(msgs[0], options)).toBe(4096);
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
    expect(updateSize(msgs[0], options)).toBe(4080);
    const whole = {
      ...msgs[0],
      attributes: { ...msgs[0].attributes, mpReach: { ...msgs[0].attributes.mpReach!, nlri: v6(237) } },
    };
    expect(updateSize(whole, options)).toBe(4097);
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
    expect(updateSize(msg, options)).toBe(4096);
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
    expect(updateSize(msg, options)).toBe(4096);
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
