import { decodeMessage, encodeMessage } from './message';
import { hex, MARKER, msg } from './testBytes';
import { DEFAULT_CODEC_OPTIONS as opts } from './types';

describe('ROUTE-REFRESH (RFC 2918, RFC 7313)', () => {
  it('a request for IPv6 unicast', () => {
    const bytes = msg(5, '0002 00 01');
    expect(decodeMessage(bytes, opts)).toStrictEqual({
      ok: true,
      message: { type: 'routeRefresh', family: 'ipv6', subtype: 0 },
    });
    expect(encodeMessage({ type: 'routeRefresh', family: 'ipv6', subtype: 0 }, opts)).toStrictEqual(bytes);
  });

  it('BoRR and EoRR subtypes are kept; so is an unknown subtype, for the session to ignore', () => {
    for (const subtype of [1, 2, 7]) {
      expect(decodeMessage(msg(5, `0001 0${subtype} 01`), opts)).toStrictEqual({
        ok: true,
        message: { type: 'routeRefresh', family: 'ipv4', subtype },
      });
    }
  });

  it('a BoRR or EoRR longer than 4 bytes of body is 7/1 with the whole message as data', () => {
    const bytes = msg(5, '0001 01 01 00');
    expect(decodeMessage(bytes, opts)).toStrictEqual({
      ok: false,
      notification: { type: 'notification', code: 7, subcode: 1, data: bytes },
    });
  });

  it('a request longer than 4 bytes (ORF entries, never negotiated) is read as a request', () => {
    expect(decodeMessage(msg(5, '0001 00 01 0102'), opts)).toMatchObject({ ok: true, message: { family: 'ipv4' } });
  });

  it('a family ironlb does not speak is ignored (RFC 2918 4)', () => {
    expect(decodeMessage(msg(5, '0001 00 80'), opts)).toStrictEqual({
      ok: 'ignored',
      reason: 'ROUTE-REFRESH for AFI 1 SAFI 128',
    });
  });
});

describe('KEEPALIVE and NOTIFICATION', () => {
  it('KEEPALIVE is the header alone', () => {
    const bytes = hex(`${MARKER} 0013 04`);
    expect(encodeMessage({ type: 'keepalive' }, opts)).toStrictEqual(bytes);
    expect(decodeMessage(bytes, opts)).toStrictEqual({ ok: true, message: { type: 'keepalive' } });
  });

  it('NOTIFICATION: Cease/Administrative Shutdown with a shutdown communication', () => {
    const n = { type: 'notification', code: 6, subcode: 2, data: hex('02 6869') } as const;
    const bytes = msg(3, '06 02 02 6869');
    expect(encodeMessage(n, opts)).toStrictEqual(bytes);
    expect(decodeMessage(bytes, opts)).toStrictEqual({ ok: true, message: n });
  });

  it('NOTIFICATION data past the message limit is cut to fit', () => {
    const n = { type: 'notification', code: 3, subcode: 1, data: new Uint8Array(5000) } as const;
    expect(encodeMessage(n, opts).length).toBe(4096);
  });

  it('a frame whose length field disagrees with its size is 1/2; one shorter than a header too', () => {
    const bytes = hex(`${MARKER} 0013 04 00`);
    expect(decodeMessage(bytes, opts)).toStrictEqual({
      ok: false,
      notification: { type: 'notification', code: 1, subcode: 2, data: hex('0013') },
    });
    expect(decodeMessage(hex('ffff'), opts)).toMatchObject({ ok: false, notification: { code: 1, subcode: 2 } });
  });
});
