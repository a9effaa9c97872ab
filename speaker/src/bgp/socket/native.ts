// The typed face of speaker/native/tcp_socket.c: one function per system call on an fd number. connect.ts and
// listen.ts compose them; nothing else in the speaker touches the addon.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Family } from './options';

export interface TcpNative {
  /** A non-blocking, close-on-exec TCP socket. */
  socket(family: Family): number;
  close(fd: number): void;
  /** Sets (key) or removes (null) the TCP-MD5 key for one peer address; removing an absent key is no error. */
  setMd5(fd: number, peerAddress: string, key: Buffer | null): void;
  setTtl(fd: number, family: Family, ttl: number): void;
  setMinTtl(fd: number, family: Family, ttl: number): void;
  bindToDevice(fd: number, device: string): void;
  setReuseAddr(fd: number): void;
  setV6Only(fd: number): void;
  bind(fd: number, address: string, port: number): void;
  listen(fd: number, backlog: number): void;
  /** getsockopt as an int: tests read back what was set. */
  getInt(fd: number, level: number, option: number): number;
  /** Starts a non-blocking connect; `done` runs on the event loop once it succeeded (null) or failed. */
  connect(fd: number, address: string, port: number, scopeId: number, done: (err: Error | null) => void): ConnectHandle;
  /** Stops watching a connect in flight; `done` is then never called. The fd stays open. */
  cancelConnect(handle: ConnectHandle): void;
}

/** Opaque: what connect returns, for cancelConnect. */
export type ConnectHandle = { readonly __connectHandle: never };

/** speaker/build/Release/tcp_socket.node: three levels up from both src/bgp/socket (jest) and dist/bgp/socket. */
export const TCP_ADDON_PATH = path.resolve(__dirname, '..', '..', '..', 'build', 'Release', 'tcp_socket.node');
const BUILD_COMMAND = 'npm rebuild -w @ironlb/speaker';

const FUNCTIONS = [
  'socket',
  'close',
  'setMd5',
  'setTtl',
  'setMinTtl',
  'bindToDevice',
  'setReuseAddr',
  'setV6Only',
  'bind',
  'listen',
  'getInt',
  'connect',
  'cancelConnect',
] as const;

function isTcpNative(m: unknown): m is TcpNative {
  if (typeof m !== 'object' || m === null) return false;
  return FUNCTIONS.every((f) => typeof (m as Record<string, unknown>)[f] === 'function');
}

let loaded: TcpNative | undefined;

export function tcpNative(): TcpNative {
  if (loaded) return loaded;
  if (!fs.existsSync(TCP_ADDON_PATH)) {
    throw new Error(
      `the speaker's native addon is not built (${TCP_ADDON_PATH} is missing): run \`${BUILD_COMMAND}\` ` +
        '(npm ci builds it too; it needs python3, make and a C compiler)',
    );
  }
  const mod: { exports: unknown } = { exports: {} };
  try {
    process.dlopen(mod, TCP_ADDON_PATH);
  } catch (e) {
    throw new Error(`cannot load ${TCP_ADDON_PATH} (${(e as Error).message}): rebuild it with \`${BUILD_COMMAND}\``);
  }
  if (!isTcpNative(mod.exports)) throw new Error(`${TCP_ADDON_PATH} does not export ${FUNCTIONS.join(', ')}`);
  loaded = mod.exports;
  return loaded;
}
