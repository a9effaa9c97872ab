import { mustParseIP } from '@ironlb/shared';
import { endOfRib, endOfRibFamily, isEndOfRib } from './endOfRib';
import { decodeMessage, encodeMessage } from './message';
import { hex, msg } from './testBytes';
import type { CodecOptions, UpdateMessage } from './types';

const two: CodecOptions = { fourOctetAs: false, extendedMessage: false };
const four: CodecOptions = { fourOctetAs: true, extendedMessage: false };
const p = (text: string) => {
  const [ip, len] = text.split('/');
  return { ip: mustParseIP(ip), length: Number(len) };
};
/** An UPDATE of withdrawn routes, attributes and NLRI, each given as hex. */
const update = (withdrawn: string, attrs: string, nlri: string) => {
  const w = hex(withdrawn);
  const a = hex(attrs);
  const len = (n: number) => n.toString(16).padStart(4, '0');
  return msg(2, `${len(w.length)} ${withdrawn} ${len(a.length)} ${attrs} ${nlri}`);
};
const error = (code: number, subcode: number, data = '') => ({
  ok: false,
  notification: { type: 'notification', code, subcode, data: hex(data) },
});

// RFC 4271 4.3 attributes: ORIGIN igp, AS_PATH AS_SEQUENCE [64512] (2-octet), NEXT_HOP 198.51.100.1.
const ORIGIN = '40 01 01 00';
const AS_PATH2 = '40 02 04 02 01 fc00';
const NEXT_HOP = '40 03 04 c6336401';
const BASE = `${ORIGIN} ${AS_PATH2} ${NEXT_HOP}`;
const NLRI = '18 cb0071'; // 203.0.113.0/24

describe('UPDATE vectors', () => {
  it('an IPv4 announcement with every interpreted attribute (RFC 4271, 1997, 8092, 6793)', () => {
    const attrs = [
      BASE,
      '80 04 04 00000064', // MED 100
      '40 05 04 000000c8', // LOCAL_PREF 200
      '40 06 00', // ATOMIC_AGGREGATE
      'c0 08 08 fc000001 fc000002', // COMMUNITIES 64512:1 64512:2
      'c0 11 06 02 01 00010000', // AS4_PATH [65536]
      'c0 20 0c 0000fde8 00000001 00000002', // LARGE_COMMUNITY 65000:1:2
      'e0 63 02 abcd', // unknown optional transitive partial type 99
    ].join(' ');
    const expected: UpdateMessage = {
      type: 'update',
      withdrawn: [p('198.51.100.128/25')],
      attributes: {
        origin: 'igp',
        asPath: [{ type: 2, asns: [64512] }],
        nextHop: mustParseIP('198.51.100.1'),
        med: 100,
        localPref: 200,
        atomicAggregate: true,
        communities: [0xfc000001, 0xfc000002],
        as4Path: [{ type: 2, asns: [65536] }],
        largeCommunities: [{ global: 65000, local1: 1, local2: 2 }],
        other: [{ flags: 0xe0, type: 99, value: hex('abcd') }],
      },
      nlri: [p('203.0.113.0/24'), p('198.51.100.7/32'), p('0.0.0.0/0')],
    };
    const bytes = update('19 c63364 80', attrs, `${NLRI} 20 c6336407 00`);
    expect(decodeMessage(bytes, two)).toStrictEqual({ ok: true, message: expected });
    expect(encodeMessage(expected, two)).toStrictEqual(bytes);
  });

  it('IPv6 in MP_REACH_NLRI with a global and link-local next hop, and MP_UNREACH_NLRI (RFC 4760, RFC 2545)', () => {
    const reach =
      '80 0e 3f 0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00 40 20010db800000001 80 20010db8000000000000000000000002';
    const unreach = '80 0f 0f 0002 01 30 20010db80002 20 20010db8';
    const attrs = `${reach} ${unreach} ${ORIGIN} 40 02 06 02 01 0000fc00`;
    const expected: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      attributes: {
        mpReach: {
          family: 'ipv6',
          nextHops: [mustParseIP('2001:db8::1'), mustParseIP('fe80::1')],
          nlri: [p('2001:db8:0:1::/64'), p('2001:db8::2/128')],
        },
        mpUnreach: { family: 'ipv6', withdrawn: [p('2001:db8:2::/48'), p('2001:db8::/32')] },
        origin: 'igp',
        asPath: [{ type: 2, asns: [64512] }],
      },
      nlri: [],
    };
    const bytes = update('', attrs, '');
    expect(decodeMessage(bytes, four)).toStrictEqual({ ok: true, message: expected });
    expect(encodeMessage(expected, four)).toStrictEqual(bytes);
  });

  it('host bits past the prefix length are cleared on decode and refused on encode', () => {
    const r = decodeMessage(update('', BASE, '18 cb0071 17 cb0071'), two);
    expect(r).toMatchObject({ ok: true, message: { nlri: [p('203.0.113.0/24'), p('203.0.112.0/23')] } });
    const bad = {
      type: 'update',
      withdrawn: [],
      attributes: {},
      nlri: [{ ip: mustParseIP('203.0.113.1'), length: 24 }],
    } as const;
    expect(() => encodeMessage(bad, two)).toThrow(RangeError);
  });

  it('an attribute over 255 bytes takes the extended length form', () => {
    const m: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      attributes: { communities: Array.from({ length: 70 }, (_, i) => i) },
      nlri: [],
    };
    const bytes = encodeMessage(m, two);
    expect(Array.from(bytes.subarray(23, 27))).toStrictEqual([0xd0, 0x08, 0x01, 0x18]);
    expect(decodeMessage(bytes, two)).toStrictEqual({ ok: true, message: m });
  });
});

