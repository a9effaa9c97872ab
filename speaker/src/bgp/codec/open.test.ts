import { decodeMessage, encodeMessage } from './message';
import { hex, msg } from './testBytes';
import { DEFAULT_CODEC_OPTIONS as opts, type OpenMessage } from './types';

const decode = (b: Uint8Array) => decodeMessage(b, opts);
const error = (code: number, subcode: number, data = '') => ({
  ok: false,
  notification: { type: 'notification', code, subcode, data: hex(data) },
});

// RFC 4271 4.2 fixed part: version 4, My AS 64512 (fc00), hold 90 (005a), BGP Identifier 198.51.100.1 (c6336401).
const FIXED = '04 fc00 005a c6336401';

describe('OPEN', () => {
  it('decodes a hand-built OPEN with every capability ironlb speaks (RFC 5492, 4760, 2918, 6793, 4724, 8654)', () => {
    const caps = [
      '01 04 0001 00 01', // multiprotocol IPv4 unicast
      '01 04 0002 00 01', // multiprotocol IPv6 unicast
      '01 04 0001 00 80', // multiprotocol IPv4 SAFI 128: not spoken, kept
      '02 00', // route refresh
      '06 00', // extended message
      '41 04 0001 0000', // 4-octet AS 65536
      '40 0a c078 0001 01 80 0002 01 00', // graceful restart: R, N, 120 s; IPv4 F=1, IPv6 F=0
      '46 00', // enhanced route refresh (70): unknown to ironlb
    ].join('');
    const body = `${FIXED} ${(caps.replace(/\s/g, '').length / 2 + 2).toString(16)} 02 ${(caps.replace(/\s/g, '').length / 2).toString(16)} ${caps}`;
    const expected: OpenMessage = {
      type: 'open',
      version: 4,
      myAs: 64512,
      holdTimeSec: 90,
      bgpId: 0xc6336401,
      capabilities: [
        { code: 'multiprotocol', family: 'ipv4' },
        { code: 'multiprotocol', family: 'ipv6' },
        { code: 'unknown', type: 1, value: hex('0001 00 80') },
        { code: 'routeRefresh' },
        { code: 'extendedMessage' },
        { code: 'fourOctetAs', asn: 65536 },
        {
          code: 'gracefulRestart',
          restarted: true,
          notification: true,
          restartTimeSec: 120,
          families: [
            { family: 'ipv4', forwardingPreserved: true },
            { family: 'ipv6', forwardingPreserved: false },
          ],
        },
        { code: 'unknown', type: 70, value: hex('') },
      ],
    };
    const bytes = msg(1, body);
    expect(decode(bytes)).toStrictEqual({ ok: true, message: expected });
    expect(encodeMessage(expected, opts)).toStrictEqual(bytes);
  });

  it('decodes capabilities spread over several Capabilities parameters, and an OPEN without any', () => {
    const bytes = msg(1, `${FIXED} 08 02 02 0200 02 02 0600`);
    expect(decode(bytes)).toMatchObject({
      ok: true,
      message: { capabilities: [{ code: 'routeRefresh' }, { code: 'extendedMessage' }] },
    });
    const none = msg(1, `${FIXED} 00`);
    expect(decode(none)).toMatchObject({ ok: true, message: { capabilities: [] } });
    expect(
      encodeMessage(
        { type: 'open', version: 4, myAs: 64512, holdTimeSec: 90, bgpId: 0xc6336401, capabilities: [] },
        opts,
      ),
    ).toStrictEqual(none);
  });

  it('keeps capabilities whose value is not their defined layout as unknown', () => {
    const bytes = msg(1, `${FIXED} 0c 02 0a 0201ff 4103000001 0600`);
    expect(decode(bytes)).toMatchObject({
      ok: true,
      message: {
        capabilities: [
          { code: 'unknown', type: 2, value: hex('ff') },
          { code: 'unknown', type: 65, value: hex('000001') },
          { code: 'extendedMessage' },
        ],
      },
    });
  });

  it('RFC 9072: decodes the extended optional parameters length, and encodes it when capabilities pass 255 bytes', () => {
    const ext = msg(1, `${FIXED} ff ff 0005 02 0002 0200`);
    expect(decode(ext)).toMatchObject({ ok: true, message: { capabilities: [{ code: 'routeRefresh' }] } });
    const many: OpenMessage = {
      type: 'open',
      version: 4,
      myAs: 64512,
      holdTimeSec: 90,
      bgpId: 1,
      capabilities: Array.from({ length: 30 }, (_, i) => ({ code: 'unknown', type: 128, value: new Uint8Array(i) })),
    };
    const bytes = encodeMessage(many, opts);
    expect(Array.from(bytes.subarray(28, 31))).toStrictEqual([0xff, 0xff, ((bytes.length - 32) >> 8) & 0xff]);
    expect(decode(bytes)).toStrictEqual({ ok: true, message: many });
  });

  // RFC 4271 6.2, RFC 7607, RFC 6286, RFC 5492.
  it.each([
    ['version 3: 2/1 with the highest version spoken', msg(1, `03 fc00 005a c6336401 00`), error(2, 1, '0004')],
    ['hold time 1: 2/6', msg(1, `04 fc00 0001 c6336401 00`), error(2, 6)],
    ['hold time 2: 2/6', msg(1, `04 fc00 0002 c6336401 00`), error(2, 6)],
    ['My AS 0: 2/2 (RFC 7607)', msg(1, `04 0000 005a c6336401 00`), error(2, 2)],
    ['BGP Identifier 0: 2/3 (RFC 6286)', msg(1, `04 fc00 005a 00000000 00`), error(2, 3)],
    ['a 4-octet AS capability of 0: 2/2', msg(1, `${FIXED} 08 02 06 4104 00000000`), error(2, 2)],
    ['Opt Parm Len past the message: 2/0', msg(1, `${FIXED} 05 02 02 0200`), error(2, 0)],
    ['Opt Parm Len short of the message: 2/0', msg(1, `${FIXED} 03 02 02 0200`), error(2, 0)],
    ['a parameter length past Opt Parm Len: 2/0', msg(1, `${FIXED} 04 02 03 0200`), error(2, 0)],
    ['a lone parameter type byte: 2/0', msg(1, `${FIXED} 01 02`), error(2, 0)],
    ['a capability length past its parameter: 2/0', msg(1, `${FIXED} 04 02 02 0201`), error(2, 0)],
    ['a lone capability code byte: 2/0', msg(1, `${FIXED} 03 02 01 02`), error(2, 0)],
    ['an Authentication parameter (type 1): 2/4', msg(1, `${FIXED} 03 01 01 00`), error(2, 4)],
    ['an extended length past the message: 2/0', msg(1, `${FIXED} ff ff 0009 02 0002 0200`), error(2, 0)],
    ['an extended form cut short: 2/0', msg(1, `${FIXED} ff ff 00`), error(2, 0)],
  ])('%s', (_, bytes, result) => {
    expect(decode(bytes)).toStrictEqual(result);
  });

  it('hold times 0 and 3 are accepted', () => {
    expect(decode(msg(1, `04 fc00 0000 c6336401 00`))).toMatchObject({ ok: true, message: { holdTimeSec: 0 } });
    expect(decode(msg(1, `04 fc00 0003 c6336401 00`))).toMatchObject({ ok: true, message: { holdTimeSec: 3 } });
  });

  it('refuses to encode fields out of range and OPENs over 4096 bytes', () => {
    const base: OpenMessage = { type: 'open', version: 4, myAs: 65536, holdTimeSec: 90, bgpId: 1, capabilities: [] };
    expect(() => encodeMessage(base, opts)).toThrow(RangeError);
    const huge: OpenMessage = {
      ...base,
      myAs: 1,
      capabilities: Array.from({ length: 20 }, () => ({ code: 'unknown', type: 128, value: new Uint8Array(250) })),
    };
    expect(() => encodeMessage(huge, opts)).toThrow(RangeError);
    const long: OpenMessage = {
      ...base,
      myAs: 1,
      capabilities: [{ code: 'unknown', type: 128, value: new Uint8Array(256) }],
    };
    expect(() => encodeMessage(long, opts)).toThrow(RangeError);
  });
});
