import {
  decodeEthernet,
  encodeEthernet,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV6,
  peekEtherType,
  type EthernetFrame,
} from './ethernet';
import { isIgnored } from './ignored';
import { vector, vectorNames } from './vectors';

function decoded(frame: Buffer): EthernetFrame {
  const r = decodeEthernet(frame);
  if (isIgnored(r)) throw new Error(`ignored: ${r.ignored}`);
  return r;
}

test('every captured vector but the tagged one decodes, and re-encodes to the same bytes', () => {
  const names = vectorNames().filter((n) => n !== 'arp-request-arping-vlan');
  expect(names.length).toBeGreaterThanOrEqual(18);
  for (const name of names) {
    const bytes = vector(name);
    const f = decoded(bytes);
    expect(f.etherType).toBe(name.startsWith('arp') ? ETHERTYPE_ARP : ETHERTYPE_IPV6);
    expect(Buffer.concat([f.dst, f.src])).toEqual(bytes.subarray(0, 12));
    expect(encodeEthernet(f)).toEqual(bytes);
  }
});

test('the payload keeps the padding (nothing is stripped) and is a view, not a copy', () => {
  const bytes = vector('arp-request-arping'); // 58 bytes: 28 of ARP, 16 of padding
  const f = decoded(bytes);
  expect(f.payload.length).toBe(44);
  expect(f.payload.buffer).toBe(bytes.buffer);
});

test('802.1Q tagged, 802.3 length and short frames are declined', () => {
  expect(decodeEthernet(vector('arp-request-arping-vlan'))).toEqual({ ignored: 'vlan-tagged' });
  const tag = (t: number): Buffer => Buffer.concat([Buffer.alloc(12), Buffer.from([t >> 8, t & 0xff, 0, 100, 8, 6])]);
  expect(decodeEthernet(tag(0x88a8))).toEqual({ ignored: 'vlan-tagged' });
  expect(decodeEthernet(tag(0x9100))).toEqual({ ignored: 'vlan-tagged' });
  expect(decodeEthernet(tag(0x05dc))).toEqual({ ignored: 'not-ethernet-ii' });
  for (let n = 0; n < 14; n++) expect(decodeEthernet(Buffer.alloc(n))).toEqual({ ignored: 'truncated' });
  expect(peekEtherType(Buffer.alloc(13))).toBeUndefined();
  expect(peekEtherType(vector('ns-ndisc6'))).toBe(ETHERTYPE_IPV6);
});

test('encodeEthernet pads to a minimum length and refuses what is not Ethernet II', () => {
  const f = decoded(vector('arp-reply-kernel'));
  const padded = encodeEthernet(f, 60);
  expect(padded.length).toBe(60);
  expect(padded.subarray(0, 42)).toEqual(vector('arp-reply-kernel'));
  expect(padded.subarray(42)).toEqual(Buffer.alloc(18));
  expect(() => encodeEthernet({ ...f, etherType: 0x05dc })).toThrow(RangeError);
  expect(() => encodeEthernet({ ...f, dst: Buffer.alloc(5) })).toThrow(RangeError);
});
