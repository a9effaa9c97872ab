// How the lab's router treats its BGP neighbors, per test: authentication, BFD, iBGP or multihop eBGP,
// graceful restart, timers, IPv6 over the IPv4 session. Pure: the type, its validation (options come from
// the CLI and from the state file, so they are parsed, never trusted) and the AS numbers they imply.

export interface BfdOptions {
  /** Desired transmit and required receive interval, ms (RFC 5880 allows 1 µs granularity; daemons want ms). */
  intervalMs: number;
  /** Detect multiplier: missed packets before the session is declared down. */
  multiplier: number;
  /**
   * BIRD's `bfd graceful`: a BFD Down starts graceful restart (stale paths kept for the restart time) instead of
   * closing the session. FRR has no such knob and GoBGP no BFD: both ignore it.
   */
  graceful?: boolean;
}

export interface BgpRouterOptions {
  /** TCP MD5 signature (RFC 2385) on every neighbor's session. */
  md5Password?: string;
  /** BFD on every neighbor (BIRD, FRR with bfdd; GoBGP has no BFD). */
  bfd?: BfdOptions;
  /** The nodes share the router's AS (iBGP): router AS = node AS = 64512. */
  ibgp?: boolean;
  /** The router's neighbors are multihop eBGP with this TTL (2..255); the nodes keep their own AS. */
  multihop?: number;
  /** Graceful restart (RFC 4724) with this restart time, s. */
  gracefulRestartSec?: number;
  /** Hold time offered by the router, s (0 or 3..65535); keepalive is a third of it. */
  holdTimeSec?: number;
  /** The IPv4 session also carries IPv6 unicast (next hop: the node's IPv6 address in MP_REACH). Needs --ipv6. */
  ipv6OverIpv4?: boolean;
  /** After a session error, re-accept the neighbor within this many seconds (default daemon waits are minutes). */
  errorWaitSec?: number;
}

export const DEFAULT_ROUTER_ASN = 64512;
export const DEFAULT_NODE_ASN = 64513;

/** Router and node AS numbers the options imply. */
export function bgpAsns(opts: BgpRouterOptions): { routerAsn: number; nodeAsn: number } {
  return { routerAsn: DEFAULT_ROUTER_ASN, nodeAsn: opts.ibgp === true ? DEFAULT_ROUTER_ASN : DEFAULT_NODE_ASN };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

const KEYS = new Set([
  'md5Password',
  'bfd',
  'ibgp',
  'multihop',
  'gracefulRestartSec',
  'holdTimeSec',
  'ipv6OverIpv4',
  'errorWaitSec',
]);

/**
 * Validates options from anywhere (CLI, state file, a test); throws with the field at fault.
 * `ipv6` is the lab's: IPv6 over the IPv4 session needs the nodes' IPv6 addresses as next hops.
 */
export function parseBgpRouterOptions(v: unknown, ipv6: boolean): BgpRouterOptions {
  const fail = (msg: string): never => {
    throw new Error(`invalid BGP router options: ${msg}`);
  };
  if (v === undefined) return {};
  if (!isRecord(v)) return fail('not an object');
  for (const k of Object.keys(v)) if (!KEYS.has(k)) fail(`unknown option ${k}`);
  const out: BgpRouterOptions = {};
  const { md5Password, bfd, ibgp, multihop, gracefulRestartSec, holdTimeSec, ipv6OverIpv4, errorWaitSec } = v;
  if (md5Password !== undefined) {
    // BIRD and FRR take the password inside their config: keep it to a plain token (Linux allows 80 bytes).
    if (typeof md5Password !== 'string' || !/^[A-Za-z0-9._-]{1,80}$/.test(md5Password)) {
      fail('md5Password must be 1..80 characters of A-Z a-z 0-9 . _ -');
    }
    out.md5Password = md5Password as string;
  }
  if (bfd !== undefined) {
    if (!isRecord(bfd)) return fail('bfd must be { intervalMs, multiplier }');
    // BIRD and FRR both refuse intervals under 10 ms; the multiplier is an 8-bit field (RFC 5880 4.1), 0 invalid.
    if (!isInt(bfd.intervalMs, 10, 60000)) fail('bfd.intervalMs must be an integer 10..60000');
    if (!isInt(bfd.multiplier, 2, 255)) fail('bfd.multiplier must be an integer 2..255');
    if (bfd.graceful !== undefined && typeof bfd.graceful !== 'boolean') fail('bfd.graceful must be a boolean');
    for (const k of Object.keys(bfd))
      if (!['intervalMs', 'multiplier', 'graceful'].includes(k)) fail(`unknown option bfd.${k}`);
    out.bfd = {
      intervalMs: bfd.intervalMs as number,
      multiplier: bfd.multiplier as number,
      ...(bfd.graceful === true ? { graceful: true } : {}),
    };
  }
  if (ibgp !== undefined) {
    if (typeof ibgp !== 'boolean') fail('ibgp must be a boolean');
    out.ibgp = ibgp as boolean;
  }
  if (multihop !== undefined) {
    if (!isInt(multihop, 2, 255)) fail('multihop must be a TTL 2..255');
    if (out.ibgp === true) fail('multihop is an eBGP option (iBGP sessions are not TTL-limited); drop one');
    out.multihop = multihop as number;
  }
  if (gracefulRestartSec !== undefined) {
    // The capability's Restart Time field is 12 bits (RFC 4724 3).
    if (!isInt(gracefulRestartSec, 1, 4095)) fail('gracefulRestartSec must be an integer 1..4095');
    out.gracefulRestartSec = gracefulRestartSec as number;
  }
  if (holdTimeSec !== undefined) {
    // RFC 4271 4.2: zero or at least three seconds.
    if (!isInt(holdTimeSec, 0, 65535) || (holdTimeSec > 0 && holdTimeSec < 3)) {
      fail('holdTimeSec must be 0 or 3..65535');
    }
    out.holdTimeSec = holdTimeSec as number;
  }
  if (ipv6OverIpv4 !== undefined) {
    if (typeof ipv6OverIpv4 !== 'boolean') fail('ipv6OverIpv4 must be a boolean');
    if (ipv6OverIpv4 === true && !ipv6) fail('ipv6OverIpv4 needs an IPv6 lab (--ipv6): the next hops are IPv6');
    out.ipv6OverIpv4 = ipv6OverIpv4 as boolean;
  }
  if (errorWaitSec !== undefined) {
    if (!isInt(errorWaitSec, 1, 3600)) fail('errorWaitSec must be an integer 1..3600');
    out.errorWaitSec = errorWaitSec as number;
  }
  return out;
}

/** Every option on (multihop with eBGP, or iBGP without it): what the e2e tests start each daemon with. */
export function allBgpOptions(ibgp: boolean): BgpRouterOptions {
  return {
    md5Password: 'lab-secret',
    // Not FRR's defaults (300 ms, 3), which its running config would leave out.
    bfd: { intervalMs: 200, multiplier: 4 },
    ...(ibgp ? { ibgp: true } : { multihop: 2 }),
    gracefulRestartSec: 30,
    holdTimeSec: 9,
    ipv6OverIpv4: true,
    errorWaitSec: 1,
  };
}
