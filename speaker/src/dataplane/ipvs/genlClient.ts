/**
 * Requests and their answers over a netlink socket: each request is matched to its replies by sequence number,
 * ends at the kernel's acknowledgement (NLMSG_ERROR with error 0) or at NLMSG_DONE for a dump, and fails with the
 * kernel's errno, a timeout, or the socket's error. The socket sits behind NetlinkTransport so the tests can play
 * the kernel; the messages themselves are built and read by netlink.ts and messages.ts.
 */
import { errnoOf, HOST_ORDER, splitMessages, type ByteOrder, type NetlinkMessage } from './netlink';
import { NLMSG_DONE, NLMSG_ERROR } from './uapi';

/** One netlink socket: whole datagrams out and in. */
export interface NetlinkTransport {
  send(datagram: Buffer): void;
  /** Each datagram the kernel sends, and the socket's errors; set once, before the first send. */
  listen(onDatagram: (datagram: Buffer) => void, onError: (err: Error) => void): void;
  close(): void;
}

/** The kernel refused a request: `errno` is positive (EEXIST is 17). */
export class NetlinkErrnoError extends Error {
  override readonly name = 'NetlinkErrnoError';
  constructor(
    readonly errno: number,
    what: string,
  ) {
    super(`${what}: errno ${errno}`);
  }
}

export class NetlinkTimeoutError extends Error {
  override readonly name = 'NetlinkTimeoutError';
}

interface Pending {
  readonly what: string;
  readonly replies: NetlinkMessage[];
  readonly resolve: (replies: NetlinkMessage[]) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface GenlClientOptions {
  readonly order?: ByteOrder;
  /** How long a request may wait for its answer (default 5 s). */
  readonly timeoutMs?: number;
}

export class GenlClient {
  private readonly pending = new Map<number, Pending>();
  private readonly order: ByteOrder;
  private readonly timeoutMs: number;
  private seq = 0;
  private closed = false;

  constructor(
    private readonly transport: NetlinkTransport,
    options: GenlClientOptions = {},
  ) {
    this.order = options.order ?? HOST_ORDER;
    this.timeoutMs = options.timeoutMs ?? 5000;
    transport.listen(
      (d) => this.receive(d),
      (err) => this.failAll(err),
    );
  }

  /** A fresh sequence number for the next request (1, 2, ... wrapping at 2^32, never 0). */
  nextSeq(): number {
    this.seq = this.seq >= 0xffffffff ? 1 : this.seq + 1;
    return this.seq;
  }

  /**
   * Sends one request (its bytes carry `seq`) and resolves with the replies before its end: the messages before
   * the acknowledgement of an NLM_F_ACK request, or every message of a dump before NLMSG_DONE.
   */
  request(datagram: Buffer, seq: number, what: string): Promise<NetlinkMessage[]> {
    if (this.closed) return Promise.reject(new Error(`${what}: the netlink socket is closed`));
    return new Promise<NetlinkMessage[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new NetlinkTimeoutError(`${what}: no answer from the kernel in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(seq, { what, replies: [], resolve, reject, timer });
      try {
        this.transport.send(datagram);
      } catch (err) {
        this.settle(seq, err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('the netlink socket was closed'));
    this.transport.close();
  }

  private receive(datagram: Buffer): void {
    let messages: NetlinkMessage[];
    try {
      messages = splitMessages(datagram, this.order);
    } catch (err) {
      // Which request the bytes belonged to is unknowable: every waiting one fails rather than hangs.
      this.failAll(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (const m of messages) {
      const p = this.pending.get(m.seq);
      if (!p) continue; // an answer to a request that timed out, or not ours
      if (m.type === NLMSG_ERROR || m.type === NLMSG_DONE) {
        // NLMSG_DONE of an old kernel may carry no int; no int there means success.
        const errno = m.type === NLMSG_DONE && m.payload.length < 4 ? 0 : this.errno(m);
        if (errno === undefined) continue;
        this.settle(m.seq, errno === 0 ? undefined : new NetlinkErrnoError(errno, p.what));
      } else p.replies.push(m);
    }
  }

  private errno(m: NetlinkMessage): number | undefined {
    try {
      return errnoOf(m.payload, this.order);
    } catch (err) {
      this.settle(m.seq, err instanceof Error ? err : new Error(String(err)));
      return undefined;
    }
  }

  private settle(seq: number, err: Error | undefined): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(p.replies);
  }

  private failAll(err: Error): void {
    for (const seq of [...this.pending.keys()]) this.settle(seq, err);
  }
}
