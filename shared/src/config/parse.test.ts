import { parseIP } from '../ip/ip';
import { formatConfigError, parseConfig } from './parse';
import type { AddressRange, ConfigError, Pool } from './types';
import { ironlbObject, NS } from './testObjects';

/** The pools alone, as the API lists them (a bare array or a List object). */
const parsePoolList = (ipAddressPools: unknown): ReturnType<typeof parseConfig> => parseConfig({ ipAddressPools });

const pool = ironlbObject('IPAddressPool');

const range = (first: string, last: string): AddressRange => {
  const a = parseIP(first);
  const b = parseIP(last);
  if (!a || !b) throw new Error(`${first}-${last}`);
  return { family: a.family, first: a.value, last: b.value };
};

describe('parseConfig: pools that load', () => {
  it.each<[string, unknown, Pool[]]>([
    [
      'defaults: autoAssign true, avoidBuggyIPs false, no serviceAllocation',
      [pool('lab', { addresses: ['198.51.100.200-198.51.100.254'] })],
      [
        {
          name: 'lab',
          ranges: [range('198.51.100.200', '198.51.100.254')],
          autoAssign: true,
          avoidBuggyIPs: false,
        },
      ],
    ],
    [
      'IPv4 and IPv6 mixed, ranges sorted by family then first address',
      [pool('mixed', { addresses: ['2001:db8:1::200/120', '203.0.113.0/28', '198.51.100.10 - 198.51.100.20'] })],
      [
        {
          name: 'mixed',
          ranges: [
            range('198.51.100.10', '198.51.100.20'),
            range('203.0.113.0', '203.0.113.15'),
            range('2001:db8:1::200', '2001:db8:1::2ff'),
          ],
          autoAssign: true,
          avoidBuggyIPs: false,
        },
      ],
    ],
    [
      'explicit flags and a full serviceAllocation',
      [
        pool('tenant', {
          addresses: ['203.0.113.64/26'],
          autoAssign: false,
          avoidBuggyIPs: true,
          serviceAllocation: {
            priority: 10,
            namespaces: ['team-a', 'team-b', 'team-a'],
            namespaceSelectors: [{ matchLabels: { tenant: 'a' } }],
            serviceSelectors: [{ matchExpressions: [{ key: 'exposed', operator: 'Exists' }] }],
          },
        }),
      ],
      [
        {
          name: 'tenant',
          ranges: [range('203.0.113.64', '203.0.113.127')],
          autoAssign: false,
          avoidBuggyIPs: true,
          serviceAllocation: {
            priority: 10,
            namespaces: ['team-a', 'team-b'],
            namespaceSelectors: [{ matchLabels: { tenant: 'a' }, matchExpressions: [] }],
            serviceSelectors: [
              { matchLabels: {}, matchExpressions: [{ key: 'exposed', operator: 'Exists', values: [] }] },
            ],
          },
        },
      ],
    ],
    [
      'priority 0 means no priority, as in MetalLB; null fields mean absent',
      [
        pool('zero', {
          addresses: ['198.51.100.0/30'],
          autoAssign: null,
          serviceAllocation: { priority: 0, namespaces: null },
        }),
      ],
      [
        {
          name: 'zero',
          ranges: [range('198.51.100.0', '198.51.100.3')],
          autoAssign: true,
          avoidBuggyIPs: false,
          serviceAllocation: { namespaces: [], namespaceSelectors: [], serviceSelectors: [] },
        },
      ],
    ],
    [
      'a List object as the API server returns it; pools keyed and ordered by name; adjacent pools do not overlap',
      {
        kind: 'IPAddressPoolList',
        items: [pool('b', { addresses: ['198.51.100.128/25'] }), pool('a', { addresses: ['198.51.100.0/25'] })],
      },
      [
        { name: 'a', ranges: [range('198.51.100.0', '198.51.100.127')], autoAssign: true, avoidBuggyIPs: false },
        { name: 'b', ranges: [range('198.51.100.128', '198.51.100.255')], autoAssign: true, avoidBuggyIPs: false },
      ],
    ],
    [
      'an IPv6 /64 is two bigints, never enumerated',
      [pool('v6', { addresses: ['2001:db8:ffff::/64'] })],
      [
        {
          name: 'v6',
          ranges: [range('2001:db8:ffff::', '2001:db8:ffff::ffff:ffff:ffff:ffff')],
          autoAssign: true,
          avoidBuggyIPs: false,
        },
      ],
    ],
    [
      'labels, which advertisements select pools by, are kept; non-string values are not labels',
      [
        pool(
          'labelled',
          { addresses: ['203.0.113.0/28'] },
          { metadata: { name: 'labelled', namespace: NS, labels: { zone: 'a', bad: 7 } } },
        ),
      ],
      [
        {
          name: 'labelled',
          ranges: [range('203.0.113.0', '203.0.113.15')],
          autoAssign: true,
          avoidBuggyIPs: false,
          labels: { zone: 'a' },
        },
      ],
    ],
    ['no pools at all', [], []],
    ['an empty List', { items: [] }, []],
  ])('%s', (_name, input, expected) => {
    const { config, errors } = parsePoolList(input);
    expect(errors).toEqual([]);
    expect([...config.pools.keys()]).toEqual(expected.map((p) => p.name));
    expect([...config.pools.values()]).toEqual(expected);
  });
});

