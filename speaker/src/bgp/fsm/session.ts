/**
 * One BGP session to one peer (RFC 4271 section 8), pure: `handle` and `tick` take the time and return what the
 * edge must do. The session owns every TCP connection to the peer by id: the one it dials, the ones the peer dials
 * in, and resolves collisions between them (RFC 4271 6.8) when an OPEN arrives, so at most one becomes Established.
 *
 * Failures are of two kinds. A connection that never got past TCP (or closed in OpenSent) is retried with the
 * connect retry backoff, in Active. A protocol error (a NOTIFICATION either way, a hold timer, a closed session in
 * OpenConfirm or Established, BFD) sends the session to Idle for an idle hold that grows while errors repeat
 * (DampPeerOscillations); the peer's connections are refused meanwhile.
 */
import type { BgpMessage, NotificationMessage, OpenMessage } from '../codec/types';
import { connectRetryDelayMs, DEFAULT_CONNECT_RETRY_MS, idleHoldMs, STABLE_SESSION_MS } from './backoff';
import { buildOpen, keepOurConnection, negotiate, openErrorCode } from './negotiate';
import { CeaseSubcode, ErrorCode, notification } from '../codec';
import { cease, fsmErrorSubcode, shutdownText } from './notifications';
import { Deadlines, OPEN_SENT_HOLD_SEC } from './timers';
import type {
  ConnectionId,
  DownReason,
  Negotiated,
  SessionAction,
  SessionConfig,
  SessionEvent,
  SessionState,
} from './types';

type ConnectionState = 'connect' | 'openSent' | 'openConfirm' | 'established';

interface Connection {
  readonly id: ConnectionId;
  /** Who dialled: decides collisions. */
  readonly dialled: boolean;
  state: ConnectionState;
  negotiated?: Negotiated;
}

type TimerKey = 'connectRetry' | 'idleHold' | `hold/${number}` | `keepalive/${number}`;

const RANK: Record<ConnectionState, number> = { connect: 1, openSent: 2, openConfirm: 3, established: 4 };

export class Session {
  private started = false;
  private idleHold = false;
  private readonly conns = new Map<ConnectionId, Connection>();
  private readonly timers = new Deadlines<TimerKey>();
  private nextId = 1;
  /** Dials since the last Established session: the connect retry backoff's exponent. */
  private dials = 0;
  /** Protocol errors in a row without a stable session: the idle hold's exponent. */
  private errors = 0;
  private establishedAt = 0;
  private readonly open: OpenMessage;

  constructor(
    private readonly config: SessionConfig,
    /** Uniform in [0, 1), like Math.random: the connect retry jitter. */
    private readonly random: () => number,
  ) {
    this.open = buildOpen(config);
  }

  /** The RFC 4271 state: the most advanced connection's, Active when waiting for one, Idle when stopped or holding. */
  get state(): SessionState {
    if (!this.started || this.idleHold) return 'idle';
    let best: ConnectionState | undefined;
    for (const c of this.conns.values()) if (best === undefined || RANK[c.state] > RANK[best]) best = c.state;
    return best ?? 'active';
  }

  /** What the Established connection negotiated, or undefined when none is Established. */
  get negotiated(): Negotiated | undefined {
    return this.establishedConnection()?.negotiated;
  }

  /** When `tick` should be called next; undefined when no timer is armed (stopped, or passive and waiting). */
  nextDeadline(): number | undefined {
    return this.timers.next();
  }

