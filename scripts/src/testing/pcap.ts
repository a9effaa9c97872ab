/**
 * The UDP datagrams in a pcap file as tcpdump writes it (`-w`, Ethernet link type, either byte order, IPv4), for
 * tests that capture traffic in the lab and replay it. Pure: bytes in, datagrams out; anything else is skipped.
 */

export interface CapturedDatagram {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const ipv4 = (b: Buffer, at: number): string => [...b.subarray(at, at + 4)].join('.');

export function udpDatagrams(file: Buffer): CapturedDatagram[] {
  if (file.length < 24) throw new Error('not a pcap file: shorter than its header');
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error(`not a pcap file: magic ${file.subarray(0, 4).toString('hex')}`);
  }
  const u32 = (at: number): number => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  if (u32(20) !== LINKTYPE_ETHERNET) throw new Error(`pcap link type ${u32(20)}, not Ethernet`);
  const out: CapturedDatagram[] = [];
  for (let at = 24; at + 16 <= file.length;) {
    const len = u32(at + 8);
    const frame = file.subarray(at + 16, at + 16 + len);
    at += 16 + len;
    if (frame.length < 14 + 20 || frame.readUInt16BE(12) !== 0x0800) continue;
    const ihl = (frame[14] & 0x0f) * 4;
    if (frame[14 + 9] !== 17 || frame.length < 14 + ihl + 8) continue;
    const udp = 14 + ihl;
    const end = Math.min(frame.length, udp + frame.readUInt16BE(udp + 4));
    out.push({
      src: ipv4(frame, 14 + 12),
      dst: ipv4(frame, 14 + 16),
      srcPort: frame.readUInt16BE(udp),
      dstPort: frame.readUInt16BE(udp + 2),
      payload: Buffer.from(frame.subarray(udp + 8, end)),
    });
  }
  return out;
}
