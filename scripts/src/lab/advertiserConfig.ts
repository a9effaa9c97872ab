/**
 * Other BGP daemons as advertisers of many IPv6 host routes from a lab node, so a benchmark can put ironlb's speaker
 * beside them: BIRD with static routes, FRR with network statements, GoBGP with an MRT file it is fed through its
 * CLI. Each dials the lab router's IPv6 address from the node's (the router's `<node>_v6` neighbor), eBGP from the
 * node AS. Pure: plan and prefixes in, config text or MRT bytes out.
 */
import { formatIP, parseIP } from '@ironlb/shared';
import type { LabPlan } from './plan';
import { findHost } from './plan';

export type AdvertiserKind = 'bird' | 'frr' | 'gobgp';

/** The node's and the router's IPv6 segment addresses: the session's two ends. */
export function sessionEnds(plan: LabPlan, node: string): { local: string; router: string; routerId: string } {
  const local = findHost(plan, node).ifaces[0];
  const router = findHost(plan, 'router').ifaces[0];
  if (local.ipv6 === undefined || router.ipv6 === undefined) throw new Error('the advertisers need an IPv6 lab');
  return { local: local.ipv6, router: router.ipv6, routerId: local.ipv4 };
}

/** BIRD 2: the prefixes as static blackhole routes, exported to the router with this node as next hop. */
export function renderBirdAdvertiser(plan: LabPlan, node: string, prefixes: readonly string[]): string {
  const e = sessionEnds(plan, node);
  return [
    `router id ${e.routerId};`,
    'protocol device {}',
    'protocol static bench6 {',
    '  ipv6;',
    ...prefixes.map((p) => `  route ${p} blackhole;`),
    '}',
    'protocol bgp uplink {',
    `  local ${e.local} as ${plan.nodeAsn};`,
    `  neighbor ${e.router} as ${plan.routerAsn};`,
    '  connect delay time 1;',
    '  ipv6 { import none; export all; next hop self; };',
    '}',
    '',
  ].join('\n');
}

/**
 * FRR bgpd run without zebra (-Z): the prefixes as network statements, which need no route in a RIB once
 * import-check is off; eBGP export needs no policy with ebgp-requires-policy off.
 */
