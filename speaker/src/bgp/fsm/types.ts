/**
 * The BGP session state machine's contract (RFC 4271 section 8): the events the peer edge feeds it, the actions it
 * answers with, and its configuration. The FSM is pure: it never touches a socket or a clock; every event and tick
 * carries `nowMs`, and TCP connections are named by ids so the edge can hold several (collision, RFC 4271 6.8).
 */
import type { Family, NotificationMessage, OpenMessage, UpdateMessage, BgpMessage, CodecOptions } from '../codec/types';
import type { SessionState } from '../peer/types';

export type { SessionState };

/** One TCP connection of the session; ids are handed out by the session (connect and accepted actions). */
export type ConnectionId = number;

export interface GracefulRestartConfig {
  /** 0..4095 seconds: how long the peer should keep our routes while we restart. */
  readonly restartTimeSec: number;
  /** The R bit: this speaker process has just restarted (its peers may hold our stale routes). */
  readonly restarted: boolean;
}

export interface SessionConfig {
  readonly localAs: number;
  readonly peerAs: number;
  /** Our BGP Identifier (a dotted quad's value); never 0. */
  readonly routerId: number;
  /** 0 (no hold timer, no keepalives) or 3..65535. */
  readonly holdTimeSec: number;
  /** Absent: a third of the negotiated hold time. */
  readonly keepaliveSec?: number;
  /** The first connect retry interval; absent: 5 s. Doubles per failed attempt up to 60 s. */
  readonly connectRetrySec?: number;
  /** Never dial; only accept the peer's connections. */
  readonly passive: boolean;
  /** The families to offer, one multiprotocol capability each. */
  readonly families: readonly Family[];
  /** Absent: no graceful restart capability is sent. */
  readonly gracefulRestart?: GracefulRestartConfig;
  /** Offer RFC 8654 extended messages; absent: true. */
  readonly extendedMessage?: boolean;
}

/** RFC 4271 Cease subcodes (RFC 4486) the speaker sends when it stops a session. */
export type StopSubcode = 2 | 3 | 4 | 6 | 8;

export type SessionEvent =
  | { readonly type: 'start' }
  /**
   * Administrative stop. `graceful`: close TCP with no NOTIFICATION, so a graceful-restart peer keeps our routes
   * (speaker restart). Otherwise Cease with `subcode` (absent: 2, Administrative Shutdown) and, for subcodes 2 and
   * 4, the RFC 9003 shutdown communication `shutdownText`.
   */
  | {
      readonly type: 'stop';
      readonly graceful?: boolean;
      readonly subcode?: StopSubcode;
      readonly shutdownText?: string;
    }
  /** A connection the session asked for (connect action) is up. */
  | { readonly type: 'tcpConnected'; readonly conn: ConnectionId }
  /** The peer dialled in; the session names the connection in its first action (accepted). */
  | { readonly type: 'tcpAccepted' }
  /** A dial (connect action) failed. */
  | { readonly type: 'tcpFailed'; readonly conn: ConnectionId }
  /** The peer (or the network) closed an established TCP connection. */
  | { readonly type: 'tcpClosed'; readonly conn: ConnectionId }
  | { readonly type: 'message'; readonly conn: ConnectionId; readonly message: BgpMessage }
  /** The codec could not decode what arrived and says which NOTIFICATION to send. */
  | { readonly type: 'decodeError'; readonly conn: ConnectionId; readonly notification: NotificationMessage }
  | { readonly type: 'bfdDown' };

/** The peer's graceful restart capability as it sent it. */
export type PeerGracefulRestart = Omit<
  Extract<OpenMessage['capabilities'][number], { code: 'gracefulRestart' }>,
  'code'
>;

