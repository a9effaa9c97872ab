/**
 * The peer edge: one BGP session to one router, made of the pure parts (Session FSM, codec, adj-RIB-out) and the
 * impure ones (a TCP stream from the dialer or the listener, timers, optional BFD). Everything the FSM asks for is
 * done here and nothing else decides: the edge only carries bytes, time and routes.
 *
 * Once Established it sends the whole table, then End-of-RIB for every negotiated family (RFC 4724: a restarting
 * speaker's peer keeps our stale routes until that marker). Later route sets go out as diffs of the adj-RIB-out.
 */
import { formatIP } from '@ironlb/shared';
import { createFrameSplitter, decodeMessage, encodeMessage, endOfRib, type FrameSplitter } from '../codec';
import { DEFAULT_CODEC_OPTIONS, type BgpMessage, type CodecOptions, type UpdateMessage } from '../codec/types';
import { downReasonText } from '../fsm/reasons';
import { Session } from '../fsm/session';
import type { ConnectionId, Negotiated, SessionAction, SessionConfig, SessionEvent } from '../fsm/types';
import { createAdjRibOut } from '../rib/adjRibOut';
import type { AdjRibOut, Route } from '../rib/types';
import type { BgpPeerEdge, PeerSpec, PeerStatus } from './types';

/** A connected byte stream: net.Socket satisfies it, and so do the tests' in-memory pairs. */
export interface BgpStream {
  write(bytes: Uint8Array): unknown;
  /** Sends what is queued, then closes. */
  end(): unknown;
  destroy(): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  /**
   * net.Socket's: a write returned false and 'drain' will follow once the buffer has gone to the kernel (only then is
   * 'drain' emitted). Absent: nothing is ever held back.
   */
  readonly writableNeedDrain?: boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Opens a TCP connection to the peer with the spec's MD5 key, TTL and source address. */
export type Dialer = (spec: PeerSpec, signal: AbortSignal) => Promise<BgpStream>;

/** BFD for one peer, as the edge needs it: a Down tears the session down at once (RFC 5882). */
export interface BfdWatch {
  state(): NonNullable<PeerStatus['bfd']>;
  close(): void;
}
export type BfdStarter = (spec: PeerSpec, onDown: () => void, onChange: () => void) => BfdWatch;

export interface EdgeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { unref?(): unknown };
  clearTimeout(handle: unknown): void;
}

export interface EdgeDeps {
  readonly dial: Dialer;
  readonly clock?: EdgeClock;
  readonly random?: () => number;
  readonly bfd?: BfdStarter;
  /** Told each state change and why a session went down (never the password). */
  readonly log?: (fields: Record<string, unknown>, message: string) => void;
  /** The R bit in our graceful restart capability: this process may have replaced one the peer still remembers. */
  readonly restarted?: boolean;
  /** Graceful restart time we ask the peer to keep our routes for. */
  readonly restartTimeSec?: number;
  /** Told once when close() begins (the listener stops handing this peer connections). */
  readonly onClosing?: () => void;
}

export const DEFAULT_RESTART_TIME_SEC = 120;

const realClock: EdgeClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Connection {
  stream?: BgpStream;
  readonly splitter: FrameSplitter;
  readonly abort: AbortController;
}

export function sessionConfigOf(spec: PeerSpec, restarted: boolean, restartTimeSec: number): SessionConfig {
  return {
    localAs: spec.localAs,
    peerAs: spec.peerAs,
    routerId: spec.routerId,
    holdTimeSec: spec.holdTimeSec,
    keepaliveSec: spec.keepaliveSec,
    connectRetrySec: spec.connectRetrySec,
    passive: false,
    families: spec.families,
    ...(spec.gracefulRestart ? { gracefulRestart: { restartTimeSec, restarted } } : {}),
  };
}

/**
 * Whether a state change is one the mode must hear of at once: entering or leaving Established (which IPs a
 * session carries, its ServiceBGPStatus) or falling to Idle (why it went down). The handshake's steps between are
 * not: each would cost the loop a plan of every Service, and one running while the peer's OPEN or KEEPALIVE waits
 * delays the session, and then the whole table, by that long (1.2 s at 10,000 Services). Their states reach the
 * metrics at the next apply.
 */
export const tellsTheMode = (before: string, now: string): boolean =>
  before === 'established' || now === 'established' || now === 'idle';

export class BgpPeer implements BgpPeerEdge {
  private readonly session: Session;
  private readonly clock: EdgeClock;
  private readonly conns = new Map<ConnectionId, Connection>();
  /** An accepted stream waiting for the `accepted` action that names it. */
  private acceptedStream: BgpStream | undefined;
  private timer: unknown;
  private desired: readonly Route[] = [];
  private rib: AdjRibOut | undefined;
  private negotiated: Negotiated | undefined;
  private establishedConn: ConnectionId | undefined;
  private readonly bfd: BfdWatch | undefined;
  private lastDown: string | undefined;
  private updatesSent = 0;
  private updatesReceived = 0;
  private closed = false;
  private readonly closing = new Set<Promise<void>>();

