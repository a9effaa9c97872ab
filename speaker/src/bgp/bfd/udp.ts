/**
 * BFD's UDP sockets. Receiving: one socket per family and kind, on port 3784 (single-hop, RFC 5881) or 4784
 * (multihop, RFC 5883), opened when the first session of its kind needs it. Sending: one socket per session, bound
 * to the session's local address and a source port from 49152..65535 (RFC 5881 4: the same port for the whole
 * session), with TTL / hop limit 255 (RFC 5881 5).
 *
 * Received TTL (GTSM, RFC 5881 5; multihop minimum TTL, RFC 5883): node:dgram cannot read it, so the listeners are
 * the speaker's addon (speaker/native/udp_ttl.c, IP_RECVTTL / IPV6_RECVHOPLIMIT) and every datagram reaches the
 * demux with its TTL, which the engine checks against the session. When the addon is not built, the listeners fall
 * back to node:dgram, the TTL is not checked, and onError says so once; a firewall rule can stand in
 * (`nft add rule inet filter input udp dport 3784 ip ttl != 255 drop`).
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { openTtlSocket } from './ttlSocket';

export const SINGLE_HOP_PORT = 3784;
export const MULTIHOP_PORT = 4784;
export const SOURCE_PORT_MIN = 49152;
export const SOURCE_PORT_MAX = 65535;
const BIND_ATTEMPTS = 64;

export interface BfdPorts {
  readonly singleHop: number;
  readonly multihop: number;
}

export interface SenderSpec {
  readonly peerAddress: string;
  readonly localAddress?: string;
  readonly multihop: boolean;
}

export interface BfdUdpOptions {
  /** Defaults: 3784 and 4784. Tests use others. */
  readonly ports?: BfdPorts;
  /** The address to listen on per family; default the wildcard. */
  readonly listenAddress?: { readonly v4?: string; readonly v6?: string };
  /** Source ports come from [min, max]; default 49152..65535. */
  readonly sourcePorts?: { readonly min: number; readonly max: number };
  readonly random?: () => number;
  /** `ttl`: the received TTL / hop limit; undefined when it cannot be read (no addon). */
  readonly onDatagram: (bytes: Buffer, from: string, multihop: boolean, ttl: number | undefined) => void;
  /** false: node:dgram listeners, no TTL (tests of the fallback). Default true: the addon when it loads. */
  readonly readTtl?: boolean;
  /** A socket error after setup (a failed send, an error event); the session goes on. */
  readonly onError: (message: string) => void;
}

type Family = 4 | 6;

const familyOf = (address: string): Family => {
  const f = isIP(address);
  if (f !== 4 && f !== 6) throw new Error(`${JSON.stringify(address)} is not an IP address`);
  return f;
};

/** node:dgram reports IPv4 peers on a v6 socket as ::ffff:a.b.c.d; the v6 sockets are v6-only, but be sure. */
const unmapped = (address: string): string => (address.startsWith('::ffff:') ? address.slice(7) : address);

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => reject(err);
    socket.once('error', fail);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', fail);
      resolve();
    });
  });
}

export class BfdUdp {
  private readonly listeners = new Map<string, Promise<Listener>>();
  private fallbackTold = false;
  private readonly senders = new Set<BfdSender>();
  private readonly ports: BfdPorts;
  private closed = false;

  constructor(private readonly opts: BfdUdpOptions) {
    this.ports = opts.ports ?? { singleHop: SINGLE_HOP_PORT, multihop: MULTIHOP_PORT };
  }

