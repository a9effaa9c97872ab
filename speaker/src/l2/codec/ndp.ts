/**
 * IPv6 Neighbor Discovery (RFC 4861) in Ethernet frames: Neighbor Solicitations (135) and Advertisements (136) with
 * their link-layer address options, validated as §7.1.1 and §7.1.2 require of a receiver, and the advertisements
 * the layer-2 speaker sends for the addresses it announces.
 *
 * Only IPv6 packets whose next header is ICMPv6 are ours: ND messages never carry extension headers in practice
 * (a hop-by-hop header is MLD's, not ND's), so anything else is declined as 'not-icmpv6'.
 */
import type { ParsedIP } from '@ironlb/shared';
import { ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV6, isVlanEtherType, writeEthernetHeader } from './ethernet';
import { ignore, type Ignored, type TargetFilter } from './ignored';
import {
  icmpv6Checksum,
  icmpv6ChecksumValid,
  IPV6_ALL_NODES,
  IPV6_HEADER_LENGTH,
  isIPv6Multicast,
  isSolicitedNodeMulticast,
  multicastMac,
  NEXT_HEADER_ICMPV6,
  readIPv6,
  writeIPv6,
} from './ipv6';
import { assertMac, MAC_LENGTH } from './mac';

export const ICMPV6_NEIGHBOR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
export const ND_OPTION_SOURCE_LINK_LAYER = 1;
export const ND_OPTION_TARGET_LINK_LAYER = 2;
/** Sent with 255 and accepted only with 255: proof that the packet was not forwarded by a router. */
export const ND_HOP_LIMIT = 255;
/** ICMPv6 type, code, checksum, 4 bytes of flags/reserved and the 16-byte target: the shortest valid NS or NA. */
export const ND_MIN_LENGTH = 24;

const NA_ROUTER = 0x80;
const NA_SOLICITED = 0x40;
const NA_OVERRIDE = 0x20;

/** Where the IPv6 header and the ICMPv6 message start in an untagged Ethernet frame. */
const IP = ETHERNET_HEADER_LENGTH;
const ICMP = IP + IPV6_HEADER_LENGTH;

interface NdFields {
  ethDst: Buffer;
  ethSrc: Buffer;
  /** IPv6 source: :: for Duplicate Address Detection. */
  srcIP: ParsedIP;
  dstIP: ParsedIP;
  target: ParsedIP;
}

export interface NeighborSolicitation extends NdFields {
  kind: 'ns';
  /** The Source Link-Layer Address option, when present. */
  sourceLinkLayer?: Buffer;
}

export interface NeighborAdvertisement extends NdFields {
  kind: 'na';
  router: boolean;
  solicited: boolean;
  override: boolean;
  /** The Target Link-Layer Address option, when present. */
  targetLinkLayer?: Buffer;
}

export type NeighborDiscoveryMessage = NeighborSolicitation | NeighborAdvertisement;

/** What the speaker answers from: its interface's MAC and link-local address. */
export interface NdSender {
  mac: Buffer;
  linkLocal: ParsedIP;
}

/**
 * The NS or NA in an Ethernet frame, or why not. Order of checks: EtherType, IPv6 header, ICMPv6 type, the length
 * fields against the frame, then the target (through `wants`) before the checksum and options are looked at, then
 * RFC 4861's receiver checks: hop limit 255, code 0, ICMP length >= 24, checksum, target not multicast, every
 * option longer than zero and inside the message, a link-layer address option of exactly 6 bytes; for an NS from ::
 * (DAD) a solicited-node multicast destination and no Source Link-Layer Address; for an NA to a multicast
 * destination the Solicited flag clear. Options other than the message's own link-layer address are skipped, as
 * §4.6 requires (Linux puts a Nonce, type 14, in its DAD probes). Bytes after the IPv6 payload are ignored. MACs are
 * views into `frame`.
 */
