import { parseBGPAdvertisements } from './bgpadvertisement';
import { parseCommunities } from './community';
import { parsePools } from './parse-pools';
import type { BGPAdvertisement, CommunityValue, ConfigError } from './types';
import { ironlbObject, NS } from './testObjects';

const adv = ironlbObject('BGPAdvertisement');
const pool = (name: string, addresses: string[], tier: string): unknown => ({
  kind: 'IPAddressPool',
  metadata: { name, namespace: NS, labels: { tier } },
  spec: { addresses },
});
const pools = parsePools([
  pool('wide', ['198.51.100.0/24', '2001:db8:1::/64'], 'wide'),
  pool('narrow', ['203.0.113.0/28'], 'narrow'),
  // 203.0.113.130/31, .132/30, .136/30, .140/32: its widest block is a /30.
  pool('ranged', ['203.0.113.130-203.0.113.140'], 'ranged'),
  pool('v6only', ['2001:db8:2::/120'], 'v6'),
]);
const communities = parseCommunities([
  {
    kind: 'Community',
    metadata: { name: 'aliases', namespace: NS },
    spec: {
      communities: [
        { name: 'gold', value: '64512:100' },
        { name: 'big', value: 'large:4200000000:7:8' },
        { name: 'blackhole', value: '64512:666' },
      ],
    },
  },
  {
    kind: 'Community',
    metadata: { name: 'broken', namespace: NS },
    spec: { communities: [{ name: 'bronze', value: '1:99999' }] },
  },
]);
const parse = (items: unknown[]): ReturnType<typeof parseBGPAdvertisements> =>
  parseBGPAdvertisements(items, communities, pools);

const std = (a: number, b: number): CommunityValue => ({ kind: 'standard', value: a * 65536 + b });

const parsed = (name: string, over: Partial<BGPAdvertisement> = {}): BGPAdvertisement => ({
  name,
  aggregationLength: 32,
  aggregationLengthV6: 128,
  communities: [],
  ipAddressPools: [],
  ipAddressPoolSelectors: [],
  nodeSelectors: [],
  peers: [],
  ...over,
});

describe('parseBGPAdvertisements: advertisements that load', () => {
  it.each<[string, unknown, Partial<BGPAdvertisement>]>([
    ['no spec: every pool to every peer from every node, each address alone', undefined, {}],
    ['null fields are absent', { aggregationLength: null, localPref: null, communities: null, peers: null }, {}],
    [
      'every field',
      {
        aggregationLength: 24,
        aggregationLengthV6: 64,
        localPref: 200,
        communities: ['no-export', 'large:4200000000:1:2', 'gold', '65535:65282', 'big'],
        ipAddressPools: ['wide'],
        ipAddressPoolSelectors: [{ matchLabels: { tier: 'wide' } }],
        nodeSelectors: [{ matchExpressions: [{ key: 'rack', operator: 'In', values: ['1', '2'] }] }],
        peers: ['tor-a', 'tor-b'],
      },
      {
        aggregationLength: 24,
        aggregationLengthV6: 64,
        localPref: 200,
        communities: [
          std(64512, 100),
          std(65535, 65281),
          std(65535, 65282),
          { kind: 'large', global: 4200000000, local1: 1, local2: 2 },
          { kind: 'large', global: 4200000000, local1: 7, local2: 8 },
        ],
        ipAddressPools: ['wide'],
        ipAddressPoolSelectors: [{ matchLabels: { tier: 'wide' }, matchExpressions: [] }],
        nodeSelectors: [{ matchLabels: {}, matchExpressions: [{ key: 'rack', operator: 'In', values: ['1', '2'] }] }],
        peers: ['tor-a', 'tor-b'],
      },
    ],
    ['localPref 0 is unset, as in MetalLB', { localPref: 0 }, {}],
    ['localPref at its highest', { localPref: 4294967295 }, { localPref: 4294967295 }],
    [
      'an alias and the literal it stands for are one community',
      { communities: ['gold', '64512:100'] },
      { communities: [std(64512, 100)] },
    ],
    [
      'an alias named like a well-known community wins, as MetalLB looks aliases up first',
      { communities: ['blackhole'] },
      { communities: [std(64512, 666)] },
    ],
    ['a well-known community by name', { communities: ['graceful-shutdown'] }, { communities: [std(65535, 0)] }],
    [
      'the lowest aggregation over pools that do not exist',
      { aggregationLength: 1, aggregationLengthV6: 1, ipAddressPools: ['gone'] },
      { aggregationLength: 1, aggregationLengthV6: 1, ipAddressPools: ['gone'] },
    ],
    [
      'an aggregation as wide as the pool',
      { aggregationLength: 24, aggregationLengthV6: 64, ipAddressPools: ['wide'] },
      { aggregationLength: 24, aggregationLengthV6: 64, ipAddressPools: ['wide'] },
    ],
    [
      'an aggregation narrower than the pool',
      { aggregationLength: 28, ipAddressPools: ['wide', 'narrow'] },
      { aggregationLength: 28, ipAddressPools: ['wide', 'narrow'] },
    ],
    [
      'a range: no wider than its widest CIDR block (MetalLB)',
      { aggregationLength: 30, ipAddressPools: ['ranged'] },
      { aggregationLength: 30, ipAddressPools: ['ranged'] },
    ],
    [
      'an IPv4 aggregation over an IPv6 pool',
      { aggregationLength: 8, ipAddressPools: ['v6only'] },
      { aggregationLength: 8, ipAddressPools: ['v6only'] },
    ],
  ])('%s', (_name, spec, expected) => {
    const r = parse([adv('a', spec)]);
    expect(r.errors).toEqual([]);
    const a = r.loaded.get('a')?.value;
    expect(a).toEqual(parsed('a', expected));
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a?.communities)).toBe(true);
    expect(Object.isFrozen(a?.peers)).toBe(true);
  });
});