interface Expected {
  object: string;
  field: string;
  message: string;
}

/** Each case: the good pool `ok` beside the bad one; `ok` must load whatever the bad one does. */
describe('parseConfig: an object with errors is left out whole, named with its field', () => {
  const ok = pool('ok', { addresses: ['203.0.113.0/24'] });
  const bad = `IPAddressPool ${NS}/bad`;
  it.each<[string, unknown, Expected[]]>([
    [
      'a bad CIDR names its index',
      pool('bad', { addresses: ['198.51.100.0/28', '198.51.100.16/28', '198.51.100.32/33'] }),
      [{ object: bad, field: 'spec.addresses[2]', message: 'invalid CIDR "198.51.100.32/33"' }],
    ],
    [
      'a reversed range',
      pool('bad', { addresses: ['198.51.100.20-198.51.100.10'] }),
      [{ object: bad, field: 'spec.addresses[0]', message: 'the first address 198.51.100.20 is after the last' }],
    ],
    [
      'a range across families',
      pool('bad', { addresses: ['198.51.100.1-2001:db8::1'] }),
      [{ object: bad, field: 'spec.addresses[0]', message: 'both ends must be of one family' }],
    ],
    [
      'host bits set',
      pool('bad', { addresses: ['198.51.100.7/24'] }),
      [{ object: bad, field: 'spec.addresses[0]', message: 'host bits are set; write the network 198.51.100.0/24' }],
    ],
    [
      'two entries of one pool overlap',
      pool('bad', { addresses: ['198.51.100.0/24', '198.51.100.10-198.51.100.20'] }),
      [
        {
          object: bad,
          field: 'spec.addresses[1]',
          message: '"198.51.100.10-198.51.100.20" overlaps "198.51.100.0/24" (spec.addresses[0]) of this pool',
        },
      ],
    ],
    [
      'every bad entry is reported, not only the first',
      pool('bad', { addresses: ['x', 7, '198.51.100.0/24'] }),
      [
        { object: bad, field: 'spec.addresses[0]', message: 'invalid address "x"' },
        { object: bad, field: 'spec.addresses[1]', message: 'must be a string, got integer' },
      ],
    ],
    ['no addresses', pool('bad', {}), [{ object: bad, field: 'spec.addresses', message: 'is required' }]],
    [
      'empty addresses',
      pool('bad', { addresses: [] }),
      [{ object: bad, field: 'spec.addresses', message: 'must list at least one CIDR or range' }],
    ],
    [
      'addresses a string',
      pool('bad', { addresses: '198.51.100.0/24' }),
      [{ object: bad, field: 'spec.addresses', message: 'must be a list of strings, got string' }],
    ],
    [
      'autoAssign a string',
      pool('bad', { addresses: ['198.51.100.0/24'], autoAssign: 'yes' }),
      [{ object: bad, field: 'spec.autoAssign', message: 'must be true or false, got string' }],
    ],
    [
      'avoidBuggyIPs a number',
      pool('bad', { addresses: ['198.51.100.0/24'], avoidBuggyIPs: 1 }),
      [{ object: bad, field: 'spec.avoidBuggyIPs', message: 'must be true or false, got integer' }],
    ],
    [
      'a bad selector',
      pool('bad', {
        addresses: ['198.51.100.0/24'],
        serviceAllocation: { serviceSelectors: [{}, { matchExpressions: [{ key: 'a', operator: 'Equals' }] }] },
      }),
      [
        {
          object: bad,
          field: 'spec.serviceAllocation.serviceSelectors[1].matchExpressions[0].operator',
          message: 'must be one of In, NotIn, Exists, DoesNotExist, got "Equals"',
        },
      ],
    ],
    [
      'a namespace selector that is not an object',
      pool('bad', { addresses: ['198.51.100.0/24'], serviceAllocation: { namespaceSelectors: ['team=a'] } }),
      [
        {
          object: bad,
          field: 'spec.serviceAllocation.namespaceSelectors[0]',
          message: 'must be a label selector (matchLabels, matchExpressions), got string',
        },
      ],
    ],
    [
      'a negative priority',
      pool('bad', { addresses: ['198.51.100.0/24'], serviceAllocation: { priority: -1 } }),
      [
        {
          object: bad,
          field: 'spec.serviceAllocation.priority',
          message: 'must be 0 (no priority) or greater, got -1',
        },
      ],
    ],
    [
      'a fractional priority',
      pool('bad', { addresses: ['198.51.100.0/24'], serviceAllocation: { priority: 1.5 } }),
      [{ object: bad, field: 'spec.serviceAllocation.priority', message: 'must be an integer, got 1.5' }],
    ],
    [
      'a priority as a string',
      pool('bad', { addresses: ['198.51.100.0/24'], serviceAllocation: { priority: '1' } }),
      [{ object: bad, field: 'spec.serviceAllocation.priority', message: 'must be an integer, got string' }],
    ],
    [
      'a bad namespace name',
      pool('bad', { addresses: ['198.51.100.0/24'], serviceAllocation: { namespaces: ['ok', 'Team_A'] } }),
      [
        {
          object: bad,
          field: 'spec.serviceAllocation.namespaces[1]',
          message: 'invalid namespace name "Team_A": a lowercase RFC 1123 label',
        },
      ],
    ],
    [
      'serviceAllocation a list',
      pool('bad', { addresses: ['198.51.100.0/24'], serviceAllocation: [] }),
      [{ object: bad, field: 'spec.serviceAllocation', message: 'must be an object, got array' }],
    ],
    ['no spec', pool('bad', undefined), [{ object: bad, field: 'spec', message: 'is required' }]],
    ['spec null', pool('bad', null), [{ object: bad, field: 'spec', message: 'must be an object, got null' }]],
    [
      'another kind',
      pool('bad', { addresses: ['198.51.100.0/24'] }, { kind: 'L2Advertisement' }),
      [{ object: bad, field: 'kind', message: 'must be IPAddressPool, got "L2Advertisement"' }],
    ],
    [
      'no name: named by its place in the list',
      { kind: 'IPAddressPool', metadata: { namespace: NS }, spec: { addresses: ['198.51.100.0/24'] } },
      [{ object: 'IPAddressPool items[0]', field: 'metadata.name', message: 'must be a string, got undefined' }],
    ],
    [
      'an empty name',
      { metadata: { name: '' }, spec: { addresses: ['198.51.100.0/24'] } },
      [{ object: 'IPAddressPool items[0]', field: 'metadata.name', message: 'must not be empty' }],
    ],
    [
      'no namespace: named by name alone',
      { metadata: { name: 'bad' }, spec: { addresses: ['nope'] } },
      [{ object: 'IPAddressPool bad', field: 'spec.addresses[0]', message: 'invalid address "nope"' }],
    ],
    [
      'a namespace that is not a string',
      { metadata: { name: 'bad', namespace: 3 }, spec: { addresses: ['198.51.100.0/24'] } },
      [{ object: 'IPAddressPool bad', field: 'metadata.namespace', message: 'must be a string, got integer' }],
    ],
    [
      'not an object',
      'IPAddressPool bad',
      [{ object: 'IPAddressPool items[0]', field: '', message: 'must be an IPAddressPool object, got string' }],
    ],
  ])('%s', (_name, badObject, expected) => {
    const { config, errors } = parsePoolList([badObject, ok]);
    expect([...config.pools.keys()]).toEqual(['ok']);
    expect(errors).toEqual(
      expected.map((e) => ({
        object: e.object,
        field: e.field,
        message: expect.stringContaining(e.message) as unknown,
      })),
    );
  });
});

