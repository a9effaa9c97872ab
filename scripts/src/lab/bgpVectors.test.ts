// From pcaps to fixture files: planned sessions only, per-sender dedup, one KEEPALIVE per sender, plan order.
import { collectVectors, fixtureFiles } from './bgpVectors';

const MARKER = 'ff'.repeat(16);
const msg = (type: number, body = ''): Buffer => {
  const b = Buffer.from(body, 'hex');
  return Buffer.concat([Buffer.from(MARKER, 'hex'), Buffer.from([0, 19 + b.length, type]), b]);
};
const KEEPALIVE = msg(4);
const OPEN = msg(1, '04fde9005ac633640100');
const EOR = msg(2, '00000000');

/** An Ethernet + IPv4 + TCP frame from src to dst (dotted quads), port 179 on the passive side. */
function frame(src: string, dst: string, sport: number, dport: number, seq: number, payload: Buffer): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(sport, 0);
  tcp.writeUInt16BE(dport, 2);
  tcp.writeUInt32BE(seq, 4);
  tcp[12] = 5 << 4;
  tcp[13] = 0x18;
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(40 + payload.length, 2);
  ip[9] = 6;
  Buffer.from(src.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
  return Buffer.concat([Buffer.from('021b1b000001021b1b0000020800', 'hex'), ip, tcp, payload]);
}

function pcap(frames: Buffer[]): Buffer {
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  const parts = [u32(0xa1b2c3d4), Buffer.from([2, 0, 4, 0]), u32(0), u32(0), u32(262144), u32(1)];
  for (const f of frames) parts.push(u32(0), u32(0), u32(f.length), u32(f.length), f);
  return Buffer.concat(parts);
}

// bird_frr_v4 (198.51.100.1 - .2) is the plan's first session, bird_gobgp_v4 (198.51.100.33 - .35) a later one.
const birdToFrr = (seq: number, m: Buffer): Buffer => frame('198.51.100.1', '198.51.100.2', 40000, 179, seq, m);
const frrToBird = (seq: number, m: Buffer): Buffer => frame('198.51.100.2', '198.51.100.1', 179, 40000, seq, m);
const birdToGobgp = (seq: number, m: Buffer): Buffer => frame('198.51.100.33', '198.51.100.35', 40001, 179, seq, m);

test('collectVectors keeps each sender’s distinct messages once, one KEEPALIVE per sender, in plan order', () => {
  const link1 = pcap([
    birdToFrr(1000, Buffer.concat([OPEN, KEEPALIVE])),
    frrToBird(5000, KEEPALIVE),
    birdToFrr(1000 + OPEN.length + 19, Buffer.concat([EOR, KEEPALIVE])),
  ]);
  // Captured first, but its session comes later in the plan: its messages come after bird_frr_v4's.
  const link0 = pcap([birdToGobgp(7, Buffer.concat([msg(2, '0000000000'), OPEN, KEEPALIVE]))]);
  const vectors = collectVectors([
    { link: 'gobgp-bird2', data: link0 },
    { link: 'bird2-frr', data: link1 },
  ]);
  expect(vectors.map((v) => [v.sender, v.kind, v.msg.length])).toEqual([
    ['bird2', 'open', OPEN.length],
    ['bird2', 'keepalive', 19],
    ['bird2', 'update', 23],
    ['frr', 'keepalive', 19],
    ['bird2', 'update', 24],
  ]);
  expect(vectors[0].comments).toEqual([
    'bird2 -> frr, IPv4 transport, OPEN',
    'session bird_frr_v4: 198.51.100.1 -> 198.51.100.2, eBGP, families ipv4 ipv6',
    'OPEN my AS 65001, hold 90, id 198.51.100.1, capabilities: none',
  ]);
});

test('collectVectors refuses a stream that no planned session explains', () => {
  const stray = pcap([frame('198.51.100.1', '198.51.100.99', 40000, 179, 1, KEEPALIVE)]);
  expect(() => collectVectors([{ link: 'bird2-frr', data: stray }])).toThrow(
    'a BGP stream 198.51.100.1 -> 198.51.100.99 on bird2-frr is no planned session',
  );
});

test('fixtureFiles groups by sender and kind, files in name order', () => {
  const v = (sender: 'bird2' | 'frr', kind: 'open' | 'keepalive', m: Buffer) => ({
    sender,
    kind,
    msg: m,
    comments: [kind],
  });
  const files = fixtureFiles([v('frr', 'open', OPEN), v('bird2', 'keepalive', KEEPALIVE), v('frr', 'open', OPEN)]);
  expect(files.map((f) => [f.name, f.count])).toEqual([
    ['bird2-keepalive.hex', 1],
    ['frr-open.hex', 2],
  ]);
  expect(files[0].text).toBe(`# keepalive\n${KEEPALIVE.toString('hex')}\n`);
});
