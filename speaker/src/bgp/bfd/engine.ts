/**
 * Every BFD session of this speaker, pure: sessions by discriminator, the demux of received datagrams (RFC 5880
 * 6.8.6: by Your Discriminator, or when that is 0 by the peer's address; RFC 5881/5883 keep single-hop and multihop
 * apart by port), and one deadline for all timers. The worker (worker.ts) feeds it datagrams and the clock and
 * carries out what it returns; the tests feed it by hand.
 */
import { decodeControl, encodeControl, type BfdState, type DropReason } from './codec';
import { BfdSession, type BfdTimers, type Output, type StateChange } from './session';

export interface EngineSessionSpec extends BfdTimers {
  /** The peer's address, as node:net writes it (no IPv4-mapped IPv6 forms). */
  readonly peerAddress: string;
  /** The local address to send from; absent: the kernel's choice. */
  readonly localAddress?: string;
  readonly multihop: boolean;
  readonly passive: boolean;
  readonly echoMode: boolean;
  /** Multihop: the lowest TTL accepted (single-hop accepts 255 alone, RFC 5881 5). */
  readonly minimumTtl: number;
}

/** The demux's reasons for a datagram no session takes, after the codec's. */
export type DemuxDropReason = 'noSession' | 'wrongPeer' | 'ttl';

export type EngineAction =
  | { readonly kind: 'send'; readonly id: number; readonly bytes: Buffer }
  | {
      readonly kind: 'state';
      readonly id: number;
      readonly change: StateChange;
    }
  | { readonly kind: 'drop'; readonly reason: DropReason | DemuxDropReason; readonly from: string };

export interface SessionInfo {
  readonly id: number;
  readonly state: BfdState;
  readonly diag: number;
  readonly remoteDiscriminator: number;
  readonly txIntervalMs: number;
  readonly detectionTimeMs: number;
  readonly echoRefusal?: string;
}

const peerKey = (address: string, multihop: boolean): string => `${multihop ? 'multihop' : 'single'} ${address}`;

export class BfdEngine {
  private readonly sessions = new Map<number, { spec: EngineSessionSpec; session: BfdSession }>();
  private readonly byPeer = new Map<string, number>();

  /** random: [0, 1), for jitter and discriminators. */
  constructor(private readonly random: () => number) {}

  /** A new session; its id is its local discriminator. Throws when the peer already has one of this kind. */
  add(spec: EngineSessionSpec, now: number): number {
    const key = peerKey(spec.peerAddress, spec.multihop);
    if (this.byPeer.has(key)) throw new Error(`a ${key} BFD session exists already`);
    let id = 0;
    // Discriminators are random (RFC 5880 6.8.1 asks for uniqueness; randomness makes a restarted speaker's
    // packets unlikely to be taken for its old session's).
    while (id === 0 || this.sessions.has(id)) id = 1 + Math.floor(this.random() * 0xfffffffe);
    const session = new BfdSession(
      {
        localDiscriminator: id,
        desiredMinTxMs: spec.desiredMinTxMs,
        requiredMinRxMs: spec.requiredMinRxMs,
        detectMultiplier: spec.detectMultiplier,
        passive: spec.passive,
        echoMode: spec.echoMode,
      },
      this.random,
      now,
    );
    this.sessions.set(id, { spec, session });
    this.byPeer.set(key, id);
    return id;
  }

  /**
   * Ends a session: returns its last packet, AdminDown with diag 7, so the peer takes its session down at once
   * rather than after its detection time (and tells its BGP the difference between a shutdown and a failure).
   */
  remove(id: number, now: number): EngineAction[] {
    const entry = this.sessions.get(id);
    if (!entry) return [];
    const out = this.actions(id, entry.session.setAdminDown(true, now));
    this.sessions.delete(id);
    this.byPeer.delete(peerKey(entry.spec.peerAddress, entry.spec.multihop));
    return out.filter((a) => a.kind === 'send');
  }

  setTimers(id: number, timers: BfdTimers, now: number): EngineAction[] {
    const entry = this.sessions.get(id);
    return entry ? this.actions(id, entry.session.setTimers(timers, now)) : [];
  }

  spec(id: number): EngineSessionSpec | undefined {
    return this.sessions.get(id)?.spec;
  }

  info(id: number): SessionInfo | undefined {
    const s = this.sessions.get(id)?.session;
    if (!s) return undefined;
    return {
      id,
      state: s.state,
      diag: s.diag,
      remoteDiscriminator: s.remoteDiscriminator,
      txIntervalMs: s.txIntervalMs,
      detectionTimeMs: s.detectionTimeMs,
      ...(s.echoRefusal ? { echoRefusal: s.echoRefusal } : {}),
    };
  }

  ids(): number[] {
    return [...this.sessions.keys()];
  }

  /**
   * A datagram from `from` on the single-hop (3784) or multihop (4784) port, with its received TTL / hop limit when
   * the transport can read it (GTSM: single-hop needs 255, RFC 5881 5; multihop the session's minimum, RFC 5883).
   */
  receive(bytes: Uint8Array, from: string, multihop: boolean, now: number, ttl?: number): EngineAction[] {
    const r = decodeControl(bytes);
    if (!r.ok) return [{ kind: 'drop', reason: r.reason, from }];
    const p = r.packet;
    let id: number | undefined;
    if (p.yourDiscriminator !== 0) {
      id = p.yourDiscriminator;
      const spec = this.sessions.get(id)?.spec;
      if (!spec) return [{ kind: 'drop', reason: 'noSession', from }];
      // A discriminator is a session's, not a password: a packet naming it from elsewhere is not the peer's.
      if (spec.peerAddress !== from || spec.multihop !== multihop) return [{ kind: 'drop', reason: 'wrongPeer', from }];
    } else {
      id = this.byPeer.get(peerKey(from, multihop));
      if (id === undefined) return [{ kind: 'drop', reason: 'noSession', from }];
    }
    const entry = this.sessions.get(id);
    if (!entry) return [];
    if (ttl !== undefined && ttl < (multihop ? entry.spec.minimumTtl : 255))
      return [{ kind: 'drop', reason: 'ttl', from }];
    return this.actions(id, entry.session.handle(p, now));
  }

  tick(now: number): EngineAction[] {
    const out: EngineAction[] = [];
    for (const [id, { session }] of this.sessions) {
      if (session.nextDeadline() <= now) out.push(...this.actions(id, session.tick(now)));
    }
    return out;
  }

  nextDeadline(): number {
    let t = Infinity;
    for (const { session } of this.sessions.values()) t = Math.min(t, session.nextDeadline());
    return t;
  }

  private actions(id: number, o: Output): EngineAction[] {
    const out: EngineAction[] = [];
    if (o.stateChange) out.push({ kind: 'state', id, change: o.stateChange });
    if (o.send) out.push({ kind: 'send', id, bytes: encodeControl(o.send) });
    return out;
  }
}
