import { decodeControl, DROP_REASON_TEXT, encodeControl, type ControlPacket } from './codec';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const base: ControlPacket = {
  diag: 0,
  state: 'down',
  poll: false,
  final: false,
  cpi: false,
  demand: false,
  detectMult: 3,
  myDiscriminator: 0x01020304,
  yourDiscriminator: 0,
  desiredMinTxUs: 1_000_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 0,
};

describe('encodeControl', () => {
  test('a Down packet, byte by byte (RFC 5880 4.1)', () => {
    expect(encodeControl(base).toString('hex')).toBe(
      '20' + '40' + '03' + '18' + '01020304' + '00000000' + '000f4240' + '000493e0' + '00000000',
    );
  });

  test('every flag bit in its place, and diag in the low five bits', () => {
    const b = encodeControl({ ...base, diag: 31, state: 'up', poll: true, final: true, cpi: true, demand: true });
    expect(b[0]).toBe(0x3f);
    expect(b[1]).toBe(0xc0 | 0x20 | 0x10 | 0x08 | 0x02);
    expect(encodeControl({ ...base, state: 'adminDown' })[1]).toBe(0x00);
    expect(encodeControl({ ...base, state: 'init' })[1]).toBe(0x80);
    expect(encodeControl({ ...base, poll: true })[1]).toBe(0x60);
    expect(encodeControl({ ...base, final: true })[1]).toBe(0x50);
    expect(encodeControl({ ...base, cpi: true })[1]).toBe(0x48);
    expect(encodeControl({ ...base, demand: true })[1]).toBe(0x42);
  });

  test('round trip of extreme values', () => {
    const p: ControlPacket = {
      ...base,
      diag: 8,
      state: 'init',
      detectMult: 255,
      myDiscriminator: 0xffffffff,
      yourDiscriminator: 1,
      desiredMinTxUs: 0xffffffff,
      requiredMinRxUs: 0,
      requiredMinEchoRxUs: 50_000,
    };
    expect(decodeControl(encodeControl(p))).toEqual({ ok: true, packet: p });
  });

  test('refuses values the fields cannot hold', () => {
    expect(() => encodeControl({ ...base, diag: 32 })).toThrow('diag 32');
    expect(() => encodeControl({ ...base, diag: -1 })).toThrow('diag -1');
    expect(() => encodeControl({ ...base, detectMult: 0 })).toThrow('detect multiplier 0');
    expect(() => encodeControl({ ...base, detectMult: 256 })).toThrow('detect multiplier 256');
    expect(() => encodeControl({ ...base, myDiscriminator: 2 ** 32 })).toThrow('my discriminator');
    expect(() => encodeControl({ ...base, yourDiscriminator: -1 })).toThrow('your discriminator');
    expect(() => encodeControl({ ...base, desiredMinTxUs: 1.5 })).toThrow('desired min TX');
    expect(() => encodeControl({ ...base, requiredMinRxUs: NaN })).toThrow('required min RX');
    expect(() => encodeControl({ ...base, requiredMinEchoRxUs: 2 ** 32 })).toThrow('required min echo RX');
  });
});

describe('decodeControl', () => {
  const good = encodeControl({ ...base, state: 'up', yourDiscriminator: 7 });
  const mutate = (f: (b: Buffer) => void, from: Buffer = good): Buffer => {
    const b = Buffer.from(from);
    f(b);
    return b;
  };
  const reason = (b: Uint8Array): string | undefined => {
    const r = decodeControl(b);
    return r.ok ? undefined : r.reason;
  };

  test('a hand vector: Up, P set, 100 ms both ways, multiplier 3', () => {
    expect(decodeControl(hex('20e8 0318 0000000a 0000000b 000186a0 000186a0 00000000'))).toEqual({
      ok: true,
      packet: {
        diag: 0,
        state: 'up',
        poll: true,
        final: false,
        cpi: true,
        demand: false,
        detectMult: 3,
        myDiscriminator: 10,
        yourDiscriminator: 11,
        desiredMinTxUs: 100_000,
        requiredMinRxUs: 100_000,
        requiredMinEchoRxUs: 0,
      },
    });
  });

  test('reads from a view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.from([9, 9, 9]), good]);
    expect(decodeControl(big.subarray(3))).toEqual(decodeControl(good));
  });

  test('bytes after the length field are ignored (padding)', () => {
    expect(decodeControl(Buffer.concat([good, Buffer.from([0, 0])]))).toEqual(decodeControl(good));
  });

  test.each([
    ['short', good.subarray(0, 23)],
    ['badVersion', mutate((b) => (b[0] = 0x40))],
    ['badVersion', mutate((b) => (b[0] = 0x00))],
    ['badLength', mutate((b) => (b[3] = 23))],
    ['truncated', mutate((b) => (b[3] = 25))],
    ['zeroDetectMult', mutate((b) => (b[2] = 0))],
    ['multipoint', mutate((b) => (b[1] |= 0x01))],
    ['zeroMyDiscriminator', mutate((b) => b.writeUInt32BE(0, 4))],
    ['zeroYourDiscriminator', mutate((b) => b.writeUInt32BE(0, 8))],
    ['zeroYourDiscriminator', mutate((b) => ((b[1] = 0x80), b.writeUInt32BE(0, 8)))],
  ])('drops %s', (why, b) => {
    expect(reason(b)).toBe(why);
  });

  test('your discriminator 0 is fine in Down and AdminDown', () => {
    expect(reason(mutate((b) => ((b[1] = 0x40), b.writeUInt32BE(0, 8))))).toBeUndefined();
    expect(reason(mutate((b) => ((b[1] = 0x00), b.writeUInt32BE(0, 8))))).toBeUndefined();
  });

  test('authentication: the A bit needs 26 bytes, and a packet with it is dropped', () => {
    const withAuth = Buffer.concat([mutate((b) => ((b[1] |= 0x04), (b[3] = 26))), Buffer.from([1, 2])]);
    expect(reason(withAuth)).toBe('authentication');
    expect(reason(mutate((b) => ((b[1] |= 0x04), (b[3] = 25)), withAuth))).toBe('badLength');
    expect(reason(mutate((b) => ((b[1] |= 0x04), (b[3] = 24)), withAuth))).toBe('badLength');
  });

  test('every reason has words', () => {
    for (const text of Object.values(DROP_REASON_TEXT)) expect(text.length).toBeGreaterThan(5);
  });
});
