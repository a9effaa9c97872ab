import { mustParseIP } from '@ironlb/shared';
/**
 * UPDATE sizes worked out by hand from the RFC layouts, each checked against the bytes the encoder writes: the
 * adj-RIB-out packs messages to the limit with these numbers.
 */
import { attributeBytes, attributesLength } from './attributes';
import { encodeMessage } from './message';
import { prefixBytes } from './prefix';
import type { CodecOptions, PathAttributes, Prefix, UpdateMessage } from './types';
import { updateLength } from './update';

const four: CodecOptions = { fourOctetAs: true, extendedMessage: false };
const two: CodecOptions = { fourOctetAs: false, extendedMessage: false };

function prefix(text: string, length: number): Prefix {
  return { ip: mustParseIP(text), length };
}

/** updateLength, after checking the encoder writes exactly that many bytes. */
function updateSize(m: UpdateMessage, options: CodecOptions): number {
  const n = updateLength(m, options);
  expect(encodeMessage(m, options)).toHaveLength(n);
  return n;
}

/** The Path Attributes field's length, checked against an encoded UPDATE that carries nothing else. */
function pathAttributesBytes(attributes: PathAttributes, options: CodecOptions): number {
  const n = attributesLength(attributes, options);
  expect(encodeMessage(update(attributes), options)).toHaveLength(23 + n);
  return n;
}

function update(attributes: PathAttributes, nlri: Prefix[] = [], withdrawn: Prefix[] = []): UpdateMessage {
  return { type: 'update', withdrawn, attributes, nlri };
}

describe('prefixBytes', () => {
  test.each([
    [0, 1],
    [1, 2],
    [8, 2],
    [9, 3],
    [24, 4],
    [25, 5],
    [32, 5],
    [64, 9],
    [65, 10],
    [127, 17],
    [128, 17],
  ])('/%i takes %i bytes (length byte + ceil(len/8))', (length, bytes) => {
    expect(prefixBytes({ ip: mustParseIP('2001:db8::'), length })).toBe(bytes);
  });
});

describe('attributeBytes', () => {
  test('a value up to 255 bytes has a one-byte length field', () => {
    expect(attributeBytes(0)).toBe(3);
    expect(attributeBytes(255)).toBe(258);
  });
  test('a longer value has a two-byte length field (Extended Length)', () => {
    expect(attributeBytes(256)).toBe(260);
    expect(attributeBytes(65000)).toBe(65004);
  });
});