export function renderFrrAdvertiser(plan: LabPlan, node: string, prefixes: readonly string[]): string {
  const e = sessionEnds(plan, node);
  return [
    'frr defaults traditional',
    `hostname ${plan.prefix}-${node}-frr`,
    'log stdout informational',
    '!',
    `router bgp ${plan.nodeAsn}`,
    ` bgp router-id ${e.routerId}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
    // FRR offers graceful restart (helper) by default, and BIRD would then keep its routes as stale after a stop.
    ' bgp graceful-restart-disable',
    ` neighbor ${e.router} remote-as ${plan.routerAsn}`,
    ` neighbor ${e.router} update-source ${e.local}`,
    ' address-family ipv6 unicast',
    ...prefixes.map((p) => `  network ${p}`),
    `  neighbor ${e.router} activate`,
    ' exit-address-family',
    '!',
    '',
  ].join('\n');
}

/** GoBGP's own API port inside the node (each namespace has its own loopback). */
export const ADVERTISER_GOBGP_API_PORT = 50052;

/**
 * gobgpd: the router as a neighbor, administratively down until the routes are in its global RIB (the CLI injects
 * them from an MRT file after start), so its session starts with the whole table like the others'.
 */
export function renderGobgpAdvertiser(plan: LabPlan, node: string): string {
  const e = sessionEnds(plan, node);
  return [
    '[global.config]',
    `  as = ${plan.nodeAsn}`,
    `  router-id = "${e.routerId}"`,
    '  port = -1',
    '',
    '[[neighbors]]',
    '  [neighbors.config]',
    `    neighbor-address = "${e.router}"`,
    `    peer-as = ${plan.routerAsn}`,
    '    admin-down = true',
    '  [neighbors.transport.config]',
    `    local-address = "${e.local}"`,
    '  [[neighbors.afi-safis]]',
    '    [neighbors.afi-safis.config]',
    '      afi-safi-name = "ipv6-unicast"',
    '',
  ].join('\n');
}

const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};

function ipv6Bytes(text: string): Buffer {
  const ip = parseIP(text);
  if (ip?.family !== 'IPv6') throw new Error(`not an IPv6 address: ${text}`);
  return Buffer.from(ip.value.toString(16).padStart(32, '0'), 'hex');
}

/** One MRT record (RFC 6396 2): timestamp, type, subtype, length, body. */
function mrtRecord(type: number, subtype: number, body: Buffer): Buffer {
  return Buffer.concat([u32(0), u16(type), u16(subtype), u32(body.length), body]);
}

const TABLE_DUMP_V2 = 13;
const PEER_INDEX_TABLE = 1;
const RIB_IPV6_UNICAST = 4;

const RIB_IPV4_UNICAST = 2;

/** The prefix field of a RIB record: length, then the bytes the length needs. */
function prefixField(text: string): Buffer {
  const [addr, lenText] = text.split('/');
  const len = Number(lenText);
  const ip = parseIP(addr);
  if (!ip) throw new Error(`bad prefix ${text}`);
  const all = Buffer.from(ip.value.toString(16).padStart(ip.family === 'IPv6' ? 32 : 8, '0'), 'hex');
  return Buffer.concat([Buffer.from([len]), all.subarray(0, Math.ceil(len / 8))]);
}

/** A RIB record with one entry from peer 0: ORIGIN IGP, an empty AS_PATH, then `rest`. */
function ribRecord(subtype: number, seq: number, prefix: Buffer, rest: Buffer): Buffer {
  const attrs = Buffer.concat([Buffer.from([0x40, 1, 1, 0]), Buffer.from([0x40, 2, 0]), rest]);
  const entry = Buffer.concat([u16(0), u32(0), u16(attrs.length), attrs]);
  return mrtRecord(TABLE_DUMP_V2, subtype, Buffer.concat([u32(seq), prefix, u16(1), entry]));
}

/** IPv4 records after the real ones, which gobgpd keeps but an IPv6-only session never carries. */
export interface MrtPadding {
  readonly prefix: string;
  readonly nextHop: string;
  readonly copies: number;
}

/**
 * A TABLE_DUMP_V2 file (RFC 6396 4.3): a PEER_INDEX_TABLE with one zero peer, then one RIB_IPV6_UNICAST record per
 * prefix with ORIGIN IGP, an empty AS_PATH and MP_REACH_NLRI carrying `nextHop`. MP_REACH is written whole (AFI,
 * SAFI, next hop, the prefix), as in an UPDATE: gobgp's injector reads it with its UPDATE decoder.
 *
 * `padding`: gobgp 3.10's `mrt inject` exits without flushing its gRPC stream, so the last records it reads
 * (about a thousand of 10,000, measured) never reach gobgpd; copies of one IPv4 route at the end take that loss.
 */
export function mrtRibDump(prefixes: readonly string[], nextHop: string, padding?: MrtPadding): Buffer {
  const peerIndex = mrtRecord(
    TABLE_DUMP_V2,
    PEER_INDEX_TABLE,
    // collector id, empty view name, one peer: type 2 (IPv4 address, 4-byte AS), id, address, AS 0.
    Buffer.concat([u32(0), u16(0), u16(1), Buffer.from([2]), u32(0), u32(0), u32(0)]),
  );
  const nh = ipv6Bytes(nextHop);
  const records = prefixes.map((p, seq) => {
    const nlri = prefixField(p);
    const mpValue = Buffer.concat([u16(2), Buffer.from([1, 16]), nh, Buffer.from([0]), nlri]);
    return ribRecord(RIB_IPV6_UNICAST, seq, nlri, Buffer.concat([Buffer.from([0x80, 14, mpValue.length]), mpValue]));
  });
  const pad: Buffer[] = [];
  if (padding) {
    const nh4 = parseIP(padding.nextHop);
    if (nh4?.family !== 'IPv4') throw new Error(`not an IPv4 next hop: ${padding.nextHop}`);
    const nextHopAttr = Buffer.concat([Buffer.from([0x40, 3, 4]), u32(Number(nh4.value))]);
    const field = prefixField(padding.prefix);
    for (let i = 0; i < padding.copies; i++) {
      pad.push(ribRecord(RIB_IPV4_UNICAST, prefixes.length + i, field, nextHopAttr));
    }
  }
  return Buffer.concat([peerIndex, ...records, ...pad]);
}

/** `count` IPv6 host routes from `first` upward (`2001:db8:200::1:0` -> `2001:db8:200::1:0/128`, `...::1:1/128`). */
export function hostRoutes(first: string, count: number): string[] {
  const ip = parseIP(first);
  if (ip?.family !== 'IPv6') throw new Error(`not an IPv6 address: ${first}`);
  return Array.from({ length: count }, (_, i) => `${formatIP({ family: 'IPv6', value: ip.value + BigInt(i) })}/128`);
}
