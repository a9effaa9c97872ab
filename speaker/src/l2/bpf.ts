/**
 * The kernel-side filter of a speaker's packet socket, narrowed to what it announces: ARP frames whose target or
 * sender address is one of its IPv4 addresses (requests to answer, and other hosts claiming ours), and Neighbor
 * Solicitations/Advertisements whose target is one of its IPv6 addresses. Everything else, a flood of requests for
 * other hosts included, is dropped before it is queued, so it can neither cost JavaScript time nor push a request
 * we must answer out of a full receive queue. Classic BPF, built here and attached by the addon (setFilter).
 *
 * Every comparison jumps a few instructions at most (match: fall through to `accept`; no match: skip it), and the
 * two blocks are reached with `ja`, whose offset is 32-bit; the program is limited by the kernel's 4,096 instructions,
 * beyond which the speaker keeps the broad filter (all ARP and NS/NA) and drops the rest in JavaScript.
 */

// Opcodes of linux/filter.h.
const LD_H_ABS = 0x28;
const LD_W_ABS = 0x20;
const LD_B_ABS = 0x30;
const JEQ_K = 0x15;
const RET_K = 0x06;
const JA = 0x05;

export const BPF_MAX_INSTRUCTIONS = 4096;
const ACCEPT = 0x40000;

interface Insn {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

const stmt = (code: number, k: number): Insn => ({ code, jt: 0, jf: 0, k });
const jeq = (k: number, jt: number, jf: number): Insn => ({ code: JEQ_K, jt, jf, k: k >>> 0 });

/** Frame offsets (untagged Ethernet). */
const ETHERTYPE = 12;
const ARP_SENDER_IP = 14 + 14;
const ARP_TARGET_IP = 14 + 24;
const IPV6_NEXT_HEADER = 14 + 6;
const ICMPV6_TYPE = 14 + 40;
const ND_TARGET = 14 + 40 + 8;

function encode(program: readonly Insn[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  program.forEach((p, i) => {
    // struct sock_filter in host order: little-endian on every platform this runs on (x86-64, arm64).
    out.writeUInt16LE(p.code, i * 8);
    out[i * 8 + 2] = p.jt;
    out[i * 8 + 3] = p.jf;
    out.writeUInt32LE(p.k >>> 0, i * 8 + 4);
  });
  return out;
}

/** Instructions that accept when the 32-bit word at `offset` is one of `values`. */
function anyWord(offset: number, values: readonly number[]): Insn[] {
  if (values.length === 0) return [];
  return [stmt(LD_W_ABS, offset), ...values.flatMap((v) => [jeq(v, 0, 1), stmt(RET_K, ACCEPT)])];
}

/** Instructions that accept when the 16 bytes at `offset` are one of `addresses`. */
function anyIPv6(offset: number, addresses: readonly bigint[]): Insn[] {
  return addresses.flatMap((a) => {
    const words = [96n, 64n, 32n, 0n].map((shift) => Number((a >> shift) & 0xffffffffn));
    // Word i's mismatch skips the rest of this address: its remaining loads and compares, and the accept.
    return [
      ...words.flatMap((w, i) => [stmt(LD_W_ABS, offset + 4 * i), jeq(w, 0, 2 * (3 - i) + 1)]),
      stmt(RET_K, ACCEPT),
    ];
  });
}

/** All ARP and all NS/NA, what the addon attaches at open: the fallback when the addresses do not fit. */
export function broadFilter(): Buffer {
  return encode([
    stmt(LD_H_ABS, ETHERTYPE),
    jeq(0x0806, 6, 0),
    jeq(0x86dd, 0, 6),
    stmt(LD_B_ABS, IPV6_NEXT_HEADER),
    jeq(58, 0, 4),
    stmt(LD_B_ABS, ICMPV6_TYPE),
    jeq(135, 1, 0),
    jeq(136, 0, 1),
    stmt(RET_K, ACCEPT),
    stmt(RET_K, 0),
  ]);
}

/**
 * The program for these addresses (IPv4 as 32-bit numbers, IPv6 as 128-bit bigints), or undefined when it would be
 * longer than `maxInstructions` (at most the kernel's 4,096).
 */
export function announcedFilter(
  ipv4: readonly number[],
  ipv6: readonly bigint[],
  maxInstructions = BPF_MAX_INSTRUCTIONS,
): Buffer | undefined {
  const arp = [...anyWord(ARP_TARGET_IP, ipv4), ...anyWord(ARP_SENDER_IP, ipv4), stmt(RET_K, 0)];
  const nd = [
    stmt(LD_B_ABS, IPV6_NEXT_HEADER),
    jeq(58, 1, 0),
    stmt(RET_K, 0),
    stmt(LD_B_ABS, ICMPV6_TYPE),
    jeq(135, 2, 0),
    jeq(136, 1, 0),
    stmt(RET_K, 0),
    ...anyIPv6(ND_TARGET, ipv6),
    stmt(RET_K, 0),
  ];
  // Dispatch on the EtherType; `ja` takes a 32-bit offset, so the blocks may be any length.
  const head = [
    stmt(LD_H_ABS, ETHERTYPE),
    jeq(0x0806, 0, 1),
    stmt(JA, 3),
    jeq(0x86dd, 0, 1),
    stmt(JA, arp.length + 1),
    stmt(RET_K, 0),
  ];
  const program = [...head, ...arp, ...nd];
  return program.length > Math.min(maxInstructions, BPF_MAX_INSTRUCTIONS) ? undefined : encode(program);
}
