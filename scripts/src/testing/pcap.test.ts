import { udpDatagrams } from './pcap';

/** One Ethernet/IPv4/UDP frame from 198.51.100.12:40000 to 198.51.100.11:7946 carrying `payload`. */
function frame(payload: Buffer, proto = 17): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[9] = proto;
  Buffer.from([198, 51, 100, 12]).copy(ip, 12);
  Buffer.from([198, 51, 100, 11]).copy(ip, 16);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(40_000, 0);
  udp.writeUInt16BE(7946, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  return Buffer.concat([eth, ip, udp, payload]);
}

function pcap(frames: Buffer[], le = true): Buffer {
  const header = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  w32(header, 0xa1b2c3d4, 0);
  w32(header, 262_144, 16);
  w32(header, 1, 20);
  const records = frames.map((f) => {
    const r = Buffer.alloc(16);
    w32(r, f.length, 8);
    w32(r, f.length, 12);
    return Buffer.concat([r, f]);
  });
  return Buffer.concat([header, ...records]);
}

describe('udpDatagrams', () => {
  it.each([true, false])('reads the UDP payloads of a capture (little-endian %s), skipping other protocols', (le) => {
    const file = pcap([frame(Buffer.from('IL-one')), frame(Buffer.from('tcp'), 6), frame(Buffer.from('IL-two'))], le);
    expect(udpDatagrams(file)).toEqual([
      { src: '198.51.100.12', dst: '198.51.100.11', srcPort: 40_000, dstPort: 7946, payload: Buffer.from('IL-one') },
      { src: '198.51.100.12', dst: '198.51.100.11', srcPort: 40_000, dstPort: 7946, payload: Buffer.from('IL-two') },
    ]);
  });

  it('refuses what is not a pcap file', () => {
    expect(() => udpDatagrams(Buffer.from('definitely not a capture file'))).toThrow('not a pcap file');
  });
});
