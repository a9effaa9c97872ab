/**
 * OPEN (RFC 4271 section 4.2) with its Capabilities optional parameter (RFC 5492), and the RFC 9072 extended
 * optional parameters length, used on decode when a peer sends it and on encode only when the capabilities do not
 * fit in 255 bytes.
 */
import { u16, u32, Writer, checkRange } from './bytes';
import { capabilitiesLength, decodeCapabilities, writeCapabilities } from './capabilities';
import { BgpWireError } from './errors';
import { MessageType, writeHeader } from './header';
import { ErrorCode, OpenSubcode } from './notificationCodes';
import { HEADER_BYTES, MAX_MESSAGE_BYTES, type Capability, type OpenMessage } from './types';

const PARAM_CAPABILITIES = 2;
/** RFC 9072: a Non-Ext OP Len and Non-Ext OP Type of 255 announce the extended form. */
const PARAM_EXTENDED = 255;
const FIXED = HEADER_BYTES + 10;

const openError = (subcode: number, data?: Uint8Array) => new BgpWireError(ErrorCode.openMessage, subcode, data);

/**
 * Decodes a whole OPEN frame whose header was checked. Throws the NOTIFICATION section 6.2 calls for: version not
 * 4 is 2/1 with the highest version spoken (2 bytes: 4); My AS 0 is 2/2 (RFC 7607); a zero BGP Identifier 2/3
 * (RFC 6286); hold time 1 or 2 is 2/6; optional parameters that do not fit their lengths are 2/0 (no subcode fits
 * better), one of a type other than Capabilities is 2/4; a 4-octet AS capability of 0 is 2/2 (RFC 7607).
 */
export function decodeOpen(b: Uint8Array): OpenMessage {
  const version = b[HEADER_BYTES];
  if (version !== 4) throw openError(OpenSubcode.unsupportedVersion, Uint8Array.of(0, 4));
  const myAs = u16(b, HEADER_BYTES + 1);
  const holdTimeSec = u16(b, HEADER_BYTES + 3);
  const bgpId = u32(b, HEADER_BYTES + 5);
  if (myAs === 0) throw openError(OpenSubcode.badPeerAs);
  if (holdTimeSec === 1 || holdTimeSec === 2) throw openError(OpenSubcode.unacceptableHoldTime);
  if (bgpId === 0) throw openError(OpenSubcode.badBgpIdentifier);

  const optLen = b[HEADER_BYTES + 9];
  const extended = optLen === PARAM_EXTENDED && b.length > FIXED && b[FIXED] === PARAM_EXTENDED;
  let i = FIXED;
  let end: number;
  if (extended) {
    if (b.length < FIXED + 3) throw openError(OpenSubcode.unspecific);
    end = FIXED + 3 + u16(b, FIXED + 1);
    i = FIXED + 3;
  } else end = FIXED + optLen;
  if (end !== b.length) throw openError(OpenSubcode.unspecific);

  const capabilities: Capability[] = [];
  const paramHead = extended ? 3 : 2;
  while (i < end) {
    if (i + paramHead > end) throw openError(OpenSubcode.unspecific);
    const type = b[i];
    const len = extended ? u16(b, i + 1) : b[i + 1];
    const start = i + paramHead;
    if (start + len > end) throw openError(OpenSubcode.unspecific);
    if (type !== PARAM_CAPABILITIES) throw openError(OpenSubcode.unsupportedOptionalParameter);
    const caps = decodeCapabilities(b, start, start + len);
    if (!caps) throw openError(OpenSubcode.unspecific);
    for (const c of caps) {
      if (c.code === 'fourOctetAs' && c.asn === 0) throw openError(OpenSubcode.badPeerAs);
      capabilities.push(c);
    }
    i = start + len;
  }
  return { type: 'open', version: 4, myAs, holdTimeSec, bgpId, capabilities };
}

/** Encodes an OPEN; throws on fields out of range or an OPEN over 4,096 bytes (the caller's bug). */
export function encodeOpen(m: OpenMessage): Uint8Array {
  checkRange('My AS', m.myAs, 0xffff);
  checkRange('hold time', m.holdTimeSec, 0xffff);
  checkRange('BGP Identifier', m.bgpId, 0xffffffff);
  const capsLen = capabilitiesLength(m.capabilities);
  const extended = capsLen + 2 > 255;
  const paramsLen = capsLen === 0 ? 0 : extended ? 3 + 3 + capsLen : 2 + capsLen;
  const length = FIXED + paramsLen;
  if (length > MAX_MESSAGE_BYTES) throw new RangeError(`OPEN of ${length} bytes is over ${MAX_MESSAGE_BYTES}`);
  const w = new Writer(length);
  w.pos = HEADER_BYTES;
  w.u8(4);
  w.u16(m.myAs);
  w.u16(m.holdTimeSec);
  w.u32(m.bgpId);
  if (capsLen === 0) w.u8(0);
  else if (!extended) {
    w.u8(paramsLen);
    w.u8(PARAM_CAPABILITIES);
    w.u8(capsLen);
  } else {
    w.u8(PARAM_EXTENDED);
    w.u8(PARAM_EXTENDED);
    w.u16(paramsLen - 3);
    w.u8(PARAM_CAPABILITIES);
    w.u16(capsLen);
  }
  writeCapabilities(w, m.capabilities);
  const out = w.finish();
  if (out.length !== length) throw new Error(`bug: OPEN sized ${length} bytes, wrote ${out.length}`);
  writeHeader(out, length, MessageType.open);
  return out;
}
