import { mustParseIP } from '@ironlb/shared';
import { announcedFilter, BPF_MAX_INSTRUCTIONS } from './bpf';
import {
  BROADCAST_MAC,
  encodeArp,
  encodeNeighborDiscovery,
  gratuitousArp,
  arpRequest,
  multicastMac,
  parseMac,
  solicitedNodeMulticast,
} from './codec';

/** A classic BPF interpreter for the instructions the builder emits, as the kernel runs them. */
function run(program: Buffer, frame: Buffer): number {
  let a = 0;
  for (let pc = 0; pc < program.length / 8;) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program[pc * 8 + 2];
    const jf = program[pc * 8 + 3];
    const k = program.readUInt32LE(pc * 8 + 4);
    pc++;
    switch (code) {
      case 0x28:
        if (k + 2 > frame.length) return 0;
        a = frame.readUInt16BE(k);
        break;
      case 0x20:
        if (k + 4 > frame.length) return 0;
        a = frame.readUInt32BE(k);
        break;
      case 0x30:
        if (k + 1 > frame.length) return 0;
        a = frame[k];
        break;
      case 0x15:
        pc += a === k ? jt : jf;
        break;
      case 0x05:
        pc += k;
        break;
      case 0x06:
        return k;
      default:
        throw new Error(`unexpected opcode ${code}`);
    }
  }
  throw new Error('ran off the end');
}

const ip = mustParseIP;
const MAC = parseMac('02:00:00:00:01:00') ?? Buffer.alloc(6);
const OTHER = parseMac('02:00:00:00:00:12') ?? Buffer.alloc(6);
const CLIENT = ip('198.51.100.100');

const request = (target: string): Buffer => encodeArp(arpRequest(MAC, CLIENT, ip(target)));
const ns = (target: string): Buffer =>
  encodeNeighborDiscovery({
    kind: 'ns',
    ethDst: multicastMac(solicitedNodeMulticast(ip(target))),
    ethSrc: MAC,
    srcIP: ip('2001:db8:1::100'),
    dstIP: solicitedNodeMulticast(ip(target)),
    target: ip(target),
    sourceLinkLayer: MAC,
  });
const na = (target: string): Buffer =>
  encodeNeighborDiscovery({
    kind: 'na',
    ethDst: BROADCAST_MAC,
    ethSrc: OTHER,
    srcIP: ip(target),
    dstIP: ip('ff02::1'),
    target: ip(target),
    router: false,
    solicited: false,
    override: true,
    targetLinkLayer: OTHER,
  });

const v4 = (t: string): number => Number(ip(t).value);

describe('announcedFilter', () => {
  const program = announcedFilter(
    [v4('198.51.100.200'), v4('198.51.100.201')],
    [ip('2001:db8:1::200').value, ip('2001:db8:1::1:5').value],
  );
  if (!program) throw new Error('no program');

  it('passes ARP for announced targets and other hosts claiming our addresses; drops the rest', () => {
    expect(run(program, request('198.51.100.200'))).toBeGreaterThan(0);
    expect(run(program, request('198.51.100.201'))).toBeGreaterThan(0);
    expect(run(program, encodeArp(gratuitousArp(OTHER, ip('198.51.100.201'))))).toBeGreaterThan(0);
    for (const t of ['198.51.100.202', '198.51.100.11', '203.0.113.200']) expect(run(program, request(t))).toBe(0);
  });

  it('passes NS and NA for announced IPv6 targets only, comparing all 128 bits', () => {
    expect(run(program, ns('2001:db8:1::200'))).toBeGreaterThan(0);
    expect(run(program, ns('2001:db8:1::1:5'))).toBeGreaterThan(0);
    expect(run(program, na('2001:db8:1::200'))).toBeGreaterThan(0);
    for (const t of ['2001:db8:1::201', '2001:db8:2::200', '2001:db8:1::1:200', '2001:db9:1::200']) {
      expect(run(program, ns(t))).toBe(0);
    }
  });

  it('drops other EtherTypes, other ICMPv6 and truncated frames', () => {
    const ipv4 = Buffer.alloc(60);
    ipv4.writeUInt16BE(0x0800, 12);
    expect(run(program, ipv4)).toBe(0);
    const echo = ns('2001:db8:1::200');
    echo[54] = 128;
    expect(run(program, echo)).toBe(0);
    expect(run(program, request('198.51.100.200').subarray(0, 30))).toBe(0);
  });

  it('with nothing announced drops everything; too many addresses for the kernel gives undefined', () => {
    const empty = announcedFilter([], []);
    if (!empty) throw new Error('no program');
    expect(run(empty, request('198.51.100.200'))).toBe(0);
    expect(run(empty, ns('2001:db8:1::200'))).toBe(0);
    const many = Array.from({ length: 500 }, (_, i) => ip(`2001:db8:1::${(0x1000 + i).toString(16)}`).value);
    const big = announcedFilter(
      Array.from({ length: 400 }, (_, i) => 0xc6336400 + i),
      many,
    );
    expect(big).toBeUndefined();
    const fits = announcedFilter(
      Array.from({ length: 400 }, (_, i) => 0xc6336400 + i),
      many.slice(0, 200),
    );
    if (!fits) throw new Error('should fit');
    expect(fits.length / 8).toBeLessThanOrEqual(BPF_MAX_INSTRUCTIONS);
    expect(run(fits, request('198.51.100.143'))).toBeGreaterThan(0);
    expect(run(fits, ns('2001:db8:1::10c7'))).toBeGreaterThan(0);
    expect(run(fits, ns('2001:db8:1::10c8'))).toBe(0);
  });
});
