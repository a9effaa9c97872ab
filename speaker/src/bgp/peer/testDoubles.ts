/**
 * Test doubles for the peer edge: an in-memory BgpStream whose far end is a "router" that speaks through the codec,
 * a clock whose timers run only when the test advances it, and a dialer whose dials the test settles by hand.
 */
import { createFrameSplitter, decodeMessage, encodeMessage } from '../codec';
import { DEFAULT_CODEC_OPTIONS, type BgpMessage, type CodecOptions } from '../codec/types';
import type { BgpStream, Dialer, EdgeClock } from './edge';
import type { PeerSpec } from './types';

type Listeners = { data: ((chunk: Uint8Array) => void)[]; close: (() => void)[]; error: ((err: Error) => void)[] };

/**
 * One connection: the edge's side is the BgpStream methods; the router's side reads what the edge wrote and sends
 * messages back. 'close' is emitted on a later microtask, as net.Socket does after end() or destroy().
 */
export class FakeStream implements BgpStream {
  private readonly listeners: Listeners = { data: [], close: [], error: [] };
  private readonly splitter = createFrameSplitter();
  private read = 0;
  private readonly bytes: Uint8Array[] = [];
  ended = false;
  destroyed = false;
  closed = false;
  /** As net.Socket's: a test sets it (a write returned false) and calls drain(). */
  writableNeedDrain = false;
  private readonly drains: (() => void)[] = [];

  once(_event: 'drain', listener: () => void): this {
    this.drains.push(listener);
    return this;
  }

  /** The buffer has gone to the kernel: 'drain' listeners run once. */
  drain(): void {
    this.writableNeedDrain = false;
    for (const l of this.drains.splice(0)) l();
  }

  /** `closeOnEnd`: the router answers our FIN with its own, so 'close' follows end(); false: it never reads. */
  constructor(private readonly closeOnEnd = true) {}

  write(bytes: Uint8Array): boolean {
    // net.Socket fails a write after end(): the edge must never do it.
    if (this.ended || this.destroyed) throw new Error('write after end');
    this.bytes.push(bytes);
    return true;
  }

  end(): void {
    this.ended = true;
    if (this.closeOnEnd) this.emitClose();
  }

  destroy(): void {
    this.destroyed = true;
    this.emitClose();
  }

  on(event: 'data', listener: (chunk: Uint8Array) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: keyof Listeners, listener: never): this {
    (this.listeners[event] as unknown[]).push(listener);
    return this;
  }

  /** The router sends raw bytes. */
  sendBytes(bytes: Uint8Array): void {
    for (const l of [...this.listeners.data]) l(bytes);
  }

  /** The router sends messages, all in one chunk (as TCP may deliver them). */
  send(messages: readonly BgpMessage[], opts: CodecOptions = DEFAULT_CODEC_OPTIONS): void {
    const parts = messages.map((m) => encodeMessage(m, opts));
    this.sendBytes(Buffer.concat(parts));
  }

  /** The router (or the network) closes the connection. */
  emitClose(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => {
      for (const l of [...this.listeners.close]) l();
    });
  }

  /** The messages the edge wrote since the last call, decoded with `opts`; throws on anything undecodable. */
  take(opts: CodecOptions = DEFAULT_CODEC_OPTIONS): BgpMessage[] {
    for (; this.read < this.bytes.length; this.read++) this.splitter.push(this.bytes[this.read]);
    const out: BgpMessage[] = [];
    for (let f = this.splitter.next(opts); f !== undefined; f = this.splitter.next(opts)) {
      if (!f.ok) throw new Error(`the edge wrote a bad header: ${f.notification.code}/${f.notification.subcode}`);
      const d = decodeMessage(f.frame, opts);
      if (d.ok !== true) throw new Error(`the edge wrote an undecodable message: ${JSON.stringify(d)}`);
      out.push(d.message);
    }
    return out;
  }
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Timers run in deadline order (then in the order set) when the test calls advance; nothing runs by itself. */
export class FakeClock implements EdgeClock {
  private t = 1_000_000;
  private seq = 0;
  private readonly timers = new Map<object, Timer>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): object {
    const handle = {};
    this.timers.set(handle, { at: this.t + ms, seq: this.seq++, fn });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'object' && handle !== null) this.timers.delete(handle);
  }

  /** How many timers are armed. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running each timer due on the way at its own deadline. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [object, Timer] | undefined;
      for (const e of this.timers) {
        if (
          e[1].at <= end &&
          (next === undefined || e[1].at < next[1].at || (e[1].at === next[1].at && e[1].seq < next[1].seq))
        )
          next = e;
      }
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

export interface PendingDial {
  readonly spec: PeerSpec;
  readonly signal: AbortSignal;
  /** Connects: returns the stream the edge now holds. */
  connect(stream?: FakeStream): FakeStream;
  fail(err?: Error): void;
}

/** A dialer whose dials wait for the test: `dials` lists every call, settled or not. */
export function fakeDialer(): { dial: Dialer; dials: PendingDial[] } {
  const dials: PendingDial[] = [];
  const dial: Dialer = (spec, signal) =>
    new Promise((resolve, reject) => {
      dials.push({
        spec,
        signal,
        connect(stream = new FakeStream()) {
          resolve(stream);
          return stream;
        },
        fail(err = new Error('ECONNREFUSED')) {
          reject(err);
        },
      });
    });
  return { dial, dials };
}

/** Lets promise callbacks (a dial settling, a stream's 'close') run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
