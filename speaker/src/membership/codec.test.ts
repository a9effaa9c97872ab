import { createHmac } from 'node:crypto';
import { decodeHeartbeat, encodeHeartbeat, INSECURE_KEY, MAC_SIZE, MAX_DATAGRAM, type Decoded } from './codec';
import { heard, isNews, MAX_SEQ, nextSequence } from './heartbeat';

const KEY = Buffer.alloc(32, 'k');
const OTHER = Buffer.alloc(32, 'o');
const beat = {
  node: 'node-1',
  incarnation: 1_763_900_000_123,
  epoch: '0123456789abcdef',
  seq: 42,
  leaving: false,
  ready: true,
};
const ok = (heartbeat: typeof beat, key = 0): Decoded => ({ ok: true, heartbeat, key });

describe('heartbeat codec', () => {
  it('encodes version 2 byte for byte, signed with HMAC-SHA256 (the MAC as openssl computes it)', () => {
    const hex = encodeHeartbeat({ ...beat, leaving: true }, KEY).toString('hex');
    const header = '494c' + '02' + '03' + '0000019ab0a2077b' + '0123456789abcdef' + '0000002a' + '06';
    // printf '%s' "$header" | xxd -r -p | openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf 'k%.0s' {1..32} | xxd -p -c 64)
    const mac = 'fb14553cc0d70d97fb2b41b62e4c333672398eeb640e98f4b67382dac7284c09';
    expect(hex).toBe(header + Buffer.from('node-1').toString('hex') + mac);
  });

  it.each([
    [{ leaving: false, ready: false }, 0x00],
    [{ leaving: true, ready: false }, 0x01],
    [{ leaving: false, ready: true }, 0x02],
    [{ leaving: true, ready: true }, 0x03],
  ])('carries %j in the flags byte as %i', (flags, byte) => {
    const buf = encodeHeartbeat({ ...beat, ...flags }, KEY);
    expect(buf[3]).toBe(byte);
    expect(decodeHeartbeat(buf, [KEY])).toEqual(ok({ ...beat, ...flags }));
  });

  it.each([
    beat,
    { ...beat, leaving: true },
    { node: 'a', incarnation: 0, epoch: '0000000000000000', seq: 0, leaving: false, ready: false },
    { node: 'a.b.c', incarnation: 7, epoch: '0123456789abcdef', seq: 3, leaving: false, ready: true },
    {
      node: 'worker-7.rack-3.example.com',
      incarnation: Number.MAX_SAFE_INTEGER,
      epoch: 'ffffffffffffffff',
      seq: MAX_SEQ,
      leaving: true,
      ready: true,
    },
    {
      node: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
      incarnation: 1,
      epoch: '00000000000000ff',
      seq: 1,
      leaving: false,
      ready: true,
    },
  ])('round-trips %j', (h) => {
    expect(decodeHeartbeat(encodeHeartbeat(h, KEY), [KEY])).toEqual(ok(h));
  });

  it('accepts either of two keys (a rotation) and says which one signed', () => {
    expect(decodeHeartbeat(encodeHeartbeat(beat, OTHER), [KEY, OTHER])).toEqual(ok(beat, 1));
    expect(decodeHeartbeat(encodeHeartbeat(beat, KEY), [KEY, OTHER])).toEqual(ok(beat, 0));
  });

  it('rejects a message signed with another key, or with none accepted, and the insecure key like any other', () => {
    expect(decodeHeartbeat(encodeHeartbeat(beat, OTHER), [KEY])).toEqual({ ok: false, reason: 'signature' });
    expect(decodeHeartbeat(encodeHeartbeat(beat, KEY), [])).toEqual({ ok: false, reason: 'signature' });
    expect(decodeHeartbeat(encodeHeartbeat(beat, INSECURE_KEY), [KEY])).toEqual({ ok: false, reason: 'signature' });
    expect(decodeHeartbeat(encodeHeartbeat(beat, INSECURE_KEY), [INSECURE_KEY])).toEqual(ok(beat));
  });

  it('ignores flag bits it does not know, so a flag can be added without a version (they are signed too)', () => {
    const resigned = (flags: number): Buffer => {
      const buf = encodeHeartbeat(beat, KEY);
      buf[3] = flags;
      const body = buf.subarray(0, buf.length - MAC_SIZE);
      createHmac('sha256', KEY).update(body).digest().copy(buf, body.length);
      return buf;
    };
    expect(decodeHeartbeat(resigned(0xfe), [KEY])).toEqual(ok(beat));
    expect(decodeHeartbeat(resigned(0xfc), [KEY])).toEqual(ok({ ...beat, ready: false }));
    // Changed without the key: the MAC no longer fits.
    const tampered = encodeHeartbeat(beat, KEY);
    tampered[3] = 0x01;
    expect(decodeHeartbeat(tampered, [KEY])).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses to encode what no peer would accept', () => {
    expect(() => encodeHeartbeat({ ...beat, node: 'Node_1' }, KEY)).toThrow('not a node name: "Node_1"');
    expect(() => encodeHeartbeat({ ...beat, node: 'a'.repeat(254) }, KEY)).toThrow('not a node name');
    expect(() => encodeHeartbeat({ ...beat, seq: MAX_SEQ + 1 }, KEY)).toThrow('seq out of range');
    expect(() => encodeHeartbeat({ ...beat, incarnation: -1 }, KEY)).toThrow('incarnation out of range');
    // Past 2^53 - 1 a number no longer counts milliseconds exactly, and no receiver would take it.
    expect(() => encodeHeartbeat({ ...beat, incarnation: 2 ** 53 }, KEY)).toThrow('incarnation out of range');
    expect(() => encodeHeartbeat({ ...beat, incarnation: 1.5 }, KEY)).toThrow('incarnation out of range');
    // A fraction would be truncated on the wire, so the receiver would see another sequence than the one counted.
    expect(() => encodeHeartbeat({ ...beat, seq: 1.5 }, KEY)).toThrow('seq out of range');
    expect(() => encodeHeartbeat({ ...beat, seq: -1 }, KEY)).toThrow('seq out of range');
    expect(() => encodeHeartbeat({ ...beat, epoch: '0123' }, KEY)).toThrow('epoch must be 16 hex digits');
    expect(() => encodeHeartbeat({ ...beat, epoch: '0123456789abcdef0' }, KEY)).toThrow('epoch must be 16 hex');
    expect(() => encodeHeartbeat({ ...beat, epoch: 'x0123456789abcdef' }, KEY)).toThrow('epoch must be 16 hex');
    // A DNS subdomain: no trailing hyphen, no underscore anywhere.
    expect(() => encodeHeartbeat({ ...beat, node: 'node-' }, KEY)).toThrow('not a node name: "node-"');
    expect(() => encodeHeartbeat({ ...beat, node: 'node_1' }, KEY)).toThrow('not a node name: "node_1"');
    expect(() => encodeHeartbeat({ ...beat, node: '' }, KEY)).toThrow('not a node name: ""');
    expect(() => encodeHeartbeat(beat, Buffer.alloc(0))).toThrow('no key');
  });

  const good = encodeHeartbeat(beat, KEY);
  const patched = (offset: number, bytes: number[]): Buffer => {
    const b = Buffer.from(good);
    bytes.forEach((x, i) => (b[offset + i] = x));
    return b;
  };
  /** A datagram with a valid MAC over whatever header it has: what only a holder of the key can send. */
  const signed = (header: Buffer): Buffer => Buffer.concat([header, createHmac('sha256', KEY).update(header).digest()]);
  const header = good.subarray(0, good.length - MAC_SIZE);

  it.each<[string, Buffer, string]>([
    ['empty', Buffer.alloc(0), 'truncated'],
    ['two bytes', good.subarray(0, 2), 'truncated'],
    ['three bytes of another protocol', Buffer.from('{"t'), 'magic'],
    ['three bytes of another version', patched(2, [1]).subarray(0, 3), 'version'],
    ['another protocol', Buffer.from('{"type":"ping"}'), 'magic'],
    ['version 1 (unsigned)', patched(2, [1]), 'version'],
    ['version 3', patched(2, [3]), 'version'],
    ['oversize', Buffer.concat([good, Buffer.alloc(MAX_DATAGRAM)]), 'oversize'],
    ['no MAC', header, 'truncated'],
    ['a name longer than the datagram', patched(24, [60]), 'truncated'],
    ['trailing bytes', Buffer.concat([good, Buffer.from([0])]), 'trailing'],
    ['a changed name', patched(25, [0x6d]), 'signature'],
    ['a changed sequence', patched(23, [0x2b]), 'signature'],
    ['a changed MAC', patched(good.length - 1, [good[good.length - 1] ^ 1]), 'signature'],
    ['a signed empty name', signed(Buffer.concat([header.subarray(0, 24), Buffer.from([0])])), 'name'],
    ['a signed upper-case name', signed(Buffer.concat([header.subarray(0, 25), Buffer.from('Node-1')])), 'name'],
    [
      'a signed name with a trailing hyphen',
      signed(Buffer.concat([header.subarray(0, 24), Buffer.from([7]), Buffer.from('node-1-')])),
      'name',
    ],
    ['a signed incarnation beyond 2^53', signed(Buffer.from(header).fill(0xff, 4, 6)), 'incarnation'],
  ])('rejects %s', (_, buf, reason) => {
    expect(decodeHeartbeat(buf, [KEY])).toEqual({ ok: false, reason });
  });

  it('an empty key accepts nothing, not even a message signed with the empty key', () => {
    const body = good.subarray(0, good.length - MAC_SIZE);
    const emptySigned = Buffer.concat([body, createHmac('sha256', Buffer.alloc(0)).update(body).digest()]);
    expect(decodeHeartbeat(emptySigned, [Buffer.alloc(0)])).toEqual({ ok: false, reason: 'signature' });
    expect(decodeHeartbeat(emptySigned, [Buffer.alloc(0), KEY])).toEqual({ ok: false, reason: 'signature' });
  });

  it('rejects every truncation and every one-byte change of a good datagram, and never throws on garbage', () => {
    for (let n = 0; n < good.length; n++) expect(decodeHeartbeat(good.subarray(0, n), [KEY]).ok).toBe(false);
    // Deterministic garbage (a 32-bit LCG), half of it behind a valid magic and version to get past the first checks.
    let x = 12345;
    const byte = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    const reasons = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const buf = Buffer.from(Array.from({ length: byte() + (i % 3 === 0 ? 40 : 1) }, byte));
      if (i % 2 === 0 && buf.length >= 3) buf.set([0x49, 0x4c, 2]);
      // And half of those with a name length that fits, to reach the MAC.
      if (i % 4 === 0 && buf.length >= 58) buf[24] = buf.length - 57;
      let d: Decoded | undefined;
      expect(() => (d = decodeHeartbeat(buf, [KEY, OTHER]))).not.toThrow();
      const key = d?.ok ? 'ok' : (d?.reason ?? 'none');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    console.log(`20,000 random datagrams: ${JSON.stringify(Object.fromEntries(reasons))}`);
    expect(reasons.get('ok') ?? 0).toBe(0);
    expect(reasons.get('signature') ?? 0).toBeGreaterThan(0);
    // Every change of one byte, to every other value: the flags' unknown bits are signed too, so none passes.
    const changed = new Map<string, number>();
    for (let at = 0; at < good.length; at++) {
      for (let v = 0; v < 256; v++) {
        if (v === good[at]) continue;
        const d = decodeHeartbeat(patched(at, [v]), [KEY]);
        const key = d.ok ? 'ok' : d.reason;
        changed.set(key, (changed.get(key) ?? 0) + 1);
      }
    }
    console.log(`every one-byte change: ${JSON.stringify(Object.fromEntries(changed))}`);
    expect([...changed.keys()].sort()).toEqual(['magic', 'signature', 'trailing', 'truncated', 'version']);
  });

  it('decodes from a view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.from('xxxx'), good, Buffer.from('yy')]);
    expect(decodeHeartbeat(big.subarray(4, 4 + good.length), [KEY])).toEqual(ok(beat));
  });
});

