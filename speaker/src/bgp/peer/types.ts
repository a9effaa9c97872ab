/**
 * The seam between BGP mode and the network: one live BGP session to one router, with the routes it should carry.
 * BgpMode plans routes per peer and hands them over; the peer edge (socket, FSM timers, adj-RIB-out) keeps the
 * router in step, reconnecting with backoff, and reports its state. Tests of the mode use a fake edge.
 */
import type { ParsedIP } from '@ironlb/shared';
import type { Route } from '../rib/types';

export type SessionState = 'idle' | 'connect' | 'active' | 'openSent' | 'openConfirm' | 'established';

/** Everything needed to open one session, resolved from a BGPPeer, the node and the Secret. */
export interface PeerSpec {
  /** The BGPPeer's name. */
  readonly name: string;
  readonly localAs: number;
  readonly peerAs: number;
  readonly peerAddress: ParsedIP;
  readonly peerPort: number;
  /** The local address to bind (BGPPeer.sourceAddress), or absent: the kernel's choice toward the peer. */
  readonly sourceAddress?: ParsedIP;
  /** BGP Identifier as a dotted quad's value. */
  readonly routerId: number;
  readonly holdTimeSec: number;
  readonly keepaliveSec: number;
  readonly connectRetrySec: number;
  /** Never put it in a log line, an Event or an error message. */
  readonly md5Password?: string;
  readonly ebgpMultiHop: boolean;
  readonly gracefulRestart: boolean;
  /** The families to negotiate (both when MP is on; the transport's alone when BGPPeer.disableMP). */
  readonly families: readonly ('ipv4' | 'ipv6')[];
  /** BFD timers when the BGPPeer names a BFDProfile. */
  readonly bfd?: {
    readonly receiveIntervalMs: number;
    readonly transmitIntervalMs: number;
    readonly detectMultiplier: number;
    readonly passiveMode: boolean;
    readonly minimumTtl: number;
  };
}

export interface PeerStatus {
  readonly state: SessionState;
  /** The families the established session negotiated (it carries routes of these only); empty when not established. */
  readonly families: readonly ('ipv4' | 'ipv6')[];
  /** Why the session last went down, in words (a NOTIFICATION, a closed socket, BFD), absent when never down. */
  readonly lastDown?: string;
  readonly prefixesAdvertised: number;
  readonly updatesSent: number;
  readonly updatesReceived: number;
  /** BFD state when BFD is configured. */
  readonly bfd?: 'adminDown' | 'down' | 'init' | 'up';
}

export interface BgpPeerEdge {
  readonly spec: PeerSpec;
  /** The routes the router should hold from this node; sent as a diff once established. */
  setRoutes(routes: readonly Route[]): void;
  status(): PeerStatus;
  /**
   * Ends the session. `graceful`: close the TCP connection without a NOTIFICATION and without withdrawing, so a
   * router that honours graceful restart keeps forwarding (speaker SIGTERM); otherwise Cease and withdraw.
   */
  close(graceful: boolean): Promise<void>;
}

export type PeerEdgeFactory = (spec: PeerSpec, onChange: () => void) => BgpPeerEdge;
