/**
 * The heartbeat edge: UDP sockets on the node's address, a timer that sends this speaker's heartbeat to every peer
 * and re-evaluates liveness, and a receive path that decodes defensively and feeds the pure Membership. Nothing a
 * peer or a stranger sends can throw here: bad datagrams and failed sends are counted, because a speaker that
 * crashed on a stray packet would hand over every IP it holds.
 *
 * Time is the StallClock's: the raw monotonic clock less the stretches this process did not run, so that a frozen
 * or starved speaker does not take the heartbeats queued on its socket for its peers' silence; and every judgement
 * of liveness waits for the socket to be read first (a tick judges on setImmediate, after the loop's next poll).
 *
 * Heartbeats leave from one connected UDP socket per peer (an ephemeral port on the node's address): when a peer's
 * process is gone its kernel answers with ICMP port unreachable, which a connected socket reports as ECONNREFUSED,
 * and the peer is dead after refusedAfterMs instead of deadAfterMs of silence. A frozen process's port stays open,
 * so it gets the longer bound. Until a peer's socket is connected, and if it cannot be, the listening socket sends.
 *
 * Every heartbeat is signed with the cluster's heartbeat key (HMAC-SHA256, codec.ts) and checked against the
 * accepted keys (two during a rotation; setKeys changes them at run time). A datagram with a wrong MAC, a replayed or
 * otherwise stale one, one from a node that is not a peer or bearing this node's name is dropped, counted by reason
 * (onRejected: the metric), and logged at most once per sender address and minute (RejectLog).
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { decodeHeartbeat, encodeHeartbeat, type RejectReason } from './codec';
import { nextSequence } from './heartbeat';
import { Membership, type HeartbeatVerdict, type MembershipChange } from './membership';
import { RejectLog } from './rejectLog';
import { StallClock } from './stall';
import { membershipTiming, type MembershipTiming } from './timing';

const freshEpoch = (): string => randomBytes(8).toString('hex');

/** MetalLB's memberlist port, so existing firewall rules for a MetalLB cluster fit. */
export const DEFAULT_PORT = 7946;
/** A graceful stop sends its leave this many times, LEAVE_GAP_MS apart, so one lost datagram does not lose it. */
const LEAVE_COPIES = 3;
const LEAVE_GAP_MS = 10;

/** Milliseconds since the epoch that never step (NTP can move Date.now() back or forward; this only drifts). */
export function monotonicClock(): () => number {
  const origin = Date.now() - performance.now();
  return () => origin + performance.now();
}

export interface PeerAddress {
  readonly node: string;
  readonly address: string;
  /** Defaults to this speaker's configured port. */
  readonly port?: number;
}

/** The keys heartbeats are signed with and checked against. */
export interface HeartbeatKeys {
  readonly sign: Uint8Array;
  /** Every key a heartbeat may be signed with: the signing one, and during a rotation one more. */
  readonly accept: readonly Uint8Array[];
}

/** Why a datagram on the heartbeat port was dropped: the `reason` of the rejection metric. */
export type RejectedReason = 'malformed' | 'badSignature' | 'replayed' | 'unknownNode' | 'ownName';
export const REJECTED_REASONS: readonly RejectedReason[] = [
  'malformed',
  'badSignature',
  'replayed',
  'unknownNode',
  'ownName',
];

export interface UdpMembershipOptions {
  readonly self: string;
  readonly keys: HeartbeatKeys;
  /** The node's address(es) to bind: one socket each, udp4 or udp6 by the address's family. */
  readonly addresses: readonly string[];
  /** Defaults to 7946; 0 picks a free port per socket (tests). */
  readonly port?: number;
  readonly timing?: Partial<MembershipTiming>;
  readonly clock?: () => number;
  /** Defaults to the wall clock at start, so a restart has a larger one. */
  readonly incarnation?: number;
  /** 16 hex digits; defaults to random. */
  readonly epoch?: string;
  readonly onChange?: (change: MembershipChange) => void;
  readonly onWarning?: (message: string) => void;
  /** Every dropped datagram, by reason. */
  readonly onRejected?: (reason: RejectedReason) => void;
  /** This process did not run for `ms` (beyond a tick): that time is not counted as anyone's silence. */
  readonly onStall?: (ms: number) => void;
}

