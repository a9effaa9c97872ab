/**
 * The engine on real sockets and a real clock: datagrams in, timers armed at the engine's next deadline, packets
 * out through each session's sender. It runs wherever it is created; ironlb creates it in a worker thread
 * (worker.ts), so that a busy main event loop cannot delay a BFD packet or a detection.
 */
import { performance } from 'node:perf_hooks';
import type { BfdTimers, StateChange } from './session';
import { BfdEngine, type DemuxDropReason, type EngineAction, type EngineSessionSpec, type SessionInfo } from './engine';
import type { DropReason } from './codec';
import { BfdUdp, type BfdSender, type BfdUdpOptions } from './udp';

export interface BfdLoopEvents {
  readonly onState: (id: number, change: StateChange, info: SessionInfo) => void;
  readonly onDrop: (reason: DropReason | DemuxDropReason, from: string) => void;
  readonly onError: (message: string) => void;
}

export interface BfdLoopOptions extends Omit<BfdUdpOptions, 'onDatagram' | 'onError'> {
  /** ms; default the monotonic performance clock. */
  readonly clock?: () => number;
  readonly random?: () => number;
}

export class BfdLoop {
  private readonly engine: BfdEngine;
  private readonly udp: BfdUdp;
  private readonly senders = new Map<number, BfdSender>();
  private readonly clock: () => number;
  private timer?: NodeJS.Timeout;
  private armedFor = Infinity;

  constructor(
    opts: BfdLoopOptions,
    private readonly events: BfdLoopEvents,
  ) {
    this.clock = opts.clock ?? (() => performance.now());
    this.engine = new BfdEngine(opts.random ?? Math.random);
    this.udp = new BfdUdp({
      ...opts,
      onDatagram: (bytes, from, multihop, ttl) =>
        this.run(this.engine.receive(bytes, from, multihop, this.clock(), ttl)),
      onError: events.onError,
    });
  }

  /** Opens the session's sockets, then starts it; its id is its local discriminator. */
  async add(spec: EngineSessionSpec): Promise<SessionInfo> {
    const sender = await this.udp.openSender(spec);
    let id: number;
    try {
      id = this.engine.add(spec, this.clock());
    } catch (err) {
      await sender.close();
      throw err;
    }
    this.senders.set(id, sender);
    this.arm();
    const info = this.engine.info(id);
    if (!info) throw new Error(`BFD session ${id} vanished`);
    return info;
  }

  /** Tells the peer AdminDown, then closes the session's sender. */
  async remove(id: number): Promise<void> {
    this.run(this.engine.remove(id, this.clock()));
    const sender = this.senders.get(id);
    this.senders.delete(id);
    await sender?.close();
  }

  setTimers(id: number, timers: BfdTimers): void {
    this.run(this.engine.setTimers(id, timers, this.clock()));
  }

  info(id: number): SessionInfo | undefined {
    return this.engine.info(id);
  }

  async close(): Promise<void> {
    await Promise.all(this.engine.ids().map((id) => this.remove(id)));
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.udp.close();
  }

  private run(actions: EngineAction[]): void {
    for (const a of actions) {
      if (a.kind === 'send') this.senders.get(a.id)?.send(a.bytes);
      else if (a.kind === 'drop') this.events.onDrop(a.reason, a.from);
      else {
        const info = this.engine.info(a.id);
        if (info) this.events.onState(a.id, a.change, info);
      }
    }
    this.arm();
  }

  private arm(): void {
    const at = this.engine.nextDeadline();
    if (at === this.armedFor && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = at;
    if (at === Infinity) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.armedFor = Infinity;
        this.run(this.engine.tick(this.clock()));
      },
      Math.max(0, Math.ceil(at - this.clock())),
    );
  }
}
