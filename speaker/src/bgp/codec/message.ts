/**
 * The codec's entry points: a BgpMessage to bytes, and a frame to a DecodeResult. Nothing a peer sends throws out
 * of decodeMessage: every malformed frame is a result carrying the NOTIFICATION to send before closing.
 */
import { BgpWireError, notification } from './errors';
import { checkHeader, MessageType, writeHeader } from './header';
import { decodeNotification, encodeNotification } from './notification';
import { ErrorCode, HeaderSubcode, OpenSubcode, UpdateSubcode } from './notificationCodes';
import { decodeOpen, encodeOpen } from './open';
import { decodeRouteRefresh, encodeRouteRefresh } from './routeRefresh';
import { decodeUpdate, encodeUpdate } from './update';
import { HEADER_BYTES, type BgpMessage, type CodecOptions, type NotificationMessage } from './types';

export type DecodeResult =
  | {
      ok: true;
      message: BgpMessage;
      /** RFC 7606 treat-as-withdraw: the UPDATE's announced routes are to be handled as withdrawn; why. */
      treatAsWithdraw?: string;
      /** Attribute types dropped (RFC 7606 attribute discard and repeated attributes). */
      discarded?: readonly number[];
    }
  | { ok: false; notification: NotificationMessage }
  /** A well-formed message the protocol says to ignore (a ROUTE-REFRESH for a family not spoken, RFC 2918 4). */
  | { ok: 'ignored'; reason: string };

export function encodeMessage(msg: BgpMessage, opts: CodecOptions): Uint8Array {
  switch (msg.type) {
    case 'open':
      return encodeOpen(msg);
    case 'update':
      return encodeUpdate(msg, opts);
    case 'notification':
      return encodeNotification(msg, opts);
    case 'keepalive': {
      const out = new Uint8Array(HEADER_BYTES);
      writeHeader(out, HEADER_BYTES, MessageType.keepalive);
      return out;
    }
    case 'routeRefresh':
      return encodeRouteRefresh(msg);
  }
}

/** The subcode-0 error of each message type, for the safety net below. */
const UNSPECIFIC: Readonly<Record<number, readonly [number, number]>> = {
  [MessageType.open]: [ErrorCode.openMessage, OpenSubcode.unspecific],
  [MessageType.update]: [ErrorCode.updateMessage, UpdateSubcode.malformedAttributeList],
};

/** Decodes one whole message (as the frame splitter returns it, or any bytes claiming to be one). */
export function decodeMessage(frame: Uint8Array, opts: CodecOptions): DecodeResult {
  try {
    if (frame.length < HEADER_BYTES) {
      return { ok: false, notification: notification(ErrorCode.messageHeader, HeaderSubcode.badMessageLength) };
    }
    const length = checkHeader(frame, 0, opts);
    if (length !== frame.length) {
      return {
        ok: false,
        notification: notification(ErrorCode.messageHeader, HeaderSubcode.badMessageLength, frame.slice(16, 18)),
      };
    }
    switch (frame[18]) {
      case MessageType.open:
        return { ok: true, message: decodeOpen(frame) };
      case MessageType.update:
        return { ok: true, ...decodeUpdate(frame, opts) };
      case MessageType.notification:
        return { ok: true, message: decodeNotification(frame) };
      case MessageType.keepalive:
        return { ok: true, message: { type: 'keepalive' } };
      default: {
        const rr = decodeRouteRefresh(frame);
        return 'ignored' in rr ? { ok: 'ignored', reason: rr.ignored } : { ok: true, message: rr };
      }
    }
  } catch (e) {
    if (e instanceof BgpWireError) return { ok: false, notification: e.toNotification() };
    // A decoder bug must still not take the process down on a peer's bytes: answer with the type's unspecific error.
    const [code, subcode] = UNSPECIFIC[frame[18]] ?? [ErrorCode.messageHeader, HeaderSubcode.badMessageLength];
    return { ok: false, notification: notification(code, subcode) };
  }
}
