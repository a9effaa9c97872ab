/**
 * The routes ironlb advertises to one peer, and the outgoing table (adj-RIB-out) that turns changes of them into
 * UPDATEs. The mode decides the routes (which IPs, which attributes); the table decides the messages: diffs, never
 * a full resend, packed into as few UPDATEs as the message limit allows.
 */
import type { ParsedIP } from '@ironlb/shared';
import type { CodecOptions, LargeCommunity, Prefix, UpdateMessage } from '../codec/types';

/** What a route carries besides its prefix; routes with equal attributes share UPDATEs. */
export interface RouteAttributes {
  /** The node's address toward the peer (or BGPPeer.sourceAddress); for IPv6 prefixes over IPv4 sessions, an IPv6 address of the node. */
  readonly nextHop: ParsedIP;
  /** iBGP only: LOCAL_PREF; absent: 100 is sent on iBGP sessions (the RFC 4271 default most routers assume). */
  readonly localPref?: number;
  /** RFC 1997 values, sorted ascending, each once. */
  readonly communities: readonly number[];
  /** RFC 8092 values, sorted, each once. */
  readonly largeCommunities: readonly LargeCommunity[];
}

export interface Route {
  readonly prefix: Prefix;
  readonly attributes: RouteAttributes;
}

/** The session facts the table needs to build messages. */
export interface AdjRibOutOptions extends CodecOptions {
  readonly localAs: number;
  /** iBGP (peer AS = local AS): empty AS_PATH and LOCAL_PREF; eBGP: AS_PATH of the local AS. */
  readonly ibgp: boolean;
  /** Families the session negotiated; routes of other families are held back (and reported by `unsendable`). */
  readonly families: readonly ('ipv4' | 'ipv6')[];
  /** Whether IPv4 prefixes go in the classic NLRI field (true, the usual) or MP_REACH (false). */
  readonly ipv4InClassicNlri: boolean;
}

export interface AdjRibOut {
  /**
   * Makes the table hold exactly `routes` (one per prefix; a later duplicate prefix wins) and returns the UPDATEs
   * that take the peer from the previous set to this one: withdraws of removed prefixes, announcements of new or
   * changed ones, each batch packed. The same set twice returns nothing.
   */
  setRoutes(routes: readonly Route[]): UpdateMessage[];
  /** Everything in the table as announcements, packed: after the session (re)establishes or a ROUTE-REFRESH. */
  all(): UpdateMessage[];
  /** The number of prefixes held (the metric `prefixes advertised`). */
  readonly size: number;
}
