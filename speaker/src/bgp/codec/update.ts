/**
 * UPDATE (RFC 4271 section 4.3): Withdrawn Routes Length, Withdrawn Routes, Total Path Attribute Length, Path
 * Attributes, NLRI. Length fields that do not fit the message are 3/1 (section 6.3, kept by RFC 7606 section 4);
 * a Withdrawn Routes or NLRI field that is not a run of valid IPv4 prefixes is 3/10 (RFC 7606 section 5.3 keeps
 * the session reset there). Everything else about attributes is in attributes.ts.
 */
import { u16, Writer } from './bytes';
import { attributesLength, decodeAttributes, writeAttributes } from './attributes';
import { BgpWireError } from './errors';
import { MessageType, maxLength, writeHeader } from './header';
import { ErrorCode, UpdateSubcode } from './notificationCodes';
import { prefixesBytes, readPrefixes } from './prefix';
import { HEADER_BYTES, type CodecOptions, type UpdateMessage } from './types';

export interface DecodedUpdate {
  readonly message: UpdateMessage;
  readonly treatAsWithdraw?: string;
  readonly discarded?: readonly number[];
}

const updateError = (subcode: number) => new BgpWireError(ErrorCode.updateMessage, subcode);

/** Decodes a whole UPDATE frame whose header was checked; throws only the NOTIFICATIONs that reset the session. */
export function decodeUpdate(b: Uint8Array, opts: CodecOptions): DecodedUpdate {
  const end = b.length;
  const wStart = HEADER_BYTES + 2;
  const wEnd = wStart + u16(b, HEADER_BYTES);
  if (wEnd + 2 > end) throw updateError(UpdateSubcode.malformedAttributeList);
  const aStart = wEnd + 2;
  const aEnd = aStart + u16(b, wEnd);
  if (aEnd > end) throw updateError(UpdateSubcode.malformedAttributeList);
  const withdrawn = readPrefixes(b, wStart, wEnd, 'ipv4');
  if (!withdrawn) throw updateError(UpdateSubcode.invalidNetworkField);
  const nlri = readPrefixes(b, aEnd, end, 'ipv4');
  if (!nlri) throw updateError(UpdateSubcode.invalidNetworkField);
  const { attributes, withdrawReasons, discarded } = decodeAttributes(b, aStart, aEnd, opts);

  // RFC 7606 section 3.d: a well-known mandatory attribute missing from an UPDATE that announces routes. NEXT_HOP
  // is mandatory only with routes in the NLRI field (RFC 4760 section 3).
  const reasons = [...withdrawReasons];
  if (nlri.length > 0 || (attributes.mpReach?.nlri.length ?? 0) > 0) {
    if (attributes.origin === undefined && !reasons.some((r) => r.includes('ORIGIN'))) reasons.push('ORIGIN missing');
    if (attributes.asPath === undefined && !reasons.some((r) => r.includes('AS_PATH'))) reasons.push('AS_PATH missing');
  }
  if (nlri.length > 0 && attributes.nextHop === undefined && !reasons.some((r) => r.includes('NEXT_HOP'))) {
    reasons.push('NEXT_HOP missing');
  }
  const message: UpdateMessage = { type: 'update', withdrawn, attributes, nlri };
  return {
    message,
    ...(reasons.length > 0 ? { treatAsWithdraw: reasons.join('; ') } : {}),
    ...(discarded.length > 0 ? { discarded } : {}),
  };
}

/** The header, Withdrawn Routes Length (2) and Total Path Attribute Length (2): an UPDATE with nothing in it. */
export const UPDATE_FIXED_BYTES = HEADER_BYTES + 2 + 2;

/** The largest UPDATE the session allows: 4,096 bytes, or 65,535 with extended messages (RFC 8654). */
export function maxUpdateLength(opts: Pick<CodecOptions, 'extendedMessage'>): number {
  return maxLength(MessageType.update, opts);
}

/**
 * The exact encoded length of `m`, computed without encoding it. The adj-RIB-out packs UPDATEs with this and its
 * parts (attributeBytes, mpReachValueBytes, prefixBytes...), growing a message a prefix at a time.
 */
export function updateLength(m: UpdateMessage, opts: CodecOptions): number {
  return UPDATE_FIXED_BYTES + prefixesBytes(m.withdrawn) + attributesLength(m.attributes, opts) + prefixesBytes(m.nlri);
}

/** Encodes an UPDATE; throws on values the caller built wrongly or a message over the session's limit. */
export function encodeUpdate(m: UpdateMessage, opts: CodecOptions): Uint8Array {
  const length = updateLength(m, opts);
  const max = maxUpdateLength(opts);
  if (length > max) throw new RangeError(`UPDATE of ${length} bytes is over ${max}`);
  const w = new Writer(length);
  w.pos = HEADER_BYTES;
  w.u16(prefixesBytes(m.withdrawn));
  for (const p of m.withdrawn) w.prefix(p, 'ipv4');
  const attrsAt = w.pos;
  w.u16(0);
  writeAttributes(w, m.attributes, opts);
  w.patchU16(attrsAt, w.pos - attrsAt - 2);
  for (const p of m.nlri) w.prefix(p, 'ipv4');
  const out = w.finish();
  if (out.length !== length) throw new Error(`bug: UPDATE sized ${length} bytes, wrote ${out.length}`);
  writeHeader(out, length, MessageType.update);
  return out;
}
