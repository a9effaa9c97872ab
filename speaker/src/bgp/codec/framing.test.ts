import { createFrameSplitter, type FrameResult } from './framing';
import { hex, MARKER, msg } from './testBytes';

const plain = { extendedMessage: false };
const extended = { extendedMessage: true };
const KEEPALIVE = hex(`${MARKER} 0013 04`);

function drain(s: ReturnType<typeof createFrameSplitter>, opts = plain): FrameResult[] {
  const out: FrameResult[] = [];
  for (let r = s.next(opts); r; r = s.next(opts)) {
    out.push(r);
    if (!r.ok) break;
  }
  return out;
}

const error = (code: number, subcode: number, data: string) => ({
  ok: false,
  notification: { type: 'notification', code, subcode, data: hex(data) },
});

describe('frame splitter', () => {
  it('returns nothing until a whole message is in, fed one byte at a time', () => {
    const s = createFrameSplitter();
    const two = Buffer.concat([KEEPALIVE, msg(3, '0602')]);
    const frames: Uint8Array[] = [];
    for (const byte of two) {
      s.push(Uint8Array.of(byte));
      for (const r of drain(s)) if (r.ok) frames.push(r.frame);
    }
    expect(frames).toStrictEqual([KEEPALIVE, msg(3, '0602')]);
    expect(s.buffered).toBe(0);
  });

  it('splits several messages of one chunk, keeping the tail of a partial one', () => {
    const s = createFrameSplitter();
    const update = msg(2, '0000 0000');
    const chunk = Buffer.concat([KEEPALIVE, update, KEEPALIVE.subarray(0, 10)]);
    s.push(chunk);
    expect(drain(s)).toStrictEqual([
      { ok: true, frame: KEEPALIVE },
      { ok: true, frame: update },
    ]);
    expect(s.buffered).toBe(10);
    s.push(KEEPALIVE.subarray(10));
    expect(drain(s)).toStrictEqual([{ ok: true, frame: KEEPALIVE }]);
  });

  it('grows for a message larger than its buffer and compacts across many pushes', () => {
    const s = createFrameSplitter();
    const big = msg(2, new Uint8Array(60000 - 19));
    big[19] = 0; // withdrawn length 0 etc.: the splitter does not look past the header
    let seen = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < big.length; i += 1000) {
        s.push(big.subarray(i, i + 1000));
        for (const r of drain(s, extended)) if (r.ok && r.frame.length === big.length) seen++;
      }
    }
    expect(seen).toBe(3);
  });

  // RFC 4271 section 6.1.
  it('a marker that is not all ones is 1/1 Connection Not Synchronized', () => {
    const s = createFrameSplitter();
    const bad = KEEPALIVE.slice();
    bad[7] = 0xfe;
    s.push(bad);
    expect(drain(s)).toStrictEqual([error(1, 1, '')]);
  });

  it.each([
    ['below 19', '0012 04', '0012'],
    ['a KEEPALIVE of 20', '0014 04', '0014'],
    ['an OPEN below 29', '001c 01', '001c'],
    ['an UPDATE below 23', '0016 02', '0016'],
    ['a NOTIFICATION below 21', '0014 03', '0014'],
    ['a ROUTE-REFRESH below 23', '0016 05', '0016'],
    ['an UPDATE over 4096 without extended messages', '1001 02', '1001'],
  ])('a length %s is 1/2 Bad Message Length with the length as data', (_, header, data) => {
    const s = createFrameSplitter();
    s.push(hex(`${MARKER} ${header}`));
    expect(drain(s)).toStrictEqual([error(1, 2, data)]);
  });

  it('RFC 8654: extended messages allow an UPDATE over 4096, never an OPEN or KEEPALIVE', () => {
    for (const [header, ok] of [
      ['ffff 02', true],
      ['1001 03', true],
      ['1001 05', true],
      ['1001 01', false],
    ] as const) {
      const s = createFrameSplitter();
      s.push(hex(`${MARKER} ${header}`));
      expect(s.next(extended)).toStrictEqual(ok ? undefined : error(1, 2, header.slice(0, 4)));
    }
  });

  it.each([0, 6, 255])('type %i is 1/3 Bad Message Type with the type as data', (type) => {
    const s = createFrameSplitter();
    s.push(msg(type, ''));
    expect(drain(s)).toStrictEqual([error(1, 3, type.toString(16).padStart(2, '0'))]);
  });

  it('stays failed after an error, ignoring later bytes', () => {
    const s = createFrameSplitter();
    s.push(hex(`${MARKER} 0012 04`));
    const first = s.next(plain);
    s.push(KEEPALIVE);
    expect(s.next(plain)).toBe(first);
  });

  it('judges each frame by the options passed when it is pulled (extended messages after the OPENs)', () => {
    const s = createFrameSplitter();
    const big = msg(2, new Uint8Array(5000));
    s.push(Buffer.concat([KEEPALIVE, big]));
    expect(s.next(plain)).toStrictEqual({ ok: true, frame: KEEPALIVE });
    expect(s.next(extended)).toStrictEqual({ ok: true, frame: big });
  });
});