describe('parseBGPAdvertisements: an advertisement with errors is left out whole, named with its field', () => {
  const bad = `BGPAdvertisement ${NS}/bad`;
  it.each<[string, unknown, [string, string][]]>([
    ['aggregationLength 0', { aggregationLength: 0 }, [['spec.aggregationLength', 'must be from 1 to 32, got 0']]],
    ['aggregationLength 33', { aggregationLength: 33 }, [['spec.aggregationLength', 'must be from 1 to 32, got 33']]],
    [
      'aggregationLength a string',
      { aggregationLength: '24' },
      [['spec.aggregationLength', 'must be an integer, got string']],
    ],
    [
      'aggregationLength a fraction',
      { aggregationLength: 24.5 },
      [['spec.aggregationLength', 'must be an integer, got 24.5']],
    ],
    [
      'aggregationLengthV6 0',
      { aggregationLengthV6: 0 },
      [['spec.aggregationLengthV6', 'must be from 1 to 128, got 0']],
    ],
    [
      'aggregationLengthV6 129',
      { aggregationLengthV6: 129 },
      [['spec.aggregationLengthV6', 'must be from 1 to 128, got 129']],
    ],
    ['a negative localPref', { localPref: -1 }, [['spec.localPref', 'must be from 0 to 4294967295, got -1']]],
    [
      'localPref past 32 bits',
      { localPref: 4294967296 },
      [['spec.localPref', 'must be from 0 to 4294967295, got 4294967296']],
    ],
    ['localPref a string', { localPref: '100' }, [['spec.localPref', 'must be an integer, got string']]],
    ['communities a string', { communities: 'gold' }, [['spec.communities', 'must be a list of strings, got string']]],
    ['an empty community', { communities: [''] }, [['spec.communities[0]', 'must be a non-empty string, got ""']]],
    [
      'a community not a string',
      { communities: [65535] },
      [['spec.communities[0]', 'must be a non-empty string, got 65535']],
    ],
    [
      'a community listed twice',
      { communities: ['gold', 'no-export', 'gold'] },
      [['spec.communities[2]', '"gold" is already spec.communities[0]; list each once']],
    ],
    [
      'an unknown alias',
      { communities: ['gold', 'silver'] },
      [
        [
          'spec.communities[1]',
          '"silver" is no Community alias and no community value (a:b, large:a:b:c, or a well-known name like no-export)',
        ],
      ],
    ],
    [
      'an alias of a Community that did not load',
      { communities: ['bronze'] },
      [['spec.communities[0]', `"bronze" is an alias of Community ${NS}/broken, which is not loaded: it has errors`]],
    ],
    [
      'a standard community out of range',
      { communities: ['65536:1'] },
      [
        [
          'spec.communities[0]',
          'invalid community "65536:1": 65536 is out of range; each part of a standard community is from 0 to 65535',
        ],
      ],
    ],
    [
      'a large community out of range',
      { communities: ['large:1:2:4294967296'] },
      [
        [
          'spec.communities[0]',
          'invalid community "large:1:2:4294967296": 4294967296 is out of range; each part of a large community is from 0 to 4294967295',
        ],
      ],
    ],
    [
      'a community of three numbers',
      { communities: ['1:2:3'] },
      [['spec.communities[0]', 'invalid community "1:2:3": expected a:b with numbers from 0 to 65535']],
    ],
    [
      'ipAddressPools a string',
      { ipAddressPools: 'wide' },
      [['spec.ipAddressPools', 'must be a list of strings, got string']],
    ],
    [
      'a pool listed twice',
      { ipAddressPools: ['wide', 'wide'] },
      [['spec.ipAddressPools[1]', '"wide" is already spec.ipAddressPools[0]; list each once']],
    ],
    [
      'a bad pool selector',
      { ipAddressPoolSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'Equals', values: ['x'] }] }] },
      [
        [
          'spec.ipAddressPoolSelectors[0].matchExpressions[0].operator',
          'must be one of In, NotIn, Exists, DoesNotExist, got "Equals"',
        ],
      ],
    ],
    [
      'a node selector not an object',
      { nodeSelectors: ['rack=1'] },
      [['spec.nodeSelectors[0]', 'must be a label selector (matchLabels, matchExpressions), got string']],
    ],
    ['peers a string', { peers: 'tor-a' }, [['spec.peers', 'must be a list of strings, got string']]],
    [
      'a peer listed twice',
      { peers: ['tor-a', 'tor-b', 'tor-a'] },
      [['spec.peers[2]', '"tor-a" is already spec.peers[0]; list each once']],
    ],
    ['spec a list', [], [['spec', 'must be an object, got array']]],
    [
      'an aggregation wider than the pools it covers (every pool), naming each pool and entry',
      { aggregationLength: 24 },
      [
        [
          'spec.aggregationLength',
          `24 is shorter than 203.0.113.0/28 in IPAddressPool ${NS}/narrow: a /24 route would announce addresses outside the pool; use 28 or more`,
        ],
        [
          'spec.aggregationLength',
          `24 is shorter than /30, the widest CIDR block of 203.0.113.130-203.0.113.140, in IPAddressPool ${NS}/ranged: a /24 route would announce addresses outside the pool; use 30 or more`,
        ],
      ],
    ],
    [
      'an IPv6 aggregation wider than a pool named',
      { aggregationLengthV6: 64, ipAddressPools: ['v6only'] },
      [
        [
          'spec.aggregationLengthV6',
          `64 is shorter than 2001:db8:2::/120 in IPAddressPool ${NS}/v6only: a /64 route would announce addresses outside the pool; use 120 or more`,
        ],
      ],
    ],
    [
      'an aggregation wider than a pool selected by label',
      { aggregationLength: 27, ipAddressPoolSelectors: [{ matchLabels: { tier: 'narrow' } }] },
      [['spec.aggregationLength', `27 is shorter than 203.0.113.0/28 in IPAddressPool ${NS}/narrow`]],
    ],
    [
      'an aggregation one bit wider than a range allows',
      { aggregationLength: 29, ipAddressPools: ['ranged'] },
      [['spec.aggregationLength', `29 is shorter than /30, the widest CIDR block of 203.0.113.130-203.0.113.140,`]],
    ],
  ])('%s', (_name, spec, expected) => {
    const r = parse([adv('bad', spec), adv('ok', {})]);
    expect([...r.loaded.keys()]).toEqual(['ok']);
    expect(r.errors).toEqual(
      expected.map(([field, message]): ConfigError => ({
        object: bad,
        field,
        message: expect.stringContaining(message) as string,
      })),
    );
  });

  it.each<[string, unknown, ConfigError]>([
    [
      'another kind',
      adv('bad', {}, { kind: 'L2Advertisement' }),
      { object: bad, field: 'kind', message: 'must be BGPAdvertisement, got "L2Advertisement"' },
    ],
    [
      'no metadata',
      { kind: 'BGPAdvertisement', spec: {} },
      { object: 'BGPAdvertisement items[0]', field: 'metadata', message: 'must be an object, got undefined' },
    ],
    [
      'not an object',
      'adv',
      { object: 'BGPAdvertisement items[0]', field: '', message: 'must be a BGPAdvertisement object, got string' },
    ],
  ])('%s', (_name, raw, error) => {
    const r = parse([raw]);
    expect(r.loaded.size).toBe(0);
    expect(r.errors).toEqual([error]);
  });
});

