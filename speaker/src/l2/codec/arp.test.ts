// ARP against frames captured from arping and the Linux kernel (fixtures/, see its README.md).
import { arpProbe, arpReply, arpRequest, decodeArp, encodeArp, gratuitousArp, type ArpFrame } from './arp';
import { isIgnored, type Ignored } from './ignored';
import { BROADCAST_MAC, ZERO_MAC } from './mac';
import { ip, LAB, vector, vectorNames } from './vectors';

const { client, node1, node2, vip4 } = LAB;

function arp(frame: Buffer): ArpFrame {
  const r = decodeArp(frame);
  if (isIgnored(r)) throw new Error(`ignored: ${r.ignored}`);
  return r;
}

const ARP_VECTORS = vectorNames().filter((n) => n.startsWith('arp-') && n !== 'arp-request-arping-vlan');
const FF = BROADCAST_MAC;
const ZERO4 = ip('0.0.0.0');

describe('decoding the captured frames', () => {
  const expected: Record<string, ArpFrame> = {
    'arp-request-arping': {
      ethDst: FF,
      ethSrc: client.mac,
      op: 'request',
      senderMac: client.mac,
      senderIP: client.ipv4,
      targetMac: ZERO_MAC,
      targetIP: vip4,
    },
    'arp-reply-kernel': {
      ethDst: client.mac,
      ethSrc: node1.mac,
      op: 'reply',
      senderMac: node1.mac,
      senderIP: vip4,
      targetMac: client.mac,
      targetIP: client.ipv4,
    },
    'arp-gratuitous-request-arping': {
      ethDst: FF,
      ethSrc: node1.mac,
      op: 'request',
      senderMac: node1.mac,
      senderIP: vip4,
      targetMac: FF,
      targetIP: vip4,
    },
    'arp-gratuitous-reply-arping': {
      ethDst: FF,
      ethSrc: node1.mac,
      op: 'reply',
      senderMac: node1.mac,
      senderIP: vip4,
      targetMac: FF,
      targetIP: vip4,
    },
    'arp-probe-arping': {
      ethDst: FF,
      ethSrc: client.mac,
      op: 'request',
      senderMac: client.mac,
      senderIP: ZERO4,
      targetMac: ZERO_MAC,
      targetIP: vip4,
    },
    'arp-probe-reply-kernel': {
      ethDst: client.mac,
      ethSrc: node1.mac,
      op: 'reply',
      senderMac: node1.mac,
      senderIP: vip4,
      targetMac: client.mac,
      targetIP: ZERO4,
    },
    'arp-request-kernel': {
      ethDst: FF,
      ethSrc: client.mac,
      op: 'request',
      senderMac: client.mac,
      senderIP: client.ipv4,
      targetMac: ZERO_MAC,
      targetIP: ip('198.51.100.13'),
    },
    'arp-request-kernel-unicast': {
      ethDst: node1.mac,
      ethSrc: client.mac,
      op: 'request',
      senderMac: client.mac,
      senderIP: client.ipv4,
      targetMac: ZERO_MAC,
      targetIP: node1.ipv4,
    },
    'arp-gratuitous-kernel': {
      ethDst: FF,
      ethSrc: node2.mac,
      op: 'request',
      senderMac: node2.mac,
      senderIP: node2.ipv4,
      targetMac: ZERO_MAC,
      targetIP: node2.ipv4,
    },
  };

  test('every ARP vector has its expectation', () => {
    expect(Object.keys(expected).sort()).toEqual(ARP_VECTORS);
  });

  test.each(Object.keys(expected))('%s', (name) => {
    expect(arp(vector(name))).toEqual(expected[name]);
  });

  test('frame lengths: arping pads to 58 bytes, the kernel sends 42 (a veth does not pad to 60)', () => {
    for (const name of ARP_VECTORS) {
      expect([name, vector(name).length]).toEqual([name, name.includes('arping') ? 58 : 42]);
    }
  });
});

describe('encode(decode(bytes)) === bytes', () => {
  test.each(ARP_VECTORS)('%s (padded to its captured length)', (name) => {
    const bytes = vector(name);
    expect(encodeArp(arp(bytes), bytes.length)).toEqual(bytes);
  });

  test('the default pads to 60 bytes with zeros, as a NIC puts it on the wire', () => {
    const bytes = vector('arp-reply-kernel');
    expect(encodeArp(arp(bytes))).toEqual(Buffer.concat([bytes, Buffer.alloc(18)]));
  });
});