  handle(event: SessionEvent, nowMs: number): SessionAction[] {
    const out: SessionAction[] = [];
    switch (event.type) {
      case 'start':
        if (!this.started) {
          this.started = true;
          this.dials = 0;
          this.errors = 0;
          this.run(nowMs, out);
        }
        break;
      case 'stop':
        this.stop(event, out);
        break;
      case 'tcpConnected': {
        const c = this.conns.get(event.conn);
        if (c?.state === 'connect') {
          this.timers.clear('connectRetry');
          this.sendOpen(c, nowMs, out);
        }
        break;
      }
      case 'tcpAccepted':
        this.accept(nowMs, out);
        break;
      case 'tcpFailed': {
        const c = this.conns.get(event.conn);
        if (c?.state === 'connect') this.lose(c, { kind: 'connectFailed' }, false, nowMs, out);
        break;
      }
      case 'tcpClosed': {
        const c = this.conns.get(event.conn);
        if (c !== undefined && c.state !== 'connect') {
          this.lose(c, { kind: 'tcpClosed', state: c.state }, c.state !== 'openSent', nowMs, out);
        }
        break;
      }
      case 'message': {
        const c = this.conns.get(event.conn);
        if (c !== undefined && c.state !== 'connect') this.receive(c, event.message, nowMs, out);
        break;
      }
      case 'decodeError': {
        const c = this.conns.get(event.conn);
        if (c !== undefined && c.state !== 'connect') {
          const { code, subcode } = event.notification;
          this.fail(c, event.notification, { kind: 'decodeError', notification: { code, subcode } }, nowMs, out);
        }
        break;
      }
      case 'bfdDown': {
        const c = this.establishedConnection();
        // BFD only guards an Established session (RFC 5882); before that the OPEN exchange has its own hold timer.
        if (c !== undefined) this.fail(c, cease(CeaseSubcode.bfdDown), { kind: 'bfdDown' }, nowMs, out);
        break;
      }
    }
    return out;
  }

  /** Fires every timer due at `nowMs`, earliest first. */
  tick(nowMs: number): SessionAction[] {
    const out: SessionAction[] = [];
    for (let key = this.timers.popDue(nowMs); key !== undefined; key = this.timers.popDue(nowMs)) {
      this.fire(key, nowMs, out);
    }
    return out;
  }

  private fire(key: TimerKey, nowMs: number, out: SessionAction[]): void {
    if (key === 'idleHold') {
      this.idleHold = false;
      this.run(nowMs, out);
      return;
    }
    if (key === 'connectRetry') {
      const dial = [...this.conns.values()].find((c) => c.dialled && c.state === 'connect');
      if (dial !== undefined) {
        this.conns.delete(dial.id);
        out.push({ type: 'close', conn: dial.id });
        if (this.conns.size === 0)
          out.push({ type: 'down', reason: { kind: 'connectTimeout' }, wasEstablished: false });
      }
      // A connection past TCP already (the peer dialled in) needs no second one.
      if (this.conns.size === 0) this.dial(nowMs, out);
      return;
    }
    const [kind, id] = key.split('/');
    const c = this.conns.get(Number(id));
    if (c === undefined) return;
    if (kind === 'hold') {
      this.fail(
        c,
        notification(ErrorCode.holdTimerExpired, 0),
        { kind: 'holdTimerExpired', state: c.state },
        nowMs,
        out,
      );
    } else {
      out.push({ type: 'send', conn: c.id, message: { type: 'keepalive' } });
      this.armKeepalive(c, nowMs);
    }
  }

  /** Leaves Idle: dial, or wait for the peer in Active when passive. */
  private run(nowMs: number, out: SessionAction[]): void {
    if (!this.config.passive) this.dial(nowMs, out);
  }

  private dial(nowMs: number, out: SessionAction[]): void {
    const c: Connection = { id: this.nextId++, dialled: true, state: 'connect' };
    this.conns.set(c.id, c);
    this.timers.set('connectRetry', nowMs + this.retryDelay(this.dials++));
    out.push({ type: 'connect', conn: c.id });
  }

  private retryDelay(attempt: number): number {
    const first =
      this.config.connectRetrySec === undefined ? DEFAULT_CONNECT_RETRY_MS : this.config.connectRetrySec * 1000;
    return connectRetryDelayMs(attempt, first, this.random);
  }

  private accept(nowMs: number, out: SessionAction[]): void {
    const c: Connection = { id: this.nextId++, dialled: false, state: 'connect' };
    out.push({ type: 'accepted', conn: c.id });
    if (!this.started || this.idleHold) {
      out.push({ type: 'close', conn: c.id });
      return;
    }
    // A peer dials in again when it gave up on its earlier connection: that one is dead, replace it.
    for (const old of [...this.conns.values()]) {
      if (!old.dialled && old.state !== 'established')
        this.drop(old, cease(CeaseSubcode.connectionCollisionResolution), out);
    }
    this.conns.set(c.id, c);
    this.sendOpen(c, nowMs, out);
  }