describe('parseConfig: overlapping pools', () => {
  it('leaves out the later pool by name, naming both pools and both entries, whatever the input order', () => {
    const alpha = pool('alpha', { addresses: ['198.51.100.200-198.51.100.254', '2001:db8:1::200/120'] });
    const beta = pool('beta', { addresses: ['203.0.113.0/24', '198.51.100.0/24', '2001:db8:1::2ff/128'] });
    const expected: ConfigError[] = [
      {
        object: `IPAddressPool ${NS}/beta`,
        field: 'spec.addresses[1]',
        message:
          '"198.51.100.0/24" overlaps "198.51.100.200-198.51.100.254" (spec.addresses[0] of IPAddressPool ironlb-system/alpha); an address may belong to one pool only, and IPAddressPool ironlb-system/alpha comes first by name, so this pool is not loaded',
      },
      {
        object: `IPAddressPool ${NS}/beta`,
        field: 'spec.addresses[2]',
        message: expect.stringContaining(
          '"2001:db8:1::2ff/128" overlaps "2001:db8:1::200/120" (spec.addresses[1] of IPAddressPool ironlb-system/alpha)',
        ) as string,
      },
    ];
    for (const input of [
      [alpha, beta],
      [beta, alpha],
    ]) {
      const { config, errors } = parsePoolList(input);
      expect([...config.pools.keys()]).toEqual(['alpha']);
      expect(errors).toEqual(expected);
    }
  });

  it('checks a pool only against pools that loaded', () => {
    const { config, errors } = parsePoolList([
      pool('a', { addresses: ['198.51.100.0/26'] }),
      pool('b', { addresses: ['198.51.100.0/25'] }),
      pool('c', { addresses: ['198.51.100.64/26'] }),
      pool('d', { addresses: ['198.51.100.0/28', 'broken'] }),
      pool('e', { addresses: ['198.51.100.0/28'] }),
    ]);
    expect([...config.pools.keys()]).toEqual(['a', 'c']);
    expect(errors.map((e) => `${e.object} ${e.field}`)).toEqual([
      `IPAddressPool ${NS}/b spec.addresses[0]`,
      `IPAddressPool ${NS}/d spec.addresses[1]`,
      `IPAddressPool ${NS}/e spec.addresses[0]`,
    ]);
    expect(errors[2].message).toContain('of IPAddressPool ironlb-system/a)');
  });

  it('finds an overlap with a range nested inside another, and none between families', () => {
    const { config, errors } = parsePoolList([
      pool('outer', { addresses: ['203.0.113.0/24'] }),
      pool('v6', { addresses: ['::cb00:7100/120'] }),
      pool('within', { addresses: ['203.0.113.128/32'] }),
    ]);
    expect([...config.pools.keys()]).toEqual(['outer', 'v6']);
    expect(errors).toHaveLength(1);
    expect(errors[0].object).toBe(`IPAddressPool ${NS}/within`);
  });

  it('loads one of two pools with the same name in different namespaces', () => {
    const { config, errors } = parsePoolList([
      { metadata: { name: 'lab', namespace: 'b' }, spec: { addresses: ['203.0.113.0/24'] } },
      { metadata: { name: 'lab', namespace: 'a' }, spec: { addresses: ['198.51.100.0/24'] } },
    ]);
    expect(config.pools.get('lab')?.ranges).toEqual([range('198.51.100.0', '198.51.100.255')]);
    expect(errors).toEqual([
      {
        object: 'IPAddressPool b/lab',
        field: 'metadata.name',
        message: expect.stringContaining('IPAddressPool a/lab has the same name and is loaded') as unknown,
      },
    ]);
  });
});

