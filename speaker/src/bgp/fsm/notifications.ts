/**
 * The NOTIFICATIONs the FSM builds and reads, made of the codec's one list of codes (codec/notificationCodes.ts)
 * and its RFC 9003 shutdown communication: the FSM error subcode of a state, a Cease with its text, and the text
 * of a received Cease.
 */
import {
  ErrorCode,
  FsmSubcode,
  carriesShutdownCommunication,
  decodeShutdownCommunication,
  encodeShutdownCommunication,
  notification,
} from '../codec';
import type { NotificationMessage } from '../codec/types';
import type { SessionState } from './types';

/** RFC 6608: the FSM error subcode for an unexpected message in a state (0 where no specific one exists). */
export function fsmErrorSubcode(state: SessionState): number {
  if (state === 'openSent') return FsmSubcode.unexpectedInOpenSent;
  if (state === 'openConfirm') return FsmSubcode.unexpectedInOpenConfirm;
  if (state === 'established') return FsmSubcode.unexpectedInEstablished;
  return 0;
}

/** A Cease NOTIFICATION, with the shutdown communication for subcodes 2 and 4 when there is text. */
export function cease(subcode: number, shutdownText?: string): NotificationMessage {
  const withText = shutdownText !== undefined && shutdownText !== '';
  return notification(
    ErrorCode.cease,
    subcode,
    withText && carriesShutdownCommunication(ErrorCode.cease, subcode)
      ? encodeShutdownCommunication(shutdownText)
      : undefined,
  );
}

/**
 * The shutdown communication of a received Cease 2 or 4, or undefined when absent or empty, its length field
 * overruns the data or its text is not valid UTF-8 (RFC 9003 says such a message is logged without the text).
 */
export function shutdownText(n: NotificationMessage): string | undefined {
  if (!carriesShutdownCommunication(n.code, n.subcode)) return undefined;
  const text = decodeShutdownCommunication(n.data);
  return text === '' ? undefined : text;
}
