/**
 * ARP for IPv4 over Ethernet (RFC 826), and the three frames the layer-2 speaker sends: the reply to a request for
 * an address it announces, the gratuitous ARP it broadcasts on takeover, and the RFC 5227 probe.
 *
 * Which gratuitous ARP: we send an ARP *request* with sender IP = target IP = the VIP, target MAC all zeros, to the
 * broadcast address: RFC 5227 §2.3's "ARP Announcement", and exactly what Linux itself broadcasts when an interface
 * comes up with arp_notify=1 (fixture arp-gratuitous-kernel). Receivers update an existing cache entry for the
 * sender IP from any ARP packet, request or reply (RFC 826's merge step runs before the opcode is looked at; Linux
 * does so with arp_accept=0, and switches learn the source MAC from either); RFC 5227 §3 weighs the two and
 * recommends the request, so one standard frame does the job. MetalLB sends both a request and a reply, each with
 * target MAC ff:ff:ff:ff:ff:ff; `gratuitousArp(mac, vip, 'reply')` builds the reply form for a caller that wants it.
 */
import type { ParsedIP } from '@ironlb/shared';
import {
  ETHERNET_HEADER_LENGTH,
  ETHERNET_MIN_FRAME_LENGTH,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  isVlanEtherType,
  writeEthernetHeader,
} from './ethernet';
import { ignore, type Ignored, type TargetFilter } from './ignored';
import { assertMac, BROADCAST_MAC, MAC_LENGTH, ZERO_MAC } from './mac';

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
/** The ARP packet for IPv4 over Ethernet: 8 bytes of header, 2 x (6 + 4) bytes of addresses. */
export const ARP_PACKET_LENGTH = 28;
/** An Ethernet frame carrying it, before padding. */
export const ARP_FRAME_LENGTH = ETHERNET_HEADER_LENGTH + ARP_PACKET_LENGTH;

export type ArpOp = 'request' | 'reply';

/** An ARP frame: the Ethernet header's addresses and the ARP packet's fields. */
export interface ArpFrame {
  /** Ethernet destination: broadcast for requests and announcements, the requester for replies. */
  ethDst: Buffer;
  ethSrc: Buffer;
  op: ArpOp;
  senderMac: Buffer;
  senderIP: ParsedIP;
  /** Zeros (or anything: it is ignored) in requests. */
  targetMac: Buffer;
  targetIP: ParsedIP;
}

const ARP_BASE = ETHERNET_HEADER_LENGTH;

/**
 * The ARP packet in an Ethernet frame, or why not. Checks the EtherType first and the target address (through
 * `wants`) before building anything, so a flood of requests for addresses we do not announce costs a few reads
 * each. Bytes after the 28-byte packet (Ethernet padding, whatever its length) are ignored. MACs are views into
 * `frame` (copy them to keep them).
 */
export function decodeArp(frame: Buffer, wants?: TargetFilter): ArpFrame | Ignored {
  if (frame.length < ETHERNET_HEADER_LENGTH) return ignore('truncated');
  const etherType = (frame[12] << 8) | frame[13];
  if (etherType !== ETHERTYPE_ARP) return ignore(isVlanEtherType(etherType) ? 'vlan-tagged' : 'not-arp');
  if (frame.length < ARP_FRAME_LENGTH) return ignore('truncated');
  const b = ARP_BASE;
  if (frame.readUInt16BE(b) !== 1 || frame.readUInt16BE(b + 2) !== ETHERTYPE_IPV4) {
    return ignore('not-ipv4-over-ethernet');
  }
  if (frame[b + 4] !== MAC_LENGTH || frame[b + 5] !== 4) return ignore('not-ipv4-over-ethernet');
  const opcode = frame.readUInt16BE(b + 6);
  if (opcode !== ARP_REQUEST && opcode !== ARP_REPLY) return ignore('unknown-op');
  const target = BigInt(frame.readUInt32BE(b + 24));
  if (wants !== undefined && !wants(target)) return ignore('not-wanted');
  return {
    ethDst: frame.subarray(0, 6),
    ethSrc: frame.subarray(6, 12),
    op: opcode === ARP_REQUEST ? 'request' : 'reply',
    senderMac: frame.subarray(b + 8, b + 14),
    senderIP: { family: 'IPv4', value: BigInt(frame.readUInt32BE(b + 14)) },
    targetMac: frame.subarray(b + 18, b + 24),
    targetIP: { family: 'IPv4', value: target },
  };
}

