// The capture script's pure parts: pcap records in both byte orders, frame summaries, the fixture text.
import { describeFrame, formatFixture, parsePcap, summarizeFrame } from './l2Capture';

const ARP_REQUEST = Buffer.from(
  'ffffffffffff021b1b0300000806000108000604000102' + '1b1b030000c6336464000000000000c63364c8',
  'hex',
);

function pcap(frames: Buffer[], le: boolean): Buffer {
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v);
    else b.writeUInt32BE(v);
    return b;
  };
  const header = Buffer.concat([u32(0xa1b2c3d4), Buffer.from(le ? [2, 0, 4, 0] : [0, 2, 0, 4]), u32(0), u32(0)]);
  const parts = [header, u32(262144), u32(1)];
  for (const f of frames) parts.push(u32(1), u32(2), u32(f.length), u32(f.length), f);
  return Buffer.concat(parts);
}

test('parsePcap reads the frames of little- and big-endian files, and drops a record cut short', () => {
  const two = [ARP_REQUEST, Buffer.from('33330000000102')];
  expect(parsePcap(pcap(two, true))).toEqual(two);
  expect(parsePcap(pcap(two, false))).toEqual(two);
  const cut = pcap(two, true);
  expect(parsePcap(cut.subarray(0, cut.length - 1))).toEqual([ARP_REQUEST]);
  expect(() => parsePcap(Buffer.alloc(10))).toThrow(/shorter than the 24-byte/);
  expect(() => parsePcap(Buffer.alloc(24))).toThrow(/unknown magic/);
});

test('summarizeFrame names ARP and 802.1Q-tagged ARP', () => {
  expect(summarizeFrame(ARP_REQUEST)).toEqual({
    ethDst: 'ff:ff:ff:ff:ff:ff',
    ethSrc: '02:1b:1b:03:00:00',
    arp: { op: 'request', senderIP: '198.51.100.100', targetIP: '198.51.100.200' },
  });
  const tagged = Buffer.concat([ARP_REQUEST.subarray(0, 12), Buffer.from([0x81, 0, 0, 100]), ARP_REQUEST.subarray(12)]);
  expect(summarizeFrame(tagged)).toMatchObject({ vlan: 100, arp: { op: 'request' } });
  expect(describeFrame(tagged)).toBe(
    '02:1b:1b:03:00:00 > ff:ff:ff:ff:ff:ff vlan 100: ARP request 198.51.100.100 -> 198.51.100.200 (46 bytes)',
  );
});

test('formatFixture writes comments, then 16 bytes a line', () => {
  expect(formatFixture(['one', ''], ARP_REQUEST)).toBe(
    [
      '# one',
      '#',
      'ff ff ff ff ff ff 02 1b 1b 03 00 00 08 06 00 01',
      '08 00 06 04 00 01 02 1b 1b 03 00 00 c6 33 64 64',
      '00 00 00 00 00 00 c6 33 64 c8',
      '',
    ].join('\n'),
  );
});