describe('parseConfig: pools that exist but did not load (refusedPools)', () => {
  it('names each, with every error of the object that had the name, so a Service naming it can be told why', () => {
    const { config, errors } = parsePoolList([
      pool('ok', { addresses: ['203.0.113.0/24'] }),
      pool('reversed', { addresses: ['198.51.100.20-198.51.100.10'] }),
      pool('twice', { addresses: ['x', '198.51.100.7/24'] }),
      pool('overlaps', { addresses: ['203.0.113.128/25'] }),
      { metadata: { namespace: NS }, spec: { addresses: ['198.51.100.0/28'] } },
    ]);
    expect([...config.pools.keys()]).toEqual(['ok']);
    const of = (name: string): ConfigError[] => errors.filter((e) => e.object === `IPAddressPool ${NS}/${name}`);
    expect([...config.refusedPools.keys()].sort()).toEqual(['overlaps', 'reversed', 'twice']);
    expect(config.refusedPools.get('reversed')).toEqual(of('reversed'));
    expect(config.refusedPools.get('twice')).toEqual(of('twice'));
    expect(config.refusedPools.get('twice')).toHaveLength(2);
    expect(config.refusedPools.get('overlaps')?.map(formatConfigError)).toEqual([
      expect.stringMatching(
        /^IPAddressPool ironlb-system\/overlaps: spec.addresses\[0\]: "203.0.113.128\/25" overlaps/,
      ),
    ]);
    // The object without a name is only an error: nothing can name it.
    expect(errors.filter((e) => e.object === 'IPAddressPool items[4]')).toHaveLength(1);
  });

  it('leaves out a name that loaded, even when another object with it did not', () => {
    const { config } = parsePoolList([
      { metadata: { name: 'lab', namespace: 'b' }, spec: { addresses: ['203.0.113.0/24'] } },
      { metadata: { name: 'lab', namespace: 'a' }, spec: { addresses: ['198.51.100.0/24'] } },
      { metadata: { name: 'other', namespace: 'a' }, spec: { addresses: ['bad'] } },
      { metadata: { name: 'other', namespace: 'b' }, spec: { addresses: ['203.0.113.0/25'] } },
    ]);
    expect([...config.pools.keys()]).toEqual(['lab', 'other']);
    expect(config.refusedPools.size).toBe(0);
  });

  it('is empty when every pool loads or there are none, and frozen', () => {
    expect(parseConfig({}).config.refusedPools.size).toBe(0);
    const { config } = parsePoolList([pool('bad', { addresses: ['x'] })]);
    const list = config.refusedPools.get('bad');
    expect(Object.isFrozen(config.refusedPools)).toBe(true);
    expect(Object.isFrozen(list)).toBe(true);
    expect(list?.every((e) => Object.isFrozen(e))).toBe(true);
  });
});

