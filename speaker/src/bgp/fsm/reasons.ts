/**
 * The session's reasons in words, once: log lines and PeerStatus.lastDown. NOTIFICATION codes are named after
 * RFC 4271 4.5, RFC 4486 (Cease), RFC 6608 (FSM error) and RFC 9384 (BFD Down).
 */
import type { DownReason, NotificationCode, OpenError } from './types';

const CODES: Record<number, string> = {
  1: 'message header error',
  2: 'OPEN message error',
  3: 'UPDATE message error',
  4: 'hold timer expired',
  5: 'finite state machine error',
  6: 'cease',
  7: 'ROUTE-REFRESH message error',
};

const SUBCODES: Record<number, Record<number, string>> = {
  1: { 1: 'connection not synchronized', 2: 'bad message length', 3: 'bad message type' },
  2: {
    1: 'unsupported version number',
    2: 'bad peer AS',
    3: 'bad BGP identifier',
    4: 'unsupported optional parameter',
    6: 'unacceptable hold time',
    7: 'unsupported capability',
    11: 'role mismatch',
  },
  3: {
    1: 'malformed attribute list',
    2: 'unrecognized well-known attribute',
    3: 'missing well-known attribute',
    4: 'attribute flags error',
    5: 'attribute length error',
    6: 'invalid ORIGIN attribute',
    8: 'invalid NEXT_HOP attribute',
    9: 'optional attribute error',
    10: 'invalid network field',
    11: 'malformed AS_PATH',
  },
  5: {
    1: 'unexpected message in OpenSent',
    2: 'unexpected message in OpenConfirm',
    3: 'unexpected message in Established',
  },
  6: {
    1: 'maximum number of prefixes reached',
    2: 'administrative shutdown',
    3: 'peer de-configured',
    4: 'administrative reset',
    5: 'connection rejected',
    6: 'other configuration change',
    7: 'connection collision resolution',
    8: 'out of resources',
    9: 'hard reset',
    10: 'BFD down',
  },
};

/** "cease/administrative shutdown (6/2)"; unknown codes by number. */
export function notificationText(n: NotificationCode): string {
  const code = CODES[n.code] ?? `code ${n.code}`;
  const sub = SUBCODES[n.code]?.[n.subcode];
  return `${sub === undefined ? code : `${code}/${sub}`} (${n.code}/${n.subcode})`;
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
      const text = reason.shutdownText === undefined ? '' : `: "${reason.shutdownText}"`;
      return `stopped, sent ${notificationText({ code: 6, subcode: reason.subcode })}${text}`;
    }
    case 'connectFailed':
      return 'could not connect to the peer';
    case 'connectTimeout':
      return 'connecting to the peer timed out';
    case 'tcpClosed':
      return `the peer closed the TCP connection in ${reason.state}`;
    case 'holdTimerExpired':
      return `nothing heard from the peer within the hold time in ${reason.state}, sent ${notificationText({ code: 4, subcode: 0 })}`;
    case 'notificationReceived': {
      const text = reason.shutdownText === undefined ? '' : `: "${reason.shutdownText}"`;
      return `the peer sent ${notificationText(reason.notification)}${text}`;
    }
    case 'decodeError':
      return `could not decode the peer's message, sent ${notificationText(reason.notification)}`;
    case 'openRejected':
      return `refused the peer's OPEN: ${openErrorText(reason.error)}`;
    case 'unexpectedMessage':
      return `unexpected ${reason.messageType} message in ${reason.state}`;
    case 'bfdDown':
      return `BFD went down, sent ${notificationText({ code: 6, subcode: 10 })}`;
    case 'peerRestarted':
      return 'the peer reconnected while Established (it restarted; graceful restart keeps its routes)';
  }
}
