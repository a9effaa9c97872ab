// The BGP capture script's pure parts: TCP out of frames, reassembly, cutting BGP messages, naming them.
import {
  bgpKind,
  describeBgp,
  formatBgpFixture,
  offersAs4,
  reassemble,
  splitBgpMessages,
  tcpSegments,
  type TcpSegment,
} from './bgpCapture';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const MARKER = 'ff'.repeat(16);
const msg = (type: number, body: string): Buffer => {
  const b = hex(body);
  return Buffer.concat([hex(MARKER), Buffer.from([(19 + b.length) >> 8, (19 + b.length) & 0xff, type]), b]);
};
const KEEPALIVE = msg(4, '');

function tcp(srcPort: number, dstPort: number, seq: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt32BE(seq, 4);
  h[12] = 5 << 4;
  h[13] = flags;
  return Buffer.concat([h, payload]);
}

function frame4(src: number[], dst: number[], segment: Buffer): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + segment.length, 2);
  ip[9] = 6;
  Buffer.from(src).copy(ip, 12);
  Buffer.from(dst).copy(ip, 16);
  const eth = hex('021b1b000001 021b1b000002 0800');
  // Ethernet padding after the IP packet must not be read as payload.
  return Buffer.concat([eth, ip, segment, Buffer.alloc(4)]);
}

function frame6(segment: Buffer): Buffer {
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(segment.length, 4);
  ip[6] = 6;
  hex('20010db8000000000000000000000001').copy(ip, 8);
  hex('20010db8000000000000000000000002').copy(ip, 24);
  return Buffer.concat([hex('021b1b000001 021b1b000002 86dd'), ip, segment]);
}

test('tcpSegments reads IPv4 and IPv6 TCP, ignores padding and skips other frames', () => {
  const a = frame4([198, 51, 100, 1], [198, 51, 100, 2], tcp(40000, 179, 7, 0x18, KEEPALIVE));
  const b = frame6(tcp(179, 40001, 0xfffffff0, 0x02, Buffer.alloc(0)));
  const arp = hex('ffffffffffff 021b1b000001 0806 0001');
  const segs = tcpSegments([a, arp, b]);
  expect(segs).toEqual([
    { src: '198.51.100.1', dst: '198.51.100.2', srcPort: 40000, dstPort: 179, seq: 7, syn: false, payload: KEEPALIVE },
    {
      src: '2001:db8::1',
      dst: '2001:db8::2',
      srcPort: 179,
      dstPort: 40001,
      seq: 0xfffffff0,
      syn: true,
      payload: Buffer.alloc(0),
    },
  ]);
});

const seg = (seq: number, payload: string, syn = false, srcPort = 1000): TcpSegment => ({
  src: '198.51.100.1',
  dst: '198.51.100.2',
  srcPort,
  dstPort: 179,
  seq,
  syn,
  payload: Buffer.from(payload),
});

test('reassemble orders segments, keeps a retransmission once, wraps around 2^32 and stops at a hole', () => {
  const isn = 0xfffffffd;
  const streams = reassemble([
    seg(isn, '', true),
    seg(0xffffffff, 'bc'), // offset 1..2, arrives first
    seg(0xfffffffe, 'a'),
    seg(0xffffffff, 'bc'), // retransmitted
    seg(0xffffffff, 'bcd'), // overlaps what is there: only 'd' is new
    seg(5, 'zz'), // after a hole: left out
    seg(10, 'x', false, 2000),
  ]);
  expect(streams.map((s) => [s.srcPort, s.data.toString()])).toEqual([
    [1000, 'abcd'],
    [2000, 'x'],
  ]);
});

test('reassemble starts a new stream when a new SYN reuses the 4-tuple', () => {
  const streams = reassemble([seg(100, '', true), seg(101, 'one'), seg(5000, '', true), seg(5001, 'two')]);
  expect(streams.map((s) => s.data.toString())).toEqual(['one', 'two']);
});

test('splitBgpMessages cuts by the length field, leaves a partial tail out and refuses a missing marker', () => {
  const open = msg(1, '04 fde8 005a c6336401 00');
  const stream = Buffer.concat([KEEPALIVE, open, KEEPALIVE.subarray(0, 10)]);
  expect(splitBgpMessages(stream)).toEqual([KEEPALIVE, open]);
  expect(() => splitBgpMessages(Buffer.alloc(19))).toThrow('no BGP marker at byte 0');
  expect(() => splitBgpMessages(Buffer.concat([hex(MARKER), hex('0010 04')]))).toThrow('BGP length 16');
});

