/**
 * Packing prefixes into UPDATEs: one batch of prefixes that share everything else (attributes and family, or just
 * the family for withdraws) becomes as few messages as the size limit allows. Prefixes are taken in the order given
 * and each message is filled until the next prefix would not fit, so the output is deterministic and every message
 * but the last of a batch is full to within one prefix. Sizes come from size.ts, computed incrementally (adding a
 * prefix adds its bytes, and may turn MP_REACH's length field from one byte to two).
 */
import type { ParsedIP } from '@ironlb/shared';
import type { CodecOptions, Family, PathAttributes, Prefix, UpdateMessage } from '../codec/types';
import { MAX_EXTENDED_MESSAGE_BYTES, MAX_MESSAGE_BYTES } from '../codec/types';
import {
  UPDATE_FIXED_BYTES,
  attributeBytes,
  mpReachValueBytes,
  mpUnreachValueBytes,
  pathAttributesBytes,
  prefixBytes,
} from './size';

export function maxUpdateBytes(options: Pick<CodecOptions, 'extendedMessage'>): number {
  return options.extendedMessage ? MAX_EXTENDED_MESSAGE_BYTES : MAX_MESSAGE_BYTES;
}

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
  const fixed = UPDATE_FIXED_BYTES + pathAttributesBytes(shape.attributes, options);
  if (shape.kind === 'classic') return (nlriBytes) => fixed + nlriBytes;
  const mpFixed = mpReachValueBytes(shape.nextHops, 0);
  return (nlriBytes) => fixed + attributeBytes(mpFixed + nlriBytes);
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
  const limit = maxUpdateBytes(options);
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
  const limit = maxUpdateBytes(options);
  if (classic) {
    return runs(prefixes, (bytes) => UPDATE_FIXED_BYTES + bytes, limit).map((withdrawn) => ({
      type: 'update',
      withdrawn,
      attributes: {},
      nlri: [],
    }));
  }
  const size = (bytes: number): number => UPDATE_FIXED_BYTES + attributeBytes(mpUnreachValueBytes(bytes));
  return runs(prefixes, size, limit).map((withdrawn) => ({
    type: 'update',
    withdrawn: [],
    attributes: { mpUnreach: { family, withdrawn } },
    nlri: [],
  }));
}