function ipv4Value(ip: ParsedIP, what: string): number {
  if (ip.family !== 'IPv4' || ip.value < 0n || ip.value > 0xffffffffn) {
    throw new RangeError(`ARP ${what} must be an IPv4 address`);
  }
  return Number(ip.value);
}

/**
 * The frame's bytes, zero-padded to `minLength` (default 60, the Ethernet minimum: what a NIC puts on the wire;
 * Linux itself hands 42-byte ARP frames to the driver and a veth never pads them, so pass 0 for those bytes).
 * Throws on a MAC that is not 6 bytes or an address that is not IPv4 (our own code's mistake, not the wire's).
 */
export function encodeArp(f: ArpFrame, minLength = ETHERNET_MIN_FRAME_LENGTH): Buffer {
  assertMac(f.senderMac, 'ARP sender MAC');
  assertMac(f.targetMac, 'ARP target MAC');
  const sender = ipv4Value(f.senderIP, 'sender address');
  const target = ipv4Value(f.targetIP, 'target address');
  const out = Buffer.alloc(Math.max(ARP_FRAME_LENGTH, minLength));
  writeEthernetHeader(out, f.ethDst, f.ethSrc, ETHERTYPE_ARP);
  const b = ARP_BASE;
  out.writeUInt16BE(1, b); // htype: Ethernet
  out.writeUInt16BE(ETHERTYPE_IPV4, b + 2); // ptype
  out[b + 4] = MAC_LENGTH;
  out[b + 5] = 4;
  out.writeUInt16BE(f.op === 'request' ? ARP_REQUEST : ARP_REPLY, b + 6);
  out.set(f.senderMac, b + 8);
  out.writeUInt32BE(sender, b + 14);
  out.set(f.targetMac, b + 18);
  out.writeUInt32BE(target, b + 24);
  return out;
}

/**
 * RFC 826's reply to `request` (a request for an address we announce): the request's target IP with our MAC as the
 * sender, the requester as the target, sent unicast to the requester's hardware address. A probe's sender IP is
 * 0.0.0.0 and so is this reply's target IP, as Linux answers probes (fixture arp-probe-reply-kernel).
 */
export function arpReply(request: ArpFrame, ourMac: Buffer): ArpFrame {
  return {
    ethDst: request.senderMac,
    ethSrc: ourMac,
    op: 'reply',
    senderMac: ourMac,
    senderIP: request.targetIP,
    targetMac: request.senderMac,
    targetIP: request.senderIP,
  };
}

/**
 * The gratuitous ARP for `vip` (see the top of this file for why a request): broadcast, sender and target IP both
 * the VIP, target MAC zeros (RFC 5227 §2.3: ignored, SHOULD be zero). `op: 'reply'` gives the reply form instead.
 */
export function gratuitousArp(ourMac: Buffer, vip: ParsedIP, op: ArpOp = 'request'): ArpFrame {
  return {
    ethDst: BROADCAST_MAC,
    ethSrc: ourMac,
    op,
    senderMac: ourMac,
    senderIP: vip,
    targetMac: ZERO_MAC,
    targetIP: vip,
  };
}

/** A plain broadcast request from us (`senderIP`) for `target`: what a client sends to resolve an address. */
export function arpRequest(ourMac: Buffer, senderIP: ParsedIP, target: ParsedIP): ArpFrame {
  return {
    ethDst: BROADCAST_MAC,
    ethSrc: ourMac,
    op: 'request',
    senderMac: ourMac,
    senderIP,
    targetMac: ZERO_MAC,
    targetIP: target,
  };
}

/** An RFC 5227 §2.1.1 probe for `ip`: a broadcast request with sender IP 0.0.0.0 and target MAC zeros. */
export function arpProbe(ourMac: Buffer, ip: ParsedIP): ArpFrame {
  return {
    ethDst: BROADCAST_MAC,
    ethSrc: ourMac,
    op: 'request',
    senderMac: ourMac,
    senderIP: { family: 'IPv4', value: 0n },
    targetMac: ZERO_MAC,
    targetIP: ip,
  };
}