describe('UPDATE errors that reset the session', () => {
  it.each([
    ['withdrawn length past the message: 3/1', msg(2, '0010 0000'), error(3, 1)],
    ['total attribute length past the message: 3/1', msg(2, '0000 0010'), error(3, 1)],
    ['a withdrawn prefix of length 33: 3/10', update('21 c6336400 00', '', ''), error(3, 10)],
    ['an NLRI prefix running past the message: 3/10', update('', BASE, '18 cb00'), error(3, 10)],
    [
      'MP_REACH_NLRI twice: 3/1',
      update('', '80 0e 09 0001 01 04 c6336401 00 80 0e 09 0001 01 04 c6336401 00', ''),
      error(3, 1),
    ],
    ['MP_UNREACH_NLRI twice: 3/1', update('', '80 0f 03 000201 80 0f 03 000201', ''), error(3, 1)],
  ])('%s', (_, bytes, result) => {
    expect(decodeMessage(bytes, two)).toStrictEqual(result);
  });

  it.each([
    ['an IPv4 next hop of 16 bytes', '80 0e 15 0001 01 10 20010db8000000000000000000000001 00'],
    ['an IPv6 next hop of 4 bytes', '80 0e 09 0002 01 04 c6336401 00'],
    ['a next hop past the attribute', '80 0e 06 0002 01 10 2001'],
    ['an attribute too short for AFI/SAFI', '80 0e 03 000201'],
    ['an NLRI prefix of length 129', '80 0e 17 0002 01 10 20010db8000000000000000000000001 00 81 00'],
  ])('a malformed MP_REACH_NLRI (%s) is 3/9 with the attribute as data (RFC 7606 7.11)', (_, attr) => {
    expect(decodeMessage(update('', attr, ''), two)).toStrictEqual(error(3, 9, attr));
  });

  it('a malformed MP_UNREACH_NLRI is 3/9 with the attribute as data', () => {
    for (const attr of ['80 0f 02 0002', '80 0f 05 0002 01 40 20']) {
      expect(decodeMessage(update('', attr, ''), two)).toStrictEqual(error(3, 9, attr));
    }
  });

  it('an unrecognized well-known attribute is 3/2 with the attribute as data (RFC 4271 6.3)', () => {
    expect(decodeMessage(update('', `${BASE} 40 63 01 00`, NLRI), two)).toStrictEqual(error(3, 2, '40 63 01 00'));
  });
});

