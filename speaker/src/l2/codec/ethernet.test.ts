import { ETHERTYPE_ARP, ETHERTYPE_IPV6, isVlanEtherType, peekEtherType, writeEthernetHeader } from './ethernet';
import { vector, vectorNames } from './vectors';

test("every captured vector's EtherType is read in place, and its header is written back byte for byte", () => {
  const names = vectorNames().filter((n) => n !== 'arp-request-arping-vlan');
  expect(names.length).toBeGreaterThanOrEqual(18);
  for (const name of names) {
    const bytes = vector(name);
    const etherType = name.startsWith('arp') ? ETHERTYPE_ARP : ETHERTYPE_IPV6;
    expect(peekEtherType(bytes)).toBe(etherType);
    const out = Buffer.alloc(14);
    writeEthernetHeader(out, bytes.subarray(0, 6), bytes.subarray(6, 12), etherType);
    expect(out).toEqual(bytes.subarray(0, 14));
  }
});

test('802.1Q, 802.1ad and the old QinQ tag are VLAN tags; short frames have no EtherType', () => {
  expect(peekEtherType(vector('arp-request-arping-vlan'))).toBe(0x8100);
  expect([0x8100, 0x88a8, 0x9100].map(isVlanEtherType)).toEqual([true, true, true]);
  expect([0x0806, 0x86dd, 0x0800, 0x05dc].map(isVlanEtherType)).toEqual([false, false, false, false]);
  for (let n = 0; n < 14; n++) expect(peekEtherType(Buffer.alloc(n))).toBeUndefined();
  // The header alone is enough.
  expect(peekEtherType(vector('ns-ndisc6').subarray(0, 14))).toBe(ETHERTYPE_IPV6);
});

test('writeEthernetHeader refuses a MAC that is not 6 bytes, naming which', () => {
  const mac = Buffer.alloc(6);
  expect(() => writeEthernetHeader(Buffer.alloc(14), Buffer.alloc(5), mac, ETHERTYPE_ARP)).toThrow(
    new RangeError('Ethernet destination: a MAC is 6 bytes, got 5'),
  );
  expect(() => writeEthernetHeader(Buffer.alloc(14), mac, Buffer.alloc(7), ETHERTYPE_ARP)).toThrow(
    new RangeError('Ethernet source: a MAC is 6 bytes, got 7'),
  );
});