test('describeBgp names OPENs with their capabilities', () => {
  // Capabilities: MP ipv6 unicast, route refresh, 4-octet AS 4200000001, graceful restart, extended message.
  const caps = '0206 01040002 0001' + '0202 0200' + '0206 4104 fa56ea01' + '0204 4002 0078' + '0202 0600';
  const open = msg(1, `04 5ba0 005a c6336401 ${hex(caps).length.toString(16).padStart(2, '0')} ${caps}`);
  expect(bgpKind(open)).toBe('open');
  expect(describeBgp(open, true)).toBe(
    'OPEN my AS 23456, hold 90, id 198.51.100.1, capabilities: mp ipv6, route-refresh, 4-octet-as 4200000001, ' +
      'graceful-restart, extended-message',
  );
  expect(offersAs4(open)).toBe(true);
  expect(offersAs4(msg(1, '04 fde9 005a c6336401 00'))).toBe(false);
});

test('describeBgp names UPDATEs: attributes, NLRI, withdrawals, End-of-RIB of both kinds', () => {
  const attrs =
    '400101 00' + // ORIGIN IGP
    '400206 0201 fa56ea01' + // AS_PATH 4200000001 (4-octet)
    '400304 c6336401' + // NEXT_HOP
    '800404 00000032' + // MED 50
    '400504 000000c8' + // LOCAL_PREF 200
    'c00804 fde80001' + // COMMUNITIES 65000:1
    'c0200c fa56ea01 00000001 00000002'; // LARGE_COMMUNITY
  const update = msg(2, `0000 ${hex(attrs).length.toString(16).padStart(4, '0')} ${attrs} 1bc6336440`);
  expect(bgpKind(update)).toBe('update');
  expect(describeBgp(update, true)).toBe(
    'UPDATE ORIGIN IGP, AS_PATH [4200000001], NEXT_HOP 198.51.100.1, MED 50, LOCAL_PREF 200, ' +
      'COMMUNITIES 65000:1, LARGE_COMMUNITY 4200000001:1:2, NLRI 198.51.100.64/27',
  );
  const old = '400204 0201 5ba0' + 'c01106 0201 fa56ea01';
  expect(describeBgp(msg(2, `0000 0010 ${old}`), false)).toBe('UPDATE AS_PATH [23456], AS4_PATH [4200000001]');
  expect(describeBgp(msg(2, '0005 1bc6336440 0000'), true)).toBe('UPDATE withdrawn 198.51.100.64/27');
  expect(describeBgp(msg(2, '0000 0000'), true)).toBe('UPDATE End-of-RIB ipv4');
  const mpReach = '900e 001c 0002 01 10 20010db8000000000000000000000001 00 30 20010db800a1';
  expect(describeBgp(msg(2, `0000 0020 ${mpReach}`), true)).toBe(
    'UPDATE MP_REACH ipv6 next hop 2001:db8::1 NLRI 2001:db8:a1::/48',
  );
  expect(describeBgp(msg(2, '0000 000e 900f 000a 0002 01 30 20010db800a1'), true)).toBe(
    'UPDATE MP_UNREACH ipv6 2001:db8:a1::/48',
  );
  expect(describeBgp(msg(2, '0000 0006 800f 03 000201'), true)).toBe('UPDATE End-of-RIB ipv6 (empty MP_UNREACH)');
});

test('describeBgp names KEEPALIVE, ROUTE-REFRESH and NOTIFICATION with an RFC 9003 message', () => {
  expect(describeBgp(KEEPALIVE, true)).toBe('KEEPALIVE');
  expect(describeBgp(msg(5, '0001 00 01'), true)).toBe('ROUTE-REFRESH ipv4');
  expect(bgpKind(msg(5, '0001 00 01'))).toBe('route-refresh');
  expect(describeBgp(msg(3, '0602 03 627965'), true)).toBe('NOTIFICATION code 6 subcode 2 message "bye"');
  expect(describeBgp(msg(3, '0202 fde8'), true)).toBe('NOTIFICATION code 2 subcode 2 data fde8');
  expect(bgpKind(msg(3, '0602'))).toBe('notification');
  expect(bgpKind(msg(9, ''))).toBe('unknown');
});

test('formatBgpFixture writes comments then one hex line per message', () => {
  expect(
    formatBgpFixture([
      { comments: ['a', 'b '], msg: hex('ff00') },
      { comments: [], msg: hex('01') },
    ]),
  ).toBe('# a\n# b\nff00\n01\n');
});
