import { decodeHeartbeat, encodeHeartbeat, MAX_DATAGRAM, type Decoded } from './codec';
import { heard, isNews, MAX_SEQ, nextSequence } from './heartbeat';

const beat = { node: 'node-1', incarnation: 1_763_900_000_123, seq: 42, leaving: false, ready: true };

describe('heartbeat codec', () => {
  it('encodes version 1 byte for byte', () => {
    const hex = encodeHeartbeat({ ...beat, leaving: true, ready: false }).toString('hex');
    expect(hex).toBe(
      '494c' + '01' + '01' + '0000019ab0a2077b' + '0000002a' + '06' + Buffer.from('node-1').toString('hex'),
    );
  });

  it.each([
    [{ leaving: false, ready: false }, 0x00],
    [{ leaving: true, ready: false }, 0x01],
    [{ leaving: false, ready: true }, 0x02],
    [{ leaving: true, ready: true }, 0x03],
  ])('carries %j in the flags byte as %i', (flags, byte) => {
    const buf = encodeHeartbeat({ ...beat, ...flags });
    expect(buf[3]).toBe(byte);
    expect(decodeHeartbeat(buf)).toEqual({ ok: true, heartbeat: { ...beat, ...flags } });
  });

  it.each([
    beat,
    { ...beat, leaving: true },
    { node: 'a', incarnation: 0, seq: 0, leaving: false, ready: false },
    {
      node: 'worker-7.rack-3.example.com',
      incarnation: Number.MAX_SAFE_INTEGER,
      seq: MAX_SEQ,
      leaving: true,
      ready: true,
    },
    {
      node: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
      incarnation: 1,
      seq: 1,
      leaving: false,
      ready: true,
    },
  ])('round-trips %j', (h) => {
    expect(decodeHeartbeat(encodeHeartbeat(h))).toEqual({ ok: true, heartbeat: h });
  });

  it('ignores flag bits it does not know, so a flag can be added without a version', () => {
    const buf = encodeHeartbeat(beat);
    buf[3] = 0xfe;
    expect(decodeHeartbeat(buf)).toEqual({ ok: true, heartbeat: beat });
    buf[3] = 0xfc;
    expect(decodeHeartbeat(buf)).toEqual({ ok: true, heartbeat: { ...beat, ready: false } });
  });

  it('refuses to encode what no peer would accept', () => {
    expect(() => encodeHeartbeat({ ...beat, node: 'Node_1' })).toThrow('not a node name: "Node_1"');
    expect(() => encodeHeartbeat({ ...beat, node: 'a'.repeat(254) })).toThrow('not a node name');
    expect(() => encodeHeartbeat({ ...beat, seq: MAX_SEQ + 1 })).toThrow('seq out of range');
    expect(() => encodeHeartbeat({ ...beat, incarnation: -1 })).toThrow('incarnation out of range');
  });

  const good = encodeHeartbeat(beat);
  const patched = (offset: number, bytes: number[]): Buffer => {
    const b = Buffer.from(good);
    bytes.forEach((x, i) => (b[offset + i] = x));
    return b;
  };

  it.each<[string, Buffer, string]>([
    ['empty', Buffer.alloc(0), 'truncated'],
    ['two bytes', good.subarray(0, 2), 'truncated'],
    ['another protocol', Buffer.from('{"type":"ping"}'), 'magic'],
    ['version 2', patched(2, [2]), 'version'],
    ['version 0', patched(2, [0]), 'version'],
    ['oversize', Buffer.concat([good.subarray(0, 16), Buffer.alloc(MAX_DATAGRAM)]), 'oversize'],
    ['a name longer than the datagram', patched(16, [7]), 'truncated'],
    ['trailing bytes', Buffer.concat([good, Buffer.from([0])]), 'trailing'],
    ['an empty name', Buffer.concat([good.subarray(0, 16), Buffer.from([0])]), 'name'],
    ['an upper-case name', patched(17, [0x4e]), 'name'],
    ['a name with a NUL', patched(18, [0]), 'name'],
    ['an incarnation beyond 2^53', patched(4, [0x00, 0x20]), 'incarnation'],
  ])('rejects %s', (_, buf, reason) => {
    expect(decodeHeartbeat(buf)).toEqual({ ok: false, reason });
  });

  it('rejects every truncation of a good datagram, and never throws on garbage', () => {
    for (let n = 0; n < good.length; n++) expect(decodeHeartbeat(good.subarray(0, n)).ok).toBe(false);
    // Deterministic garbage (a 32-bit LCG), half of it behind a valid magic and version to get past the first checks.
    let x = 12345;
    const byte = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    const reasons = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const buf = Buffer.from(Array.from({ length: byte() + 1 }, byte));
      if (i % 2 === 0 && buf.length >= 3) buf.set([0x49, 0x4c, 1]);
      let d: Decoded | undefined;
      expect(() => (d = decodeHeartbeat(buf))).not.toThrow();
      const key = d?.ok ? 'ok' : (d?.reason ?? 'none');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    console.log(`20,000 random datagrams: ${JSON.stringify(Object.fromEntries(reasons))}`);
    expect(reasons.get('ok') ?? 0).toBe(0);
    // Mutations of a good datagram reach the later checks.
    const mutated = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const buf = Buffer.from(good);
      buf[byte() % buf.length] = byte();
      const d = decodeHeartbeat(buf);
      const key = d.ok ? 'ok' : d.reason;
      mutated.set(key, (mutated.get(key) ?? 0) + 1);
    }
    console.log(`20,000 one-byte mutations: ${JSON.stringify(Object.fromEntries(mutated))}`);
    expect([...mutated.keys()].sort()).toEqual([
      'incarnation',
      'magic',
      'name',
      'ok',
      'trailing',
      'truncated',
      'version',
    ]);
  });

  it('decodes from a view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.from('xxxx'), good, Buffer.from('yy')]);
    expect(decodeHeartbeat(big.subarray(4, 4 + good.length))).toEqual({ ok: true, heartbeat: beat });
  });
});

describe('sequence', () => {
  it('counts up, and wraps into a new, larger incarnation', () => {
    expect(nextSequence({ incarnation: 5, seq: 7 }, 1_000)).toEqual({ incarnation: 5, seq: 8 });
    expect(nextSequence({ incarnation: 5, seq: MAX_SEQ }, 1_000)).toEqual({ incarnation: 1_000, seq: 0 });
    // A wall clock behind the incarnation still gives a larger one, which every receiver takes as news.
    const wrapped = nextSequence({ incarnation: 5_000, seq: MAX_SEQ }, 1_000);
    expect(wrapped).toEqual({ incarnation: 5_001, seq: 0 });
    const last = heard({ node: 'b', incarnation: 5_000, seq: MAX_SEQ, leaving: false, ready: true }, undefined, 0);
    expect(isNews({ node: 'b', ...wrapped, leaving: false, ready: true }, last, 1, 400)).toBe(true);
  });

  it('remembers only the latest few replaced incarnations', () => {
    let h = heard({ node: 'b', incarnation: 1, seq: 1, leaving: false, ready: true }, undefined, 0);
    for (let inc = 2; inc <= 10; inc++)
      h = heard({ node: 'b', incarnation: inc, seq: 1, leaving: false, ready: true }, h, inc);
    expect(h.retired).toEqual([6, 7, 8, 9]);
  });
});
