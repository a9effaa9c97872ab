import { mustParseIP } from '../ip/ip';
import { parseBFDProfiles } from './bfdprofile';
import { parseBGPPeers } from './bgppeer';
import { formatConfigError, parseConfig } from './parse';
import type { BGPPeer, ConfigError } from './types';
import { ironlbObject, NS } from './testObjects';

const peer = ironlbObject('BGPPeer');
const bfd = (name: string, spec: unknown): unknown => ({ kind: 'BFDProfile', metadata: { name, namespace: NS }, spec });
const bfdObjects = [
  bfd('fast', { detectMultiplier: 2 }),
  bfd('echo', { echoMode: true }),
  bfd('broken', { minimumTtl: 0 }),
];
const profiles = parseBFDProfiles(bfdObjects);

const ip = mustParseIP;

/** The fields every peer needs. */
const base = { myASN: 64512, peerASN: 64513, peerAddress: '198.51.100.1' };

const parsed = (name: string, over: Partial<BGPPeer> = {}): BGPPeer => ({
  name,
  myASN: 64512,
  peerASN: 64513,
  peerAddress: ip('198.51.100.1'),
  peerPort: 179,
  holdTimeMs: 90000,
  keepaliveTimeMs: 30000,
  ebgpMultiHop: false,
  enableGracefulRestart: false,
  disableMP: false,
  nodeSelectors: [],
  ...over,
});