  private sendOpen(c: Connection, nowMs: number, out: SessionAction[]): void {
    c.state = 'openSent';
    out.push({ type: 'send', conn: c.id, message: this.open });
    this.timers.set(`hold/${c.id}`, nowMs + OPEN_SENT_HOLD_SEC * 1000);
  }

  private receive(c: Connection, message: BgpMessage, nowMs: number, out: SessionAction[]): void {
    if (message.type === 'notification') {
      const text = shutdownText(message);
      const reason: DownReason = {
        kind: 'notificationReceived',
        notification: { code: message.code, subcode: message.subcode },
        ...(text === undefined ? {} : { shutdownText: text }),
      };
      this.lose(c, reason, true, nowMs, out);
      return;
    }
    if (c.state === 'openSent' && message.type === 'open') {
      this.receiveOpen(c, message, nowMs, out);
      return;
    }
    if (c.state === 'openConfirm' && message.type === 'keepalive') {
      this.establish(c, nowMs, out);
      return;
    }
    if (c.state === 'established' && message.type !== 'open') {
      this.armHold(c, nowMs);
      if (message.type === 'update') out.push({ type: 'updateReceived', update: message });
      const n = c.negotiated;
      // RFC 2918: a request for a family not negotiated is ignored; RFC 7313 subtypes 1 and 2 are markers, not requests.
      if (
        message.type === 'routeRefresh' &&
        message.subtype === 0 &&
        n?.routeRefresh &&
        n.families.includes(message.family)
      ) {
        out.push({ type: 'routeRefreshRequested', family: message.family });
      }
      return;
    }
    const reason: DownReason = { kind: 'unexpectedMessage', state: c.state, messageType: message.type };
    this.fail(c, notification(ErrorCode.fsm, fsmErrorSubcode(c.state)), reason, nowMs, out);
  }

  private receiveOpen(c: Connection, open: OpenMessage, nowMs: number, out: SessionAction[]): void {
    const result = negotiate(this.config, open);
    if (!result.ok) {
      const { code, subcode } = openErrorCode(result.error);
      this.fail(c, notification(code, subcode), { kind: 'openRejected', error: result.error }, nowMs, out);
      return;
    }
    for (const other of [...this.conns.values()]) {
      if (other === c || other.state === 'connect') continue;
      if (other.state === 'established') {
        if (other.negotiated?.peerGracefulRestart !== undefined) {
          // RFC 4724 4.2: the peer restarted and is back; its old session is gone, without a NOTIFICATION.
          this.conns.delete(other.id);
          this.clearConnectionTimers(other.id);
          out.push({ type: 'close', conn: other.id });
          out.push({ type: 'down', reason: { kind: 'peerRestarted' }, wasEstablished: true });
          continue;
        }
        // RFC 4271 6.8: a collision with an Established session closes the new connection.
        this.drop(c, cease(CeaseSubcode.connectionCollisionResolution), out);
        return;
      }
      const ourWins = keepOurConnection(
        this.config.routerId,
        open.bgpId,
        this.config.localAs,
        result.negotiated.peerAs,
      );
      if (c.dialled === ourWins) {
        this.drop(other, cease(CeaseSubcode.connectionCollisionResolution), out);
      } else {
        this.drop(c, cease(CeaseSubcode.connectionCollisionResolution), out);
        return;
      }
    }
    c.state = 'openConfirm';
    c.negotiated = result.negotiated;
    out.push({ type: 'send', conn: c.id, message: { type: 'keepalive' } });
    this.armHold(c, nowMs);
    this.armKeepalive(c, nowMs);
  }

