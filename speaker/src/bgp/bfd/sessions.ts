/**
 * BfdSessions: the speaker's BFD sessions, for the BGP peer edge. add() opens a session to a peer with a
 * BFDProfile's timers and returns a handle whose state the edge follows (a change to Down tears the BGP session
 * down at once); remove() tells the peer AdminDown and ends it.
 *
 * Why a worker thread: BFD's timers are tens of milliseconds (a 100 ms x 3 profile declares a peer dead after 300 ms
 * of silence), and the speaker's main event loop can be busy for 100 ms and more (planning 10k Services). Run there,
 * a busy moment would delay our packets until the router declared us down, and delay our detection. So the sockets,
 * the timers and every session run in one worker thread (node:worker_threads) with its own event loop; the main
 * thread only sends requests and receives state changes. A state change reaches the main thread when its loop is
 * next free, which is as soon as anything there could act on it.
 *
 * If the worker dies, every session is reported Down (diag 0) to its listeners, since no packet is sent any more.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BFDProfile } from '@ironlb/shared/config';
import type { BfdState, DropReason } from './codec';
import type { DemuxDropReason, EngineSessionSpec, SessionInfo } from './engine';
import { isFromWorker, type FromWorker, type ToWorker, type WorkerSetup } from './protocol';
import type { StateChange } from './session';
import type { BfdPorts } from './udp';

export interface BfdPeer {
  readonly peerAddress: string;
  /** The address to send from (BGPPeer.sourceAddress); absent: the kernel's choice. */
  readonly localAddress?: string;
  readonly profile: BFDProfile;
  /** RFC 5883 multihop (port 4784), for an eBGP multihop peer; otherwise single-hop (RFC 5881, port 3784). */
  readonly multihop: boolean;
}

export type StateListener = (change: StateChange, info: SessionInfo) => void;

export interface BfdSessionHandle {
  /** The local discriminator. */
  readonly id: number;
  readonly peerAddress: string;
  readonly state: BfdState;
  readonly diag: number;
  /** The latest known negotiated timers and peer discriminator. */
  readonly info: SessionInfo;
  /** Set when the profile asks for echo mode, which ironlb does not implement: the reason, for an Event. */
  readonly echoRefusal?: string;
  /** Calls `listener` on every state change; returns the unsubscribe. */
  onStateChange(listener: StateListener): () => void;
  /** Asks the worker for the current info (negotiated timers change without a state change); rejects once removed. */
  refresh(): Promise<SessionInfo>;
  /** New timers from a changed BFDProfile (applied with a poll sequence when Up). */
  setProfile(profile: BFDProfile): void;
  remove(): Promise<void>;
}

export interface BfdSessionsOptions {
  /** Defaults: 3784 and 4784. */
  readonly ports?: BfdPorts;
  readonly listenAddress?: { readonly v4?: string; readonly v6?: string };
  /** The compiled worker; default worker.js beside this module (speaker/dist when run from TypeScript). */
  readonly workerPath?: string;
  readonly onError?: (message: string) => void;
  /** Counts of dropped datagrams by reason since start, at most once a second. */
  readonly onDrops?: (counts: Readonly<Partial<Record<DropReason | DemuxDropReason, number>>>) => void;
}

function defaultWorkerPath(): string {
  if (__filename.endsWith('.js')) return path.join(__dirname, 'worker.js');
  // Run from TypeScript source (jest): the worker `tsc -b` compiled.
  return path.resolve(__dirname, '../../../dist/bgp/bfd/worker.js');
}

export function specOf(peer: BfdPeer): EngineSessionSpec {
  const p = peer.profile;
  return {
    peerAddress: peer.peerAddress,
    ...(peer.localAddress !== undefined ? { localAddress: peer.localAddress } : {}),
    multihop: peer.multihop,
    passive: p.passiveMode,
    echoMode: p.echoMode,
    minimumTtl: p.minimumTtl,
    desiredMinTxMs: p.transmitIntervalMs,
    requiredMinRxMs: p.receiveIntervalMs,
    detectMultiplier: p.detectMultiplier,
  };
}

class Handle implements BfdSessionHandle {
  readonly listeners = new Set<StateListener>();
  removed = false;

  constructor(
    private readonly owner: BfdSessions,
    readonly peerAddress: string,
    public info: SessionInfo,
  ) {}

