// The typed face of speaker/native/udp_ttl.c: a UDP receiving socket that reports each datagram's TTL / hop limit
// (node:dgram cannot), for BFD's GTSM check. Loaded on first use; works in worker threads (N-API is context-aware).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TtlSocket {
  /** The bound port (the one asked for, or the kernel's choice for 0). */
  readonly port: number;
  /** Stops reading and closes the socket. Safe to call twice. */
  close(): void;
}

/** `ttl` is the received TTL (IPv4) or hop limit (IPv6); -1 when the kernel gave none. */
export type MessageHandler = (bytes: Buffer, from: string, ttl: number) => void;

interface NativeModule {
  UdpTtlSocket: new (
    family: 4 | 6,
    address: string,
    port: number,
    onMessage: MessageHandler,
    onError: (e: Error) => void,
  ) => TtlSocket;
}

/** speaker/build/Release/udp_ttl.node: three levels up from both src/bgp/bfd (jest) and dist/bgp/bfd (compiled). */
export const TTL_ADDON_PATH = path.resolve(__dirname, '..', '..', '..', 'build', 'Release', 'udp_ttl.node');

let native: NativeModule | undefined;

function isNativeModule(m: unknown): m is NativeModule {
  return typeof m === 'object' && m !== null && typeof (m as { UdpTtlSocket?: unknown }).UdpTtlSocket === 'function';
}

/** Loads the addon; throws with the reason (not built, not loadable) so the caller can fall back and say why. */
export function loadTtlAddon(): NativeModule {
  if (native) return native;
  if (!fs.existsSync(TTL_ADDON_PATH)) {
    throw new Error(`${TTL_ADDON_PATH} is missing: run \`npm rebuild -w @ironlb/speaker\``);
  }
  const mod: { exports: unknown } = { exports: {} };
  process.dlopen(mod, TTL_ADDON_PATH);
  if (!isNativeModule(mod.exports)) throw new Error(`${TTL_ADDON_PATH} does not export UdpTtlSocket`);
  native = mod.exports;
  return native;
}

/**
 * Binds a receiving socket to address:port (IPv6 sockets are v6-only). Throws an Error whose `code` is the errno
 * name, e.g. `bind 0.0.0.0:3784: EADDRINUSE (Address already in use)`.
 */
export function openTtlSocket(
  family: 4 | 6,
  address: string,
  port: number,
  onMessage: MessageHandler,
  onError: (e: Error) => void,
): TtlSocket {
  return new (loadTtlAddon().UdpTtlSocket)(family, address, port, onMessage, onError);
}