describe('what the speaker sends, against what Linux and arping sent', () => {
  test("arpReply to arping's request is the kernel's reply, byte for byte (unpadded)", () => {
    const reply = arpReply(arp(vector('arp-request-arping')), node1.mac);
    expect(encodeArp(reply, 0)).toEqual(vector('arp-reply-kernel'));
  });

  test("arpReply to a probe (sender IP 0.0.0.0) is the kernel's answer to it: target IP 0.0.0.0", () => {
    const reply = arpReply(arp(vector('arp-probe-arping')), node1.mac);
    expect(encodeArp(reply, 0)).toEqual(vector('arp-probe-reply-kernel'));
  });

  test("gratuitousArp is exactly the kernel's own announcement (arp_notify)", () => {
    expect(encodeArp(gratuitousArp(node2.mac, node2.ipv4), 0)).toEqual(vector('arp-gratuitous-kernel'));
  });

  test('arping -U and -U -P differ from ours only in the target MAC (ff:ff:ff:ff:ff:ff, ours zeros)', () => {
    const request = arp(vector('arp-gratuitous-request-arping'));
    expect({ ...request, targetMac: ZERO_MAC }).toEqual(gratuitousArp(node1.mac, vip4));
    const reply = arp(vector('arp-gratuitous-reply-arping'));
    expect({ ...reply, targetMac: ZERO_MAC }).toEqual(gratuitousArp(node1.mac, vip4, 'reply'));
  });

  test("arpRequest is the kernel's own request to resolve an address, byte for byte", () => {
    expect(encodeArp(arpRequest(client.mac, client.ipv4, ip('198.51.100.13')), 0)).toEqual(
      vector('arp-request-kernel'),
    );
  });

  test("arpProbe is arping -0's probe, byte for byte at arping's length", () => {
    expect(encodeArp(arpProbe(client.mac, vip4), 58)).toEqual(vector('arp-probe-arping'));
  });

  test('decode(encode(x)) === x for each helper', () => {
    const request = arp(vector('arp-request-kernel-unicast'));
    for (const x of [arpReply(request, node1.mac), gratuitousArp(node1.mac, vip4), arpProbe(client.mac, vip4)]) {
      expect(decodeArp(encodeArp(x))).toEqual(x);
      expect(decodeArp(encodeArp(x, 0))).toEqual(x);
    }
  });

  test('encodeArp refuses what is not IPv4 over Ethernet, naming the field', () => {
    const g = gratuitousArp(node1.mac, vip4);
    expect(() => encodeArp({ ...g, senderIP: LAB.vip6 })).toThrow('ARP sender address must be an IPv4 address');
    // An IPv6 address whose value would fit the 4 bytes (::198.51.100.200) is refused for its family alone.
    const small6 = { family: 'IPv6', value: vip4.value } as const;
    expect(() => encodeArp({ ...g, senderIP: small6 })).toThrow('ARP sender address must be an IPv4 address');
    expect(() => encodeArp({ ...g, targetIP: small6 })).toThrow('ARP target address must be an IPv4 address');
    expect(() => encodeArp({ ...g, targetIP: { family: 'IPv4', value: 1n << 32n } })).toThrow(
      'ARP target address must be an IPv4 address',
    );
    expect(() => encodeArp({ ...g, targetIP: { family: 'IPv4', value: -1n } })).toThrow(
      'ARP target address must be an IPv4 address',
    );
    expect(() => encodeArp({ ...g, senderMac: Buffer.alloc(8) })).toThrow('ARP sender MAC: a MAC is 6 bytes, got 8');
    expect(() => encodeArp({ ...g, targetMac: Buffer.alloc(5) })).toThrow('ARP target MAC: a MAC is 6 bytes, got 5');
    expect(() => encodeArp({ ...g, ethDst: Buffer.alloc(0) })).toThrow(/6 bytes/);
  });

  test('the ends of the address field, 0.0.0.0 and 255.255.255.255, encode and decode', () => {
    const ends = { ...gratuitousArp(node1.mac, ZERO4), targetIP: { family: 'IPv4', value: 0xffffffffn } as const };
    const bytes = encodeArp(ends, 0);
    expect(bytes.subarray(28, 32)).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(bytes.subarray(38, 42)).toEqual(Buffer.from([255, 255, 255, 255]));
    expect(decodeArp(bytes)).toEqual(ends);
  });
});

