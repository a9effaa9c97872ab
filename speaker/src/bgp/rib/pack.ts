/**
 * Packing prefixes into UPDATEs: one batch of prefixes that share everything else (attributes and family, or just
 * the family for withdraws) becomes as few messages as the size limit allows. Prefixes are taken in the order given
 * and each message is filled until the next prefix would not fit, so the output is deterministic and every message
 * but the last of a batch is full to within one prefix. Sizes come from the codec's parts of updateLength, computed
 * incrementally (adding a prefix adds its bytes, and may turn MP_REACH's length field from one byte to two).
 */
import type { ParsedIP } from '@ironlb/shared';
import {
  UPDATE_FIXED_BYTES,
  attributeBytes,
  attributesLength,
  maxUpdateLength,
  mpReachValueBytes,
  mpUnreachValueBytes,
  prefixBytes,
} from '../codec';
import type { CodecOptions, Family, PathAttributes, Prefix, UpdateMessage } from '../codec/types';

/** How one batch's messages are shaped: the attributes they all carry, and where the prefixes go. */
export type AnnouncementShape =
  /** IPv4 in the NLRI field; `attributes` holds NEXT_HOP. */
  | { readonly kind: 'classic'; readonly attributes: PathAttributes }
  /** In MP_REACH_NLRI with `nextHops`; `attributes` holds everything else. */
  | {
      readonly kind: 'mp';
      readonly family: Family;
      readonly nextHops: readonly ParsedIP[];
      readonly attributes: PathAttributes;
    };

/** A message's size as a function of the bytes its prefixes take, for one shape. */
export function announcementSize(shape: AnnouncementShape, options: CodecOptions): (nlriBytes: number) => number {
  const fixed = UPDATE_FIXED_BYTES + attributesLength(shape.attributes, options);
  if (shape.kind === 'classic') return (nlriBytes) => fixed + nlriBytes;
  return (nlriBytes) => fixed + attributeBytes(mpReachValueBytes(shape.family, shape.nextHops.length, nlriBytes));
}

/** A withdraw's size as a function of the bytes its prefixes take: in Withdrawn Routes (`classic`) or MP_UNREACH. */
export function withdrawSize(classic: boolean): (withdrawnBytes: number) => number {
  if (classic) return (bytes) => UPDATE_FIXED_BYTES + bytes;
  return (bytes) => UPDATE_FIXED_BYTES + attributeBytes(mpUnreachValueBytes(bytes));
}

/** Splits `prefixes` in order into runs whose messages fit `limit`; a prefix that fits in no message is a bug. */
function runs(prefixes: readonly Prefix[], size: (bytes: number) => number, limit: number): Prefix[][] {
  const out: Prefix[][] = [];
  let current: Prefix[] = [];
  let bytes = 0;
  for (const p of prefixes) {
    const b = prefixBytes(p);
    if (current.length > 0 && size(bytes + b) > limit) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    if (size(bytes + b) > limit) throw new RangeError('a prefix does not fit in any UPDATE with these attributes');
    current.push(p);
    bytes += b;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Announcements of `prefixes` (one family, equal attributes), in as few UPDATEs as the limit allows. */
export function packAnnouncements(
  shape: AnnouncementShape,
  prefixes: readonly Prefix[],
  options: CodecOptions,
): UpdateMessage[] {
  const limit = maxUpdateLength(options);
  return runs(prefixes, announcementSize(shape, options), limit).map((nlri) =>
    shape.kind === 'classic'
      ? { type: 'update', withdrawn: [], attributes: shape.attributes, nlri }
      : {
          type: 'update',
          withdrawn: [],
          attributes: { ...shape.attributes, mpReach: { family: shape.family, nextHops: shape.nextHops, nlri } },
          nlri: [],
        },
  );
}

/**
 * Withdraws of `prefixes` (one family): in the Withdrawn Routes field when `classic` (IPv4 announced in the NLRI
 * field), otherwise in MP_UNREACH_NLRI, which is then the message's only attribute (RFC 4760 §4: an UPDATE that only
 * withdraws needs no other).
 */
export function packWithdraws(
  family: Family,
  classic: boolean,
  prefixes: readonly Prefix[],
  options: CodecOptions,
): UpdateMessage[] {
  const limit = maxUpdateLength(options);
  if (classic) {
    return runs(prefixes, withdrawSize(true), limit).map((withdrawn) => ({
      type: 'update',
      withdrawn,
      attributes: {},
      nlri: [],
    }));
  }
  return runs(prefixes, withdrawSize(false), limit).map((withdrawn) => ({
    type: 'update',
    withdrawn: [],
    attributes: { mpUnreach: { family, withdrawn } },
    nlri: [],
  }));
}