export function decodeNeighborDiscovery(frame: Buffer, wants?: TargetFilter): NeighborDiscoveryMessage | Ignored {
  if (frame.length < ETHERNET_HEADER_LENGTH) return ignore('truncated');
  const etherType = (frame[12] << 8) | frame[13];
  if (etherType !== ETHERTYPE_IPV6) return ignore(isVlanEtherType(etherType) ? 'vlan-tagged' : 'not-ipv6');
  if (frame.length < ICMP) return ignore('truncated');
  if (frame[IP] >> 4 !== 6) return ignore('bad-ip-version');
  if (frame[IP + 6] !== NEXT_HEADER_ICMPV6) return ignore('not-icmpv6');
  const length = frame.readUInt16BE(IP + 4);
  if (frame.length < ICMP + length || length < 4) return ignore('truncated');
  const type = frame[ICMP];
  if (type !== ICMPV6_NEIGHBOR_SOLICITATION && type !== ICMPV6_NEIGHBOR_ADVERTISEMENT) {
    return ignore('not-neighbor-discovery');
  }
  if (length < ND_MIN_LENGTH) return ignore('too-short');
  const target = readIPv6(frame, ICMP + 8);
  if (wants !== undefined && !wants(target)) return ignore('not-wanted');
  if (frame[IP + 7] !== ND_HOP_LIMIT) return ignore('bad-hop-limit');
  if (frame[ICMP + 1] !== 0) return ignore('bad-code');
  if (!icmpv6ChecksumValid(frame, IP, length)) return ignore('bad-checksum');
  if (isIPv6Multicast(target)) return ignore('multicast-target');

  const ns = type === ICMPV6_NEIGHBOR_SOLICITATION;
  const ownOption = ns ? ND_OPTION_SOURCE_LINK_LAYER : ND_OPTION_TARGET_LINK_LAYER;
  const end = ICMP + length;
  let linkLayer: Buffer | undefined;
  for (let o = ICMP + ND_MIN_LENGTH; o < end;) {
    const size = o + 1 < end ? frame[o + 1] * 8 : 0;
    if (size === 0 || o + size > end) return ignore('bad-option');
    if (frame[o] === ownOption && linkLayer === undefined) {
      // RFC 2464 §6: on Ethernet the option is 8 bytes, a 6-byte MAC. Linux drops other sizes too.
      if (size !== 8) return ignore('bad-option');
      linkLayer = frame.subarray(o + 2, o + 2 + MAC_LENGTH);
    }
    o += size;
  }

  const src = readIPv6(frame, IP + 8);
  const dst = readIPv6(frame, IP + 24);
  const ethDst = frame.subarray(0, 6);
  const ethSrc = frame.subarray(6, 12);
  const srcIP: ParsedIP = { family: 'IPv6', value: src };
  const dstIP: ParsedIP = { family: 'IPv6', value: dst };
  const targetIP: ParsedIP = { family: 'IPv6', value: target };
  if (ns) {
    if (src === 0n) {
      if (!isSolicitedNodeMulticast(dst)) return ignore('dad-not-solicited-node');
      if (linkLayer !== undefined) return ignore('dad-with-slla');
    }
    return { kind: 'ns', ethDst, ethSrc, srcIP, dstIP, target: targetIP, sourceLinkLayer: linkLayer };
  }
  const flags = frame[ICMP + 4];
  const solicited = (flags & NA_SOLICITED) !== 0;
  if (solicited && isIPv6Multicast(dst)) return ignore('solicited-multicast-na');
  return {
    kind: 'na',
    ethDst,
    ethSrc,
    srcIP,
    dstIP,
    target: targetIP,
    router: (flags & NA_ROUTER) !== 0,
    solicited,
    override: (flags & NA_OVERRIDE) !== 0,
    targetLinkLayer: linkLayer,
  };
}

function ipv6Value(ip: ParsedIP, what: string): bigint {
  // A negative value shifts to -1n, so this one test refuses those too.
  if (ip.family !== 'IPv6' || ip.value >> 128n !== 0n) {
    throw new RangeError(`Neighbor Discovery ${what} must be an IPv6 address`);
  }
  return ip.value;
}

/**
 * The frame's exact bytes: IPv6 with traffic class 0, flow label 0 and hop limit 255 (as Linux sends ND), the
 * message with reserved bits zero, its one link-layer address option when given, and the checksum over the
 * pseudo-header. 78 bytes without the option, 86 with it: longer than the Ethernet minimum, so never padded.
 * Throws on a MAC that is not 6 bytes or an address that is not IPv6.
 */
