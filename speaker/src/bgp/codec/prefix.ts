/**
 * Prefixes on the wire (RFC 4271 section 4.3, RFC 4760 section 5): a length byte, then the fewest octets that hold
 * the prefix's bits. IPv4 goes through a plain number and IPv6 through two 64-bit halves, so no per-bit BigInt
 * shifting happens for each of the 10,000 prefixes of a large table.
 */
import type { ParsedIP } from '@ironlb/shared';
import type { Family, Prefix } from './types';

export const FAMILY_BITS: Readonly<Record<Family, number>> = { ipv4: 32, ipv6: 128 };
const IP_FAMILY = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

export function familyOfIp(ip: ParsedIP): Family {
  return ip.family === 'IPv4' ? 'ipv4' : 'ipv6';
}

/** Encoded bytes of one prefix: the length byte and ceil(length / 8) octets. */
export function prefixBytes(p: Prefix): number {
  return 1 + ((p.length + 7) >> 3);
}

export function prefixesBytes(ps: readonly Prefix[]): number {
  let n = 0;
  for (const p of ps) n += 1 + ((p.length + 7) >> 3);
  return n;
}

const MASK64 = (1n << 64n) - 1n;
const scratch = new Uint8Array(16);
const view = new DataView(scratch.buffer);

/** Host-bit masks of IPv6 lengths, built once: checking a prefix costs one AND. */
const HOST6: readonly bigint[] = Array.from({ length: 129 }, (_, len) => (1n << BigInt(128 - len)) - 1n);

/**
 * Writes `p` at `at` and returns the next offset. Throws on a prefix the caller built wrongly (length out of range,
 * host bits set, family not `family`): those are bugs, not peer input.
 */
export function writePrefix(out: Uint8Array, at: number, p: Prefix, family: Family): number {
  const bits = FAMILY_BITS[family];
  if (p.ip.family !== IP_FAMILY[family] || !Number.isInteger(p.length) || p.length < 0 || p.length > bits) {
    throw new RangeError(`not an ${family} prefix: length ${p.length} of an ${p.ip.family} address`);
  }
  const n = (p.length + 7) >> 3;
  out[at] = p.length;
  if (family === 'ipv4') {
    const v = Number(p.ip.value);
    const host = p.length === 32 ? 0 : 0xffffffff >>> p.length;
    if ((v & host) !== 0) throw new RangeError(`prefix has host bits set: /${p.length}`);
    for (let i = 0; i < n; i++) out[at + 1 + i] = v >>> (24 - 8 * i);
  } else {
    if ((p.ip.value & HOST6[p.length]) !== 0n) throw new RangeError(`prefix has host bits set: /${p.length}`);
    view.setBigUint64(0, p.ip.value >> 64n);
    view.setBigUint64(8, p.ip.value & MASK64);
    out.set(scratch.subarray(0, n), at + 1);
  }
  return at + 1 + n;
}

/**
 * Reads prefixes of `family` from `b[start, end)`; undefined when the field is not a whole number of valid
 * prefixes (a length past the family's bits, or octets past the end). Trailing bits past the length are ignored
 * and cleared, as RFC 4271 says their value is irrelevant.
 */
export function readPrefixes(b: Uint8Array, start: number, end: number, family: Family): Prefix[] | undefined {
  const bits = FAMILY_BITS[family];
  const out: Prefix[] = [];
  let i = start;
  while (i < end) {
    const length = b[i];
    if (length > bits) return undefined;
    const n = (length + 7) >> 3;
    if (i + 1 + n > end) return undefined;
    let value: bigint;
    if (family === 'ipv4') {
      let v = 0;
      for (let k = 0; k < 4; k++) v = (v << 8) | (k < n ? b[i + 1 + k] : 0);
      const host = length === 32 ? 0 : 0xffffffff >>> length;
      value = BigInt((v & ~host) >>> 0);
    } else {
      scratch.fill(0);
      scratch.set(b.subarray(i + 1, i + 1 + n));
      value = ((view.getBigUint64(0) << 64n) | view.getBigUint64(8)) & ~HOST6[length];
    }
    out.push({ ip: { family: IP_FAMILY[family], value }, length });
    i += 1 + n;
  }
  return out;
}

/** An address of `family` from 4 or 16 bytes at `at`. */
export function readAddress(b: Uint8Array, at: number, family: Family): ParsedIP {
  if (family === 'ipv4')
    return { family: 'IPv4', value: BigInt(((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0) };
  scratch.set(b.subarray(at, at + 16));
  return { family: 'IPv6', value: (view.getBigUint64(0) << 64n) | view.getBigUint64(8) };
}

/** Writes a 4- or 16-byte address; throws when it is not of `family`. */
export function writeAddress(out: Uint8Array, at: number, ip: ParsedIP, family: Family): number {
  if (ip.family !== IP_FAMILY[family]) throw new RangeError(`not an ${family} address`);
  if (family === 'ipv4') {
    const v = Number(ip.value);
    out[at] = v >>> 24;
    out[at + 1] = v >>> 16;
    out[at + 2] = v >>> 8;
    out[at + 3] = v;
    return at + 4;
  }
  view.setBigUint64(0, ip.value >> 64n);
  view.setBigUint64(8, ip.value & MASK64);
  out.set(scratch, at);
  return at + 16;
}
