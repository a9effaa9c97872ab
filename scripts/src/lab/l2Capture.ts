// Pure helpers of captureL2Vectors: reading tcpdump's pcap output, naming what a captured frame is (enough to pick
// the one a vector wants), and writing a frame as a commented .hex fixture. No I/O.
import { formatIP } from '@ironlb/shared';

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;

/** The frames of a classic pcap file (as `tcpdump -w` writes it), in order. A record cut short at the end is left out. */
export function parsePcap(buf: Buffer): Buffer[] {
  if (buf.length < 24) throw new Error(`pcap: ${buf.length} bytes, shorter than the 24-byte file header`);
  const le = buf.readUInt32LE(0) === PCAP_MAGIC_US || buf.readUInt32LE(0) === PCAP_MAGIC_NS;
  if (!le && buf.readUInt32BE(0) !== PCAP_MAGIC_US && buf.readUInt32BE(0) !== PCAP_MAGIC_NS) {
    throw new Error(`pcap: unknown magic 0x${buf.readUInt32BE(0).toString(16)}`);
  }
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (u32(20) !== LINKTYPE_ETHERNET) throw new Error(`pcap: link type ${u32(20)}, not Ethernet`);
  const frames: Buffer[] = [];
  for (let o = 24; o + 16 <= buf.length;) {
    const incl = u32(o + 8);
    const orig = u32(o + 12);
    if (o + 16 + incl > buf.length) break;
    if (incl !== orig) throw new Error(`pcap: frame ${frames.length} cut to ${incl} of ${orig} bytes (snap length)`);
    frames.push(Buffer.from(buf.subarray(o + 16, o + 16 + incl)));
    o += 16 + incl;
  }
  return frames;
}

/** What a captured frame is, in the words the capture script matches on. */
export interface FrameSummary {
  ethDst: string;
  ethSrc: string;
  /** The 802.1Q VLAN id of a tagged frame. */
  vlan?: number;
  arp?: { op: 'request' | 'reply'; senderIP: string; targetIP: string };
  nd?: { type: 'ns' | 'na'; srcIP: string; dstIP: string; target: string };
}

const mac = (b: Buffer, o: number): string =>
  [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Buffer, o: number): string => formatIP({ family: 'IPv4', value: BigInt(b.readUInt32BE(o)) });
const ip6 = (b: Buffer, o: number): string =>
  formatIP({ family: 'IPv6', value: (b.readBigUInt64BE(o) << 64n) | b.readBigUInt64BE(o + 8) });

/** Ethernet addresses, an 802.1Q tag, and the ARP or ND fields when the frame is one (no validation). */
export function summarizeFrame(f: Buffer): FrameSummary {
  const s: FrameSummary = { ethDst: mac(f, 0), ethSrc: mac(f, 6) };
  let at = 12;
  if (f.length >= 18 && f.readUInt16BE(12) === 0x8100) {
    s.vlan = f.readUInt16BE(14) & 0xfff;
    at = 16;
  }
  const type = f.length >= at + 2 ? f.readUInt16BE(at) : 0;
  const p = at + 2;
  if (type === 0x0806 && f.length >= p + 28) {
    const op = f.readUInt16BE(p + 6);
    if (op === 1 || op === 2) {
      s.arp = { op: op === 1 ? 'request' : 'reply', senderIP: ip4(f, p + 14), targetIP: ip4(f, p + 24) };
    }
  }
  if (type === 0x86dd && f.length >= p + 64 && f[p + 6] === 58 && (f[p + 40] === 135 || f[p + 40] === 136)) {
    s.nd = {
      type: f[p + 40] === 135 ? 'ns' : 'na',
      srcIP: ip6(f, p + 8),
      dstIP: ip6(f, p + 24),
      target: ip6(f, p + 48),
    };
  }
  return s;
}

/** One line for error messages: what a capture held. */
export function describeFrame(f: Buffer): string {
  const s = summarizeFrame(f);
  const what = s.arp
    ? `ARP ${s.arp.op} ${s.arp.senderIP} -> ${s.arp.targetIP}`
    : s.nd
      ? `${s.nd.type.toUpperCase()} ${s.nd.srcIP} -> ${s.nd.dstIP} target ${s.nd.target}`
      : 'other';
  return `${s.ethSrc} > ${s.ethDst}${s.vlan === undefined ? '' : ` vlan ${s.vlan}`}: ${what} (${f.length} bytes)`;
}

/**
 * A fixture file: `# ` comment lines, then the frame as hex, 16 bytes a line in pairs. The speaker's tests read it
 * back by dropping `#` lines and whitespace.
 */
export function formatFixture(comments: string[], frame: Buffer): string {
  const lines = comments.map((c) => `# ${c}`.trimEnd());
  for (let o = 0; o < frame.length; o += 16) {
    lines.push([...frame.subarray(o, o + 16)].map((x) => x.toString(16).padStart(2, '0')).join(' '));
  }
  return `${lines.join('\n')}\n`;
}
