/** NOTIFICATION (RFC 4271 section 4.5): code (1), subcode (1), data to the end of the message. */
import { checkRange } from './bytes';
import { notification } from './errors';
import { MessageType, maxLength, writeHeader } from './header';
import { HEADER_BYTES, type CodecOptions, type NotificationMessage } from './types';

/** A NOTIFICATION cannot be refused (RFC 4271 section 6.4 sends none back), so any body of 2 bytes or more decodes. */
export function decodeNotification(b: Uint8Array): NotificationMessage {
  return notification(b[HEADER_BYTES], b[HEADER_BYTES + 1], b.slice(HEADER_BYTES + 2));
}

/**
 * Encodes a NOTIFICATION. Data that would take the message over the session's limit is cut to fit: the
 * NOTIFICATION that ends a session must go out even when it quotes a long malformed attribute.
 */
export function encodeNotification(m: NotificationMessage, opts: Pick<CodecOptions, 'extendedMessage'>): Uint8Array {
  checkRange('error code', m.code, 255);
  checkRange('error subcode', m.subcode, 255);
  const dataLen = Math.min(m.data.length, maxLength(MessageType.notification, opts) - HEADER_BYTES - 2);
  const out = new Uint8Array(HEADER_BYTES + 2 + dataLen);
  writeHeader(out, out.length, MessageType.notification);
  out[HEADER_BYTES] = m.code;
  out[HEADER_BYTES + 1] = m.subcode;
  out.set(m.data.subarray(0, dataLen), HEADER_BYTES + 2);
  return out;
}