describe('updateLength', () => {
  test('an UPDATE with nothing in it is 23 bytes: header and the two length fields', () => {
    expect(updateSize(update({}), four)).toBe(23);
  });

  test('Withdrawn Routes: each prefix is its length byte and its significant bytes', () => {
    const withdrawn = [prefix('198.51.100.0', 24), prefix('203.0.113.7', 32), prefix('203.0.113.128', 25)];
    expect(updateSize(update({}, [], withdrawn), four)).toBe(23 + 4 + 5 + 5);
  });

  test('an eBGP IPv4 announcement on a 4-octet session', () => {
    const attrs: PathAttributes = {
      origin: 'igp',
      asPath: [{ type: 2, asns: [4200000000] }],
      nextHop: mustParseIP('198.51.100.1'),
    };
    // ORIGIN 3+1, AS_PATH 3+(2+4), NEXT_HOP 3+4, one /32.
    expect(updateSize(update(attrs, [prefix('203.0.113.7', 32)]), four)).toBe(23 + 4 + 9 + 7 + 5);
  });

  test('AS_PATH ASNs take two bytes on a 2-octet session, AS4_PATH always four', () => {
    const attrs: PathAttributes = {
      asPath: [
        { type: 2, asns: [23456, 64512] },
        { type: 1, asns: [64513] },
      ],
      as4Path: [{ type: 2, asns: [4200000000, 64512] }],
    };
    expect(pathAttributesBytes(attrs, two)).toBe(3 + (2 + 4) + (2 + 2) + 3 + (2 + 8));
    expect(pathAttributesBytes(attrs, four)).toBe(3 + (2 + 8) + (2 + 4) + 3 + (2 + 8));
  });

  test('an empty AS_PATH (iBGP) is a zero-length attribute, LOCAL_PREF and MED four bytes', () => {
    expect(pathAttributesBytes({ asPath: [], localPref: 100, med: 0 }, four)).toBe(3 + 7 + 7);
  });

  test('ATOMIC_AGGREGATE is three bytes when true and absent when false', () => {
    expect(pathAttributesBytes({ atomicAggregate: true }, four)).toBe(3);
    expect(pathAttributesBytes({ atomicAggregate: false }, four)).toBe(0);
  });

  test('COMMUNITIES are four bytes each, LARGE_COMMUNITIES twelve; a present empty list is an empty attribute', () => {
    const large = { global: 64512, local1: 1, local2: 2 };
    expect(pathAttributesBytes({ communities: [1, 2], largeCommunities: [large] }, four)).toBe(3 + 8 + 3 + 12);
    expect(pathAttributesBytes({ communities: [] }, four)).toBe(3);
  });

  test('63 communities fit a one-byte length, 64 need Extended Length', () => {
    expect(pathAttributesBytes({ communities: Array.from({ length: 63 }, (_, i) => i) }, four)).toBe(3 + 252);
    expect(pathAttributesBytes({ communities: Array.from({ length: 64 }, (_, i) => i) }, four)).toBe(4 + 256);
  });

  test('MP_REACH_NLRI: AFI, SAFI, next hop length, next hops, reserved, then prefixes', () => {
    const one: PathAttributes = {
      mpReach: { family: 'ipv6', nextHops: [mustParseIP('2001:db8::1')], nlri: [prefix('2001:db8:1::1', 128)] },
    };
    expect(updateSize(update(one), four)).toBe(23 + 3 + (2 + 1 + 1 + 16 + 1 + 17));
    const twoNextHops: PathAttributes = {
      mpReach: {
        family: 'ipv6',
        nextHops: [mustParseIP('2001:db8::1'), mustParseIP('2001:db8::2')],
        nlri: [prefix('2001:db8:1::', 64)],
      },
    };
    expect(updateSize(update(twoNextHops), four)).toBe(23 + 3 + (2 + 1 + 1 + 32 + 1 + 9));
    const v4: PathAttributes = {
      mpReach: { family: 'ipv4', nextHops: [mustParseIP('198.51.100.1')], nlri: [prefix('203.0.113.0', 24)] },
    };
    expect(updateSize(update(v4), four)).toBe(23 + 3 + (2 + 1 + 1 + 4 + 1 + 4));
  });

  test('MP_REACH_NLRI takes a two-byte length once its value passes 255 bytes', () => {
    const nlri = (n: number): Prefix[] => Array.from({ length: n }, () => prefix('2001:db8::1', 128));
    const reach = (n: number): PathAttributes => ({
      mpReach: { family: 'ipv6', nextHops: [mustParseIP('2001:db8::1')], nlri: nlri(n) },
    });
    // 21 + 17 × 13 = 242; 21 + 17 × 14 = 259.
    expect(pathAttributesBytes(reach(13), four)).toBe(3 + 242);
    expect(pathAttributesBytes(reach(14), four)).toBe(4 + 259);
  });

  test('MP_UNREACH_NLRI: AFI, SAFI, then prefixes', () => {
    const attrs: PathAttributes = { mpUnreach: { family: 'ipv6', withdrawn: [prefix('2001:db8::', 64)] } };
    expect(updateSize(update(attrs), four)).toBe(23 + 3 + (3 + 9));
  });

  test("an unknown attribute's length field fits its value, whatever Extended Length flag it came with", () => {
    const value = new Uint8Array(10);
    expect(pathAttributesBytes({ other: [{ flags: 0xc0, type: 99, value }] }, four)).toBe(13);
    expect(pathAttributesBytes({ other: [{ flags: 0xd0, type: 99, value }] }, four)).toBe(13);
    expect(pathAttributesBytes({ other: [{ flags: 0xc0, type: 99, value: new Uint8Array(300) }] }, four)).toBe(304);
  });

  test('withdrawn, attributes and NLRI add up', () => {
    const msg = update(
      { origin: 'igp', asPath: [], nextHop: mustParseIP('198.51.100.1'), localPref: 200 },
      [prefix('203.0.113.0', 25), prefix('203.0.113.128', 25)],
      [prefix('198.51.100.0', 24)],
    );
    expect(updateSize(msg, four)).toBe(23 + 4 + (4 + 3 + 7 + 7) + 10);
  });
});