describe('parseBGPAdvertisements: one LOCAL_PREF per route', () => {
  const lp = (name: string, localPref: number | undefined, over: Record<string, unknown> = {}): unknown =>
    adv(name, { ipAddressPools: ['wide'], ...(localPref === undefined ? {} : { localPref }), ...over });

  it('refuses a second LOCAL_PREF for the same routes, the later by name, naming both and the pool, whatever the order', () => {
    const items = [lp('b', 200), lp('a', 100)];
    for (const order of [items, [...items].reverse()]) {
      const r = parse(order);
      expect([...r.loaded.keys()]).toEqual(['a']);
      expect(r.errors).toEqual([
        {
          object: `BGPAdvertisement ${NS}/b`,
          field: 'spec.localPref',
          message: `is 200 where BGPAdvertisement ${NS}/a, which announces IPAddressPool ${NS}/wide too with the same aggregation to the same peers from nodes their selectors may share, has localPref 100: a route has one LOCAL_PREF, and BGPAdvertisement ${NS}/a comes first by name, so this advertisement is not loaded`,
        },
      ]);
    }
  });

  it.each<[string, unknown, unknown, boolean]>([
    ['the same localPref', lp('a', 100), lp('b', 100), true],
    ['unset against set', lp('a', undefined), lp('b', 100), false],
    ['no pool in common', lp('a', 100, { ipAddressPools: ['narrow'] }), lp('b', 200), true],
    [
      'a pool in common through a selector',
      lp('a', 100, { ipAddressPools: [], ipAddressPoolSelectors: [{ matchLabels: { tier: 'wide' } }] }),
      lp('b', 200),
      false,
    ],
    ['a pool in common through covering every pool', adv('a', { localPref: 100 }), lp('b', 200), false],
    [
      'other IPv4 aggregation on an IPv4 pool',
      lp('a', 100, { ipAddressPools: ['narrow'] }),
      lp('b', 200, { ipAddressPools: ['narrow'], aggregationLength: 30 }),
      true,
    ],
    [
      'other IPv6 aggregation only, on an IPv4 pool',
      lp('a', 100, { ipAddressPools: ['narrow'] }),
      lp('b', 200, { ipAddressPools: ['narrow'], aggregationLengthV6: 120 }),
      false,
    ],
    [
      'other IPv4 aggregation only, on a dual-family pool',
      lp('a', 100),
      lp('b', 200, { aggregationLength: 28 }),
      false,
    ],
    [
      'other aggregations of both families, on a dual-family pool',
      lp('a', 100),
      lp('b', 200, { aggregationLength: 28, aggregationLengthV6: 96 }),
      true,
    ],
    ['peers apart', lp('a', 100, { peers: ['tor-a'] }), lp('b', 200, { peers: ['tor-b'] }), true],
    ['a peer in common', lp('a', 100, { peers: ['tor-a', 'tor-b'] }), lp('b', 200, { peers: ['tor-b'] }), false],
    ['every peer against some', lp('a', 100), lp('b', 200, { peers: ['tor-b'] }), false],
    [
      'node selectors that never share a node',
      lp('a', 100, { nodeSelectors: [{ matchLabels: { rack: '1' } }] }),
      lp('b', 200, { nodeSelectors: [{ matchLabels: { rack: '2' } }] }),
      true,
    ],
    [
      'node selectors that may share a node',
      lp('a', 100, { nodeSelectors: [{ matchLabels: { rack: '1' } }] }),
      lp('b', 200, { nodeSelectors: [{ matchLabels: { zone: 'east' } }] }),
      false,
    ],
  ])('%s', (_name, a, b, both) => {
    const r = parse([a, b]);
    expect([...r.loaded.keys()]).toEqual(both ? ['a', 'b'] : ['a']);
    expect(r.errors.map((e) => `${e.object} ${e.field}`)).toEqual(
      both ? [] : [`BGPAdvertisement ${NS}/b spec.localPref`],
    );
  });

  it('checks against advertisements that loaded only', () => {
    const r = parse([lp('a', 100, { aggregationLength: 8 }), lp('b', 200), lp('c', 300)]);
    expect([...r.loaded.keys()]).toEqual(['b']);
    expect(r.errors.map((e) => `${e.object} ${e.field}`)).toEqual([
      `BGPAdvertisement ${NS}/a spec.aggregationLength`,
      `BGPAdvertisement ${NS}/c spec.localPref`,
    ]);
  });
});