describe('parseBGPPeers: peers that load', () => {
  it.each<[string, Record<string, unknown>, Partial<BGPPeer>]>([
    ['the required fields alone: port 179, hold time 90s, keepalive 30s, no BFD, every node', {}, {}],
    [
      'every field',
      {
        myASN: 4200000000,
        peerASN: 4294967294,
        peerAddress: '2001:db8::1',
        peerPort: 1179,
        sourceAddress: '2001:db8::2',
        routerID: '198.51.100.9',
        holdTime: '3m',
        keepaliveTime: '1m',
        connectTime: '10s',
        passwordSecret: { name: 'tor-md5', namespace: NS },
        bfdProfile: 'fast',
        ebgpMultiHop: true,
        enableGracefulRestart: true,
        disableMP: true,
        nodeSelectors: [{ matchLabels: { rack: '1' } }],
        vrf: 'red',
      },
      {
        myASN: 4200000000,
        peerASN: 4294967294,
        peerAddress: ip('2001:db8::1'),
        peerPort: 1179,
        sourceAddress: ip('2001:db8::2'),
        routerID: ip('198.51.100.9'),
        holdTimeMs: 180000,
        keepaliveTimeMs: 60000,
        connectTimeMs: 10000,
        passwordSecret: { name: 'tor-md5', namespace: NS },
        bfdProfile: 'fast',
        ebgpMultiHop: true,
        enableGracefulRestart: true,
        disableMP: true,
        nodeSelectors: [{ matchLabels: { rack: '1' }, matchExpressions: [] }],
        vrf: 'red',
      },
    ],
    ['an iBGP peer: equal AS numbers', { peerASN: 64512 }, { peerASN: 64512 }],
    ['ASN bounds: 1 and 4294967295', { myASN: 1, peerASN: 4294967295 }, { myASN: 1, peerASN: 4294967295 }],
    ['port bounds: 1', { peerPort: 1 }, { peerPort: 1 }],
    ['port bounds: 65535', { peerPort: 65535 }, { peerPort: 65535 }],
    ['an address in any spelling', { peerAddress: '2001:DB8:0:0::1' }, { peerAddress: ip('2001:db8::1') }],
    ['sourceAddress of the same family', { sourceAddress: '203.0.113.5' }, { sourceAddress: ip('203.0.113.5') }],
    ['holdTime alone: keepalive a third', { holdTime: '1m30s' }, {}],
    ['holdTime 4s: keepalive 1s (whole seconds)', { holdTime: '4s' }, { holdTimeMs: 4000, keepaliveTimeMs: 1000 }],
    ['holdTime at its lowest, 3s', { holdTime: '3s' }, { holdTimeMs: 3000, keepaliveTimeMs: 1000 }],
    ['holdTime at its highest, 65535s', { holdTime: '18h12m15s' }, { holdTimeMs: 65535000, keepaliveTimeMs: 21845000 }],
    ['holdTime 0: no hold timer, no keepalives', { holdTime: '0s' }, { holdTimeMs: 0, keepaliveTimeMs: 0 }],
    ['holdTime 0 written as Go writes it', { holdTime: '0' }, { holdTimeMs: 0, keepaliveTimeMs: 0 }],
    [
      'holdTime in another unit, whole seconds',
      { holdTime: '120000ms' },
      { holdTimeMs: 120000, keepaliveTimeMs: 40000 },
    ],
    [
      'keepaliveTime alone: hold time three times it (MetalLB)',
      { keepaliveTime: '20s' },
      { holdTimeMs: 60000, keepaliveTimeMs: 20000 },
    ],
    ['keepaliveTime 0 alone: hold time 0', { keepaliveTime: '0s' }, { holdTimeMs: 0, keepaliveTimeMs: 0 }],
    ['both timers', { holdTime: '240s', keepaliveTime: '10s' }, { holdTimeMs: 240000, keepaliveTimeMs: 10000 }],
    ['both 0', { holdTime: '0s', keepaliveTime: '0s' }, { holdTimeMs: 0, keepaliveTimeMs: 0 }],
    ['connectTime bounds: 1s', { connectTime: '1s' }, { connectTimeMs: 1000 }],
    ['connectTime bounds: 65535s', { connectTime: '65535s' }, { connectTimeMs: 65535000 }],
    ['a password', { password: 'S3cr3t' }, { password: 'S3cr3t' }],
    ['a password of 80 bytes', { password: 'p'.repeat(80) }, { password: 'p'.repeat(80) }],
    [
      'a Secret in ironlb’s namespace',
      { passwordSecret: { name: 'tor-md5' } },
      { passwordSecret: { name: 'tor-md5' } },
    ],
    ['an empty passwordSecret, as Go writes an unset one', { passwordSecret: {} }, {}],
    ['a passwordSecret of empty strings', { passwordSecret: { name: '', namespace: '' } }, {}],
    ['a password beside an empty passwordSecret', { password: 'pw', passwordSecret: {} }, { password: 'pw' }],
    [
      'empty strings, as Go’s omitempty strings, are absent',
      { sourceAddress: '', routerID: '', password: '', bfdProfile: '', vrf: '' },
      {},
    ],
    [
      'null fields are absent',
      {
        peerPort: null,
        sourceAddress: null,
        holdTime: null,
        keepaliveTime: null,
        connectTime: null,
        password: null,
        passwordSecret: null,
        bfdProfile: null,
        ebgpMultiHop: null,
        nodeSelectors: null,
        vrf: null,
      },
      {},
    ],
    [
      'ebgpMultiHop with a profile without echo',
      { ebgpMultiHop: true, bfdProfile: 'fast' },
      { ebgpMultiHop: true, bfdProfile: 'fast' },
    ],
    ['echo with one hop', { bfdProfile: 'echo' }, { bfdProfile: 'echo' }],
    ['a VRF name of 15 bytes', { vrf: 'vrf-0123456789a' }, { vrf: 'vrf-0123456789a' }],
  ])('%s', (_name, over, expected) => {
    const r = parseBGPPeers([peer('p', { ...base, ...over })], profiles);
    expect(r.errors).toEqual([]);
    const p = r.loaded.get('p')?.value;
    expect(p).toEqual(parsed('p', expected));
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p?.peerAddress)).toBe(true);
    expect(Object.isFrozen(p?.nodeSelectors)).toBe(true);
  });
});

