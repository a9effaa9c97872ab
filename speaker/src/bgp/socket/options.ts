/**
 * The options of connectBgp and listenBgp, checked and normalised before any socket exists. Pure: a plan out, or a
 * BgpSocketOptionError naming the bad option. A password's value never appears in an error (only its length rule).
 */
import { formatIP, isIPv4Mapped, parseIP, type ParsedIP } from '@ironlb/shared';

export const BGP_PORT = 179;
/** TCP_MD5SIG_MAXKEYLEN in linux/tcp.h. */
export const MD5_MAX_KEY_BYTES = 80;
/** IFNAMSIZ - 1: the longest interface (or VRF) name Linux takes. */
export const MAX_DEVICE_NAME = 15;
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_BACKLOG = 64;

export type Address = string | ParsedIP;

export interface ConnectOptions {
  readonly peerAddress: Address;
  /** Default 179. */
  readonly peerPort?: number;
  /** Local address to bind (same family as the peer); absent: the kernel's choice toward the peer. */
  readonly sourceAddress?: Address;
  /** Local port; default 0 (any). */
  readonly sourcePort?: number;
  /** RFC 2385 TCP-MD5 password: 1 to 80 bytes of UTF-8. */
  readonly md5Password?: string;
  /** Outgoing TTL / hop limit, 1-255; absent: the kernel default (64). */
  readonly ttl?: number;
  /** GTSM (RFC 5082): segments arriving with a smaller TTL / hop limit are dropped by the kernel. 1-255. */
  readonly minTtl?: number;
  /** SO_BINDTODEVICE: an interface or a VRF device. */
  readonly device?: string;
  /** How long the TCP handshake may take; default 30 s. Then the promise rejects with code ETIMEDOUT. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ListenOptions {
  /** The local address to listen on; `0.0.0.0` or `::` for all of one family (an IPv6 listener is IPv6-only). */
  readonly address: Address;
  /** Default 179; 0 picks a free port (see BgpListener.port). */
  readonly port?: number;
  /** One password per peer address, all of the listener's family. Peers without a key connect without MD5. */
  readonly keys?: ReadonlyMap<Address, string> | Readonly<Record<string, string>>;
  readonly ttl?: number;
  readonly minTtl?: number;
  readonly device?: string;
  /** Default 64. */
  readonly backlog?: number;
}

export type Family = 4 | 6;

/** A peer's key: the canonical address text and the key bytes. */
export interface PeerKey {
  readonly address: string;
  readonly key: Buffer;
}

export interface ConnectPlan {
  readonly family: Family;
  readonly peerAddress: string;
  readonly peerPort: number;
  /** Present when something must be bound: the source address (the family's unspecified one when only a port). */
  readonly bind?: { readonly address: string; readonly port: number };
  readonly md5?: PeerKey;
  readonly ttl?: number;
  readonly minTtl?: number;
  readonly device?: string;
  readonly timeoutMs: number;
}

export interface ListenPlan {
  readonly family: Family;
  readonly address: string;
  readonly port: number;
  readonly keys: readonly PeerKey[];
  readonly ttl?: number;
  readonly minTtl?: number;
  readonly device?: string;
  readonly backlog: number;
}

/** A bad option; `code` is ERR_BGP_SOCKET_OPTION. */
export class BgpSocketOptionError extends Error {
  readonly code = 'ERR_BGP_SOCKET_OPTION';
  constructor(message: string) {
    super(message);
    this.name = 'BgpSocketOptionError';
  }
}

const fail = (message: string): never => {
  throw new BgpSocketOptionError(message);
};

const familyOf = (ip: ParsedIP): Family => (ip.family === 'IPv4' ? 4 : 6);

/** An address's canonical text and family. Zones, IPv4-mapped and IPv6 link-local addresses are refused. */
export function checkAddress(name: string, a: unknown): { text: string; family: Family; unspecified: boolean } {
  let ip: ParsedIP | undefined;
  if (typeof a === 'string') ip = parseIP(a);
  else if (typeof a === 'object' && a !== null) {
    const { family, value } = a as Partial<ParsedIP>;
    const bits = family === 'IPv4' ? 32n : family === 'IPv6' ? 128n : 0n;
    if (bits > 0n && typeof value === 'bigint' && value >= 0n && value >> bits === 0n) ip = { family: family!, value };
  }
  if (!ip) return fail(`${name} is not an IPv4 or IPv6 address`);
  if (ip.family === 'IPv6' && isIPv4Mapped(ip))
    return fail(`${name} is an IPv4-mapped IPv6 address: give the IPv4 one`);
  // fe80::/10 needs a scope (an interface index); nothing here carries one yet.
  if (ip.family === 'IPv6' && ip.value >> 118n === 0x3fan) return fail(`${name} is an IPv6 link-local address`);
  return { text: formatIP(ip), family: familyOf(ip), unspecified: ip.value === 0n };
}

function checkInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return fail(`${name} must be an integer from ${min} to ${max}`);
  return v;
}

const optionalInt = (name: string, v: unknown, min: number, max: number): number | undefined =>
  v === undefined ? undefined : checkInt(name, v, min, max);

/** The password as key bytes; the message names the rule, never the value. */
export function checkPassword(name: string, p: unknown): Buffer {
  if (typeof p !== 'string') return fail(`${name} must be a string`);
  const key = Buffer.from(p, 'utf8');
  if (key.length === 0 || key.length > MD5_MAX_KEY_BYTES)
    return fail(`${name} must be 1 to ${MD5_MAX_KEY_BYTES} bytes of UTF-8 (the value is not shown)`);
  return key;
}

const DEVICE_RE = /^[^\s/:]+$/;

function checkDevice(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !DEVICE_RE.test(v) || v === '.' || v === '..' || Buffer.byteLength(v) > MAX_DEVICE_NAME)
    return fail(`device must be an interface name of 1 to ${MAX_DEVICE_NAME} bytes without '/', ':' or spaces`);
  return v;
}

const ttls = (o: { ttl?: unknown; minTtl?: unknown }): { ttl?: number; minTtl?: number } => ({
  ttl: optionalInt('ttl', o.ttl, 1, 255),
  minTtl: optionalInt('minTtl', o.minTtl, 1, 255),
});

export function checkConnectOptions(o: ConnectOptions): ConnectPlan {
  if (typeof o !== 'object' || o === null) return fail('connect options must be an object');
  const peer = checkAddress('peerAddress', o.peerAddress);
  if (peer.unspecified) fail('peerAddress must not be the unspecified address');
  const peerPort = o.peerPort === undefined ? BGP_PORT : checkInt('peerPort', o.peerPort, 1, 65535);
  const sourcePort = o.sourcePort === undefined ? 0 : checkInt('sourcePort', o.sourcePort, 0, 65535);
  let bind: ConnectPlan['bind'];
  if (o.sourceAddress !== undefined) {
    const src = checkAddress('sourceAddress', o.sourceAddress);
    if (src.family !== peer.family) fail(`sourceAddress is IPv${src.family} but peerAddress is IPv${peer.family}`);
    bind = { address: src.text, port: sourcePort };
  } else if (sourcePort !== 0) {
    bind = { address: peer.family === 4 ? '0.0.0.0' : '::', port: sourcePort };
  }
  const md5 =
    o.md5Password === undefined ? undefined : { address: peer.text, key: checkPassword('md5Password', o.md5Password) };
  const timeoutMs =
    o.timeoutMs === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : checkInt('timeoutMs', o.timeoutMs, 1, 2 ** 31 - 1);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) fail('signal must be an AbortSignal');
  return {
    family: peer.family,
    peerAddress: peer.text,
    peerPort,
    ...(bind && { bind }),
    ...(md5 && { md5 }),
    ...definedOnly(ttls(o)),
    ...definedOnly({ device: checkDevice(o.device) }),
    timeoutMs,
  };
}

/** One key of a listener: same family as the listener, a real peer address, a valid password. */
export function checkPeerKey(family: Family, address: unknown, password: unknown): PeerKey {
  const a = checkAddress("a key's peer address", address);
  if (a.family !== family) fail(`the key for ${a.text} is IPv${a.family} but the listener is IPv${family}`);
  if (a.unspecified) fail("a key's peer address must not be the unspecified address");
  return { address: a.text, key: checkPassword(`the password for ${a.text}`, password) };
}

function keyEntries(keys: ListenOptions['keys']): [unknown, unknown][] {
  if (keys === undefined) return [];
  if (keys instanceof Map) return [...keys.entries()];
  if (typeof keys !== 'object' || keys === null) return fail('keys must be a Map or an object of address: password');
  return Object.entries(keys);
}

export function checkListenOptions(o: ListenOptions): ListenPlan {
  if (typeof o !== 'object' || o === null) return fail('listen options must be an object');
  const local = checkAddress('address', o.address);
  const keys: PeerKey[] = [];
  for (const [address, password] of keyEntries(o.keys)) {
    const k = checkPeerKey(local.family, address, password);
    if (keys.some((x) => x.address === k.address)) fail(`two keys for ${k.address}`);
    keys.push(k);
  }
  return {
    family: local.family,
    address: local.text,
    port: o.port === undefined ? BGP_PORT : checkInt('port', o.port, 0, 65535),
    keys,
    ...definedOnly(ttls(o)),
    ...definedOnly({ device: checkDevice(o.device) }),
    backlog: o.backlog === undefined ? DEFAULT_BACKLOG : checkInt('backlog', o.backlog, 1, 65535),
  };
}

/** The object without its undefined properties, so plans compare equal whether an option was absent or undefined. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
