import type { Pool, ServiceAllocation } from '@ironlb/shared/config';
import { byPreference, exclusionOf, mayUsePool } from './pools';
import { pool, service } from './testFixtures';

const allocation = (a: Partial<ServiceAllocation>): ServiceAllocation => ({
  namespaces: [],
  namespaceSelectors: [],
  serviceSelectors: [],
  ...a,
});
const gold = { matchLabels: { tier: 'gold' }, matchExpressions: [] };
const publicSvc = {
  matchLabels: {},
  matchExpressions: [{ key: 'expose', operator: 'In', values: ['public'] }],
} as const;

describe('mayUsePool', () => {
  test.each([
    ['no serviceAllocation: anyone', undefined, 'red/s', {}, {}, true],
    ['empty serviceAllocation: anyone', allocation({}), 'red/s', {}, {}, true],
    ['namespaces: listed', allocation({ namespaces: ['red'] }), 'red/s', {}, {}, true],
    ['namespaces: not listed', allocation({ namespaces: ['red'] }), 'blue/s', {}, {}, false],
    ['namespaceSelectors: selected', allocation({ namespaceSelectors: [gold] }), 'blue/s', { tier: 'gold' }, {}, true],
    ['namespaceSelectors: not selected', allocation({ namespaceSelectors: [gold] }), 'blue/s', {}, {}, false],
    // As in MetalLB, a namespace named or selected is admitted.
    [
      'named or selected: named',
      allocation({ namespaces: ['red'], namespaceSelectors: [gold] }),
      'red/s',
      {},
      {},
      true,
    ],
    [
      'named or selected: selected',
      allocation({ namespaces: ['red'], namespaceSelectors: [gold] }),
      'blue/s',
      { tier: 'gold' },
      {},
      true,
    ],
    [
      'named or selected: neither',
      allocation({ namespaces: ['red'], namespaceSelectors: [gold] }),
      'blue/s',
      {},
      {},
      false,
    ],
    ['serviceSelectors: match', allocation({ serviceSelectors: [publicSvc] }), 'red/s', {}, { expose: 'public' }, true],
    ['serviceSelectors: no match', allocation({ serviceSelectors: [publicSvc] }), 'red/s', {}, { expose: 'no' }, false],
    [
      'serviceSelectors: any one of them',
      allocation({ serviceSelectors: [gold, publicSvc] }),
      'red/s',
      {},
      { tier: 'gold' },
      true,
    ],
    [
      'namespace and service both required',
      allocation({ namespaces: ['red'], serviceSelectors: [publicSvc] }),
      'blue/s',
      {},
      { expose: 'public' },
      false,
    ],
  ])('%s', (_, serviceAllocation, key, namespaceLabels, labels, may) => {
    const p = pool('p', ['198.51.100.0/24'], { serviceAllocation });
    expect(mayUsePool(p, service(key, { namespaceLabels, labels }))).toBe(may);
  });
});

test('byPreference: lowest priority first, then no priority, ties by name', () => {
  const withPriority = (name: string, priority?: number): Pool =>
    pool(name, ['198.51.100.0/24'], { serviceAllocation: allocation({ priority }) });
  const pools = [
    pool('plain-b', []),
    withPriority('ten', 10),
    withPriority('one-b', 1),
    pool('plain-a', []),
    withPriority('one-a', 1),
    withPriority('unset'),
  ];
  expect(pools.sort(byPreference).map((p) => p.name)).toEqual(['one-a', 'one-b', 'ten', 'plain-a', 'plain-b', 'unset']);
});

test.each([
  ['no serviceAllocation', undefined, 'red/s', {}, undefined],
  ['namespace not named', allocation({ namespaces: ['red'] }), 'blue/s', { expose: 'public' }, 'namespace'],
  ['labels not selected', allocation({ namespaces: ['red'], serviceSelectors: [publicSvc] }), 'red/s', {}, 'service'],
  [
    'both fail: the namespace rule',
    allocation({ namespaces: ['red'], serviceSelectors: [publicSvc] }),
    'blue/s',
    {},
    'namespace',
  ],
  [
    'both pass',
    allocation({ namespaces: ['red'], serviceSelectors: [publicSvc] }),
    'red/s',
    { expose: 'public' },
    undefined,
  ],
])('exclusionOf: %s', (_, serviceAllocation, key, labels, rule) => {
  expect(exclusionOf(pool('p', ['198.51.100.0/24'], { serviceAllocation }), service(key, { labels }))).toBe(rule);
});

test('byPreference ranks a pair the same way whichever comes first, and a pool level with itself', () => {
  const withPriority = (name: string, priority?: number): Pool =>
    pool(name, ['198.51.100.0/24'], { serviceAllocation: allocation({ priority }) });
  const ordered = [
    withPriority('b', 1),
    withPriority('a', 2),
    withPriority('b2', 2),
    pool('a-plain', []),
    pool('b-plain', []),
  ];
  for (const [i, a] of ordered.entries()) {
    for (const [j, b] of ordered.entries())
      expect([a.name, b.name, Math.sign(byPreference(a, b))]).toEqual([a.name, b.name, Math.sign(i - j)]);
  }
});