/** Each: spec fields over `base` (undefined removes one), and the errors, `[field, message]`. */
const BAD: [string, Record<string, unknown>, [string, string][]][] = [
  ['no myASN', { myASN: undefined }, [['spec.myASN', 'is required']]],
  [
    'myASN 0',
    { myASN: 0 },
    [['spec.myASN', 'must be from 1 to 4294967295 (a 4-byte AS number; 0 is reserved), got 0']],
  ],
  [
    'peerASN past 32 bits',
    { peerASN: 4294967296 },
    [['spec.peerASN', 'must be from 1 to 4294967295 (a 4-byte AS number; 0 is reserved), got 4294967296']],
  ],
  [
    'a negative ASN',
    { peerASN: -64512 },
    [['spec.peerASN', 'must be from 1 to 4294967295 (a 4-byte AS number; 0 is reserved), got -64512']],
  ],
  ['an ASN as a string', { myASN: '64512' }, [['spec.myASN', 'must be an integer, got string']]],
  ['an ASN as asdot text', { peerASN: '1.10' }, [['spec.peerASN', 'must be an integer, got string']]],
  ['a fractional ASN', { peerASN: 64512.5 }, [['spec.peerASN', 'must be an integer, got 64512.5']]],
  ['no peerASN', { peerASN: undefined }, [['spec.peerASN', 'is required']]],
  ['no peerAddress', { peerAddress: undefined }, [['spec.peerAddress', 'is required']]],
  ['an empty peerAddress', { peerAddress: '' }, [['spec.peerAddress', 'must not be empty']]],
  [
    'a host name',
    { peerAddress: 'tor1.example' },
    [['spec.peerAddress', 'must be an IPv4 or IPv6 address, got "tor1.example"']],
  ],
  [
    'a CIDR',
    { peerAddress: '198.51.100.1/32' },
    [['spec.peerAddress', 'must be an IPv4 or IPv6 address, got "198.51.100.1/32"']],
  ],
  [
    'an address with a zone',
    { peerAddress: '2001:db8::1%eth0' },
    [['spec.peerAddress', 'must be an IPv4 or IPv6 address, got "2001:db8::1%eth0"']],
  ],
  [
    'an IPv4-mapped address',
    { peerAddress: '::ffff:198.51.100.1' },
    [['spec.peerAddress', '"::ffff:198.51.100.1" is an IPv4-mapped IPv6 address: write the IPv4 address 198.51.100.1']],
  ],
  ['an address not a string', { peerAddress: 7 }, [['spec.peerAddress', 'must be a string, got integer']]],
  ['port 0', { peerPort: 0 }, [['spec.peerPort', 'must be from 1 to 65535, got 0']]],
  ['port 65536', { peerPort: 65536 }, [['spec.peerPort', 'must be from 1 to 65535, got 65536']]],
  ['port a string', { peerPort: '179' }, [['spec.peerPort', 'must be an integer, got string']]],
  [
    'a bad sourceAddress',
    { sourceAddress: 'eth0' },
    [['spec.sourceAddress', 'must be an IPv4 or IPv6 address, got "eth0"']],
  ],
  [
    'a sourceAddress of the other family',
    { sourceAddress: '2001:db8::2' },
    [
      [
        'spec.sourceAddress',
        '2001:db8::2 is IPv6 and peerAddress 198.51.100.1 is IPv4; a session runs over one family',
      ],
    ],
  ],
  [
    'an IPv6 routerID',
    { routerID: '2001:db8::1' },
    [['spec.routerID', 'must be an IPv4 address (a dotted quad like 198.51.100.1), got "2001:db8::1"']],
  ],
  [
    'routerID 0.0.0.0',
    { routerID: '0.0.0.0' },
    [['spec.routerID', 'must not be 0.0.0.0: the BGP Identifier is a non-zero number (RFC 6286)']],
  ],
  [
    'a routerID past 255',
    { routerID: '198.51.100.256' },
    [['spec.routerID', 'must be an IPv4 address (a dotted quad like 198.51.100.1), got "198.51.100.256"']],
  ],
  [
    'holdTime 2s',
    { holdTime: '2s' },
    [['spec.holdTime', 'must be 0s (no hold timer) or from 3s to 65535s (RFC 4271), got "2s"']],
  ],
  [
    'holdTime under 3s in a finer unit',
    { holdTime: '2000ms' },
    [['spec.holdTime', 'must be 0s (no hold timer) or from 3s to 65535s (RFC 4271), got "2000ms"']],
  ],
  [
    'holdTime past 16 bits of seconds',
    { holdTime: '65536s' },
    [['spec.holdTime', 'must be 0s (no hold timer) or from 3s to 65535s (RFC 4271), got "65536s"']],
  ],
  ['a negative holdTime', { holdTime: '-90s' }, [['spec.holdTime', 'must not be negative, got "-90s"']]],
  [
    'holdTime without a unit',
    { holdTime: '90' },
    [['spec.holdTime', 'must be a duration like 90s or 1m30s: "90" has a number without a unit']],
  ],
  [
    'holdTime as a number',
    { holdTime: 90 },
    [['spec.holdTime', 'must be a duration like 90s or 1m30s (a string), got integer']],
  ],
  [
    'holdTime not a duration',
    { holdTime: 'ninety' },
    [['spec.holdTime', 'must be a duration like 90s or 1m30s, got "ninety"']],
  ],
  [
    'holdTime in days',
    { holdTime: '1d' },
    [
      [
        'spec.holdTime',
        'must be a duration like 90s or 1m30s: "d" in "1d" is no unit; the units are ns, us (µs), ms, s, m and h',
      ],
    ],
  ],
  [
    'holdTime with a fraction of a second',
    { holdTime: '90.5s' },
    [['spec.holdTime', 'must be a whole number of seconds, as BGP carries them, got "90.5s"']],
  ],
  [
    'keepaliveTime equal to holdTime',
    { holdTime: '90s', keepaliveTime: '90s' },
    [['spec.keepaliveTime', 'must be shorter than holdTime ("90s"), got "90s"']],
  ],
  [
    'keepaliveTime longer than holdTime',
    { holdTime: '9s', keepaliveTime: '1m' },
    [['spec.keepaliveTime', 'must be shorter than holdTime ("9s"), got "1m"']],
  ],
  [
    'keepaliveTime with holdTime 0',
    { holdTime: '0s', keepaliveTime: '30s' },
    [
      [
        'spec.keepaliveTime',
        'must be 0s when holdTime is 0s (RFC 4271: no KEEPALIVE messages without a hold timer), got "30s"',
      ],
    ],
  ],
  [
    'keepaliveTime 0 with a hold timer',
    { holdTime: '90s', keepaliveTime: '0s' },
    [
      [
        'spec.keepaliveTime',
        'must be at least 1s when holdTime is "90s": without KEEPALIVE messages the peer\'s hold timer expires',
      ],
    ],
  ],
  [
    'keepaliveTime alone, making the hold time too long',
    { keepaliveTime: '30000s' },
    [
      [
        'spec.keepaliveTime',
        '"30000s" makes the hold time 90000s (3 × keepaliveTime, as holdTime is not set), past RFC 4271\'s 65535s; set holdTime',
      ],
    ],
  ],
  [
    'a keepaliveTime beside a wrong holdTime: the holdTime alone is wrong',
    { holdTime: '2s', keepaliveTime: '5s' },
    [['spec.holdTime', 'must be 0s (no hold timer) or from 3s to 65535s (RFC 4271), got "2s"']],
  ],
  [
    'keepaliveTime under a second',
    { keepaliveTime: '500ms' },
    [['spec.keepaliveTime', 'must be a whole number of seconds, as BGP carries them, got "500ms"']],
  ],
  ['connectTime 0', { connectTime: '0s' }, [['spec.connectTime', 'must be from 1s to 65535s, got "0s"']]],
  ['connectTime too long', { connectTime: '19h' }, [['spec.connectTime', 'must be from 1s to 65535s, got "19h"']]],
  [
    'connectTime with a fraction',
    { connectTime: '1500ms' },
    [['spec.connectTime', 'must be a whole number of seconds, as BGP carries them, got "1500ms"']],
  ],
  ['a password not a string', { password: 12345678 }, [['spec.password', 'must be a string, got integer']]],
  ['a password with a line break', { password: 'Tr0ub4dor\n&3' }, [['spec.password', 'must not contain a line break']]],
  [
    'a password past 80 bytes',
    { password: 'é'.repeat(41) },
    [['spec.password', 'must be at most 80 bytes, the longest TCP MD5 key Linux takes']],
  ],
  [
    'password and passwordSecret',
    { password: 'Tr0ub4dor&3', passwordSecret: { name: 'tor-md5' } },
    [['spec.passwordSecret', 'must not be set with spec.password: the password is in the BGPPeer or in a Secret']],
  ],
  [
    'passwordSecret a string',
    { passwordSecret: 'tor-md5' },
    [['spec.passwordSecret', 'must be an object with name and namespace, got string']],
  ],
  [
    'a passwordSecret without a name',
    { passwordSecret: { namespace: NS } },
    [['spec.passwordSecret.name', 'is required when namespace is set']],
  ],
  [
    'a bad Secret name',
    { passwordSecret: { name: 'Tor_MD5' } },
    [['spec.passwordSecret.name', 'invalid Secret name "Tor_MD5": a lowercase RFC 1123 subdomain must consist of']],
  ],
  [
    'a bad Secret namespace',
    { passwordSecret: { name: 'tor-md5', namespace: 'ironlb.system' } },
    [['spec.passwordSecret.namespace', 'invalid namespace name "ironlb.system": a lowercase RFC 1123 label']],
  ],
  [
    'a Secret name not a string',
    { passwordSecret: { name: 5 } },
    [['spec.passwordSecret.name', 'must be a string, got integer']],
  ],
  [
    'an unknown bfdProfile',
    { bfdProfile: 'slow' },
    [['spec.bfdProfile', 'names BFDProfile "slow", which does not exist']],
  ],
  [
    'a bfdProfile that did not load',
    { bfdProfile: 'broken' },
    [['spec.bfdProfile', `names BFDProfile "broken", which is not loaded: BFDProfile ${NS}/broken has errors`]],
  ],
  [
    'echo over multiple hops',
    { bfdProfile: 'echo', ebgpMultiHop: true },
    [
      [
        'spec.bfdProfile',
        'names BFDProfile "echo", which has echoMode, and this peer is ebgpMultiHop: BFD echo works over one hop only (RFC 5883)',
      ],
    ],
  ],
  ['a bfdProfile not a string', { bfdProfile: 5 }, [['spec.bfdProfile', 'must be a string, got integer']]],
  ['ebgpMultiHop a string', { ebgpMultiHop: 'yes' }, [['spec.ebgpMultiHop', 'must be true or false, got string']]],
  [
    'ebgpMultiHop on an iBGP peer',
    { peerASN: 64512, ebgpMultiHop: true },
    [['spec.ebgpMultiHop', 'is for eBGP peers; this one is iBGP (myASN and peerASN are both 64512)']],
  ],
  [
    'enableGracefulRestart a number',
    { enableGracefulRestart: 1 },
    [['spec.enableGracefulRestart', 'must be true or false, got integer']],
  ],
  ['disableMP a string', { disableMP: 'false' }, [['spec.disableMP', 'must be true or false, got string']]],
  [
    'a bad node selector',
    { nodeSelectors: [{ matchLabels: 'rack=1' }] },
    [['spec.nodeSelectors[0].matchLabels', 'must be an object of label keys to values, got string']],
  ],
  [
    'nodeSelectors an object',
    { nodeSelectors: { rack: '1' } },
    [['spec.nodeSelectors', 'must be a list of label selectors, got object']],
  ],
  [
    'a VRF name too long',
    { vrf: 'vrf-0123456789ab' },
    [['spec.vrf', 'must be a Linux interface name, at most 15 bytes, got "vrf-0123456789ab"']],
  ],
  [
    'a VRF name with a space',
    { vrf: 'red vrf' },
    [['spec.vrf', "must be a Linux interface name, without whitespace, '/' or ':', got \"red vrf\""]],
  ],
  [
    'a VRF name with a line break',
    { vrf: 'red\n' },
    [['spec.vrf', "must be a Linux interface name, without whitespace, '/' or ':', got \"red\\n\""]],
  ],
  ['a VRF named ..', { vrf: '..' }, [['spec.vrf', 'must be a Linux interface name, not ".."']]],
  ['a VRF not a string', { vrf: 1 }, [['spec.vrf', 'must be a string, got integer']]],
  [
    'every bad field at once, in the CRD’s order',
    { myASN: 0, peerAddress: 'x', holdTime: '1s', vrf: 'a/b' },
    [
      ['spec.myASN', 'must be from 1 to 4294967295 (a 4-byte AS number; 0 is reserved), got 0'],
      ['spec.peerAddress', 'must be an IPv4 or IPv6 address, got "x"'],
      ['spec.holdTime', 'must be 0s (no hold timer) or from 3s to 65535s (RFC 4271), got "1s"'],
      ['spec.vrf', "must be a Linux interface name, without whitespace, '/' or ':', got \"a/b\""],
    ],
  ],
];

