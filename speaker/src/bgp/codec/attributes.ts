/**
 * Path attributes (RFC 4271 section 4.3, RFC 4760, RFC 1997, RFC 8092, RFC 6793) with RFC 7606's error handling.
 * Decoding collects, rather than throws, the two softer outcomes: "treat-as-withdraw" (the UPDATE's routes are
 * withdrawn, the session stays up) and "attribute discard" (the attribute is dropped). Only the cases RFC 7606
 * still resets the session for throw: a repeated or malformed MP_REACH_NLRI / MP_UNREACH_NLRI (sections 3.g and
 * 7.11) and an unrecognized well-known attribute (RFC 4271 section 6.3).
 */
import type { ParsedIP } from '@ironlb/shared';
import { asPathLength, decodeAsPath, writeAsPath } from './asPath';
import { u16, u32, Writer, checkRange } from './bytes';
import { afiOf, familyOf, SAFI_UNICAST } from './capabilities';
import { BgpWireError } from './errors';
import { ErrorCode, UpdateSubcode } from './notificationCodes';
import { FAMILY_BITS, prefixesBytes, readAddress, readPrefixes } from './prefix';
import type {
  AsPathSegment,
  CodecOptions,
  Family,
  LargeCommunity,
  MpReach,
  MpUnreach,
  Origin,
  PathAttributes,
  RawAttribute,
} from './types';

export const AttrType = {
  origin: 1,
  asPath: 2,
  nextHop: 3,
  med: 4,
  localPref: 5,
  atomicAggregate: 6,
  aggregator: 7,
  communities: 8,
  originatorId: 9,
  clusterList: 10,
  mpReach: 14,
  mpUnreach: 15,
  extendedCommunities: 16,
  as4Path: 17,
  as4Aggregator: 18,
  largeCommunities: 32,
} as const;

export const Flag = { optional: 0x80, transitive: 0x40, partial: 0x20, extendedLength: 0x10 } as const;
const WELL_KNOWN = Flag.transitive;
const OPTIONAL = Flag.optional;
const OPTIONAL_TRANSITIVE = Flag.optional | Flag.transitive;

/** The Optional and Transitive bits each recognized attribute must carry (RFC 7606 section 3.c checks only these). */
const EXPECTED_FLAGS: Readonly<Record<number, number>> = {
  1: WELL_KNOWN,
  2: WELL_KNOWN,
  3: WELL_KNOWN,
  4: OPTIONAL,
  5: WELL_KNOWN,
  6: WELL_KNOWN,
  7: OPTIONAL_TRANSITIVE,
  8: OPTIONAL_TRANSITIVE,
  9: OPTIONAL,
  10: OPTIONAL,
  14: OPTIONAL,
  15: OPTIONAL,
  16: OPTIONAL_TRANSITIVE,
  17: OPTIONAL_TRANSITIVE,
  18: OPTIONAL_TRANSITIVE,
  32: OPTIONAL_TRANSITIVE,
};

const ORIGINS: readonly Origin[] = ['igp', 'egp', 'incomplete'];