describe('parseConfig: garbage never throws', () => {
  const shapes: unknown[] = [
    undefined,
    null,
    0,
    -1,
    1.5,
    NaN,
    Infinity,
    '',
    'x',
    true,
    false,
    [],
    {},
    [[]],
    { items: null },
    { items: 'x' },
    { items: {} },
    [null, undefined, 0, 'x', true, [], {}],
    [{ metadata: null }, { metadata: [] }, { metadata: 'x' }, { metadata: { name: 1 } }, { metadata: { name: [] } }],
    [
      { metadata: { name: 'a' }, spec: [] },
      { metadata: { name: 'b' }, spec: 'x' },
      { metadata: { name: 'c' }, spec: 5 },
    ],
    [{ metadata: { name: 'a' }, spec: { addresses: [null, {}, [], 1, true, '', '/', '-', '::/', '1-2', '::-::'] } }],
    [{ metadata: { name: 'a' }, spec: { addresses: ['198.51.100.0/24'], serviceAllocation: 'x' } }],
    [
      {
        metadata: { name: 'a' },
        spec: {
          addresses: ['198.51.100.0/24'],
          serviceAllocation: {
            priority: {},
            namespaces: [1, null, {}],
            namespaceSelectors: [null, 1, 'x', [], { matchLabels: 1, matchExpressions: 'x' }],
            serviceSelectors: { 0: {} },
          },
        },
      },
    ],
    [
      {
        metadata: { name: 'a' },
        spec: {
          addresses: ['198.51.100.0/24'],
          serviceAllocation: {
            serviceSelectors: [
              { matchLabels: { a: null, b: {}, c: [] }, matchExpressions: [null, 1, { key: null, operator: null }] },
              {
                matchExpressions: [
                  { key: 'a', operator: 'In', values: [null, 1] },
                  { key: {}, operator: [] },
                ],
              },
            ],
          },
        },
      },
    ],
    JSON.parse('[{"metadata":{"name":"__proto__"},"spec":{"addresses":["198.51.100.0/24"],"__proto__":{"x":1}}}]'),
    JSON.parse(
      '[{"metadata":{"name":"p"},"spec":{"addresses":["198.51.100.0/24"],"serviceAllocation":{"serviceSelectors":[{"matchLabels":{"__proto__":"x"}}]}}}]',
    ),
  ];

  it.each(shapes.map((s, i) => [i, s] as const))('shape %i', (_i, input) => {
    let result: ReturnType<typeof parsePoolList> | undefined;
    expect(() => (result = parsePoolList(input))).not.toThrow();
    for (const e of result?.errors ?? []) {
      expect(typeof e.object).toBe('string');
      expect(typeof e.field).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
  });

  it('reports a top-level value that is no list', () => {
    expect(parsePoolList(null).errors).toEqual([
      { object: 'IPAddressPoolList', field: 'items', message: 'must be a list of IPAddressPools, got null' },
    ]);
    expect(parsePoolList({ items: 'x' }).errors[0].message).toBe(
      'must be a list of IPAddressPools, got an object whose items is string',
    );
  });

  it('loads a pool named __proto__ as any other name', () => {
    expect([...parsePoolList(shapes[shapes.length - 2]).config.pools.keys()]).toEqual(['__proto__']);
  });
});

describe('parseConfig: deterministic and immutable', () => {
  const items = [
    pool('c', { addresses: ['198.51.100.0/24'] }),
    pool('a', { addresses: ['198.51.100.128/25', 'bad'] }),
    pool('b', { addresses: ['198.51.100.64/26', '2001:db8::/64'] }),
    pool('d', { addresses: ['203.0.113.0/24'], serviceAllocation: { priority: 1, namespaces: ['x'] } }),
  ];

  it('gives the same result for every order of the same objects', () => {
    const first = parsePoolList(items);
    const orders = [
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
    ].map((o) => o.map((i) => items[i]));
    for (const order of orders) {
      const r = parsePoolList(order);
      expect([...r.config.pools.entries()]).toEqual([...first.config.pools.entries()]);
      expect(r.errors).toEqual(first.errors);
    }
    expect([...first.config.pools.keys()]).toEqual(['b', 'd']);
  });

  it('does not change its input', () => {
    const copy = JSON.parse(JSON.stringify(items)) as unknown;
    parsePoolList(items);
    expect(items).toEqual(copy);
  });

  it('freezes what it returns', () => {
    const { config, errors } = parsePoolList(items);
    const d = config.pools.get('d');
    expect(Object.isFrozen(errors)).toBe(true);
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d?.ranges)).toBe(true);
    expect(Object.isFrozen(d?.ranges[0])).toBe(true);
    expect(Object.isFrozen(d?.serviceAllocation)).toBe(true);
    expect(Object.isFrozen(d?.serviceAllocation?.namespaces)).toBe(true);
  });
});

