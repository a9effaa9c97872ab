import { parseCommunities } from './community';
import { NS } from './testObjects';
import type { CommunityValue, ConfigError } from './types';

const community = (name: string, communities: unknown, namespace = NS): Record<string, unknown> => ({
  apiVersion: 'ironlb.io/v1beta1',
  kind: 'Community',
  metadata: { name, namespace },
  spec: { communities },
});
const std = (a: number, b: number): CommunityValue => ({ kind: 'standard', value: a * 65536 + b });

describe('parseCommunities: aliases that load', () => {
  it.each<[string, unknown[], [string, CommunityValue][]]>([
    [
      'standard, large and well-known values, in alias order',
      [
        community('c', [
          { name: 'no-advertise', value: '65535:65282' },
          { name: 'big', value: 'large:4200000000:1:2' },
          { name: 'a-blackhole', value: 'blackhole' },
        ]),
      ],
      [
        ['a-blackhole', std(65535, 666)],
        ['big', { kind: 'large', global: 4200000000, local1: 1, local2: 2 }],
        ['no-advertise', std(65535, 65282)],
      ],
    ],
    [
      'aliases of several Communities merge into one map',
      [community('b', [{ name: 'y', value: '64512:2' }]), community('a', [{ name: 'x', value: '64512:1' }])],
      [
        ['x', std(64512, 1)],
        ['y', std(64512, 2)],
      ],
    ],
    [
      'a well-known name may be an alias, as MetalLB configurations name them (the alias wins in advertisements)',
      [community('c', [{ name: 'no-export', value: '65535:65281' }])],
      [['no-export', std(65535, 65281)]],
    ],
    ['no spec, no aliases', [{ kind: 'Community', metadata: { name: 'empty' } }], []],
    ['an empty list', [community('c', [])], []],
    ['null communities', [community('c', null)], []],
  ])('%s', (_name, items, expected) => {
    const r = parseCommunities(items);
    expect(r.errors).toEqual([]);
    expect([...r.aliases]).toEqual(expected);
  });
});

describe('parseCommunities: a Community with errors is left out whole, named with its field', () => {
  const bad = `Community ${NS}/bad`;
  it.each<[string, unknown, [string, string][]]>([
    [
      'a standard part out of range names the bound',
      [{ name: 'x', value: '65536:1' }],
      [
        [
          'spec.communities[0].value',
          'invalid community "65536:1": 65536 is out of range; each part of a standard community is from 0 to 65535',
        ],
      ],
    ],
    [
      'a large part out of range names the bound',
      [{ name: 'x', value: 'large:1:4294967296:0' }],
      [
        [
          'spec.communities[0].value',
          'invalid community "large:1:4294967296:0": 4294967296 is out of range; each part of a large community is from 0 to 4294967295',
        ],
      ],
    ],
    [
      'a value that is no community',
      [{ name: 'x', value: 'x:y' }],
      [
        [
          'spec.communities[0].value',
          expect.stringContaining('invalid community "x:y": "x" is not a decimal number') as string,
        ],
      ],
    ],
    ['no value', [{ name: 'x' }], [['spec.communities[0].value', 'is required']]],
    [
      'a numeric value',
      [{ name: 'x', value: 65535 }],
      [['spec.communities[0].value', 'must be a string, got integer']],
    ],
    ['no name', [{ value: '1:1' }], [['spec.communities[0].name', 'is required']]],
    ['an empty name', [{ name: '', value: '1:1' }], [['spec.communities[0].name', 'must not be empty']]],
    [
      'a name not a string',
      [{ name: 7, value: '1:1' }],
      [['spec.communities[0].name', 'must be a string, got integer']],
    ],
    [
      'a name too long',
      [{ name: 'n'.repeat(254), value: '1:1' }],
      [['spec.communities[0].name', 'must be no more than 253 characters']],
    ],
    [
      'a name that is itself a community value',
      [{ name: '64512:1', value: '64512:2' }],
      [
        [
          'spec.communities[0].name',
          '"64512:1" is a community value, not a name: an alias so named would change what that value means in a BGPAdvertisement',
        ],
      ],
    ],
    [
      'one name twice in one Community',
      [
        { name: 'x', value: '1:1' },
        { name: 'y', value: '1:2' },
        { name: 'x', value: '1:3' },
      ],
      [['spec.communities[2].name', '"x" is already spec.communities[0].name; name each alias once']],
    ],
    ['an entry not an object', ['x=1:1'], [['spec.communities[0]', 'must be an alias (name and value), got string']]],
    [
      'communities an object',
      { x: '1:1' },
      [['spec.communities', 'must be a list of aliases (name and value), got object']],
    ],
  ])('%s', (_name, communities, expected) => {
    const r = parseCommunities([community('bad', communities), community('ok', [{ name: 'ok', value: '64512:9' }])]);
    expect([...r.aliases.keys()]).toEqual(['ok']);
    expect(r.errors).toEqual(expected.map(([field, message]): ConfigError => ({ object: bad, field, message })));
  });

  it('remembers the aliases of a Community that did not load, good and bad, first Community by name', () => {
    const r = parseCommunities([
      community('z', [{ name: 'gold', value: '1:1' }]),
      community('bad', [
        { name: 'gold', value: '1:1' },
        { name: 'silver', value: '99999:1' },
      ]),
      community('worse', [{ name: 'silver', value: 'x' }]),
    ]);
    expect([...r.aliases.keys()]).toEqual(['gold']);
    expect(r.refused).toEqual(new Map([['silver', `Community ${NS}/bad`]]));
  });
});

describe('parseCommunities: one alias across Communities', () => {
  it('keeps the alias of the Community first by name, leaving the other out whole, whatever the order', () => {
    const first = community('a', [{ name: 'gold', value: '64512:100' }]);
    const second = community('b', [
      { name: 'silver', value: '64512:200' },
      { name: 'gold', value: '64512:300' },
    ]);
    for (const items of [
      [first, second],
      [second, first],
    ]) {
      const r = parseCommunities(items);
      expect([...r.aliases]).toEqual([['gold', std(64512, 100)]]);
      expect(r.refused).toEqual(new Map([['silver', `Community ${NS}/b`]]));
      expect(r.errors).toEqual([
        {
          object: `Community ${NS}/b`,
          field: 'spec.communities[1].name',
          message: `alias "gold" is already spec.communities[0] of Community ${NS}/a, which comes first by name, so this Community is not loaded`,
        },
      ]);
    }
  });

  it('takes one Community per name, the first by namespace', () => {
    const r = parseCommunities([
      community('c', [{ name: 'y', value: '1:2' }], 'b'),
      community('c', [{ name: 'x', value: '1:1' }], 'a'),
    ]);
    expect([...r.aliases.keys()]).toEqual(['x']);
    expect(r.errors).toEqual([
      {
        object: 'Community b/c',
        field: 'metadata.name',
        message:
          'Community a/c has the same name and is loaded; Communities are taken one per name, so this one is not',
      },
    ]);
  });
});
