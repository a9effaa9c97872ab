/**
 * The 19-byte message header (RFC 4271 section 4.1) and its checks (section 6.1), shared by the frame splitter and
 * decodeMessage so a frame from either path is judged the same way.
 */
import { u16 } from './bytes';
import { BgpWireError } from './errors';
import { ErrorCode, HeaderSubcode } from './notificationCodes';
import { HEADER_BYTES, MAX_EXTENDED_MESSAGE_BYTES, MAX_MESSAGE_BYTES, type CodecOptions } from './types';

export const MessageType = { open: 1, update: 2, notification: 3, keepalive: 4, routeRefresh: 5 } as const;

/** The least length of each type (RFC 4271 section 4, RFC 2918 section 3); KEEPALIVE is exactly the header. */
const MIN_LENGTH: Readonly<Record<number, number>> = { 1: 29, 2: 23, 3: 21, 4: 19, 5: 23 };

/** RFC 8654: extended messages raise the limit for all but OPEN and KEEPALIVE. */
export function maxLength(type: number, opts: Pick<CodecOptions, 'extendedMessage'>): number {
  return opts.extendedMessage && type !== MessageType.open && type !== MessageType.keepalive
    ? MAX_EXTENDED_MESSAGE_BYTES
    : MAX_MESSAGE_BYTES;
}

/** Writes the header of a message of `length` bytes and `type` into the first 19 bytes of `out`. */
export function writeHeader(out: Uint8Array, length: number, type: number): void {
  out.fill(0xff, 0, 16);
  out[16] = length >>> 8;
  out[17] = length;
  out[18] = type;
}

/**
 * Checks the header at `b[at..at+19)` and returns the message's length. Throws the NOTIFICATION of section 6.1:
 * marker not all ones 1/1; length out of range for the type 1/2 (data: the length field); unknown type 1/3 (data:
 * the type). The marker is checked first, then the length (a stream out of step shows there first), then the type.
 */
export function checkHeader(b: Uint8Array, at: number, opts: Pick<CodecOptions, 'extendedMessage'>): number {
  for (let i = 0; i < 16; i++) {
    if (b[at + i] !== 0xff) throw new BgpWireError(ErrorCode.messageHeader, HeaderSubcode.connectionNotSynchronized);
  }
  const length = u16(b, at + 16);
  const type = b[at + 18];
  const badLength = () =>
    new BgpWireError(ErrorCode.messageHeader, HeaderSubcode.badMessageLength, b.slice(at + 16, at + 18));
  if (length < HEADER_BYTES || length > MAX_EXTENDED_MESSAGE_BYTES) throw badLength();
  const min = MIN_LENGTH[type];
  if (min === undefined)
    throw new BgpWireError(ErrorCode.messageHeader, HeaderSubcode.badMessageType, b.slice(at + 18, at + 19));
  if (length < min || length > maxLength(type, opts)) throw badLength();
  if (type === MessageType.keepalive && length !== HEADER_BYTES) throw badLength();
  return length;
}