  get id(): number {
    return this.info.id;
  }
  get state(): BfdState {
    return this.info.state;
  }
  get diag(): number {
    return this.info.diag;
  }
  get echoRefusal(): string | undefined {
    return this.info.echoRefusal;
  }
  onStateChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  setProfile(profile: BFDProfile): void {
    if (this.removed) return;
    this.owner.post({
      type: 'setTimers',
      id: this.id,
      timers: {
        desiredMinTxMs: profile.transmitIntervalMs,
        requiredMinRxMs: profile.receiveIntervalMs,
        detectMultiplier: profile.detectMultiplier,
      },
    });
  }
  remove(): Promise<void> {
    return this.owner.removeHandle(this);
  }
  async refresh(): Promise<SessionInfo> {
    const info = await this.owner.query(this.id);
    if (!info) throw new Error(`BFD session to ${this.peerAddress} was removed`);
    this.info = info;
    return info;
  }
  deliver(change: StateChange, info: SessionInfo): void {
    this.info = info;
    for (const l of this.listeners) l(change, info);
  }
}

export class BfdSessions {
  private readonly worker: Worker;
  private readonly handles = new Map<number, Handle>();
  private readonly pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private nextRef = 1;
  private exited = false;
  private closing?: Promise<void>;

  private constructor(private readonly opts: BfdSessionsOptions) {
    const setup: WorkerSetup = {
      ...(opts.ports ? { ports: opts.ports } : {}),
      ...(opts.listenAddress ? { listenAddress: opts.listenAddress } : {}),
    };
    this.worker = new Worker(opts.workerPath ?? defaultWorkerPath(), { workerData: setup });
    this.worker.on('message', (m: unknown) => this.onMessage(m));
    this.worker.on('error', (err) => this.opts.onError?.(`BFD worker failed: ${err.message}`));
    this.worker.on('exit', (code) => this.onExit(code));
  }

  static start(opts: BfdSessionsOptions = {}): BfdSessions {
    return new BfdSessions(opts);
  }

  async add(peer: BfdPeer): Promise<BfdSessionHandle> {
    const reply = await this.request((ref) => ({ type: 'add', ref, spec: specOf(peer) }));
    if (reply.type !== 'added') throw new Error(reply.type === 'failed' ? reply.message : 'BFD worker: bad reply');
    const h = new Handle(this, peer.peerAddress, reply.info);
    this.handles.set(h.id, h);
    return h;
  }

  /** The handles of every live session. */
  sessions(): BfdSessionHandle[] {
    return [...this.handles.values()];
  }

  /** Ends every session (AdminDown to each peer) and the worker. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.exited) {
        await this.request((ref) => ({ type: 'close', ref })).catch(() => undefined);
        await this.worker.terminate();
      }
      this.handles.clear();
    })();
    return this.closing;
  }

  /** @internal */
  async query(id: number): Promise<SessionInfo | undefined> {
    const reply = await this.request((ref) => ({ type: 'info', ref, id }));
    return reply.type === 'info' ? reply.info : undefined;
  }

  /** @internal */
  post(m: ToWorker): void {
    if (!this.exited) this.worker.postMessage(m);
  }

  /** @internal */
  async removeHandle(h: Handle): Promise<void> {
    if (h.removed) return;
    h.removed = true;
    this.handles.delete(h.id);
    h.listeners.clear();
    if (!this.exited) await this.request((ref) => ({ type: 'remove', ref, id: h.id }));
  }

  private request(make: (ref: number) => ToWorker): Promise<FromWorker> {
    if (this.exited) return Promise.reject(new Error('the BFD worker has exited'));
    const ref = this.nextRef++;
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { resolve, reject });
      this.worker.postMessage(make(ref));
    });
  }

  private onMessage(m: unknown): void {
    if (!isFromWorker(m)) {
      this.opts.onError?.(`BFD worker sent an unknown message: ${JSON.stringify(m)}`);
      return;
    }
    switch (m.type) {
      case 'added':
      case 'failed':
      case 'info':
      case 'done': {
        const p = this.pending.get(m.ref);
        this.pending.delete(m.ref);
        p?.resolve(m);
        return;
      }
      case 'state':
        this.handles.get(m.id)?.deliver(m.change, m.info);
        return;
      case 'drops':
        this.opts.onDrops?.(m.counts);
        return;
      case 'error':
        this.opts.onError?.(m.message);
        return;
    }
  }

  private onExit(code: number): void {
    this.exited = true;
    for (const p of this.pending.values()) p.reject(new Error(`the BFD worker exited (code ${code})`));
    this.pending.clear();
    if (this.closing) return;
    this.opts.onError?.(`the BFD worker exited unexpectedly (code ${code}): every BFD session is down`);
    for (const h of this.handles.values()) {
      if (h.state === 'down' || h.state === 'adminDown') continue;
      h.deliver({ from: h.state, to: 'down', diag: 0 }, { ...h.info, state: 'down', diag: 0 });
    }
  }
}