  private establish(c: Connection, nowMs: number, out: SessionAction[]): void {
    c.state = 'established';
    this.armHold(c, nowMs);
    for (const other of [...this.conns.values()]) {
      if (other === c) continue;
      if (other.state === 'connect') {
        this.conns.delete(other.id);
        out.push({ type: 'close', conn: other.id });
      } else {
        this.drop(other, cease(CeaseSubcode.connectionCollisionResolution), out);
      }
    }
    this.timers.clear('connectRetry');
    this.dials = 0;
    this.establishedAt = nowMs;
    out.push({ type: 'established', conn: c.id, negotiated: c.negotiated as Negotiated });
  }

  private armHold(c: Connection, nowMs: number): void {
    const hold = c.negotiated?.holdTimeSec ?? 0;
    if (hold > 0) this.timers.set(`hold/${c.id}`, nowMs + hold * 1000);
    else this.timers.clear(`hold/${c.id}`);
  }

  private armKeepalive(c: Connection, nowMs: number): void {
    const ka = c.negotiated?.keepaliveSec ?? 0;
    if (ka > 0) this.timers.set(`keepalive/${c.id}`, nowMs + ka * 1000);
  }

  private clearConnectionTimers(id: ConnectionId): void {
    this.timers.clear(`hold/${id}`);
    this.timers.clear(`keepalive/${id}`);
  }

  private establishedConnection(): Connection | undefined {
    return [...this.conns.values()].find((c) => c.state === 'established');
  }

  /** Closes one connection quietly (after `n`): the session goes on with the others. */
  private drop(c: Connection, n: NotificationMessage, out: SessionAction[]): void {
    this.conns.delete(c.id);
    this.clearConnectionTimers(c.id);
    out.push({ type: 'send', conn: c.id, message: n }, { type: 'close', conn: c.id });
  }

  /** A protocol error on `c`: send `n`, close, and go down. */
  private fail(c: Connection, n: NotificationMessage, reason: DownReason, nowMs: number, out: SessionAction[]): void {
    out.push({ type: 'send', conn: c.id, message: n });
    this.lose(c, reason, true, nowMs, out);
  }

  /**
   * `c` is gone (closed here). The session goes down when it was the Established one or the last one; `protocol`
   * errors then hold in Idle, others retry from Active.
   */
  private lose(c: Connection, reason: DownReason, protocol: boolean, nowMs: number, out: SessionAction[]): void {
    const wasEstablished = c.state === 'established';
    this.conns.delete(c.id);
    this.clearConnectionTimers(c.id);
    out.push({ type: 'close', conn: c.id });
    if (!wasEstablished && this.conns.size > 0) return;
    if (protocol) {
      for (const other of [...this.conns.values()]) {
        this.conns.delete(other.id);
        this.clearConnectionTimers(other.id);
        out.push({ type: 'close', conn: other.id });
      }
    }
    out.push({ type: 'down', reason, wasEstablished });
    if (protocol) {
      if (wasEstablished && nowMs - this.establishedAt >= STABLE_SESSION_MS) this.errors = 0;
      this.errors++;
      this.idleHold = true;
      this.timers.clear('connectRetry');
      this.timers.set('idleHold', nowMs + idleHoldMs(this.errors));
    } else if (!this.config.passive && !this.timers.has('connectRetry')) {
      this.timers.set('connectRetry', nowMs + this.retryDelay(this.dials));
    }
  }

  private stop(event: Extract<SessionEvent, { type: 'stop' }>, out: SessionAction[]): void {
    if (!this.started) return;
    const wasEstablished = this.establishedConnection() !== undefined;
    const subcode = event.subcode ?? CeaseSubcode.administrativeShutdown;
    for (const c of this.conns.values()) {
      if (!event.graceful && c.state !== 'connect') {
        out.push({ type: 'send', conn: c.id, message: cease(subcode, event.shutdownText) });
      }
      out.push({ type: 'close', conn: c.id });
    }
    this.conns.clear();
    this.timers.clearAll();
    this.started = false;
    this.idleHold = false;
    const reason: DownReason = {
      kind: 'stopped',
      graceful: event.graceful === true,
      subcode,
      ...(event.shutdownText === undefined ? {} : { shutdownText: event.shutdownText }),
    };
    out.push({ type: 'down', reason, wasEstablished });
  }
}