  constructor(
    readonly spec: PeerSpec,
    private readonly onChange: () => void,
    private readonly deps: EdgeDeps,
  ) {
    this.clock = deps.clock ?? realClock;
    this.session = new Session(
      sessionConfigOf(spec, deps.restarted ?? false, deps.restartTimeSec ?? DEFAULT_RESTART_TIME_SEC),
      deps.random ?? Math.random,
    );
    this.bfd = spec.bfd && deps.bfd ? deps.bfd(spec, () => this.feed({ type: 'bfdDown' }), onChange) : undefined;
    this.feed({ type: 'start' });
  }

  setRoutes(routes: readonly Route[]): void {
    this.desired = routes;
    if (this.rib && this.establishedConn !== undefined) this.sendUpdates(this.rib.setRoutes(routes));
  }

  status(): PeerStatus {
    return {
      state: this.session.state,
      ...(this.lastDown !== undefined ? { lastDown: this.lastDown } : {}),
      families: this.negotiated?.families ?? [],
      prefixesAdvertised: this.rib?.size ?? 0,
      updatesSent: this.updatesSent,
      updatesReceived: this.updatesReceived,
      ...(this.bfd ? { bfd: this.bfd.state() } : {}),
    };
  }

  /** A connection the peer opened (the listener matched its address to this peer). */
  accept(stream: BgpStream): void {
    if (this.closed) {
      stream.destroy();
      return;
    }
    this.acceptedStream = stream;
    this.feed({ type: 'tcpAccepted' });
    // The session refused it (idle hold, or already closing): no `accepted` action took it.
    if (this.acceptedStream === stream) {
      this.acceptedStream = undefined;
      stream.destroy();
    }
  }

  async close(graceful: boolean): Promise<void> {
    if (this.closed) {
      await Promise.all(this.closing);
      return;
    }
    this.deps.onClosing?.();
    this.feed(graceful ? { type: 'stop', graceful: true } : { type: 'stop' });
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    // For graceful restart BFD must outlive the TCP session: a router that sees BFD go down while the session is
    // still up takes it for this node's failure and drops the routes graceful restart should keep (FRR did, one
    // restart in two). Once the router has closed its side too it is restarting the session, so BFD ends after.
    if (!graceful) this.bfd?.close();
    for (const [id, c] of this.conns) this.dropConnection(id, c, true);
    await Promise.all(this.closing);
    if (graceful) this.bfd?.close();
  }

  private codecOptions(): CodecOptions {
    return this.negotiated ?? DEFAULT_CODEC_OPTIONS;
  }

