/**
 * The exact wire length of an UPDATE, computed from the message value without encoding it, so the adj-RIB-out can
 * pack prefixes up to the message limit. Layouts: RFC 4271 §4.3 (header, Withdrawn Routes, Path Attributes, NLRI),
 * RFC 4760 (MP_REACH_NLRI, MP_UNREACH_NLRI), RFC 1997 (COMMUNITIES), RFC 8092 (LARGE_COMMUNITIES), RFC 6793
 * (4-octet AS_PATH, AS4_PATH).
 *
 * The codec is the other source of this number (`updateLength`); the two are kept apart until one is folded into the
 * other, so this file depends on nothing but the message types.
 */
import type { AsPathSegment, CodecOptions, PathAttributes, Prefix, UpdateMessage } from '../codec/types';
import { HEADER_BYTES } from '../codec/types';

/**
 * The attribute flags the UPDATEs this table builds carry (RFC 4271 §4.3, RFC 4760 §3/§4, RFC 1997, RFC 8092,
 * RFC 6793). The Extended Length bit (0x10) is added exactly when the value is longer than 255 bytes, which makes the
 * length field two bytes instead of one; nothing else changes the flags. Only the length of the length field
 * matters for the size, but the table is here so the choice is written down in one place.
 */
export const ATTRIBUTE_FLAGS = {
  /** Well-known mandatory, transitive. */
  origin: 0x40,
  asPath: 0x40,
  nextHop: 0x40,
  /** Well-known, sent on iBGP only. */
  localPref: 0x40,
  /** Optional transitive. */
  communities: 0xc0,
  largeCommunities: 0xc0,
  as4Path: 0xc0,
  /** Optional non-transitive. */
  mpReach: 0x80,
  mpUnreach: 0x80,
  /** Added to the flags when the value is longer than 255 bytes. */
  extendedLength: 0x10,
} as const;

/** Withdrawn Routes Length (2) and Total Path Attribute Length (2), present in every UPDATE. */
export const UPDATE_FIXED_BYTES = HEADER_BYTES + 2 + 2;

/** The largest value a one-byte attribute length field holds. */
const SHORT_VALUE_MAX = 255;

/** flags (1) + type (1) + length (1, or 2 with Extended Length) + value. */
export function attributeBytes(valueBytes: number): number {
  return 2 + (valueBytes > SHORT_VALUE_MAX ? 2 : 1) + valueBytes;
}

/** A prefix on the wire: its length byte, then just enough bytes to hold `length` bits. */
export function prefixBytes(prefix: Prefix): number {
  return 1 + ((prefix.length + 7) >> 3);
}

export function prefixesBytes(prefixes: readonly Prefix[]): number {
  let n = 0;
  for (const p of prefixes) n += 1 + ((p.length + 7) >> 3);
  return n;
}

/** Each segment: type (1), count (1), then the ASNs at 2 or 4 bytes each. */
function asPathBytes(segments: readonly AsPathSegment[], asBytes: number): number {
  let n = 0;
  for (const s of segments) n += 2 + s.asns.length * asBytes;
  return n;
}

function addressBytes(family: 'IPv4' | 'IPv6'): number {
  return family === 'IPv4' ? 4 : 16;
}

/** AFI (2) + SAFI (1) + next hop length (1) + next hops + reserved (1) + NLRI. */
export function mpReachValueBytes(nextHops: readonly { family: 'IPv4' | 'IPv6' }[], nlriBytes: number): number {
  let hops = 0;
  for (const h of nextHops) hops += addressBytes(h.family);
  return 2 + 1 + 1 + hops + 1 + nlriBytes;
}

/** AFI (2) + SAFI (1) + withdrawn routes. */
export function mpUnreachValueBytes(withdrawnBytes: number): number {
  return 2 + 1 + withdrawnBytes;
}

/** The Path Attributes field's length: every attribute present in `attrs`, each with its header. */
export function pathAttributesBytes(attrs: PathAttributes, options: CodecOptions): number {
  let n = 0;
  // ORIGIN: one byte.
  if (attrs.origin !== undefined) n += attributeBytes(1);
  // AS_PATH: present even when empty (iBGP), as a zero-length attribute.
  if (attrs.asPath !== undefined) n += attributeBytes(asPathBytes(attrs.asPath, options.fourOctetAs ? 4 : 2));
  if (attrs.nextHop !== undefined) n += attributeBytes(4);
  if (attrs.med !== undefined) n += attributeBytes(4);
  if (attrs.localPref !== undefined) n += attributeBytes(4);
  // ATOMIC_AGGREGATE has no value; false means absent.
  if (attrs.atomicAggregate === true) n += attributeBytes(0);
  if (attrs.communities !== undefined) n += attributeBytes(4 * attrs.communities.length);
  if (attrs.largeCommunities !== undefined) n += attributeBytes(12 * attrs.largeCommunities.length);
  if (attrs.mpReach !== undefined) {
    n += attributeBytes(mpReachValueBytes(attrs.mpReach.nextHops, prefixesBytes(attrs.mpReach.nlri)));
  }
  if (attrs.mpUnreach !== undefined) n += attributeBytes(mpUnreachValueBytes(prefixesBytes(attrs.mpUnreach.withdrawn)));
  // AS4_PATH always carries 4-octet ASNs.
  if (attrs.as4Path !== undefined) n += attributeBytes(asPathBytes(attrs.as4Path, 4));
  // A passed-on attribute keeps the flags it came with: a two-byte length field if it arrived with one.
  for (const raw of attrs.other ?? []) {
    const long = raw.value.length > SHORT_VALUE_MAX || (raw.flags & ATTRIBUTE_FLAGS.extendedLength) !== 0;
    n += 2 + (long ? 2 : 1) + raw.value.length;
  }
  return n;
}

/** The whole message's length in bytes, header included: what must stay within 4,096 (or 65,535 when extended). */
export function updateSize(msg: UpdateMessage, options: CodecOptions): number {
  return (
    UPDATE_FIXED_BYTES +
    prefixesBytes(msg.withdrawn) +
    pathAttributesBytes(msg.attributes, options) +
    prefixesBytes(msg.nlri)
  );
}