export function encodeNeighborDiscovery(m: NeighborDiscoveryMessage): Buffer {
  const src = ipv6Value(m.srcIP, 'source');
  const dst = ipv6Value(m.dstIP, 'destination');
  const target = ipv6Value(m.target, 'target');
  const linkLayer = m.kind === 'ns' ? m.sourceLinkLayer : m.targetLinkLayer;
  if (linkLayer !== undefined) assertMac(linkLayer, 'ND link-layer address option');
  const length = ND_MIN_LENGTH + (linkLayer === undefined ? 0 : 8);
  const out = Buffer.alloc(ICMP + length);
  writeEthernetHeader(out, m.ethDst, m.ethSrc, ETHERTYPE_IPV6);
  out.writeUInt32BE(0x60000000, IP); // version 6, traffic class 0, flow label 0
  out.writeUInt16BE(length, IP + 4);
  out[IP + 6] = NEXT_HEADER_ICMPV6;
  out[IP + 7] = ND_HOP_LIMIT;
  writeIPv6(out, IP + 8, src);
  writeIPv6(out, IP + 24, dst);
  if (m.kind === 'ns') out[ICMP] = ICMPV6_NEIGHBOR_SOLICITATION;
  else {
    out[ICMP] = ICMPV6_NEIGHBOR_ADVERTISEMENT;
    out[ICMP + 4] = (m.router ? NA_ROUTER : 0) | (m.solicited ? NA_SOLICITED : 0) | (m.override ? NA_OVERRIDE : 0);
  }
  writeIPv6(out, ICMP + 8, target);
  if (linkLayer !== undefined) {
    out[ICMP + 24] = m.kind === 'ns' ? ND_OPTION_SOURCE_LINK_LAYER : ND_OPTION_TARGET_LINK_LAYER;
    out[ICMP + 25] = 1; // in units of 8 bytes
    out.set(linkLayer, ICMP + 26);
  }
  out.writeUInt16BE(icmpv6Checksum(out, IP, length), ICMP + 2);
  return out;
}

/** 33:33:00:00:00:01, where ff02::1 goes. Shared: copy it before changing it (the encoders only read it). */
export const ALL_NODES_MAC: Buffer = multicastMac(IPV6_ALL_NODES);

/**
 * The NA answering `ns` (for a target the caller announces), per RFC 4861 §7.2.4: from our link-local address and
 * MAC, Router clear (the VIP is not a router), Override set (it is our unicast address, and the option is
 * included), our MAC in a Target Link-Layer Address option. To an NS from a specified source: unicast back to it,
 * Solicited set, at its Source Link-Layer Address option's MAC, or without one at the frame's Ethernet source
 * (where RFC 4861 would run address resolution first; the NS just came from there). To a DAD probe (from ::): to
 * ff02::1 at 33:33:00:00:00:01, Solicited clear.
 */
export function neighborAdvertisementFor(ns: NeighborSolicitation, ours: NdSender): NeighborAdvertisement {
  const dad = ns.srcIP.value === 0n;
  return {
    kind: 'na',
    ethDst: dad ? ALL_NODES_MAC : (ns.sourceLinkLayer ?? ns.ethSrc),
    ethSrc: ours.mac,
    srcIP: ours.linkLocal,
    dstIP: dad ? IPV6_ALL_NODES : ns.srcIP,
    target: ns.target,
    router: false,
    solicited: !dad,
    override: true,
    targetLinkLayer: ours.mac,
  };
}

/**
 * The unsolicited NA for `target` sent on takeover (RFC 4861 §7.2.6): to ff02::1, Solicited clear, Override set so
 * that neighbours replace the old owner's MAC at once, our MAC in the Target Link-Layer Address option.
 */
export function unsolicitedNeighborAdvertisement(target: ParsedIP, ours: NdSender): NeighborAdvertisement {
  return {
    kind: 'na',
    ethDst: ALL_NODES_MAC,
    ethSrc: ours.mac,
    srcIP: ours.linkLocal,
    dstIP: IPV6_ALL_NODES,
    target,
    router: false,
    solicited: false,
    override: true,
    targetLinkLayer: ours.mac,
  };
}