describe('formatConfigError', () => {
  it.each([
    [
      { object: 'IPAddressPool ironlb-system/lab', field: 'spec.addresses[2]', message: 'invalid CIDR "x"' },
      'IPAddressPool ironlb-system/lab: spec.addresses[2]: invalid CIDR "x"',
    ],
    [
      { object: 'IPAddressPool items[0]', field: '', message: 'must be an IPAddressPool object, got string' },
      'IPAddressPool items[0]: must be an IPAddressPool object, got string',
    ],
  ])('%j', (e, line) => {
    expect(formatConfigError(e)).toBe(line);
  });
});

describe('parseConfig: every kind into one Config', () => {
  const l2 = (name: string, spec: unknown): unknown => ({
    kind: 'L2Advertisement',
    metadata: { name, namespace: NS },
    spec,
  });

  it('reads pools and L2Advertisements together; an absent kind is none', () => {
    const { config, errors } = parseConfig({
      ipAddressPools: { items: [pool('lab', { addresses: ['198.51.100.0/24'] })] },
      l2Advertisements: [l2('b', {}), l2('a', { ipAddressPools: ['lab'] })],
    });
    expect(errors).toEqual([]);
    expect([...config.pools.keys()]).toEqual(['lab']);
    expect(config.l2Advertisements.map((a) => a.name)).toEqual(['a', 'b']);
    expect(parseConfig({}).config.l2Advertisements).toEqual([]);
    expect(parseConfig({}).config.pools.size).toBe(0);
  });

  it('names the kind of a list that is no list, and keeps the errors of every kind', () => {
    const { config, errors } = parseConfig({
      ipAddressPools: [pool('bad', { addresses: ['x'] })],
      l2Advertisements: 'x',
    });
    expect(config.pools.size).toBe(0);
    expect(errors.map(formatConfigError)).toEqual([
      'L2AdvertisementList: items: must be a list of L2Advertisements, got string',
      expect.stringMatching(/^IPAddressPool ironlb-system\/bad: spec.addresses\[0\]: invalid address "x"/),
    ]);
  });

  it('freezes the Config', () => {
    const { config } = parseConfig({ l2Advertisements: [l2('a', {})] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.l2Advertisements)).toBe(true);
    expect(Object.isFrozen(config.l2Advertisements[0])).toBe(true);
  });
});