export type Counter =
  | 'sent'
  | 'sendErrors'
  | 'noSocketForFamily'
  | 'received'
  | 'socketErrors'
  | 'refused'
  | `rejected.${RejectReason}`
  | `heartbeat.${HeartbeatVerdict}`;

interface Bound {
  readonly socket: dgram.Socket;
  readonly family: 4 | 6;
}

/** The socket heartbeats to one peer leave from, connected to it so that its kernel's refusals reach us. */
interface PeerLink {
  readonly node: string;
  readonly address: string;
  readonly port: number;
  readonly socket?: dgram.Socket;
  connected: boolean;
  closed: boolean;
}

function bind(address: string, port: number): Promise<Bound> {
  const family = isIP(address);
  if (family !== 4 && family !== 6) return Promise.reject(new TypeError(`not an IP address: ${address}`));
  const socket = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve({ socket, family });
    });
  });
}

export class UdpMembership {
  readonly membership: Membership;
  /** Where the sockets listen (the port matters when 0 was asked for); still readable after close. */
  readonly bound: readonly { readonly address: string; readonly port: number }[];
  private readonly counts = new Map<Counter, number>();
  private readonly warned = new Set<string>();
  private readonly rejectLog = new RejectLog();
  private peers: readonly PeerAddress[] = [];
  private sequence: { incarnation: number; epoch: string; seq: number };
  private keys: HeartbeatKeys;
  private readonly links = new Map<string, PeerLink>();
  private readonly stall: StallClock;
  private readonly port: number;
  /** Whether setPeers has been called (the daemon's node list has arrived). */
  private peersKnown = false;
  private sendTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly options: UdpMembershipOptions,
    private readonly sockets: readonly Bound[],
    private readonly raw: () => number,
  ) {
    const timing = membershipTiming(options.timing);
    this.stall = new StallClock(timing.tickMs, raw());
    this.port = options.port ?? DEFAULT_PORT;
    this.membership = new Membership(options.self, this.clock(), timing);
    this.sequence = { incarnation: options.incarnation ?? Date.now(), epoch: options.epoch ?? freshEpoch(), seq: 0 };
    this.keys = options.keys;
    this.bound = sockets.map(({ socket }) => ({ address: socket.address().address, port: socket.address().port }));
    for (const { socket } of sockets) {
      socket.on('message', (msg, from) => this.receive(msg, from.address));
      socket.on('error', (err) => this.count('socketErrors', `socket error: ${err.message}`));
    }
  }

  /** Binds every address (all or none), then heartbeats every intervalMs and ticks every tickMs until leave()/close(). */
  static async start(options: UdpMembershipOptions): Promise<UdpMembership> {
    membershipTiming(options.timing); // throws on bad timing before any socket is bound
    const port = options.port ?? DEFAULT_PORT;
    const results = await Promise.allSettled(options.addresses.map((a) => bind(a, port)));
    const bound = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined || bound.length === 0) {
      for (const b of bound) b.socket.close();
      const reason: unknown = failed?.reason ?? new RangeError('UdpMembership needs at least one address');
      throw reason instanceof Error ? reason : new Error(String(reason));
    }
    const m = new UdpMembership(options, bound, options.clock ?? monotonicClock());
    m.sendTimer = setInterval(() => void m.sendAll(false), m.membership.timing.intervalMs);
    m.tickTimer = setInterval(() => m.tick(), m.membership.timing.tickMs);
    return m;
  }

  /** Every other speaker, with the address its heartbeats go to. */
  setPeers(peers: readonly PeerAddress[]): void {
    this.peersKnown = true;
    this.peers = peers.filter((p) => p.node !== this.options.self);
    const want = new Map(this.peers.map((p) => [p.node, p]));
    for (const [node, link] of this.links) {
      const p = want.get(node);
      if (p === undefined || p.address !== link.address || (p.port ?? this.port) !== link.port) {
        this.closeLink(link);
        this.links.delete(node);
      }
    }
    if (!this.closed) for (const p of this.peers) if (!this.links.has(p.node)) this.links.set(p.node, this.link(p));
    this.membership.setPeers(
      this.peers.map((p) => p.node),
      this.clock(),
    );
    this.report();
  }

  leaseObserved(node: string, renewTime: number): void {
    this.membership.leaseObserved(node, renewTime, this.clock());
    this.report();
  }

  leaseDeleted(node: string): void {
    this.membership.leaseDeleted(node);
    this.report();
  }

  alive(): Set<string> {
    return this.membership.alive(this.clock());
  }

  /** The nodes that may own IPs: alive, and ready by their heartbeats (this one once markReady was called). */
  eligible(): Set<string> {
    return this.membership.eligible(this.clock());
  }

  /** Peers alive but not ready yet: speakers starting. */
  starting(): Set<string> {
    const now = this.clock();
    const eligible = this.membership.eligible(now);
    const out = new Set<string>();
    for (const node of this.membership.alive(now)) if (node !== this.options.self && !eligible.has(node)) out.add(node);
    return out;
  }

  /**
   * This speaker has planned with every list synced and may own IPs from now on: its heartbeats say so, the first at
   * once rather than at the next round, so peers hand its IPs back without waiting.
   */
  markReady(): void {
    if (this.closed || this.membership.ready) return;
    this.membership.setReady(true);
    void this.sendAll(false);
    this.report();
  }

  /** A rotation: from now on heartbeats are signed with `keys.sign` and accepted with any of `keys.accept`. */
  setKeys(keys: HeartbeatKeys): void {
    this.keys = keys;
  }

  counters(): Readonly<Partial<Record<Counter, number>>> {
    return Object.fromEntries(this.counts);
  }

  /** A graceful stop: tells every peer this node is leaving, then closes. The daemon stops renewing its Lease first. */
  async leave(): Promise<void> {
    if (this.closed) return;
    this.stopTimers();
    for (let i = 0; i < LEAVE_COPIES; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, LEAVE_GAP_MS));
      await this.sendAll(true);
    }
    await this.close();
  }

  /** Stops without a word, as a killed speaker would: peers notice by silence. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    for (const link of this.links.values()) this.closeLink(link);
    this.links.clear();
    await Promise.all(this.sockets.map(({ socket }) => new Promise<void>((r) => socket.close(() => r()))));
  }

  /** The running time: see StallClock. Every reading is also evidence that the loop runs. */
  private clock(): number {
    const before = this.stall.stalledMs;
    const now = this.stall.observe(this.raw());
    if (this.stall.stalledMs > before) this.options.onStall?.(this.stall.stalledMs - before);
    return now;
  }

  private stopTimers(): void {
    if (this.sendTimer !== undefined) clearInterval(this.sendTimer);
    if (this.tickTimer !== undefined) clearInterval(this.tickTimer);
    this.sendTimer = this.tickTimer = undefined;
  }

  /** Judges liveness after the socket has been read: a tick that ran late must not beat the queued heartbeats. */
  private tick(): void {
    this.clock();
    setImmediate(() => this.report());
  }

  private link(peer: PeerAddress): PeerLink {
    const family = isIP(peer.address);
    const local = this.sockets.find((s) => s.family === family);
    const base = {
      node: peer.node,
      address: peer.address,
      port: peer.port ?? this.port,
      connected: false,
      closed: false,
    };
    if (local === undefined) return base;
    const socket = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    const link: PeerLink = { ...base, socket };
    socket.on('error', (err: NodeJS.ErrnoException) => this.linkError(link, err));
    socket.on('message', (msg, from) => this.receive(msg, from.address));
    socket.bind(0, local.socket.address().address, () => {
      if (link.closed) return;
      socket.connect(link.port, link.address, () => {
        if (!link.closed) link.connected = true;
      });
    });
    return link;
  }

  private closeLink(link: PeerLink): void {
    if (link.closed) return;
    link.closed = true;
    link.connected = false;
    try {
      link.socket?.close();
    } catch {
      // Already closed (a bind that failed closes it).
    }
  }

  /** ECONNREFUSED: the peer's kernel said nobody listens on its heartbeat port. Anything else is counted. */
  private linkError(link: PeerLink, err: NodeJS.ErrnoException): void {
    if (this.closed || link.closed) return;
    if (err.code === 'ECONNREFUSED') {
      this.bump('refused');
      this.membership.refused(link.node, this.clock());
      return;
    }
    this.count('socketErrors', `heartbeat socket to ${link.node} (${link.address}): ${err.message}`);
  }

  private receive(msg: Buffer, sender: string): void {
    if (this.closed) return;
    this.bump('received');
    const decoded = decodeHeartbeat(msg, this.keys.accept);
    if (!decoded.ok) {
      this.bump(`rejected.${decoded.reason}`);
      return this.rejected(decoded.reason === 'signature' ? 'badSignature' : 'malformed', sender);
    }
    const verdict = this.membership.heartbeat(decoded.heartbeat, this.clock());
    this.bump(`heartbeat.${verdict}`);
    if (verdict === 'stale') this.rejected('replayed', sender);
    else if (verdict === 'unknown') this.rejected('unknownNode', sender);
    else if (verdict === 'self') this.rejected('ownName', sender);
    // A join or a leave takes effect now, not at the next tick.
    else this.report();
  }

  /** Counts a dropped datagram, and logs its sender at most once a minute. */
  private rejected(reason: RejectedReason, sender: string): void {
    this.options.onRejected?.(reason);
    // Before the node list arrives every peer is unknown: counted, not worth a line at each start.
    if (reason === 'unknownNode' && !this.peersKnown) return;
    const line = this.rejectLog.note(sender, reason, this.clock());
    if (line === undefined) return;
    const counts = Object.entries(line.counts)
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    const hint =
      reason === 'ownName'
        ? ` (a heartbeat carries this node's name, ${this.options.self}: two speakers on it?)`
        : reason === 'badSignature'
          ? ' (not signed with an accepted heartbeat key)'
          : '';
    this.options.onWarning?.(
      `heartbeats from ${sender} dropped: ${counts}${hint}; counted in ironlb_speaker_heartbeats_rejected_total, logged at most once a minute per sender`,
    );
  }

  private sendAll(leaving: boolean): Promise<void> {
    this.sequence = nextSequence(this.sequence, Date.now(), freshEpoch);
    const ready = this.membership.ready;
    const data = encodeHeartbeat({ node: this.options.self, ...this.sequence, leaving, ready }, this.keys.sign);
    const sends = this.peers.map((peer) => {
      const link = this.links.get(peer.node);
      const family = isIP(peer.address);
      const bound = this.sockets.find((s) => s.family === family);
      if (bound === undefined) {
        this.count('noSocketForFamily', `no socket of the family of ${peer.node}'s address ${peer.address}`);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = (err: NodeJS.ErrnoException | null): void => {
          if (err?.code === 'ECONNREFUSED' && link !== undefined) this.linkError(link, err);
          else if (err) this.count('sendErrors', `heartbeat to ${peer.node} (${peer.address}): ${err.message}`);
          else this.bump('sent');
          resolve();
        };
        try {
          if (link?.connected && link.socket) link.socket.send(data, done);
          else bound.socket.send(data, peer.port ?? this.port, peer.address, done);
        } catch (err) {
          // send() throws synchronously on a closed socket, or on a bad port.
          this.count('sendErrors', `heartbeat to ${peer.node}: ${(err as Error).message}`);
          resolve();
        }
      });
    });
    return Promise.all(sends).then(() => undefined);
  }

  private report(): void {
    if (this.closed) return;
    const change = this.membership.tick(this.clock());
    if (change !== undefined) this.options.onChange?.(change);
  }

  private bump(counter: Counter): void {
    this.counts.set(counter, (this.counts.get(counter) ?? 0) + 1);
  }

  /** Counts, and logs the first of each kind: a flood of junk must not become a flood of logs. */
  private count(counter: Counter, message: string): void {
    this.bump(counter);
    if (this.warned.has(counter)) return;
    this.warned.add(counter);
    this.options.onWarning?.(`${message} (further ones counted in ${counter})`);
  }
}
