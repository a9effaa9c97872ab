import { rng } from '@ironlb/shared';
import { AddressSet, type Node } from './addressSet';
import { avoidingBuggyIPs, everyAddress, type AddressSpace } from './addressSpace';

interface Summary {
  readonly min: bigint;
  readonly max: bigint;
  readonly size: number;
  readonly usable: number;
}

/**
 * Where the tree breaks its rules, none when it keeps them: members in order, every node outranking its children
 * (the heap order that keeps a treap balanced whatever the order of inserts), and every node's summary (span, counts,
 * successors, fullness) equal to what its subtree's members give. A summary that says "not full" when it is stays
 * correct but makes firstFree walk the subtree; one that says "full" when it is not gives wrong answers.
 */
function treeProblems(set: AddressSet, space: AddressSpace): string[] {
  const problems: string[] = [];
  const walk = (n: Readonly<Node> | undefined): Summary | undefined => {
    if (!n) return undefined;
    const left = walk(n.left);
    const right = walk(n.right);
    if (left && left.max >= n.value) problems.push(`${n.value}: left subtree reaches ${left.max}`);
    if (right && right.min <= n.value) problems.push(`${n.value}: right subtree reaches ${right.min}`);
    for (const child of [n.left, n.right]) {
      if (child && child.priority > n.priority) problems.push(`${n.value}: child ${child.value} outranks it`);
    }
    const own = space.usable(n.value) ? 1 : 0;
    const min = left?.min ?? n.value;
    const max = right?.max ?? n.value;
    const size = 1 + (left?.size ?? 0) + (right?.size ?? 0);
    const usable = own + (left?.usable ?? 0) + (right?.usable ?? 0);
    const expected = {
      own,
      succ: space.next(n.value + 1n),
      min,
      max,
      maxSucc: space.next(max + 1n),
      size,
      usable,
      full: space.count(min, max) === BigInt(usable),
    };
    for (const [field, value] of Object.entries(expected)) {
      const actual = n[field as keyof typeof expected];
      if (actual !== value) problems.push(`${n.value}: ${field} ${actual}, not ${value}`);
    }
    return { min, max, size, usable };
  };
  const walked = walk(set.tree)?.size ?? 0;
  if (walked !== set.size) problems.push(`${walked} nodes in the tree, ${set.size} members`);
  return problems;
}

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
      if (step % 100 === 0) expect([step, treeProblems(set, space)]).toEqual([step, []]);
    }
    expect(treeProblems(set, space)).toEqual([]);
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

describe('AddressSet, answers about change', () => {
  test('add and delete say whether the set changed, from the first call on', () => {
    const set = new AddressSet();
    expect(set.delete(7n)).toBe(false);
    expect(set.add(7n)).toBe(true);
    expect(set.add(7n)).toBe(false);
    expect(set.delete(8n)).toBe(false);
    expect(set.delete(7n)).toBe(true);
    expect(set.delete(7n)).toBe(false);
    expect(set.size).toBe(0);
  });
});

describe('AddressSet, a pool of 20,000 addresses', () => {
  const n = 20_000n;
  const base = 0x20010db8n << 96n;
  const filled = (order: 'ascending' | 'descending'): AddressSet => {
    const set = new AddressSet();
    for (let i = 0n; i < n; i++) set.add(order === 'ascending' ? base + i : base + n - 1n - i);
    return set;
  };

  // Auto-assignment fills a pool in address order; a tree that followed that order into a list would exhaust the
  // stack and search in linear time.
  test.each(['ascending', 'descending'] as const)('filled in %s order, then emptied the same way', (order) => {
    const set = filled(order);
    expect(set.size).toBe(Number(n));
    expect(treeProblems(set, everyAddress)).toEqual([]);
    expect(set.firstFree(base, base + n)).toBe(base + n);
    let deleted = 0;
    for (let i = 0n; i < n; i++) if (set.delete(order === 'ascending' ? base + i : base + n - 1n - i)) deleted++;
    expect([deleted, set.size]).toEqual([Number(n), 0]);
  });

  test('the lowest free address is found without walking the members', () => {
    const set = filled('ascending');
    // The one free address below the top, so the walk must go down to it past full subtrees.
    const hole = base + n - 5n;
    set.delete(hole);
    // Counted, not timed: the walk's calls are its cost, the same on any machine.
    const walk = jest.spyOn(AddressSet.prototype as unknown as { gap(n: unknown): void }, 'gap');
    try {
      expect(set.firstFree(base, base + 2n * n)).toBe(hole);
      // Skipping full subtrees walks about a path of the tree (a treap of n members is about 2 log2 n deep);
      // walking the members would make a call for each of the 20,000.
      expect(walk.mock.calls.length).toBeLessThanOrEqual(8 * Math.ceil(Math.log2(Number(n))));
    } finally {
      walk.mockRestore();
    }
  });
});