describe('RFC 7606 treat-as-withdraw', () => {
  it.each([
    ['ORIGIN of length 2 (7.1)', `40 01 02 0000 ${AS_PATH2} ${NEXT_HOP}`],
    ['ORIGIN value 3 (7.1)', `40 01 01 03 ${AS_PATH2} ${NEXT_HOP}`],
    ['AS_PATH segment type 5 (7.2)', `${ORIGIN} 40 02 04 05 01 fc00 ${NEXT_HOP}`],
    ['AS_PATH segment of zero ASNs (7.2)', `${ORIGIN} 40 02 02 02 00 ${NEXT_HOP}`],
    ['AS_PATH segment overrun (7.2)', `${ORIGIN} 40 02 04 02 02 fc00 ${NEXT_HOP}`],
    ['AS_PATH one octet left over (7.2)', `${ORIGIN} 40 02 05 02 01 fc00 02 ${NEXT_HOP}`],
    ['NEXT_HOP of length 5 (7.3)', `${ORIGIN} ${AS_PATH2} 40 03 05 c633640100`],
    ['MED of length 2 (7.4)', `${BASE} 80 04 02 0000`],
    ['LOCAL_PREF of length 3 (7.5)', `${BASE} 40 05 03 000000`],
    ['COMMUNITIES of length 6 (7.8)', `${BASE} c0 08 06 000000000000`],
    ['COMMUNITIES of length 0 (7.8)', `${BASE} c0 08 00`],
    ['ORIGINATOR_ID of length 3 (7.9)', `${BASE} 80 09 03 000000`],
    ['CLUSTER_LIST of length 0 (7.10)', `${BASE} 80 0a 00`],
    ['EXTENDED_COMMUNITIES of length 4 (7.14)', `${BASE} c0 10 04 00000000`],
    ['LARGE_COMMUNITY of length 8 (RFC 8092 6)', `${BASE} c0 20 08 0000000000000000`],
    ['ORIGIN with the optional bit (flags, 3.c)', `c0 01 01 00 ${AS_PATH2} ${NEXT_HOP}`],
    ['MED without the optional bit (flags, 3.c)', `${BASE} 40 04 04 00000000`],
    ['an attribute length past the attribute field (4)', `${BASE} c0 08 08 00000001`],
    ['two bytes left in the attribute field (4)', `${BASE} c0 08`],
    ['an extended-length header cut short (4)', `${BASE} d0 08 00`],
    ['ORIGIN missing (3.d)', `${AS_PATH2} ${NEXT_HOP}`],
    ['AS_PATH missing (3.d)', `${ORIGIN} ${NEXT_HOP}`],
    ['NEXT_HOP missing with NLRI (3.d)', `${ORIGIN} ${AS_PATH2}`],
  ])('%s', (_, attrs) => {
    const r = decodeMessage(update('', attrs, NLRI), two);
    expect(r).toMatchObject({
      ok: true,
      treatAsWithdraw: expect.any(String),
      message: { nlri: [p('203.0.113.0/24')] },
    });
  });

  it('the reason names the problem, and an UPDATE without routes needs no mandatory attributes', () => {
    expect(decodeMessage(update('', `${ORIGIN} ${AS_PATH2}`, NLRI), two)).toMatchObject({
      treatAsWithdraw: 'NEXT_HOP missing',
    });
    expect(decodeMessage(update('18 cb0071', '', ''), two)).toStrictEqual({
      ok: true,
      message: { type: 'update', withdrawn: [p('203.0.113.0/24')], attributes: {}, nlri: [] },
    });
  });

  it('keeps NLRI located by the Total Path Attribute Length after an overrun', () => {
    const r = decodeMessage(update('', `${BASE} c0 08 10 00000001`, `${NLRI} 20 c6336407`), two);
    expect(r).toMatchObject({
      ok: true,
      message: { nlri: [p('203.0.113.0/24'), p('198.51.100.7/32')], attributes: { origin: 'igp' } },
    });
  });
});

