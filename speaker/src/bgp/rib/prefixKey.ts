/**
 * A prefix as a short string that is both its identity in the table and its sort key: family digit, the address in
 * fixed-width hex, the length in three digits. Fixed widths make string order equal to (family, address, length)
 * order, so sorting keys needs no BigInt comparison.
 */
import { BITS } from '@ironlb/shared';
import type { Family, Prefix } from '../codec/types';

export function familyOf(prefix: Prefix): Family {
  return prefix.ip.family === 'IPv4' ? 'ipv4' : 'ipv6';
}

/**
 * The key of a valid prefix. Throws RangeError for an address outside its family's range, a length outside 0..bits
 * or host bits set, which only a bug in the caller produces (a prefix with host bits would go out as another one).
 */
export function prefixKey(prefix: Prefix): string {
  const { family, value } = prefix.ip;
  const bits = BITS[family];
  const { length } = prefix;
  const hex = value.toString(16).padStart(bits / 4, '0');
  if (value < 0n || hex.length !== bits / 4) throw new RangeError(`address ${value.toString(16)} is not ${family}`);
  if (!Number.isInteger(length) || length < 0 || length > bits) {
    throw new RangeError(`prefix length ${length} is outside 0..${bits}`);
  }
  // A host route (the common case: one per Service IP) has no host bits to check.
  if (length < bits && (value & ((1n << BigInt(bits - length)) - 1n)) !== 0n) {
    throw new RangeError(`prefix ${value.toString(16)}/${length} has host bits set`);
  }
  return `${family === 'IPv4' ? '4' : '6'}${hex}${String(length).padStart(3, '0')}`;
}