describe('parseBGPPeers: a peer with errors is left out whole, named with its field', () => {
  const bad = `BGPPeer ${NS}/bad`;
  it.each(BAD)('%s', (_name, over, expected) => {
    const r = parseBGPPeers(
      [peer('bad', { ...base, ...over }), peer('ok', { ...base, peerAddress: '203.0.113.1' })],
      profiles,
    );
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
    ['no spec', peer('bad', undefined), { object: bad, field: 'spec', message: 'is required' }],
    ['spec a list', peer('bad', []), { object: bad, field: 'spec', message: 'must be an object, got array' }],
    [
      'another kind',
      peer('bad', base, { kind: 'BGPAdvertisement' }),
      { object: bad, field: 'kind', message: 'must be BGPPeer, got "BGPAdvertisement"' },
    ],
    [
      'no name',
      { kind: 'BGPPeer', metadata: { namespace: NS }, spec: base },
      { object: 'BGPPeer items[0]', field: 'metadata.name', message: 'must be a string, got undefined' },
    ],
    ['not an object', null, { object: 'BGPPeer items[0]', field: '', message: 'must be a BGPPeer object, got null' }],
  ])('%s', (_name, raw, error) => {
    const r = parseBGPPeers([raw], profiles);
    expect(r.loaded.size).toBe(0);
    expect(r.errors).toEqual([error]);
  });
});

