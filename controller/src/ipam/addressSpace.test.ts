import { avoidingBuggyIPs, everyAddress, type AddressSpace } from './addressSpace';

const base = 0xc6336400n; // 198.51.100.0

/** The same answers by enumeration, for ranges small enough to enumerate. */
function enumerate(space: AddressSpace, a: bigint, b: bigint): bigint {
  let n = 0n;
  for (let v = a; v <= b; v++) if (space.usable(v)) n++;
  return n;
}

describe.each([
  ['every address', everyAddress],
  ['avoiding buggy IPs', avoidingBuggyIPs],
])('%s', (_, space) => {
  const offsets = [0n, 1n, 2n, 127n, 254n, 255n, 256n, 257n, 510n, 511n, 512n, 700n];
  test('count agrees with enumeration for every pair of edges', () => {
    for (const a of offsets) {
      for (const b of offsets)
        expect([a, b, space.count(base + a, base + b)]).toEqual([a, b, enumerate(space, base + a, base + b)]);
    }
  });

  test('next is the lowest usable address at or above', () => {
    for (const a of offsets) {
      let v = base + a;
      while (!space.usable(v)) v++;
      expect(space.next(base + a)).toBe(v);
    }
  });
});

test.each([
  ['198.51.100.0', false],
  ['198.51.100.1', true],
  ['198.51.100.254', true],
  ['198.51.100.255', false],
])('avoidBuggyIPs: %s usable %s', (text, usable) => {
  const value = text.split('.').reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
  expect(avoidingBuggyIPs.usable(value)).toBe(usable);
});

test('a /64 is counted, not enumerated', () => {
  const first = 0x20010db8n << 96n;
  expect(everyAddress.count(first, first + (1n << 64n) - 1n)).toBe(1n << 64n);
});
