/**
 * The NOTIFICATION values the FSM sends (RFC 4271 4.5 codes, RFC 4486 and RFC 9384 Cease subcodes, RFC 6608 FSM
 * subcodes) and the RFC 9003 shutdown communication, the one NOTIFICATION data field the FSM writes and reads.
 */
import type { NotificationMessage } from '../codec/types';
import type { SessionState } from './types';

export const OPEN_MESSAGE_ERROR = 2;
export const HOLD_TIMER_EXPIRED = 4;
export const FSM_ERROR = 5;
export const CEASE = 6;

export const BAD_PEER_AS = 2;
export const BAD_BGP_IDENTIFIER = 3;
export const UNACCEPTABLE_HOLD_TIME = 6;
export const UNSUPPORTED_CAPABILITY = 7;

export const ADMINISTRATIVE_SHUTDOWN = 2;
export const ADMINISTRATIVE_RESET = 4;
export const CONNECTION_COLLISION_RESOLUTION = 7;
export const BFD_DOWN = 10;

/** RFC 9003: at most 255 octets of UTF-8. */
export const MAX_SHUTDOWN_TEXT_BYTES = 255;

export function notification(code: number, subcode: number, data: Uint8Array = new Uint8Array(0)): NotificationMessage {
  return { type: 'notification', code, subcode, data };
}

/** RFC 6608: the FSM error subcode for an unexpected message in a state (0 where no specific one exists). */
export function fsmErrorSubcode(state: SessionState): number {
  if (state === 'openSent') return 1;
  if (state === 'openConfirm') return 2;
  if (state === 'established') return 3;
  return 0;
}

/** The RFC 9003 data field: a length octet and UTF-8 text, cut at 255 octets on a character boundary. */
export function shutdownData(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  let end = Math.min(bytes.length, MAX_SHUTDOWN_TEXT_BYTES);
  // A UTF-8 continuation octet (10xxxxxx) at the cut would split a character: step back to its first octet.
  while (end < bytes.length && end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  const data = new Uint8Array(end + 1);
  data[0] = end;
  data.set(bytes.subarray(0, end), 1);
  return data;
}

/** A Cease NOTIFICATION, with the shutdown communication for subcodes 2 and 4 when there is text. */
export function cease(subcode: number, shutdownText?: string): NotificationMessage {
  const withText = shutdownText !== undefined && shutdownText !== '';
  const carriesText = subcode === ADMINISTRATIVE_SHUTDOWN || subcode === ADMINISTRATIVE_RESET;
  return notification(CEASE, subcode, withText && carriesText ? shutdownData(shutdownText) : undefined);
}

/**
 * The shutdown communication of a received Cease 2 or 4, or undefined when absent, its length field overruns the
 * data or its text is not valid UTF-8 (RFC 9003 says such a message is logged without the text).
 */
export function shutdownText(n: NotificationMessage): string | undefined {
  if (n.code !== CEASE || (n.subcode !== ADMINISTRATIVE_SHUTDOWN && n.subcode !== ADMINISTRATIVE_RESET))
    return undefined;
  if (n.data.length < 1 || n.data[0] === 0 || n.data[0] > n.data.length - 1) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(n.data.subarray(1, 1 + n.data[0]));
  } catch {
    return undefined;
  }
}
