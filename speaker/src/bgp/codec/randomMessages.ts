/**
 * A deterministic generator of valid BgpMessages (tests only): the symmetry, updateLength and fuzz tests draw
 * from it. Values stay inside what the encoder accepts (host bits zero, segments of 1..255 ASNs, ...).
 */
import { rng, type ParsedIP } from '@ironlb/shared';
import type {
  AsPathSegment,
  BgpMessage,
  Capability,
  CodecOptions,
  Family,
  LargeCommunity,
  OpenMessage,
  PathAttributes,
  Prefix,
  RawAttribute,
  UpdateMessage,
} from './types';

export class Gen {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  u32(): number {
    return this.int(0x10000) * 0x10000 + this.int(0x10000);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
  many<T>(max: number, f: () => T): T[] {
    return Array.from({ length: this.int(max + 1) }, f);
  }
}

/** Documentation addresses only (RFC 5737, RFC 3849). */
function address(g: Gen, family: Family): ParsedIP {
  if (family === 'ipv4') {
    const base = g.pick([0xc6336400n, 0xcb007100n]); // 198.51.100.0, 203.0.113.0
    return { family: 'IPv4', value: base + BigInt(g.int(256)) };
  }
  const low = (BigInt(g.u32()) << 32n) | BigInt(g.u32());
  return { family: 'IPv6', value: (0x20010db8n << 96n) | (BigInt(g.u32()) << 64n) | low };
}

export function randomPrefix(g: Gen, family: Family): Prefix {
  const bits = family === 'ipv4' ? 32 : 128;
  const length = g.chance(0.3) ? bits : g.int(bits + 1);
  const ip = address(g, family);
  const mask = length === 0 ? 0n : ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
  return { ip: { family: ip.family, value: ip.value & mask }, length };
}

function segments(g: Gen, max: number, types: readonly AsPathSegment['type'][]): AsPathSegment[] {
  return Array.from({ length: 1 + g.int(3) }, () => ({
    type: g.pick(types),
    asns: Array.from({ length: 1 + (g.chance(0.05) ? g.int(255) : g.int(5)) }, () =>
      max === 0xffff ? g.int(0x10000) : g.u32(),
    ),
  }));
}

function large(g: Gen): LargeCommunity {
  return { global: g.u32(), local1: g.u32(), local2: g.u32() };
}

function raw(g: Gen): RawAttribute {
  // Types ironlb does not interpret and does not check (AGGREGATOR, ORIGINATOR_ID ... are checked).
  return {
    flags: g.pick([0x80, 0xc0, 0xe0]),
    type: g.pick([19, 20, 25, 26, 33, 40, 128, 255]),
    value: g.bytes(g.int(20)),
  };
}

export function randomAttributes(g: Gen, opts: CodecOptions, size = 20): PathAttributes {
  const a: { -readonly [K in keyof PathAttributes]: PathAttributes[K] } = {};
  if (g.chance(0.8)) a.origin = g.pick(['igp', 'egp', 'incomplete'] as const);
  if (g.chance(0.8)) a.asPath = g.chance(0.2) ? [] : segments(g, opts.fourOctetAs ? 0xffffffff : 0xffff, [1, 2, 3, 4]);
  if (g.chance(0.5)) a.nextHop = address(g, 'ipv4');
  if (g.chance(0.3)) a.med = g.u32();
  if (g.chance(0.3)) a.localPref = g.u32();
  if (g.chance(0.2)) a.atomicAggregate = true;
  if (g.chance(0.4)) a.communities = Array.from({ length: 1 + g.int(size) }, () => g.u32());
  if (g.chance(0.3)) a.largeCommunities = Array.from({ length: 1 + g.int(size) }, () => large(g));
  if (g.chance(0.4)) {
    const family = g.pick(['ipv4', 'ipv6'] as const);
    const nextHops =
      family === 'ipv4' || g.chance(0.5) ? [address(g, family)] : [address(g, family), address(g, family)];
    a.mpReach = { family, nextHops, nlri: g.many(size, () => randomPrefix(g, family)) };
  }
  if (g.chance(0.3)) {
    const family = g.pick(['ipv4', 'ipv6'] as const);
    a.mpUnreach = { family, withdrawn: g.many(size, () => randomPrefix(g, family)) };
  }
  if (!opts.fourOctetAs && g.chance(0.2)) a.as4Path = segments(g, 0xffffffff, [1, 2]);
  if (g.chance(0.2)) {
    // One of each type at most: a repeated type is discarded on decode (RFC 7606 section 3.g).
    const byType = new Map(g.many(3, () => raw(g)).map((r) => [r.type, r]));
    if (byType.size > 0) a.other = [...byType.values()].sort((x, y) => x.type - y.type);
  }
  return a;
}

export function randomUpdate(g: Gen, opts: CodecOptions, size = 20): UpdateMessage {
  return {
    type: 'update',
    withdrawn: g.many(size, () => randomPrefix(g, 'ipv4')),
    attributes: randomAttributes(g, opts, size),
    nlri: g.many(size, () => randomPrefix(g, 'ipv4')),
  };
}

function capability(g: Gen): Capability {
  switch (g.int(7)) {
    case 0:
      return { code: 'multiprotocol', family: g.pick(['ipv4', 'ipv6'] as const) };
    case 1:
      return { code: 'routeRefresh' };
    case 2:
      return { code: 'extendedMessage' };
    case 3:
      return { code: 'fourOctetAs', asn: 1 + g.int(0xfffffffe) };
    case 4:
      return {
        code: 'gracefulRestart',
        restarted: g.chance(0.5),
        notification: g.chance(0.5),
        restartTimeSec: g.int(4096),
        families: g.many(2, () => ({ family: g.pick(['ipv4', 'ipv6'] as const), forwardingPreserved: g.chance(0.5) })),
      };
    case 5:
      // Codes ironlb does not interpret (70 enhanced route refresh, 69 add-path, 73 FQDN, 128 private).
      return { code: 'unknown', type: g.pick([69, 70, 73, 128]), value: g.bytes(g.int(12)) };
    default:
      return { code: 'unknown', type: 1, value: Uint8Array.of(0, 1, 0, 128) };
  }
}

export function randomOpen(g: Gen): OpenMessage {
  const hold = g.int(0x10000);
  return {
    type: 'open',
    version: 4,
    myAs: 1 + g.int(0xffff),
    holdTimeSec: hold === 1 || hold === 2 ? 0 : hold,
    bgpId: 1 + g.int(0xfffffffe),
    capabilities: g.many(g.chance(0.05) ? 60 : 8, () => capability(g)),
  };
}

export function randomMessage(g: Gen, opts: CodecOptions): BgpMessage {
  switch (g.int(6)) {
    case 0:
      return randomOpen(g);
    case 1:
    case 2:
      return randomUpdate(g, opts);
    case 3:
      return { type: 'notification', code: 1 + g.int(7), subcode: g.int(12), data: g.bytes(g.int(30)) };
    case 4:
      return { type: 'keepalive' };
    default:
      return { type: 'routeRefresh', family: g.pick(['ipv4', 'ipv6'] as const), subtype: g.int(3) };
  }
}