export interface DecodedAttributes {
  readonly attributes: PathAttributes;
  /** Why the UPDATE's routes are to be treated as withdrawn (RFC 7606), one reason per problem. */
  readonly withdrawReasons: readonly string[];
  /** Attribute types dropped: repeats of one already seen (section 3.g) and section 7's "attribute discard" cases. */
  readonly discarded: readonly number[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const mpError = (raw: Uint8Array) =>
  new BgpWireError(ErrorCode.updateMessage, UpdateSubcode.optionalAttributeError, raw);

function decodeMpReach(b: Uint8Array, vs: number, ve: number, raw: Uint8Array): MpReach | undefined {
  if (ve - vs < 5) throw mpError(raw);
  const family = familyOf(u16(b, vs), b[vs + 2]);
  if (!family) return undefined;
  const nhLen = b[vs + 3];
  // RFC 7606 section 7.11: a next hop length other than expected hides where the NLRI start: session reset.
  if (family === 'ipv4' ? nhLen !== 4 : nhLen !== 16 && nhLen !== 32) throw mpError(raw);
  const nlriStart = vs + 4 + nhLen + 1;
  if (nlriStart > ve) throw mpError(raw);
  const nextHops: ParsedIP[] = [];
  for (let at = vs + 4; at < vs + 4 + nhLen; at += family === 'ipv4' ? 4 : 16)
    nextHops.push(readAddress(b, at, family));
  const nlri = readPrefixes(b, nlriStart, ve, family);
  if (!nlri) throw mpError(raw);
  return { family, nextHops, nlri };
}

function decodeMpUnreach(b: Uint8Array, vs: number, ve: number, raw: Uint8Array): MpUnreach | undefined {
  if (ve - vs < 3) throw mpError(raw);
  const family = familyOf(u16(b, vs), b[vs + 2]);
  if (!family) return undefined;
  const withdrawn = readPrefixes(b, vs + 3, ve, family);
  if (!withdrawn) throw mpError(raw);
  return { family, withdrawn };
}

const nonZeroMultiple = (len: number, of: number) => len > 0 && len % of === 0;

/**
 * Decodes the Path Attributes field `b[start, end)`. Throws only for a session reset; every other problem is a
 * withdraw reason or a discarded type in the result.
 */
export function decodeAttributes(b: Uint8Array, start: number, end: number, opts: CodecOptions): DecodedAttributes {
  const a: Mutable<PathAttributes> = {};
  const other: RawAttribute[] = [];
  const withdrawReasons: string[] = [];
  const discarded: number[] = [];
  const seen = new Uint8Array(256);
  const asnBytes = opts.fourOctetAs ? 4 : 2;
  let i = start;
  while (i < end) {
    // RFC 7606 section 4: an attribute header or value past the field's end is treat-as-withdraw, and the Total
    // Path Attribute Length still locates the NLRI.
    if (end - i < 3) {
      withdrawReasons.push('attribute header runs past the path attributes');
      break;
    }
    const flags = b[i];
    const type = b[i + 1];
    const head = flags & Flag.extendedLength ? 4 : 3;
    if (end - i < head) {
      withdrawReasons.push('attribute header runs past the path attributes');
      break;
    }
    const len = head === 4 ? u16(b, i + 2) : b[i + 2];
    const vs = i + head;
    const ve = vs + len;
    if (ve > end) {
      withdrawReasons.push(`attribute ${type} length ${len} runs past the path attributes`);
      break;
    }
    const raw = b.slice(i, ve);
    i = ve;

    if (seen[type]) {
      if (type === AttrType.mpReach || type === AttrType.mpUnreach) {
        throw new BgpWireError(ErrorCode.updateMessage, UpdateSubcode.malformedAttributeList);
      }
      discarded.push(type);
      continue;
    }
    seen[type] = 1;

    const expected = EXPECTED_FLAGS[type];
    if (expected === undefined) {
      if (!(flags & Flag.optional)) {
        throw new BgpWireError(ErrorCode.updateMessage, UpdateSubcode.unrecognizedWellKnownAttribute, raw);
      }
      other.push({ flags: flags & 0xe0, type, value: b.slice(vs, ve) });
      continue;
    }
    const discardOnError = type === AttrType.as4Path || type === AttrType.as4Aggregator;
    if ((flags & OPTIONAL_TRANSITIVE) !== expected) {
      if (discardOnError) discarded.push(type);
      else withdrawReasons.push(`attribute ${type} has flags 0x${flags.toString(16)}`);
      continue;
    }
    const bad = (what: string) => withdrawReasons.push(`malformed ${what} (length ${len})`);
    const keepRaw = () => other.push({ flags: flags & 0xe0, type, value: b.slice(vs, ve) });

    switch (type) {
      case AttrType.origin:
        if (len === 1 && b[vs] <= 2) a.origin = ORIGINS[b[vs]];
        else bad('ORIGIN');
        break;
      case AttrType.asPath: {
        const segments = decodeAsPath(b, vs, ve, asnBytes);
        if (segments) a.asPath = segments;
        else bad('AS_PATH');
        break;
      }
      case AttrType.nextHop:
        if (len === 4) a.nextHop = readAddress(b, vs, 'ipv4');
        else bad('NEXT_HOP');
        break;
      case AttrType.med:
        if (len === 4) a.med = u32(b, vs);
        else bad('MULTI_EXIT_DISC');
        break;
      case AttrType.localPref:
        if (len === 4) a.localPref = u32(b, vs);
        else bad('LOCAL_PREF');
        break;
      case AttrType.atomicAggregate:
        // Section 7.6: attribute discard.
        if (len === 0) a.atomicAggregate = true;
        else discarded.push(type);
        break;
      case AttrType.aggregator:
        // Section 7.7: attribute discard; 6 octets, or 8 with 4-octet AS.
        if (len === asnBytes + 4) keepRaw();
        else discarded.push(type);
        break;
      case AttrType.communities:
        if (nonZeroMultiple(len, 4)) {
          const cs: number[] = [];
          for (let k = vs; k < ve; k += 4) cs.push(u32(b, k));
          a.communities = cs;
        } else bad('COMMUNITIES');
        break;
      case AttrType.originatorId:
        if (len === 4) keepRaw();
        else bad('ORIGINATOR_ID');
        break;
      case AttrType.clusterList:
        if (nonZeroMultiple(len, 4)) keepRaw();
        else bad('CLUSTER_LIST');
        break;
      case AttrType.mpReach: {
        const mp = decodeMpReach(b, vs, ve, raw);
        if (mp) a.mpReach = mp;
        else keepRaw();
        break;
      }
      case AttrType.mpUnreach: {
        const mp = decodeMpUnreach(b, vs, ve, raw);
        if (mp) a.mpUnreach = mp;
        else keepRaw();
        break;
      }
      case AttrType.extendedCommunities:
        if (nonZeroMultiple(len, 8)) keepRaw();
        else bad('EXTENDED_COMMUNITIES');
        break;
      case AttrType.as4Path: {
        // RFC 6793: a 4-octet session has no use for it, and a malformed one (confederation segments included)
        // is discarded.
        const segments = opts.fourOctetAs ? undefined : decodeAsPath(b, vs, ve, 4);
        if (segments && segments.every((s) => s.type <= 2)) a.as4Path = segments;
        else discarded.push(type);
        break;
      }
      case AttrType.as4Aggregator:
        if (!opts.fourOctetAs && len === 8) keepRaw();
        else discarded.push(type);
        break;
      case AttrType.largeCommunities:
        if (nonZeroMultiple(len, 12)) {
          const ls: LargeCommunity[] = [];
          for (let k = vs; k < ve; k += 12)
            ls.push({ global: u32(b, k), local1: u32(b, k + 4), local2: u32(b, k + 8) });
          a.largeCommunities = ls;
        } else bad('LARGE_COMMUNITY');
        break;
    }
  }
  if (other.length > 0) a.other = other;
  return { attributes: a, withdrawReasons, discarded };
}

/** One attribute ready to write: its value's length is known before the value is written. */
interface Entry {
  readonly type: number;
  readonly flags: number;
  readonly length: number;
  readonly write: (w: Writer) => void;
}

/**
 * An attribute's encoded bytes: flags (1), type (1), length (1, or 2 with Extended Length once the value passes 255
 * bytes) and the value. The adj-RIB-out packs UPDATEs with these parts, so they are the codec's own.
 */
export function attributeBytes(valueBytes: number): number {
  return (valueBytes > 255 ? 4 : 3) + valueBytes;
}

/** MP_REACH_NLRI's value: AFI (2), SAFI (1), next hop length (1), the next hops, reserved (1), the NLRI. */
export function mpReachValueBytes(family: Family, nextHops: number, nlriBytes: number): number {
  return 5 + (FAMILY_BITS[family] / 8) * nextHops + nlriBytes;
}

/** MP_UNREACH_NLRI's value: AFI (2), SAFI (1), the withdrawn routes. */
export function mpUnreachValueBytes(withdrawnBytes: number): number {
  return 3 + withdrawnBytes;
}

function mpReachEntry(mp: MpReach): Entry {
  const ok = mp.family === 'ipv4' ? mp.nextHops.length === 1 : mp.nextHops.length === 1 || mp.nextHops.length === 2;
  if (!ok) throw new RangeError(`MP_REACH_NLRI for ${mp.family} with ${mp.nextHops.length} next hops`);
  const nhLen = (FAMILY_BITS[mp.family] / 8) * mp.nextHops.length;
  return {
    type: AttrType.mpReach,
    flags: OPTIONAL,
    length: mpReachValueBytes(mp.family, mp.nextHops.length, prefixesBytes(mp.nlri)),
    write: (w) => {
      w.u16(afiOf(mp.family));
      w.u8(SAFI_UNICAST);
      w.u8(nhLen);
      for (const nh of mp.nextHops) w.address(nh, mp.family);
      w.u8(0);
      for (const p of mp.nlri) w.prefix(p, mp.family);
    },
  };
}

function mpUnreachEntry(mp: MpUnreach): Entry {
  return {
    type: AttrType.mpUnreach,
    flags: OPTIONAL,
    length: mpUnreachValueBytes(prefixesBytes(mp.withdrawn)),
    write: (w) => {
      w.u16(afiOf(mp.family));
      w.u8(SAFI_UNICAST);
      for (const p of mp.withdrawn) w.prefix(p, mp.family);
    },
  };
}

const u32Entry = (type: number, flags: number, what: string, v: number): Entry => {
  checkRange(what, v, 0xffffffff);
  return { type, flags, length: 4, write: (w) => w.u32(v) };
};

const pathEntry = (type: number, flags: number, segs: readonly AsPathSegment[], asnBytes: 2 | 4): Entry => ({
  type,
  flags,
  length: asPathLength(segs, asnBytes),
  write: (w) => writeAsPath(w, segs, asnBytes),
});

/**
 * The attributes in wire order: MP_REACH_NLRI and MP_UNREACH_NLRI first (RFC 7606 section 5.1 asks for that, so a
 * receiver finds the routes even when a later attribute is malformed), then ascending type code (RFC 4271 section
 * 5), the uninterpreted ones merged in by their type. Flags are the ones each attribute is defined with; the
 * extended length bit is added when the value is over 255 bytes.
 */
function entries(a: PathAttributes, opts: CodecOptions): Entry[] {
  const first: Entry[] = [];
  if (a.mpReach) first.push(mpReachEntry(a.mpReach));
  if (a.mpUnreach) first.push(mpUnreachEntry(a.mpUnreach));
  const rest: Entry[] = [];
  const asnBytes = opts.fourOctetAs ? 4 : 2;
  if (a.origin !== undefined) {
    const v = ORIGINS.indexOf(a.origin);
    if (v < 0) throw new RangeError(`unknown origin ${String(a.origin)}`);
    rest.push({ type: AttrType.origin, flags: WELL_KNOWN, length: 1, write: (w) => w.u8(v) });
  }
  if (a.asPath) rest.push(pathEntry(AttrType.asPath, WELL_KNOWN, a.asPath, asnBytes));
  if (a.nextHop) {
    const nh = a.nextHop;
    rest.push({ type: AttrType.nextHop, flags: WELL_KNOWN, length: 4, write: (w) => w.address(nh, 'ipv4') });
  }
  if (a.med !== undefined) rest.push(u32Entry(AttrType.med, OPTIONAL, 'MED', a.med));
  if (a.localPref !== undefined) rest.push(u32Entry(AttrType.localPref, WELL_KNOWN, 'LOCAL_PREF', a.localPref));
  if (a.atomicAggregate) rest.push({ type: AttrType.atomicAggregate, flags: WELL_KNOWN, length: 0, write: () => {} });
  if (a.communities) {
    const cs = a.communities;
    for (const c of cs) checkRange('community', c, 0xffffffff);
    rest.push({
      type: AttrType.communities,
      flags: OPTIONAL_TRANSITIVE,
      length: 4 * cs.length,
      write: (w) => cs.forEach((c) => w.u32(c)),
    });
  }
  if (a.as4Path) rest.push(pathEntry(AttrType.as4Path, OPTIONAL_TRANSITIVE, a.as4Path, 4));
  if (a.largeCommunities) {
    const ls = a.largeCommunities;
    for (const l of ls) {
      checkRange('large community', l.global, 0xffffffff);
      checkRange('large community', l.local1, 0xffffffff);
      checkRange('large community', l.local2, 0xffffffff);
    }
    rest.push({
      type: AttrType.largeCommunities,
      flags: OPTIONAL_TRANSITIVE,
      length: 12 * ls.length,
      write: (w) =>
        ls.forEach((l) => {
          w.u32(l.global);
          w.u32(l.local1);
          w.u32(l.local2);
        }),
    });
  }
  if (a.other) {
    for (const r of a.other) {
      checkRange('attribute type', r.type, 255);
      rest.push({ type: r.type, flags: r.flags & 0xe0, length: r.value.length, write: (w) => w.bytes(r.value) });
    }
    // Array.prototype.sort is stable: equal types keep their given order.
    rest.sort((x, y) => x.type - y.type);
  }
  return first.concat(rest);
}

/** Encoded bytes of the Path Attributes field. */
export function attributesLength(a: PathAttributes, opts: CodecOptions): number {
  let n = 0;
  for (const e of entries(a, opts)) n += attributeBytes(e.length);
  return n;
}

/** Writes the Path Attributes field; throws on values the caller built wrongly. */
export function writeAttributes(w: Writer, a: PathAttributes, opts: CodecOptions): void {
  for (const e of entries(a, opts)) {
    checkRange('attribute length', e.length, 0xffff);
    const long = e.length > 255;
    w.u8(e.flags | (long ? Flag.extendedLength : 0));
    w.u8(e.type);
    if (long) w.u16(e.length);
    else w.u8(e.length);
    e.write(w);
  }
}
