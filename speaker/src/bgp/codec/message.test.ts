import { decodeMessage, encodeMessage, type DecodeResult } from './message';
import { Gen, randomMessage, randomUpdate } from './randomMessages';
import { updateLength } from './update';
import type { BgpMessage, CodecOptions } from './types';

const ALL_OPTIONS: readonly CodecOptions[] = [
  { fourOctetAs: false, extendedMessage: false },
  { fourOctetAs: true, extendedMessage: false },
  { fourOctetAs: false, extendedMessage: true },
  { fourOctetAs: true, extendedMessage: true },
];

function mustDecode(bytes: Uint8Array, opts: CodecOptions): BgpMessage {
  const r: DecodeResult = decodeMessage(bytes, opts);
  if (r.ok !== true) throw new Error(`did not decode: ${JSON.stringify(r)}`);
  expect(r.treatAsWithdraw).toBeUndefined();
  expect(r.discarded).toBeUndefined();
  return r.message;
}

/** Whether an attribute of the encoded UPDATE uses the 2-byte length form (RFC 4271 4.3: flag 0x10). */
function hasExtendedLengthAttribute(b: Uint8Array): boolean {
  const attrsAt = 21 + ((b[19] << 8) | b[20]);
  const end = attrsAt + 2 + ((b[attrsAt] << 8) | b[attrsAt + 1]);
  for (let i = attrsAt + 2; i < end;) {
    const long = (b[i] & 0x10) !== 0;
    if (long) return true;
    i += 3 + b[i + 2];
  }
  return false;
}

describe('encode/decode symmetry', () => {
  it.each(ALL_OPTIONS)('decode(encode(m)) equals m for 1,000 random messages (%j)', (opts) => {
    const g = new Gen(opts.fourOctetAs ? 11 : 7 + (opts.extendedMessage ? 100 : 0));
    for (let n = 0; n < 1000; n++) {
      const m = randomMessage(g, opts);
      // Random UPDATEs may miss ORIGIN or AS_PATH next to NLRI (a treat-as-withdraw on decode): give them both.
      const msg: BgpMessage =
        m.type === 'update' ? { ...m, attributes: { origin: 'igp', asPath: [], ...m.attributes } } : m;
      const fixed =
        msg.type === 'update' && msg.nlri.length > 0 && !msg.attributes.nextHop
          ? { ...msg, attributes: { ...msg.attributes, nextHop: { family: 'IPv4' as const, value: 0xc6336401n } } }
          : msg;
      const bytes = encodeMessage(fixed, opts);
      expect(mustDecode(bytes, opts)).toStrictEqual(fixed);
      expect(encodeMessage(mustDecode(bytes, opts), opts)).toStrictEqual(bytes);
    }
  });
});

describe('updateLength', () => {
  it.each(ALL_OPTIONS)('equals the encoded length of 1,000 random UPDATEs, large ones included (%j)', (opts) => {
    const g = new Gen(3 + (opts.fourOctetAs ? 1 : 0) + (opts.extendedMessage ? 2 : 0));
    let extendedLengthSeen = 0;
    for (let n = 0; n < 1000; n++) {
      const m = randomUpdate(g, opts, n % 10 === 0 ? 200 : 20);
      const length = updateLength(m, opts);
      if (length > (opts.extendedMessage ? 65535 : 4096)) {
        expect(() => encodeMessage(m, opts)).toThrow(RangeError);
        continue;
      }
      const bytes = encodeMessage(m, opts);
      expect(length).toBe(bytes.length);
      if (hasExtendedLengthAttribute(bytes)) extendedLengthSeen++;
    }
    expect(extendedLengthSeen).toBeGreaterThan(0);
  });
});