  private feed(event: SessionEvent): void {
    if (this.closed) return;
    const before = this.session.state;
    this.run(this.session.handle(event, this.clock.now()));
    this.afterStep(before);
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.closed) return;
    const before = this.session.state;
    this.run(this.session.tick(this.clock.now()));
    this.afterStep(before);
  }

  private afterStep(before: string): void {
    this.schedule();
    const now = this.session.state;
    if (now !== before) {
      this.deps.log?.({ peer: this.spec.name, from: before, to: now }, 'BGP session state changed');
      if (now === 'established') this.tellWhenSent();
      else if (tellsTheMode(before, now)) this.onChange();
    }
  }

  /**
   * The mode hears of Established once the whole table has left for the kernel: the plan it runs then (a second or
   * so at 10,000 Services) would otherwise hold the rest of the table in Node's buffer while it runs.
   */
  private tellWhenSent(): void {
    const stream = this.establishedConn === undefined ? undefined : this.conns.get(this.establishedConn)?.stream;
    if (stream?.once && stream.writableNeedDrain === true) {
      stream.once('drain', () => {
        if (!this.closed) this.onChange();
      });
      return;
    }
    this.onChange();
  }

  private schedule(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const at = this.session.nextDeadline();
    if (at === undefined || this.closed) return;
    const t = this.clock.setTimeout(() => this.onTimer(), Math.max(0, at - this.clock.now()));
    t.unref?.();
    this.timer = t;
  }

  private run(actions: readonly SessionAction[]): void {
    for (const a of actions) this.act(a);
  }

  private act(a: SessionAction): void {
    switch (a.type) {
      case 'connect':
        this.dial(a.conn);
        return;
      case 'accepted': {
        const stream = this.acceptedStream;
        this.acceptedStream = undefined;
        if (stream) this.attach(a.conn, { splitter: createFrameSplitter(), abort: new AbortController() }, stream);
        return;
      }
      case 'send':
        this.write(a.conn, a.message);
        return;
      case 'close': {
        const c = this.conns.get(a.conn);
        if (c) this.dropConnection(a.conn, c, true);
        return;
      }
      case 'established':
        this.establish(a.conn, a.negotiated);
        return;
      case 'down':
        this.lastDown = downReasonText(a.reason);
        this.deps.log?.({ peer: this.spec.name, reason: this.lastDown }, 'BGP session down');
        this.rib = undefined;
        this.negotiated = undefined;
        this.establishedConn = undefined;
        return;
      case 'updateReceived':
        this.updatesReceived++;
        return;
      case 'routeRefreshRequested':
        // RFC 2918: send the whole Adj-RIB-Out again (for every family: re-announcing a route changes nothing).
        if (this.rib) this.sendUpdates(this.rib.all());
        return;
    }
  }

  private establish(conn: ConnectionId, negotiated: Negotiated): void {
    this.negotiated = negotiated;
    this.establishedConn = conn;
    this.rib = createAdjRibOut({
      ...negotiated,
      localAs: this.spec.localAs,
      ibgp: this.spec.localAs === this.spec.peerAs,
      families: negotiated.families,
      ipv4InClassicNlri: true,
    });
    this.sendUpdates(this.rib.setRoutes(this.desired));
    for (const family of negotiated.families) this.sendUpdates([endOfRib(family)]);
  }

  private sendUpdates(updates: readonly UpdateMessage[]): void {
    if (this.establishedConn === undefined) return;
    for (const u of updates) this.write(this.establishedConn, u);
  }

  private write(conn: ConnectionId, message: BgpMessage): void {
    const stream = this.conns.get(conn)?.stream;
    if (!stream) return;
    stream.write(encodeMessage(message, this.codecOptions()));
    if (message.type === 'update') this.updatesSent++;
  }

  private dial(conn: ConnectionId): void {
    const c: Connection = { splitter: createFrameSplitter(), abort: new AbortController() };
    this.conns.set(conn, c);
    let dialling: Promise<BgpStream>;
    try {
      dialling = this.deps.dial(this.spec, c.abort.signal);
    } catch (err) {
      // A dialler that throws (a bad option) fails this dial, to be retried: it must not throw out of the FSM's step.
      dialling = Promise.reject(err);
    }
    dialling.then(
      (stream) => {
        if (this.conns.get(conn) !== c || this.closed) {
          stream.destroy();
          return;
        }
        this.attach(conn, c, stream);
        this.feed({ type: 'tcpConnected', conn });
      },
      (err: unknown) => {
        if (this.conns.get(conn) !== c) return;
        this.conns.delete(conn);
        this.deps.log?.(
          { peer: this.spec.name, peerAddress: formatIP(this.spec.peerAddress), error: String(err) },
          'BGP connect failed',
        );
        this.feed({ type: 'tcpFailed', conn });
      },
    );
  }

  private attach(conn: ConnectionId, c: Connection, stream: BgpStream): void {
    c.stream = stream;
    this.conns.set(conn, c);
    stream.on('data', (chunk) => this.receive(conn, c, chunk));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (this.conns.get(conn) !== c) return;
      this.conns.delete(conn);
      this.feed({ type: 'tcpClosed', conn });
    });
  }

  private receive(conn: ConnectionId, c: Connection, chunk: Uint8Array): void {
    if (this.conns.get(conn) !== c) return;
    c.splitter.push(chunk);
    for (;;) {
      if (this.conns.get(conn) !== c) return;
      const opts = this.codecOptions();
      const frame = c.splitter.next(opts);
      if (!frame) return;
      if (!frame.ok) {
        this.feed({ type: 'decodeError', conn, notification: frame.notification });
        return;
      }
      const decoded = decodeMessage(frame.frame, opts);
      if (decoded.ok === true) this.feed({ type: 'message', conn, message: decoded.message });
      else if (decoded.ok === false) this.feed({ type: 'decodeError', conn, notification: decoded.notification });
    }
  }

  /** Forgets the connection; `flush` sends what was written (a NOTIFICATION) before closing. */
  private dropConnection(conn: ConnectionId, c: Connection, flush: boolean): void {
    this.conns.delete(conn);
    c.abort.abort();
    const stream = c.stream;
    if (!stream) return;
    const closed = new Promise<void>((resolve) => {
      // A peer that never reads must not hold the close forever.
      const t = this.clock.setTimeout(() => {
        stream.destroy();
        resolve();
      }, 1000);
      t.unref?.();
      stream.on('close', () => {
        this.clock.clearTimeout(t);
        resolve();
      });
      if (flush) stream.end();
      else stream.destroy();
    });
    this.closing.add(closed);
    void closed.then(() => this.closing.delete(closed));
  }
}
