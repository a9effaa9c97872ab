/**
 * listenBgp: the passive side. The listening socket is made in C with every expected peer's MD5 key (the kernel
 * checks the SYN against it, and accepted connections inherit the key, TTL and minimum TTL), then handed to a
 * net.Server. Keys can be added, changed and removed while it listens, as BGPPeers and their Secrets change.
 */
import * as net from 'node:net';
import { tcpNative, type TcpNative } from './native';
import { checkListenOptions, checkPeerKey, type Family, type ListenOptions, type ListenPlan } from './options';
import type { Address } from './options';

export type { ListenOptions } from './options';

export interface BgpListener {
  /** Emits 'connection' with each accepted net.Socket; the sockets are the caller's to end. */
  readonly server: net.Server;
  /** The bound port (the kernel's choice when `port` was 0). */
  readonly port: number;
  readonly family: Family;
  /** Sets, replaces (password) or removes (undefined) one peer's key; throws once the listener is closed. */
  setPeerKey(address: Address, password: string | undefined): void;
  /** Stops accepting; the port is free once it resolves. Accepted connections stay open. Safe to call twice. */
  close(): Promise<void>;
}

function prepare(n: TcpNative, fd: number, plan: ListenPlan): void {
  if (plan.family === 6) n.setV6Only(fd); // one family per listener: keys and GTSM options are per family
  n.setReuseAddr(fd);
  if (plan.device !== undefined) n.bindToDevice(fd, plan.device);
  if (plan.ttl !== undefined) n.setTtl(fd, plan.family, plan.ttl);
  if (plan.minTtl !== undefined) n.setMinTtl(fd, plan.family, plan.minTtl);
  for (const k of plan.keys) {
    n.setMd5(fd, k.address, k.key);
    k.key.fill(0);
  }
  n.bind(fd, plan.address, plan.port);
  n.listen(fd, plan.backlog);
}

/**
 * Listens for BGP peers. Rejects with an Error whose `code` is the errno name (EADDRINUSE, EADDRNOTAVAIL, EACCES...)
 * or ERR_BGP_SOCKET_OPTION for a bad option; a password never appears in an error.
 */
export async function listenBgp(opts: ListenOptions): Promise<BgpListener> {
  const plan = checkListenOptions(opts);
  const n = tcpNative();
  const fd = n.socket(plan.family);
  try {
    prepare(n, fd, plan);
  } catch (e) {
    n.close(fd);
    throw e;
  }
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    // Not closing fd on error: Node may already have wrapped (and closed) it, and a second close could hit a reused
    // number. The fd is listening already, so Node's own listen() on it has nothing left to fail on.
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen({ fd, backlog: plan.backlog }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : plan.port;
  let open = true;
  return {
    server,
    port,
    family: plan.family,
    setPeerKey(address, password) {
      if (password === undefined) {
        const k = checkPeerKey(plan.family, address, 'x'); // the address checks alone; no key is set
        if (!open) throw new Error(`listener closed: cannot remove the key for ${k.address}`);
        n.setMd5(fd, k.address, null);
        return;
      }
      const k = checkPeerKey(plan.family, address, password);
      if (!open) throw new Error(`listener closed: cannot set the key for ${k.address}`);
      n.setMd5(fd, k.address, k.key);
      k.key.fill(0);
    },
    close() {
      if (open) {
        open = false; // from here the fd number may be reused by anything: never touch it again
        server.close(); // libuv closes the listening fd at once; Node emits 'close' once connections end
      }
      return Promise.resolve();
    },
  };
}
