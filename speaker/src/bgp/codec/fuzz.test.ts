/**
 * Fuzzing the decoder with mutations of valid messages: nothing a peer sends may throw, every error is a
 * NOTIFICATION the session can send, and every message that decodes can be encoded again. The corpus is the
 * seeded random messages plus every captured vector in fixtures/*.hex when that directory exists (one message per
 * line in hex, `#` comment lines). Deterministic seed, so a failure repeats.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFrameSplitter } from './framing';
import { decodeMessage, encodeMessage } from './message';
import { Gen, randomMessage, randomUpdate } from './randomMessages';
import type { CodecOptions, NotificationMessage } from './types';

const OPTIONS: readonly CodecOptions[] = [
  { fourOctetAs: false, extendedMessage: false },
  { fourOctetAs: true, extendedMessage: false },
  { fourOctetAs: false, extendedMessage: true },
  { fourOctetAs: true, extendedMessage: true },
];

function fixtureMessages(): Uint8Array[] {
  const dir = path.join(__dirname, 'fixtures');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.hex'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => Uint8Array.from(Buffer.from(l.replace(/\s+/g, ''), 'hex')));
}

function corpus(g: Gen): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const opts of OPTIONS) {
    for (let n = 0; n < 60; n++) out.push(encodeMessage(randomMessage(g, opts), opts));
    for (let n = 0; n < 20; n++) out.push(encodeMessage(randomUpdate(g, opts, 3), opts));
  }
  return out.concat(fixtureMessages());
}

function setLength(b: Uint8Array): Uint8Array {
  if (b.length >= 18) {
    b[16] = b.length >>> 8;
    b[17] = b.length;
  }
  return b;
}

/** One mutation of `b` (a copy); most keep the header's length in step so the body's checks are reached. */
function mutate(g: Gen, b: Uint8Array, all: readonly Uint8Array[]): Uint8Array {
  const out = b.slice();
  const at = () => g.int(Math.max(out.length, 1));
  switch (g.int(9)) {
    case 0: // bit flips in the body
      for (let k = 1 + g.int(3); k > 0; k--) out[Math.max(19, at())] ^= 1 << g.int(8);
      return out;
    case 1: // a byte anywhere
      out[at()] = g.int(256);
      return out;
    case 2: // a truncation, the length field following it
      return setLength(out.slice(0, g.int(out.length + 1)));
    case 3: // a truncation the length field does not follow
      return out.slice(0, g.int(out.length + 1));
    case 4: {
      // a 1- or 2-byte length-like field edited to a nearby or extreme value
      const i = Math.max(19, at());
      const v = g.pick([0, 1, 2, 3, 4, 0xff, 0x7f, 0x80, out[i] + 1, out[i] - 1]);
      out[i] = v;
      if (g.chance(0.5) && i + 1 < out.length) out[i + 1] = g.int(256);
      return out;
    }
    case 5: {
      // a splice of two messages
      const other = g.pick(all);
      return setLength(
        Uint8Array.from([...out.subarray(0, g.int(out.length + 1)), ...other.subarray(g.int(other.length + 1))]),
      );
    }
    case 6: {
      // bytes inserted in the body
      const i = Math.max(19, at());
      return setLength(concat(out.subarray(0, i), g.bytes(1 + g.int(6)), out.subarray(i)));
    }
    case 7: {
      // bytes deleted from the body
      const i = Math.max(19, at());
      return setLength(concat(out.subarray(0, i), out.subarray(i + 1 + g.int(4))));
    }
    default: // the type byte
      if (out.length > 18) out[18] = g.int(8);
      return out;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Plain checks, not expect(): they run 100,000 times. */
function checkNotification(n: NotificationMessage, opts: CodecOptions): void {
  // Codes 1..6 of RFC 4271, and 7 (RFC 7313 ROUTE-REFRESH Message Error).
  if (!(n.code >= 1 && n.code <= 7)) throw new Error(`error code ${n.code}`);
  const back = decodeMessage(encodeMessage(n, opts), opts);
  const same =
    back.ok === true &&
    back.message.type === 'notification' &&
    back.message.code === n.code &&
    back.message.subcode === n.subcode &&
    Buffer.from(back.message.data).equals(n.data);
  if (!same) throw new Error(`NOTIFICATION ${n.code}/${n.subcode} does not survive encoding`);
}

describe('fuzz', () => {
  it('120,000 mutated messages: no exception, errors are sendable NOTIFICATIONs, messages re-encode', () => {
    const g = new Gen(20260);
    const all = corpus(g);
    const seen = { ok: 0, error: 0, ignored: 0, withdraw: 0, discard: 0 };
    const codes = new Set<string>();
    for (let n = 0; n < 120_000; n++) {
      const opts = OPTIONS[n & 3];
      const input = mutate(g, g.pick(all), all);
      let r: ReturnType<typeof decodeMessage>;
      try {
        r = decodeMessage(input, opts);
      } catch (e) {
        throw new Error(`decodeMessage threw on ${Buffer.from(input).toString('hex')}: ${String(e)}`);
      }
      if (r.ok === false) {
        seen.error++;
        codes.add(`${r.notification.code}/${r.notification.subcode}`);
        checkNotification(r.notification, opts);
      } else if (r.ok === 'ignored') seen.ignored++;
      else {
        seen.ok++;
        if (r.treatAsWithdraw) seen.withdraw++;
        if (r.discarded) seen.discard++;
        try {
          encodeMessage(r.message, opts);
        } catch (e) {
          throw new Error(`re-encoding failed for ${Buffer.from(input).toString('hex')}: ${String(e)}`);
        }
      }
    }
    // The mutations reach every outcome, and a spread of error paths.
    expect(seen.ok).toBeGreaterThan(1000);
    expect(seen.error).toBeGreaterThan(1000);
    expect(seen.withdraw).toBeGreaterThan(100);
    expect(seen.discard).toBeGreaterThan(10);
    expect(seen.ignored).toBeGreaterThan(0);
    expect(codes.size).toBeGreaterThanOrEqual(10);
  });

  it('the frame splitter takes a mutated stream in random chunks without throwing', () => {
    const g = new Gen(4242);
    const all = corpus(g);
    for (let round = 0; round < 300; round++) {
      const stream = Buffer.concat(
        Array.from({ length: 20 }, () => (g.chance(0.9) ? g.pick(all) : mutate(g, g.pick(all), all))),
      );
      const s = createFrameSplitter();
      const opts = OPTIONS[round & 3];
      for (let i = 0; i < stream.length;) {
        const n = 1 + g.int(300);
        s.push(stream.subarray(i, i + n));
        i += n;
        for (let r = s.next(opts); r; r = s.next(opts)) {
          if (!r.ok) {
            checkNotification(r.notification, opts);
            break;
          }
          const d = decodeMessage(r.frame, opts);
          if (d.ok === false) checkNotification(d.notification, opts);
        }
      }
    }
  });
});