describe('frames that are not ours', () => {
  const reason = (frame: Buffer): string | undefined => {
    const r = decodeArp(frame);
    return isIgnored(r) ? r.ignored : undefined;
  };

  test('every truncation of every captured frame: truncated below 42 bytes, decoded from 42 on, never a throw', () => {
    for (const name of ARP_VECTORS) {
      const bytes = vector(name);
      const whole = arp(bytes);
      for (let n = 0; n < bytes.length; n++) {
        const r = decodeArp(bytes.subarray(0, n));
        if (n < 42) expect([name, n, r]).toEqual([name, n, { ignored: 'truncated' }]);
        else expect(r).toEqual(whole);
      }
    }
  });

  test('802.1Q tagged (arping -V 100), and IPv6 frames', () => {
    expect(reason(vector('arp-request-arping-vlan'))).toBe('vlan-tagged');
    expect(reason(vector('ns-ndisc6'))).toBe('not-arp');
  });

  test('a frame cut after its Ethernet header is refused for its EtherType, not as truncated', () => {
    expect(reason(vector('arp-request-arping-vlan').subarray(0, 14))).toBe('vlan-tagged');
    expect(reason(vector('ns-ndisc6').subarray(0, 14))).toBe('not-arp');
    expect(reason(vector('arp-request-arping').subarray(0, 14))).toBe('truncated');
  });

  test.each([
    ['htype 6 (IEEE 802)', 14, [0, 6], 'not-ipv4-over-ethernet'],
    ['ptype IPv6', 16, [0x86, 0xdd], 'not-ipv4-over-ethernet'],
    ['hlen 8', 18, [8], 'not-ipv4-over-ethernet'],
    ['plen 16', 19, [16], 'not-ipv4-over-ethernet'],
    ['op 3 (RARP request)', 20, [0, 3], 'unknown-op'],
    ['op 0', 20, [0, 0], 'unknown-op'],
  ])('%s', (_what, offset, bytes, why) => {
    const f = Buffer.from(vector('arp-request-arping'));
    f.set(bytes, offset);
    expect(reason(f)).toBe(why);
  });

  test('the target filter runs before anything is built', () => {
    const bytes = vector('arp-request-arping');
    const seen: bigint[] = [];
    const wants = (t: bigint): boolean => {
      seen.push(t);
      return t === vip4.value;
    };
    expect(isIgnored(decodeArp(bytes, wants))).toBe(false);
    expect(decodeArp(vector('arp-request-kernel'), wants)).toEqual({ ignored: 'not-wanted' });
    expect(seen).toEqual([vip4.value, ip('198.51.100.13').value]);
  });

  test('ignored values are shared frozen objects', () => {
    const a = decodeArp(Buffer.alloc(3)) as Ignored;
    expect(decodeArp(Buffer.alloc(5))).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  test('random bytes of every length never throw', () => {
    let seed = 0x2545f491;
    const rnd = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) & 0xff;
    };
    const base = vector('arp-request-arping');
    for (let i = 0; i < 5000; i++) {
      const f = Buffer.from(base.subarray(0, i % 70));
      // Keep the EtherType half the time, so the ARP checks themselves are exercised.
      for (let j = 0; j < f.length; j++) if (i % 2 === 0 || j < 12 || j > 13) f[j] = rnd();
      expect(() => decodeArp(f)).not.toThrow();
    }
  });
});

test('a flood: 100k requests for an address we do not announce, and 100k for one we do, stay cheap', () => {
  const frame = vector('arp-request-arping');
  const other = (t: bigint): boolean => t === node1.ipv4.value;
  const ours = (t: bigint): boolean => t === vip4.value;
  const time = (wants: (t: bigint) => boolean): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 100_000; i++) decodeArp(frame, wants);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  time(ours); // warm up
  const dropped = time(other);
  const decoded = time(ours);
  console.log(`100k ARP requests: ${dropped.toFixed(0)} ms not wanted, ${decoded.toFixed(0)} ms decoded`);
  // Generous bounds (a shared 2-core machine): they catch a per-frame cost gone quadratic or allocation-heavy.
  expect(dropped).toBeLessThan(1500);
  expect(decoded).toBeLessThan(3000);
});
