/**
 * Turns a tcpdump capture of BFD (udp 3784/4784) into the hex fixture format of speaker/src/bgp/bfd/fixtures/: one
 * datagram per line, `<src>:<port> > <dst>:<port> <payload hex>`, in capture order, each distinct payload once (the
 * periodic repeats are byte for byte the same). How the captures were made: fixtures/README.md.
 *
 * Usage: node scripts/dist/lab/bfdPcapHex.js <file.pcap> [comment...] > fixture.hex
 */
import * as fs from 'node:fs';
import { udpDatagrams, type CapturedDatagram } from '../testing/pcap';

export function bfdFixtureLines(datagrams: readonly CapturedDatagram[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of datagrams) {
    if (d.dstPort !== 3784 && d.dstPort !== 4784) continue;
    const hex = d.payload.toString('hex');
    if (seen.has(hex)) continue;
    seen.add(hex);
    out.push(`${d.src}:${d.srcPort} > ${d.dst}:${d.dstPort} ${hex}`);
  }
  return out;
}

if (require.main === module) {
  const [file, ...comment] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: bfdPcapHex <file.pcap> [comment...]\n');
    process.exit(2);
  }
  const lines = bfdFixtureLines(udpDatagrams(fs.readFileSync(file)));
  process.stdout.write(`${comment.length ? `# ${comment.join(' ')}\n` : ''}${lines.join('\n')}\n`);
}