describe('parseConfig: the BGP kinds, each against the kinds it names', () => {
  const obj = (kind: string, name: string, spec: unknown): Record<string, unknown> => ({
    apiVersion: 'ironlb.io/v1beta1',
    kind,
    metadata: { name, namespace: NS },
    spec,
  });
  const peerSpec = { myASN: 64512, peerASN: 64513, peerAddress: '198.51.100.1' };
  const objects = {
    ipAddressPools: [pool('lab', { addresses: ['203.0.113.0/28', '2001:db8:1::/120'] })],
    bfdProfiles: { kind: 'BFDProfileList', items: [obj('BFDProfile', 'fast', { receiveInterval: 100 })] },
    communities: [obj('Community', 'aliases', { communities: [{ name: 'gold', value: '64512:100' }] })],
    bgpPeers: [
      obj('BGPPeer', 'tor-b', { ...peerSpec, peerAddress: '198.51.100.2', bfdProfile: 'slow' }),
      obj('BGPPeer', 'tor-a', { ...peerSpec, bfdProfile: 'fast', password: 'Tr0ub4dor&3' }),
    ],
    bgpAdvertisements: [
      obj('BGPAdvertisement', 'wide', { aggregationLength: 24 }),
      obj('BGPAdvertisement', 'gold', { communities: ['gold', 'no-export'], peers: ['tor-a'] }),
      obj('BGPAdvertisement', 'silver', { communities: ['silver'] }),
    ],
  };

  it('loads what holds together and names what does not, each error on the object that names the other', () => {
    const { config, errors } = parseConfig(objects);
    expect([...config.bfdProfiles.keys()]).toEqual(['fast']);
    expect([...config.communities]).toEqual([['gold', { kind: 'standard', value: 64512 * 65536 + 100 }]]);
    expect(config.bgpPeers.map((p) => [p.name, p.bfdProfile, p.password])).toEqual([['tor-a', 'fast', 'Tr0ub4dor&3']]);
    expect(config.bgpAdvertisements.map((a) => a.name)).toEqual(['gold']);
    expect(config.bgpAdvertisements[0].communities).toEqual([
      { kind: 'standard', value: 64512 * 65536 + 100 },
      { kind: 'standard', value: 65535 * 65536 + 65281 },
    ]);
    expect(errors.map(formatConfigError)).toEqual([
      `BGPPeer ${NS}/tor-b: spec.bfdProfile: names BFDProfile "slow", which does not exist`,
      `BGPAdvertisement ${NS}/silver: spec.communities[0]: "silver" is no Community alias and no community value (a:b, large:a:b:c, or a well-known name like no-export)`,
      `BGPAdvertisement ${NS}/wide: spec.aggregationLength: 24 is shorter than 203.0.113.0/28 in IPAddressPool ${NS}/lab: a /24 route would announce addresses outside the pool; use 28 or more`,
    ]);
  });

  it('names the List of each BGP kind that is no list', () => {
    const { errors } = parseConfig({ bgpPeers: 1, bgpAdvertisements: 'x', bfdProfiles: {}, communities: null });
    expect(errors.map(formatConfigError)).toEqual([
      'BFDProfileList: items: must be a list of BFDProfiles, got an object whose items is undefined',
      'CommunityList: items: must be a list of Communities, got null',
      'BGPPeerList: items: must be a list of BGPPeers, got integer',
      'BGPAdvertisementList: items: must be a list of BGPAdvertisements, got string',
    ]);
  });

  it('reads no BGP kind as none of it', () => {
    const { config } = parseConfig({});
    expect(config.bgpPeers).toEqual([]);
    expect(config.bgpAdvertisements).toEqual([]);
    expect(config.bfdProfiles.size).toBe(0);
    expect(config.communities.size).toBe(0);
  });

  it('gives the same Config and errors for every order of every kind', () => {
    const first = parseConfig(objects);
    const rev = (v: unknown): unknown =>
      Array.isArray(v) ? [...(v as unknown[])].reverse() : { items: [...(v as { items: unknown[] }).items].reverse() };
    const shuffled = parseConfig({
      ipAddressPools: rev(objects.ipAddressPools),
      bfdProfiles: rev(objects.bfdProfiles),
      communities: rev(objects.communities),
      bgpPeers: rev(objects.bgpPeers),
      bgpAdvertisements: rev(objects.bgpAdvertisements),
    });
    expect(shuffled.errors).toEqual(first.errors);
    expect(shuffled.config.bgpPeers).toEqual(first.config.bgpPeers);
    expect(shuffled.config.bgpAdvertisements).toEqual(first.config.bgpAdvertisements);
    expect([...shuffled.config.bfdProfiles]).toEqual([...first.config.bfdProfiles]);
    expect([...shuffled.config.communities]).toEqual([...first.config.communities]);
  });

  it('freezes every BGP value', () => {
    const { config } = parseConfig(objects);
    const [peer] = config.bgpPeers;
    const [adv] = config.bgpAdvertisements;
    for (const v of [
      config.bgpPeers,
      peer,
      peer.peerAddress,
      peer.nodeSelectors,
      config.bgpAdvertisements,
      adv,
      adv.communities,
      adv.communities[0],
      adv.ipAddressPools,
      adv.peers,
      config.bfdProfiles.get('fast'),
      config.communities.get('gold'),
    ])
      expect(Object.isFrozen(v)).toBe(true);
  });

  it('does not change its input', () => {
    const copy = JSON.parse(JSON.stringify(objects)) as unknown;
    parseConfig(objects);
    expect(objects).toEqual(copy);
  });
});