describe('parseBGPPeers: one session per node', () => {
  const tor = (name: string, over: Record<string, unknown> = {}): Record<string, unknown> =>
    peer(name, { ...base, ...over });

  it('refuses an exact duplicate, the later by name, naming both, whatever the order', () => {
    const items = [tor('tor-b'), tor('tor-a')];
    for (const order of [items, [...items].reverse()]) {
      const r = parseBGPPeers(order, profiles);
      expect([...r.loaded.keys()]).toEqual(['tor-a']);
      expect(r.errors).toEqual([
        {
          object: `BGPPeer ${NS}/tor-b`,
          field: 'spec.peerAddress',
          message: `BGPPeer ${NS}/tor-a has the same session (198.51.100.1, port 179, the default VRF) and their nodeSelectors do not keep them apart, so a node could open it twice; BGPPeer ${NS}/tor-a comes first by name, so this peer is not loaded`,
        },
      ]);
    }
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, boolean]>([
    ['another port', {}, { peerPort: 1179 }, true],
    ['another VRF', {}, { vrf: 'red' }, true],
    ['one in a VRF, one in the default VRF', { vrf: 'red' }, {}, true],
    ['the same VRF', { vrf: 'red' }, { vrf: 'red' }, false],
    ['other AS numbers, same session', {}, { myASN: 64600, peerASN: 64601 }, false],
    ['the same address spelt otherwise', { peerAddress: '2001:db8::1' }, { peerAddress: '2001:DB8:0:0::1' }, false],
    [
      'node selectors that can never select one node: the same router address per rack',
      { nodeSelectors: [{ matchLabels: { rack: '1' } }] },
      { nodeSelectors: [{ matchExpressions: [{ key: 'rack', operator: 'In', values: ['2', '3'] }] }] },
      true,
    ],
    [
      'node selectors that may share a node',
      { nodeSelectors: [{ matchLabels: { rack: '1' } }] },
      { nodeSelectors: [{ matchLabels: { zone: 'a' } }] },
      false,
    ],
    ['every node and some nodes', {}, { nodeSelectors: [{ matchLabels: { rack: '1' } }] }, false],
  ])('%s', (_name, a, b, both) => {
    const r = parseBGPPeers([tor('a', a), tor('b', b)], profiles);
    expect([...r.loaded.keys()]).toEqual(both ? ['a', 'b'] : ['a']);
    expect(r.errors.map((e) => `${e.object} ${e.field}`)).toEqual(both ? [] : [`BGPPeer ${NS}/b spec.peerAddress`]);
  });

  it('checks a peer only against peers that loaded', () => {
    const r = parseBGPPeers([tor('a', { myASN: 0 }), tor('b'), tor('c')], profiles);
    expect([...r.loaded.keys()]).toEqual(['b']);
    expect(r.errors.map((e) => `${e.object} ${e.field}`)).toEqual([
      `BGPPeer ${NS}/a spec.myASN`,
      `BGPPeer ${NS}/c spec.peerAddress`,
    ]);
  });

  it('loads one peer per name, the first by namespace', () => {
    const r = parseBGPPeers(
      [
        { ...tor('tor'), metadata: { name: 'tor', namespace: 'b' } },
        { ...tor('tor', { peerAddress: '203.0.113.1' }), metadata: { name: 'tor', namespace: 'a' } },
      ],
      profiles,
    );
    expect([...r.loaded.values()]).toEqual([
      { value: parsed('tor', { peerAddress: ip('203.0.113.1') }), object: 'BGPPeer a/tor' },
    ]);
    expect(r.errors).toEqual([
      {
        object: 'BGPPeer b/tor',
        field: 'metadata.name',
        message:
          'BGPPeer a/tor has the same name and is loaded; BGPAdvertisements name peers by name alone, so this one is not',
      },
    ]);
  });
});

describe('a BGPPeer’s password is never in an error', () => {
  const PASSWORD = 'Tr0ub4dor&3-md5';
  const lines = (objects: Parameters<typeof parseConfig>[0]): string[] =>
    parseConfig({ bfdProfiles: bfdObjects, ...objects }).errors.map(formatConfigError);
  /** The password's text and its JSON spelling, whole or as any run of 6 characters. */
  const leaks = (line: string, password: string): boolean => {
    for (const text of [password, JSON.stringify(password).slice(1, -1)])
      for (let i = 0; i + 6 <= text.length; i++) if (line.includes(text.slice(i, i + 6))) return true;
    return false;
  };

  it.each(BAD.map(([name, over]) => [name, over] as const))('%s', (_name, over) => {
    const password = over.password === undefined ? PASSWORD : String(over.password);
    const spec = { ...base, password, ...over };
    const errors = lines({ bgpPeers: [peer('p', spec)] });
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(leaks(line, password)).toBe(false);
  });

  it.each<[string, unknown[]]>([
    ['a duplicate session', [peer('a', { ...base, password: PASSWORD }), peer('b', { ...base, password: PASSWORD })]],
    [
      'a duplicate name',
      [
        peer('a', { ...base, password: PASSWORD }),
        { ...peer('a', { ...base, password: PASSWORD }), metadata: { name: 'a' } },
      ],
    ],
    ['another kind', [peer('a', { ...base, password: PASSWORD }, { kind: 'BGPPeers' })]],
    ['bad metadata', [peer('a', { ...base, password: PASSWORD }, { metadata: { name: 5 } })]],
    ['a password of the wrong type', [peer('a', { ...base, password: [PASSWORD] })]],
    ['a password as an object', [peer('a', { ...base, password: { value: PASSWORD } })]],
    [
      'a password and its Secret',
      [peer('a', { ...base, password: PASSWORD, passwordSecret: { name: 'x', namespace: 'Y' } })],
    ],
    ['a password too long', [peer('a', { ...base, password: PASSWORD.repeat(6) })]],
  ])('%s', (_name, bgpPeers) => {
    const errors = lines({ bgpPeers });
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(leaks(line, PASSWORD)).toBe(false);
  });
});
