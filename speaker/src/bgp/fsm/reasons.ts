/**
 * The session's reasons in words, once: log lines and PeerStatus.lastDown. NOTIFICATIONs are named by the codec's
 * one list (codec/notificationCodes.ts), with their numbers.
 */
import { CeaseSubcode, ErrorCode, notificationName, printable } from '../codec';
import type { DownReason, NotificationCode, OpenError } from './types';

/** "Cease/Administrative Shutdown (6/2)". */
export function notificationText(n: NotificationCode): string {
  return `${notificationName(n.code, n.subcode)} (${n.code}/${n.subcode})`;
}

/** A shutdown communication quoted, whoever wrote it. */
function quoted(text: string | undefined): string {
  return text === undefined ? '' : `: "${printable(text)}"`;
}

function bgpId(id: number): string {
  return [id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255].join('.');
}

export function openErrorText(error: OpenError): string {
  switch (error.code) {
    case 'badPeerAs':
      return `the peer's OPEN says AS ${error.asn} (My AS field ${error.myAsField})`;
    case 'badBgpId':
      return `the peer's BGP identifier ${bgpId(error.bgpId)} is ${error.bgpId === 0 ? 'zero' : 'ours'}`;
    case 'unacceptableHoldTime':
      return `the peer's hold time of ${error.holdTimeSec} s is below 3 s`;
    case 'noCommonFamily':
      return `no address family in common (ours: ${error.ours.join(', ') || 'none'}; the peer's: ${error.theirs.join(', ')})`;
  }
}

export function downReasonText(reason: DownReason): string {
  switch (reason.kind) {
    case 'stopped': {
      if (reason.graceful) return 'stopped gracefully (TCP closed without a NOTIFICATION, for graceful restart)';
      const sent = notificationText({ code: ErrorCode.cease, subcode: reason.subcode });
      return `stopped, sent ${sent}${quoted(reason.shutdownText)}`;
    }
    case 'connectFailed':
      return 'could not connect to the peer';
    case 'connectTimeout':
      return 'connecting to the peer timed out';
    case 'tcpClosed':
      return `the peer closed the TCP connection in ${reason.state}`;
    case 'holdTimerExpired':
      return `nothing heard from the peer within the hold time in ${reason.state}, sent ${notificationText({ code: ErrorCode.holdTimerExpired, subcode: 0 })}`;
    case 'notificationReceived':
      return `the peer sent ${notificationText(reason.notification)}${quoted(reason.shutdownText)}`;
    case 'decodeError':
      return `could not decode the peer's message, sent ${notificationText(reason.notification)}`;
    case 'openRejected':
      return `refused the peer's OPEN: ${openErrorText(reason.error)}`;
    case 'unexpectedMessage':
      return `unexpected ${reason.messageType} message in ${reason.state}`;
    case 'bfdDown':
      return `BFD went down, sent ${notificationText({ code: ErrorCode.cease, subcode: CeaseSubcode.bfdDown })}`;
    case 'peerRestarted':
      return 'the peer reconnected while Established (it restarted; graceful restart keeps its routes)';
  }
}