describe('parseConfig: garbage in the BGP kinds never throws', () => {
  const GARBAGE: unknown[] = [null, 0, -1, 1.5, NaN, Infinity, '', 'x', '-1s', true, [], {}, [null], [{}], { a: 1 }];
  const FIELDS: Record<string, string[]> = {
    bfdProfiles: [
      'receiveInterval',
      'transmitInterval',
      'detectMultiplier',
      'echoInterval',
      'echoMode',
      'passiveMode',
      'minimumTtl',
    ],
    communities: ['communities'],
    bgpPeers: [
      'myASN',
      'peerASN',
      'peerAddress',
      'peerPort',
      'sourceAddress',
      'routerID',
      'holdTime',
      'keepaliveTime',
      'connectTime',
      'password',
      'passwordSecret',
      'bfdProfile',
      'ebgpMultiHop',
      'enableGracefulRestart',
      'disableMP',
      'nodeSelectors',
      'vrf',
    ],
    bgpAdvertisements: [
      'aggregationLength',
      'aggregationLengthV6',
      'localPref',
      'communities',
      'ipAddressPools',
      'ipAddressPoolSelectors',
      'nodeSelectors',
      'peers',
    ],
  };
  const good: Record<string, Record<string, unknown>> = {
    bfdProfiles: {},
    communities: { communities: [{ name: 'gold', value: '1:1' }] },
    bgpPeers: { myASN: 64512, peerASN: 64513, peerAddress: '198.51.100.1' },
    bgpAdvertisements: {},
  };
  const wellFormed = (r: ReturnType<typeof parseConfig>): void => {
    for (const e of r.errors) {
      expect(typeof e.object).toBe('string');
      expect(typeof e.field).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
  };

  it.each(Object.keys(FIELDS))('%s: every field, every wrong shape', (key) => {
    for (const field of FIELDS[key]) {
      const items = GARBAGE.map((g, i) => ({ metadata: { name: `o${i}` }, spec: { ...good[key], [field]: g } }));
      let r: ReturnType<typeof parseConfig> | undefined;
      expect(
        () => (r = parseConfig({ ipAddressPools: [pool('p', { addresses: ['203.0.113.0/28'] })], [key]: items })),
      ).not.toThrow();
      if (r) wellFormed(r);
    }
  });

  it.each(Object.keys(FIELDS))('%s: whole objects of every wrong shape', (key) => {
    const items = [...GARBAGE, { metadata: null }, { metadata: { name: [] } }, { metadata: { name: 'a' }, spec: 'x' }];
    let r: ReturnType<typeof parseConfig> | undefined;
    expect(() => (r = parseConfig({ [key]: items }))).not.toThrow();
    if (r) wellFormed(r);
    expect(() => parseConfig({ [key]: GARBAGE.map((g) => ({ items: g })) })).not.toThrow();
  });

  it('garbage inside lists: community aliases, selectors, secret references', () => {
    const shapes = [
      { communities: [{ communities: [null, 1, 'x', [], { name: {}, value: [] }, { name: 'a', value: {} }] }] },
      {
        bgpPeers: [
          {
            metadata: { name: 'p' },
            spec: {
              ...good.bgpPeers,
              passwordSecret: { name: [], namespace: {} },
              nodeSelectors: [null, 1, { matchLabels: { a: null }, matchExpressions: [null, { key: 1 }] }],
            },
          },
        ],
      },
      {
        bgpAdvertisements: [
          { metadata: { name: 'a' }, spec: { communities: [null, 1, {}, []], ipAddressPoolSelectors: [[], 'x'] } },
        ],
      },
    ];
    for (const s of shapes) expect(() => wellFormed(parseConfig(s))).not.toThrow();
  });

  it('reads __proto__ and constructor as plain names', () => {
    const r = parseConfig(
      JSON.parse(`{
        "bfdProfiles": [{"metadata": {"name": "__proto__"}, "spec": {"__proto__": {"echoMode": true}}}],
        "communities": [{"metadata": {"name": "c"}, "spec": {"communities": [
          {"name": "__proto__", "value": "1:1"}, {"name": "constructor", "value": "1:2"}]}}],
        "bgpPeers": [{"metadata": {"name": "constructor"}, "spec": {
          "myASN": 64512, "peerASN": 64513, "peerAddress": "198.51.100.1", "bfdProfile": "__proto__",
          "nodeSelectors": [{"matchLabels": {"constructor": "x"}}]}}],
        "bgpAdvertisements": [{"metadata": {"name": "__proto__"}, "spec": {
          "communities": ["__proto__", "constructor", "toString"], "peers": ["constructor"]}}]
      }`) as Parameters<typeof parseConfig>[0],
    );
    expect([...r.config.bfdProfiles.keys()]).toEqual(['__proto__']);
    expect(r.config.bfdProfiles.get('__proto__')?.echoMode).toBe(false);
    expect([...r.config.communities.keys()]).toEqual(['__proto__', 'constructor']);
    expect(r.config.bgpPeers.map((p) => p.name)).toEqual(['constructor']);
    expect(r.errors.map(formatConfigError)).toEqual([
      'BGPAdvertisement __proto__: spec.communities[2]: "toString" is no Community alias and no community value (a:b, large:a:b:c, or a well-known name like no-export)',
    ]);
  });
});
