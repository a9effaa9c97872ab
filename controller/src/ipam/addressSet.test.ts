import { rng } from '@ironlb/shared';
import { AddressSet } from './addressSet';
import { avoidingBuggyIPs, everyAddress, type AddressSpace } from './addressSpace';

/** The obvious answer, by walking upwards from lo. */
function modelFirstFree(members: Set<bigint>, space: AddressSpace, lo: bigint, hi: bigint): bigint | undefined {
  for (let v = lo; v <= hi; v++) if (space.usable(v) && !members.has(v)) return v;
  return undefined;
}

describe.each([
  ['every address', everyAddress],
  ['avoiding buggy IPs', avoidingBuggyIPs],
])('AddressSet, %s, against a model', (_, space) => {
  test.each([1, 2, 3])('random adds and deletes, seed %i', (seed) => {
    const random = rng(seed);
    const set = new AddressSet(space);
    const model = new Set<bigint>();
    const span = 1200;
    for (let step = 0; step < 3000; step++) {
      const v = BigInt(Math.floor(random() * span));
      if (random() < 0.7) {
        expect(set.add(v)).toBe(!model.has(v));
        model.add(v);
      } else {
        expect(set.delete(v)).toBe(model.has(v));
        model.delete(v);
      }
      if (step % 10 === 0) {
        const lo = BigInt(Math.floor(random() * span));
        const hi = lo + BigInt(Math.floor(random() * 300));
        expect([step, set.firstFree(lo, hi)]).toEqual([step, modelFirstFree(model, space, lo, hi)]);
        const sorted = [...model].sort((a, b) => (a < b ? -1 : 1));
        expect(set.ceil(lo)).toBe(sorted.find((m) => m >= lo));
        expect(set.size).toBe(model.size);
        expect(set.usableSize).toBe(sorted.filter((m) => space.usable(m)).length);
      }
    }
  });
});

describe('AddressSet', () => {
  test.each([
    ['empty', [], 10n, 20n, 10n],
    ['dense from lo', [10n, 11n, 12n], 10n, 20n, 13n],
    ['a hole in the middle', [10n, 11n, 13n, 14n], 10n, 20n, 12n],
    ['members below lo do not matter', [1n, 2n, 3n], 2n, 20n, 4n],
    ['full range', [10n, 11n, 12n], 10n, 12n, undefined],
    ['empty range', [], 12n, 11n, undefined],
  ])('firstFree: %s', (_, members, lo, hi, free) => {
    const set = new AddressSet();
    members.forEach((m) => set.add(m));
    expect(set.firstFree(lo, hi)).toBe(free);
  });

  test('firstFree in a /64 whose first thousand addresses are taken', () => {
    const first = 0x20010db8n << 96n;
    const set = new AddressSet();
    for (let i = 0n; i < 1000n; i++) set.add(first + i);
    set.add(first + (1n << 63n));
    expect(set.firstFree(first, first + (1n << 64n) - 1n)).toBe(first + 1000n);
    set.delete(first + 500n);
    expect(set.firstFree(first, first + (1n << 64n) - 1n)).toBe(first + 500n);
  });

  test('avoiding buggy IPs: a full /24 moves the search past .255 and .0', () => {
    const base = 0xc6336400n; // 198.51.100.0
    const set = new AddressSet(avoidingBuggyIPs);
    for (let i = 1n; i <= 254n; i++) set.add(base + i);
    expect(set.firstFree(base, base + 1023n)).toBe(base + 257n);
    set.add(base + 255n);
    expect(set.usableSize).toBe(254);
    expect(set.size).toBe(255);
  });

  test('from lists members in order', () => {
    const set = new AddressSet();
    [5n, 1n, 9n, 3n].forEach((m) => set.add(m));
    expect([...set.from(2n)]).toEqual([3n, 5n, 9n]);
  });
});
