/**
 * The speaker's BGP edges: one BgpPeer per session, dialled with the session's TCP-MD5 key and TTL, and one
 * listener per address family on the BGP port that hands each connection a router opens to the peer of its address
 * (a router configured active, or both dialling at once: RFC 4271 6.8 collisions are the session's to resolve).
 * A connection from an address no BGPPeer names is closed at once; the listeners carry the MD5 key of every peer
 * that has one, so the kernel drops unsigned segments from those addresses before they reach us.
 */
import type * as net from 'node:net';
import { formatIP } from '@ironlb/shared';
import { connectBgp, listenBgp, type BgpListener, type ListenOptions } from '../socket';
import type { PeerEdgeFactory, PeerSpec } from './types';
import { bfdStarter } from './bfdWatch';
import { BgpPeer, type BfdStarter, type Dialer, type EdgeDeps } from './edge';

export interface PeerEdgesOptions {
  /** 0: do not listen (every session is dialled). */
  readonly listenPort: number;
  /** Absent: DEFAULT_RESTART_TIME_SEC. */
  readonly restartTimeSec?: number;
  readonly dial?: Dialer;
  /** Absent: listenBgp (tests hand in listeners that need no port). */
  readonly listen?: (opts: ListenOptions) => Promise<BgpListener>;
  readonly bfd?: BfdStarter;
  readonly log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

export interface PeerEdges {
  readonly createEdge: PeerEdgeFactory;
  close(): Promise<void>;
}

/**
 * The TTL a session's packets leave with: 255 for multihop eBGP and iBGP (routers check no minimum by default),
 * 1 for single-hop eBGP, what BIRD and FRR send themselves (see socket/README.md).
 */
export function sessionTtl(spec: PeerSpec): number {
  return spec.ebgpMultiHop || spec.localAs === spec.peerAs ? 255 : 1;
}

export const md5Dialer: Dialer = (spec, signal) =>
  connectBgp({
    peerAddress: spec.peerAddress,
    peerPort: spec.peerPort,
    ...(spec.sourceAddress ? { sourceAddress: spec.sourceAddress } : {}),
    ...(spec.md5Password !== undefined ? { md5Password: spec.md5Password } : {}),
    ttl: sessionTtl(spec),
    signal,
  });

/** Addresses as a listener reports them: IPv4-mapped IPv6 back to IPv4 text. */
function remoteKey(address: string | undefined): string {
  const a = address ?? '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export function startPeerEdges(opts: PeerEdgesOptions): PeerEdges {
  const byAddress = new Map<string, Set<BgpPeer>>();
  // Starts its worker thread only when a first peer has a bfdProfile.
  const ownBfd = bfdStarter(opts.log);
  const deps: EdgeDeps = {
    dial: opts.dial ?? md5Dialer,
    bfd: opts.bfd ?? ownBfd,
    // A new process: a router that kept our routes through graceful restart learns we are back (RFC 4724 R bit).
    restarted: true,
    ...(opts.restartTimeSec !== undefined ? { restartTimeSec: opts.restartTimeSec } : {}),
    log: (fields, message) => opts.log.info(fields, message),
  };
  const onConnection = (socket: net.Socket): void => {
    const peers = byAddress.get(remoteKey(socket.remoteAddress));
    const peer = peers?.values().next().value;
    if (peer) peer.accept(socket);
    else socket.destroy();
  };
  const listeners = new Map<4 | 6, Promise<BgpListener | undefined>>();
  if (opts.listenPort > 0) {
    for (const [family, address] of [
      [4, '0.0.0.0'],
      [6, '::'],
    ] as const) {
      listeners.set(
        family,
        (opts.listen ?? listenBgp)({ address, port: opts.listenPort }).then(
          (l) => {
            l.server.on('connection', onConnection);
            return l;
          },
          (err: unknown) => {
            opts.log.warn(
              { port: opts.listenPort, family, error: err instanceof Error ? err.message : String(err) },
              'BGP listener failed: only dialled sessions work',
            );
            return undefined;
          },
        ),
      );
    }
  }
  const setKey = (spec: PeerSpec, password: string | undefined): void => {
    const listener = listeners.get(spec.peerAddress.family === 'IPv4' ? 4 : 6);
    void listener?.then((l) => {
      try {
        l?.setPeerKey(spec.peerAddress, password);
      } catch (err) {
        opts.log.warn(
          { peer: spec.name, error: err instanceof Error ? err.message : String(err) },
          'BGP listener: the MD5 key could not be set; connections from this peer will fail',
        );
      }
    });
  };
  const createEdge: PeerEdgeFactory = (spec, onChange) => {
    const key = formatIP(spec.peerAddress);
    const set = byAddress.get(key) ?? new Set<BgpPeer>();
    const peer: BgpPeer = new BgpPeer(spec, onChange, {
      ...deps,
      onClosing: () => {
        set.delete(peer);
        if (set.size > 0 || byAddress.get(key) !== set) return;
        byAddress.delete(key);
        if (spec.md5Password !== undefined) setKey(spec, undefined);
      },
    });
    set.add(peer);
    byAddress.set(key, set);
    if (spec.md5Password !== undefined) setKey(spec, spec.md5Password);
    return peer;
  };
  return {
    createEdge,
    close: async () => {
      const ls = await Promise.all(listeners.values());
      await Promise.all([...ls.map((l) => l?.close()), ownBfd.close()]);
    },
  };
}