/** What both sides agreed on; CodecOptions' fields say how UPDATEs are encoded on this session. */
export interface Negotiated extends CodecOptions {
  /** Families both offered (IPv4 unicast alone when the peer sent no multiprotocol capability, RFC 4760). */
  readonly families: readonly Family[];
  readonly routeRefresh: boolean;
  /** min(ours, theirs); 0: no hold timer and no keepalives. */
  readonly holdTimeSec: number;
  /** 0 when the hold time is 0. */
  readonly keepaliveSec: number;
  /** The peer's real AS (from its 4-octet AS capability when present). */
  readonly peerAs: number;
  readonly peerBgpId: number;
  /** Absent when the peer sent no graceful restart capability. */
  readonly peerGracefulRestart?: PeerGracefulRestart;
}

/** Why an OPEN is refused, with the NOTIFICATION sent for it. */
export type OpenError =
  /** 2/2; `asn` is the AS the peer claims (from its capability when present). */
  | { readonly code: 'badPeerAs'; readonly asn: number; readonly myAsField: number }
  /** 2/3: 0, or equal to ours on an iBGP session. */
  | { readonly code: 'badBgpId'; readonly bgpId: number }
  /** 2/6: 1 or 2 seconds. */
  | { readonly code: 'unacceptableHoldTime'; readonly holdTimeSec: number }
  /**
   * 2/7 (RFC 5492 Unsupported Capability): no family in common. A session that can carry no route is refused, so
   * both sides log it at once and the idle hold damps the retries, rather than an Established session that is useless.
   */
  | { readonly code: 'noCommonFamily'; readonly ours: readonly Family[]; readonly theirs: readonly Family[] };

/** A NOTIFICATION's code and subcode. */
export interface NotificationCode {
  readonly code: number;
  readonly subcode: number;
}

/** Why the session (or its only attempt) went down: values, worded once in reasons.ts. */
export type DownReason =
  | {
      readonly kind: 'stopped';
      readonly graceful: boolean;
      readonly subcode: StopSubcode;
      readonly shutdownText?: string;
    }
  | { readonly kind: 'connectFailed' }
  /** A dial took longer than the connect retry interval. */
  | { readonly kind: 'connectTimeout' }
  | { readonly kind: 'tcpClosed'; readonly state: SessionState }
  /** We sent 4/0. */
  | { readonly kind: 'holdTimerExpired'; readonly state: SessionState }
  | {
      readonly kind: 'notificationReceived';
      readonly notification: NotificationCode;
      /** RFC 9003 shutdown communication, when a Cease 2 or 4 carried one. */
      readonly shutdownText?: string;
    }
  /** We sent the NOTIFICATION the codec asked for. */
  | { readonly kind: 'decodeError'; readonly notification: NotificationCode }
  | { readonly kind: 'openRejected'; readonly error: OpenError }
  /** We sent 5/1, 5/2 or 5/3 (RFC 6608). */
  | { readonly kind: 'unexpectedMessage'; readonly state: SessionState; readonly messageType: BgpMessage['type'] }
  /** We sent Cease 10 (RFC 9384). */
  | { readonly kind: 'bfdDown' }
  /** A graceful-restart peer opened a new connection while the old one was Established (RFC 4724 4.2). */
  | { readonly kind: 'peerRestarted' };

export type SessionAction =
  /** Dial the peer; report tcpConnected or tcpFailed with this id. */
  | { readonly type: 'connect'; readonly conn: ConnectionId }
  /** The connection tcpAccepted just announced is `conn`; always the first action of that event. */
  | { readonly type: 'accepted'; readonly conn: ConnectionId }
  | { readonly type: 'send'; readonly conn: ConnectionId; readonly message: BgpMessage }
  /** Close (or abandon the dial of) the connection after sending what was asked before; no more events for it. */
  | { readonly type: 'close'; readonly conn: ConnectionId }
  | { readonly type: 'established'; readonly conn: ConnectionId; readonly negotiated: Negotiated }
  /** `wasEstablished`: routes learned and sent on the session are gone (the edge resets its tables). */
  | { readonly type: 'down'; readonly reason: DownReason; readonly wasEstablished: boolean }
  | { readonly type: 'updateReceived'; readonly update: UpdateMessage }
  | { readonly type: 'routeRefreshRequested'; readonly family: Family };
