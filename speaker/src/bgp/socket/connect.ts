/**
 * connectBgp: the active side of a BGP session's TCP connection. The socket is made in C so that the MD5 key, TTL,
 * minimum TTL and device are on it before the SYN leaves; the connect runs non-blocking with its completion
 * watched on the event loop; only then does Node get the fd, as an ordinary connected net.Socket.
 */
import * as net from 'node:net';
import { tcpNative, type ConnectHandle, type TcpNative } from './native';
import { checkConnectOptions, type ConnectOptions, type ConnectPlan } from './options';

export type { ConnectOptions } from './options';

/** An Error with a string code, as Node's own socket errors are. */
export function codedError(message: string, code: string, cause?: unknown): Error & { code: string } {
  const e = new Error(message, cause === undefined ? undefined : { cause }) as Error & { code: string };
  e.code = code;
  return e;
}

/** Applies the plan's options to a fresh socket, then binds when asked; the order the kernel needs. */
function prepare(n: TcpNative, fd: number, plan: ConnectPlan): void {
  if (plan.device !== undefined) n.bindToDevice(fd, plan.device);
  if (plan.ttl !== undefined) n.setTtl(fd, plan.family, plan.ttl);
  if (plan.minTtl !== undefined) n.setMinTtl(fd, plan.family, plan.minTtl);
  if (plan.md5) n.setMd5(fd, plan.md5.address, plan.md5.key);
  if (plan.bind) {
    n.setReuseAddr(fd);
    n.bind(fd, plan.bind.address, plan.bind.port);
  }
}

/**
 * Opens a TCP connection to a BGP peer. Resolves with a connected net.Socket (reading started, no encoding);
 * rejects with an Error whose `code` is the errno name (ECONNREFUSED, ENETUNREACH, EADDRNOTAVAIL...), ETIMEDOUT
 * after `timeoutMs`, ABORT_ERR when `signal` aborts, or ERR_BGP_SOCKET_OPTION for a bad option. The password
 * never appears in an error.
 */
export function connectBgp(opts: ConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const plan = checkConnectOptions(opts); // throws inside the executor: the promise rejects
    const { signal } = opts;
    const target = `${plan.peerAddress} port ${plan.peerPort}`;
    if (signal?.aborted) throw abortError(target, signal);
    const n = tcpNative();
    const fd = n.socket(plan.family);
    let handle: ConnectHandle | undefined;
    const settle = (err: Error | null): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        if (handle) n.cancelConnect(handle);
        n.close(fd);
        reject(err);
        return;
      }
      try {
        resolve(new net.Socket({ fd, readable: true, writable: true }));
      } catch (e) {
        n.close(fd);
        reject(e);
      }
    };
    const onAbort = (): void => settle(abortError(target, signal!));
    try {
      prepare(n, fd, plan);
      if (plan.md5) plan.md5.key.fill(0); // the kernel holds the key now
      handle = n.connect(fd, plan.peerAddress, plan.peerPort, 0, (err) => {
        handle = undefined; // done: nothing left to cancel
        settle(err);
      });
    } catch (e) {
      n.close(fd);
      throw e;
    }
    const timer = setTimeout(
      () => settle(codedError(`connect ${target}: ETIMEDOUT (no answer within ${plan.timeoutMs} ms)`, 'ETIMEDOUT')),
      plan.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(target: string, signal: AbortSignal): Error {
  const e = codedError(`connect ${target}: aborted`, 'ABORT_ERR', signal.reason);
  e.name = 'AbortError';
  return e;
}
