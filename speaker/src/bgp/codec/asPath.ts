/**
 * AS_PATH and AS4_PATH values (RFC 4271 section 4.3, RFC 6793): segments of type (1), count (1), and that many
 * ASNs of 2 or 4 octets. The malformed cases are RFC 7606 section 7.2's: an unknown segment type, a count running
 * past the attribute, a single octet left over, or a count of zero.
 */
import { u16, u32, Writer, checkRange } from './bytes';
import type { AsPathSegment } from './types';

/** The segments, or undefined when malformed. */
export function decodeAsPath(b: Uint8Array, start: number, end: number, asnBytes: 2 | 4): AsPathSegment[] | undefined {
  const out: AsPathSegment[] = [];
  let i = start;
  while (i < end) {
    if (i + 2 > end) return undefined;
    const type = b[i];
    const count = b[i + 1];
    if (type < 1 || type > 4 || count === 0) return undefined;
    const next = i + 2 + count * asnBytes;
    if (next > end) return undefined;
    const asns: number[] = new Array<number>(count);
    for (let k = 0; k < count; k++) {
      const at = i + 2 + k * asnBytes;
      asns[k] = asnBytes === 4 ? u32(b, at) : u16(b, at);
    }
    out.push({ type: type as AsPathSegment['type'], asns });
    i = next;
  }
  return out;
}

export function asPathLength(segments: readonly AsPathSegment[], asnBytes: 2 | 4): number {
  let n = 0;
  for (const s of segments) n += 2 + s.asns.length * asnBytes;
  return n;
}

/**
 * Writes the segments; throws on what the caller built wrongly: an empty segment or one of more than 255 ASNs
 * (splitting would change an AS_SET's meaning), or an ASN wider than the session's form (on a 2-octet session
 * the caller substitutes AS_TRANS and adds AS4_PATH, RFC 6793 section 4.2.2).
 */
export function writeAsPath(w: Writer, segments: readonly AsPathSegment[], asnBytes: 2 | 4): void {
  const max = asnBytes === 4 ? 0xffffffff : 0xffff;
  for (const s of segments) {
    if (s.asns.length < 1 || s.asns.length > 255) throw new RangeError(`AS path segment of ${s.asns.length} ASNs`);
    checkRange('AS path segment type', s.type - 1, 3);
    w.u8(s.type);
    w.u8(s.asns.length);
    for (const asn of s.asns) {
      checkRange(`${asnBytes}-octet ASN`, asn, max);
      if (asnBytes === 4) w.u32(asn);
      else w.u16(asn);
    }
  }
}
