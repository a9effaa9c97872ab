/**
 * IPv6 pieces Neighbor Discovery needs: the fixed header's layout, the addresses ND sends to, the multicast MAC
 * mapping (RFC 2464 §7), and the ICMPv6 checksum over the pseudo-header (RFC 8200 §8.1). Addresses are
 * `ParsedIP`s from @ironlb/shared; on the wire they are read and written as two 64-bit halves.
 */
import type { ParsedIP } from '@ironlb/shared';

export const IPV6_HEADER_LENGTH = 40;
export const NEXT_HEADER_ICMPV6 = 58;

const ipv6 = (value: bigint): ParsedIP => Object.freeze({ family: 'IPv6', value });

/** ::, the source of a Duplicate Address Detection probe. */
export const IPV6_UNSPECIFIED: ParsedIP = ipv6(0n);
/** ff02::1, all nodes on the link. */
export const IPV6_ALL_NODES: ParsedIP = ipv6((0xff02n << 112n) | 1n);

const SOLICITED_NODE_PREFIX = (0xff02n << 112n) | (1n << 32n) | (0xffn << 24n); // ff02::1:ff00:0/104
const LOW_24 = (1n << 24n) - 1n;
const LOW_32 = (1n << 32n) - 1n;

/** ff00::/8. */
export function isIPv6Multicast(value: bigint): boolean {
  return value >> 120n === 0xffn;
}

/** Inside ff02::1:ff00:0/104. */
export function isSolicitedNodeMulticast(value: bigint): boolean {
  return value >> 24n === SOLICITED_NODE_PREFIX >> 24n;
}

function requireIPv6(ip: ParsedIP, what: string): void {
  if (ip.family !== 'IPv6') throw new RangeError(`${what} needs an IPv6 address`);
}

/** RFC 4291 §2.7.1: ff02::1:ff00:0/104 followed by the low 24 bits of `ip` (an NS for `ip` is sent there). */
export function solicitedNodeMulticast(ip: ParsedIP): ParsedIP {
  requireIPv6(ip, 'solicitedNodeMulticast');
  return { family: 'IPv6', value: SOLICITED_NODE_PREFIX | (ip.value & LOW_24) };
}

/** RFC 2464 §7: the Ethernet address of an IPv6 multicast group, 33:33 then its last 4 bytes. */
export function multicastMac(group: ParsedIP): Buffer {
  requireIPv6(group, 'multicastMac');
  if (!isIPv6Multicast(group.value)) throw new RangeError('multicastMac needs a multicast (ff00::/8) address');
  const mac = Buffer.alloc(6);
  mac[0] = 0x33;
  mac[1] = 0x33;
  mac.writeUInt32BE(Number(group.value & LOW_32), 2);
  return mac;
}

export function readIPv6(buf: Buffer, offset: number): bigint {
  return (buf.readBigUInt64BE(offset) << 64n) | buf.readBigUInt64BE(offset + 8);
}

export function writeIPv6(buf: Buffer, offset: number, value: bigint): void {
  buf.writeBigUInt64BE(value >> 64n, offset);
  buf.writeBigUInt64BE(value & 0xffffffffffffffffn, offset + 8);
}

/** The 16-bit big-endian words of buf[start, end) added to acc (an odd last byte is padded with zero). */
function sumWords(buf: Uint8Array, start: number, end: number, acc: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if (i < end) acc += buf[i] << 8;
  return acc;
}

/**
 * One's-complement sum of the pseudo-header and the ICMPv6 message of the IPv6 packet at `ip`, folded to 16 bits;
 * without the message's checksum field (bytes 2-3) when `withChecksum` is false.
 */
function pseudoSum(buf: Uint8Array, ip: number, icmpLength: number, withChecksum: boolean): number {
  const icmp = ip + IPV6_HEADER_LENGTH;
  let acc = sumWords(buf, ip + 8, icmp, 0); // source and destination addresses
  acc += icmpLength + NEXT_HEADER_ICMPV6; // the 32-bit upper-layer length's high word is zero here
  if (withChecksum) acc = sumWords(buf, icmp, icmp + icmpLength, acc);
  else acc = sumWords(buf, icmp + 4, icmp + icmpLength, sumWords(buf, icmp, icmp + 2, acc));
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return acc;
}

/**
 * The checksum an ICMPv6 message must carry: the IPv6 packet (no extension headers) starts at `ip` in `buf`, the
 * message is the `icmpLength` bytes after its 40-byte header; whatever its checksum field holds is not counted.
 */
export function icmpv6Checksum(buf: Uint8Array, ip: number, icmpLength: number): number {
  return ~pseudoSum(buf, ip, icmpLength, false) & 0xffff;
}

/** The RFC 1071 check: the sum over pseudo-header and message, checksum field included, is all ones. */
export function icmpv6ChecksumValid(buf: Uint8Array, ip: number, icmpLength: number): boolean {
  return pseudoSum(buf, ip, icmpLength, true) === 0xffff;
}