  /** Opens (once) the receiving socket a session of this kind needs, and the session's sender. */
  async openSender(spec: SenderSpec): Promise<BfdSender> {
    if (this.closed) throw new Error('the BFD transport is closed');
    const family = familyOf(spec.peerAddress);
    if (spec.localAddress !== undefined && familyOf(spec.localAddress) !== family) {
      throw new Error(`local address ${spec.localAddress} and peer ${spec.peerAddress} are of different families`);
    }
    await this.listen(family, spec.multihop);
    const range = this.opts.sourcePorts ?? { min: SOURCE_PORT_MIN, max: SOURCE_PORT_MAX };
    const random = this.opts.random ?? Math.random;
    const address = spec.localAddress ?? (family === 4 ? '0.0.0.0' : '::');
    let socket: dgram.Socket;
    for (let attempt = 1; ; attempt++) {
      socket = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', ipv6Only: family === 6 });
      const port = range.min + Math.floor(random() * (range.max - range.min + 1));
      try {
        await bind(socket, port, address);
        break;
      } catch (err) {
        socket.close();
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' || attempt >= BIND_ATTEMPTS) {
          throw new Error(`BFD sender to ${spec.peerAddress}: cannot bind ${address}: ${(err as Error).message}`);
        }
      }
    }
    socket.on('error', (err) => this.opts.onError(`BFD sender to ${spec.peerAddress}: ${err.message}`));
    socket.setTTL(255);
    const sender = new BfdSender(
      socket,
      spec.peerAddress,
      spec.multihop ? this.ports.multihop : this.ports.singleHop,
      this.opts.onError,
      () => this.senders.delete(sender),
    );
    this.senders.add(sender);
    return sender;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.senders].map((s) => s.close()));
    const listeners = await Promise.allSettled(this.listeners.values());
    this.listeners.clear();
    await Promise.all(listeners.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
  }

  private listen(family: Family, multihop: boolean): Promise<Listener> {
    const key = `${family} ${multihop}`;
    let p = this.listeners.get(key);
    if (!p) {
      p = this.openListener(family, multihop);
      this.listeners.set(key, p);
      // A failed bind is retried by the next session rather than remembered.
      p.catch(() => this.listeners.delete(key));
    }
    return p;
  }

  private async openListener(family: Family, multihop: boolean): Promise<Listener> {
    const port = multihop ? this.ports.multihop : this.ports.singleHop;
    const address =
      (family === 4 ? this.opts.listenAddress?.v4 : this.opts.listenAddress?.v6) ?? (family === 4 ? '0.0.0.0' : '::');
    if (this.opts.readTtl !== false) {
      try {
        const s = openTtlSocket(
          family,
          address,
          port,
          (bytes, from, ttl) => this.opts.onDatagram(bytes, unmapped(from), multihop, ttl < 0 ? undefined : ttl),
          (err) => this.opts.onError(`BFD listener on port ${port}: ${err.message}`),
        );
        return { close: async () => s.close() };
      } catch (err) {
        // A bind error is the socket's, not the addon's: the fallback would meet it too.
        if (typeof (err as NodeJS.ErrnoException).errno === 'number') {
          throw new Error(`BFD: cannot listen on ${address} port ${port}: ${(err as Error).message}`);
        }
        if (!this.fallbackTold) {
          this.fallbackTold = true;
          this.opts.onError(`BFD: received TTL not checked (GTSM off): ${(err as Error).message}`);
        }
      }
    }
    const socket = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', ipv6Only: family === 6 });
    try {
      await bind(socket, port, address);
    } catch (err) {
      socket.close();
      throw new Error(`BFD: cannot listen on ${address} port ${port}: ${(err as Error).message}`);
    }
    socket.on('error', (err) => this.opts.onError(`BFD listener on port ${port}: ${err.message}`));
    socket.on('message', (bytes, rinfo) => this.opts.onDatagram(bytes, unmapped(rinfo.address), multihop, undefined));
    return { close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
  }
}

interface Listener {
  close(): Promise<void>;
}

/** One session's sending socket. */
export class BfdSender {
  private closing?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly socket: dgram.Socket,
    readonly peerAddress: string,
    private readonly port: number,
    private readonly onError: (message: string) => void,
    private readonly onClosed: () => void,
  ) {}

  get sourcePort(): number {
    return this.socket.address().port;
  }

  send(bytes: Buffer): void {
    if (this.closing) return;
    // node:dgram resolves even an address literal asynchronously: a close right after a send would lose it, so
    // close waits for the sends in flight.
    const sent = new Promise<void>((resolve) =>
      this.socket.send(bytes, this.port, this.peerAddress, (err) => {
        if (err) this.onError(`BFD send to ${this.peerAddress}: ${err.message}`);
        this.inFlight.delete(sent);
        resolve();
      }),
    );
    this.inFlight.add(sent);
  }

  /** Closes the socket once what was queued on it has left. */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.inFlight).then(
      () =>
        new Promise<void>((resolve) =>
          this.socket.close(() => {
            this.onClosed();
            resolve();
          }),
        ),
    );
    return this.closing;
  }
}