describe('RFC 7606 attribute discard', () => {
  it.each([
    ['ATOMIC_AGGREGATE of length 1 (7.6)', `${BASE} 40 06 01 00`, two, [6]],
    ['AGGREGATOR of length 8 on a 2-octet session (7.7)', `${BASE} c0 07 08 0000fc00c6336401`, two, [7]],
    [
      'AGGREGATOR of length 6 on a 4-octet session (7.7)',
      `${ORIGIN} 40 02 06 02 01 0000fc00 ${NEXT_HOP} c0 07 06 fc00c6336401`,
      four,
      [7],
    ],
    [
      'AS4_PATH on a 4-octet session (RFC 6793)',
      `${ORIGIN} 40 02 06 02 01 0000fc00 ${NEXT_HOP} c0 11 06 02 01 00010000`,
      four,
      [17],
    ],
    ['a malformed AS4_PATH (RFC 6793)', `${BASE} c0 11 05 02 01 000100`, two, [17]],
    ['an AS4_PATH with a confederation segment', `${BASE} c0 11 06 03 01 00010000`, two, [17]],
    ['AS4_PATH with wrong flags', `${BASE} 80 11 06 02 01 00010000`, two, [17]],
    ['AS4_AGGREGATOR of length 6', `${BASE} c0 12 06 fc00c6336401`, two, [18]],
    ['a repeated COMMUNITIES keeps the first (3.g)', `${BASE} c0 08 04 00000001 c0 08 04 00000002`, two, [8]],
  ])('%s', (_, attrs, opts, discarded) => {
    const r = decodeMessage(update('', attrs, NLRI), opts);
    expect(r).toMatchObject({ ok: true, discarded });
    expect(r).not.toHaveProperty('treatAsWithdraw');
  });

  it('a valid AGGREGATOR, ORIGINATOR_ID, CLUSTER_LIST and extended community are kept as received', () => {
    const attrs = `${BASE} c0 07 06 fc00c6336401 80 09 04 c6336401 80 0a 04 c6336402 c0 10 08 0002fc0000000001`;
    const r = decodeMessage(update('', attrs, NLRI), two);
    expect(r).toMatchObject({
      ok: true,
      message: { attributes: { other: [{ type: 7 }, { type: 9 }, { type: 10 }, { type: 16 }] } },
    });
    expect(r.ok === true && encodeMessage(r.message, two)).toStrictEqual(update('', attrs, NLRI));
  });

  it('MP_REACH_NLRI of a family ironlb does not speak is kept uninterpreted', () => {
    const attr = '80 0e 09 0001 80 04 c6336401 00';
    expect(decodeMessage(update('', attr, ''), two)).toMatchObject({
      ok: true,
      message: { attributes: { other: [{ flags: 0x80, type: 14, value: hex('0001 80 04 c6336401 00') }] } },
    });
  });
});

describe('End-of-RIB (RFC 4724 2)', () => {
  it('IPv4: an empty UPDATE; IPv6: only an empty MP_UNREACH_NLRI', () => {
    expect(encodeMessage(endOfRib('ipv4'), two)).toStrictEqual(msg(2, '0000 0000'));
    expect(encodeMessage(endOfRib('ipv6'), two)).toStrictEqual(msg(2, '0000 0006 80 0f 03 0002 01'));
    for (const f of ['ipv4', 'ipv6'] as const) {
      const r = decodeMessage(encodeMessage(endOfRib(f), two), two);
      expect(r.ok === true && r.message.type === 'update' && endOfRibFamily(r.message)).toBe(f);
    }
  });

  it('anything more is not one', () => {
    const eor = endOfRib('ipv6');
    expect(isEndOfRib({ ...eor, attributes: { ...eor.attributes, origin: 'igp' } })).toBe(false);
    expect(isEndOfRib({ ...eor, nlri: [p('203.0.113.0/24')] })).toBe(false);
    expect(isEndOfRib({ ...endOfRib('ipv4'), withdrawn: [p('203.0.113.0/24')] })).toBe(false);
    expect(isEndOfRib({ ...eor, attributes: { mpUnreach: { family: 'ipv6', withdrawn: [p('2001:db8::/32')] } } })).toBe(
      false,
    );
  });
});
