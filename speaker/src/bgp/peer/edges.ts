/**
 * The speaker's BGP edges: one BgpPeer per session, and one listener on the BGP port that hands each connection a
 * router opens to the peer of its address (a router configured active, or both dialling at once: RFC 4271 6.8
 * collisions are the session's to resolve). A connection from an address no BGPPeer names is closed at once.
 */
import * as net from 'node:net';
import { formatIP } from '@ironlb/shared';
import type { PeerEdgeFactory, PeerSpec } from './types';
import { BgpPeer, type BfdStarter, type Dialer, type EdgeDeps } from './edge';

export interface PeerEdgesOptions {
  /** 0: do not listen (every session is dialled). */
  readonly listenPort: number;
  readonly dial?: Dialer;
  readonly bfd?: BfdStarter;
  readonly log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

export interface PeerEdges {
  readonly createEdge: PeerEdgeFactory;
  close(): Promise<void>;
}

/** Plain TCP from the kernel's source address (or the spec's), without MD5 or TTL settings. */
export const plainDialer: Dialer = (spec: PeerSpec, signal: AbortSignal) =>
  new Promise((resolve, reject) => {
    const socket = net.connect({
      host: formatIP(spec.peerAddress),
      port: spec.peerPort,
      ...(spec.sourceAddress ? { localAddress: formatIP(spec.sourceAddress) } : {}),
      noDelay: true,
    });
    const abort = (): void => {
      socket.destroy();
      reject(new Error('dial abandoned'));
    };
    signal.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', abort);
      resolve(socket);
    });
    socket.once('error', (err) => {
      signal.removeEventListener('abort', abort);
      reject(err);
    });
  });

/** Addresses as the listener sees them: IPv4-mapped IPv6 (a dual-stack socket) back to IPv4 text. */
function remoteKey(address: string | undefined): string {
  const a = address ?? '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export function startPeerEdges(opts: PeerEdgesOptions): PeerEdges {
  const byAddress = new Map<string, Set<BgpPeer>>();
  const deps: EdgeDeps = {
    dial: opts.dial ?? plainDialer,
    ...(opts.bfd ? { bfd: opts.bfd } : {}),
    // A new process: a router that kept our routes through graceful restart learns we are back (RFC 4724 R bit).
    restarted: true,
    log: (fields, message) => opts.log.info(fields, message),
  };
  let server: net.Server | undefined;
  if (opts.listenPort > 0) {
    server = net.createServer({ noDelay: true }, (socket) => {
      const peers = byAddress.get(remoteKey(socket.remoteAddress));
      const peer = peers ? [...peers][0] : undefined;
      if (!peer) {
        socket.destroy();
        return;
      }
      peer.accept(socket);
    });
    server.on('error', (err) =>
      opts.log.warn({ port: opts.listenPort, error: err.message }, 'BGP listener failed: only dialled sessions work'),
    );
    server.listen({ port: opts.listenPort, ipv6Only: false });
  }
  const createEdge: PeerEdgeFactory = (spec, onChange) => {
    const key = formatIP(spec.peerAddress);
    const set = byAddress.get(key) ?? new Set<BgpPeer>();
    const peer: BgpPeer = new BgpPeer(spec, onChange, {
      ...deps,
      onClosing: () => {
        set.delete(peer);
        if (set.size === 0 && byAddress.get(key) === set) byAddress.delete(key);
      },
    });
    set.add(peer);
    byAddress.set(key, set);
    return peer;
  };
  return {
    createEdge,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server) resolve();
        else server.close(() => resolve());
      }),
  };
}