describe('sequence', () => {
  const fresh = () => 'fedcba9876543210';
  it('counts up, and wraps into a new, larger incarnation with a new epoch', () => {
    const cur = { incarnation: 5, epoch: '0000000000000001' };
    expect(nextSequence({ ...cur, seq: 7 }, 1_000, fresh)).toEqual({ ...cur, seq: 8 });
    expect(nextSequence({ ...cur, seq: MAX_SEQ }, 1_000, fresh)).toEqual({
      incarnation: 1_000,
      epoch: 'fedcba9876543210',
      seq: 0,
    });
    // A wall clock behind the incarnation still gives a larger one, which every receiver takes as news.
    const wrapped = nextSequence({ ...cur, incarnation: 5_000, seq: MAX_SEQ }, 1_000, fresh);
    expect(wrapped).toEqual({ incarnation: 5_001, epoch: 'fedcba9876543210', seq: 0 });
    const last = heard(
      { node: 'b', ...cur, incarnation: 5_000, seq: MAX_SEQ, leaving: false, ready: true },
      undefined,
      0,
    );
    expect(isNews({ node: 'b', ...wrapped, leaving: false, ready: true }, last, false)).toBe(true);
  });

  it('a first message, or one more from the same process, has replaced no process', () => {
    const first = heard(beat, undefined, 0);
    expect(first.retired).toEqual([]);
    const again = heard({ ...beat, seq: beat.seq + 1 }, first, 50);
    expect(again).toEqual({ ...first, seq: beat.seq + 1, at: 50 });
    const restarted = heard({ ...beat, incarnation: beat.incarnation + 1, seq: 1 }, again, 100);
    expect(restarted.retired).toEqual([`${beat.incarnation}/${beat.epoch}`]);
  });

  it('remembers only the latest few replaced processes', () => {
    const msg = (incarnation: number) => ({
      node: 'b',
      incarnation,
      epoch: '0000000000000000',
      seq: 1,
      leaving: false,
      ready: true,
    });
    let h = heard(msg(1), undefined, 0);
    for (let inc = 2; inc <= 10; inc++) h = heard(msg(inc), h, inc);
    expect(h.retired).toEqual([6, 7, 8, 9].map((i) => `${i}/0000000000000000`));
  });
});
