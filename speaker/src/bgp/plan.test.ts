import { mustParseIP } from '@ironlb/shared';
import { parseConfig, type BGPAdvertisement, type BGPPeer, type CommunityValue } from '@ironlb/shared/config';
import type { LocalInterface } from '../l2/interfaces';
import { EXCLUDE_LABEL, notAnnouncedText } from '../mode/reasons';
import type { NodeView, ServiceView, SpeakerView } from '../mode/view';
import { planBgp, prefixOf, prefixText, type BgpPlan } from './plan';
import type { Route } from './rib/types';
import { bgpAdvertisement, bgpPeer } from './testFixtures';

const ip = mustParseIP;

const pools = parseConfig({
  ipAddressPools: [
    {
      kind: 'IPAddressPool',
      metadata: { name: 'lab', namespace: 'ironlb-system', labels: { zone: 'a' } },
      spec: { addresses: ['198.51.100.0/24', '2001:db8:1::/64'] },
    },
    {
      kind: 'IPAddressPool',
      metadata: { name: 'other', namespace: 'ironlb-system' },
      spec: { addresses: ['203.0.113.128/25'] },
    },
  ],
}).config;

const peer = bgpPeer;

const adv = bgpAdvertisement;

const std = (a: number, b: number): CommunityValue => ({ kind: 'standard', value: a * 65536 + b });
const large = (global: number, local1: number, local2: number): CommunityValue => ({
  kind: 'large',
  global,
  local1,
  local2,
});

const node = (name: string, extra: Partial<NodeView> = {}): NodeView => ({
  name,
  labels: { rack: name === 'node1' ? '1' : '2' },
  unschedulable: false,
  ...extra,
});
const svc = (key: string, ips: string[], local = false): ServiceView => ({ key, ips: ips.map(ip), local });

/** node1 faces the router on eth0 (203.0.113.0/24 and 2001:db8:ff::/64) and has a second link, eth1. */
const LOCAL: LocalInterface[] = [
  {
    name: 'eth0',
    addresses: [
      { ip: ip('203.0.113.10'), prefixLength: 24 },
      { ip: ip('2001:db8:ff::10'), prefixLength: 64 },
    ],
  },
  { name: 'eth1', addresses: [{ ip: ip('198.51.100.250'), prefixLength: 30 }] },
];

interface ViewChanges extends Partial<Omit<SpeakerView, 'config'>> {
  readonly peers?: readonly BGPPeer[];
  readonly advertisements?: readonly BGPAdvertisement[];
  readonly selfNode?: NodeView;
}

function view({
  peers = [peer('tor')],
  advertisements = [adv('all')],
  selfNode,
  ...over
}: ViewChanges = {}): SpeakerView {
  const nodes = [selfNode ?? node('node1'), node('node2')];
  return {
    self: 'node1',
    config: { ...pools, bgpPeers: peers, bgpAdvertisements: advertisements },
    nodes: new Map(nodes.map((n) => [n.name, n])),
    services: [svc('default/web', ['198.51.100.7'])],
    endpointNodes: new Map(),
    live: new Set(['node1', 'node2']),
    ...over,
  };
}

const route = (prefix: string, nextHop: string, extra: Partial<Route['attributes']> = {}): Route => {
  const [addr, len] = prefix.split('/');
  return {
    prefix: { ip: ip(addr), length: Number(len) },
    attributes: { nextHop: ip(nextHop), communities: [], largeCommunities: [], ...extra },
  };
};

const routesOf = (plan: BgpPlan, name: string): readonly Route[] | undefined => plan.peers.get(name)?.routes;

/** The IP's reason in the words the log shows, or its peers when advertised. */
function outcome(v: SpeakerView, key = '198.51.100.7', local = LOCAL): string | readonly string[] {
  const row = planBgp(v, local).ips.get(key);
  if (!row) throw new Error(`no row for ${key}`);
  return row.reason ? notAnnouncedText(row.reason) : row.peers;
}

describe('planBgp: which peers this node opens sessions with', () => {
  it('every BGPPeer without nodeSelectors, in name order', () => {
    const plan = planBgp(view({ peers: [peer('a'), peer('b')] }), LOCAL);
    expect([...plan.peers.keys()]).toEqual(['a', 'b']);
    expect(plan.peers.get('a')?.peer).toEqual(peer('a'));
  });

  it("only the peers whose nodeSelectors match this node's labels", () => {
    const rack = (r: string) => [{ matchLabels: { rack: r }, matchExpressions: [] }];
    const plan = planBgp(
      view({ peers: [peer('r1', { nodeSelectors: rack('1') }), peer('r2', { nodeSelectors: rack('2') })] }),
      LOCAL,
    );
    expect([...plan.peers.keys()]).toEqual(['r1']);
  });

  it('a node without its Node object matches selector-less peers only', () => {
    const rack = [{ matchLabels: { rack: '1' }, matchExpressions: [] }];
    const v = view({ peers: [peer('any'), peer('r1', { nodeSelectors: rack })] });
    const plan = planBgp({ ...v, nodes: new Map() }, LOCAL);
    expect([...plan.peers.keys()]).toEqual(['any']);
  });

  it('a drained node keeps its sessions with no routes (cordoned, excluded, not live)', () => {
    for (const v of [
      view({ selfNode: node('node1', { unschedulable: true }) }),
      view({ selfNode: node('node1', { labels: { [EXCLUDE_LABEL]: '' } }) }),
      view({ live: new Set(['node2']) }),
    ]) {
      const plan = planBgp(v, LOCAL);
      expect(routesOf(plan, 'tor')).toEqual([]);
    }
  });

  it('peers with no IP to advertise still get a session', () => {
    const plan = planBgp(view({ services: [] }), LOCAL);
    expect(routesOf(plan, 'tor')).toEqual([]);
    expect(plan.ips.size).toBe(0);
  });
});

describe('planBgp: what each peer hears', () => {
  it('one IP, one advertisement: a /32 with the next hop on the interface facing the peer', () => {
    const plan = planBgp(view(), LOCAL);
    expect(routesOf(plan, 'tor')).toEqual([route('198.51.100.7/32', '203.0.113.10')]);
    const row = plan.ips.get('198.51.100.7');
    expect(row).toEqual({
      ip: ip('198.51.100.7'),
      services: ['default/web'],
      peers: ['tor'],
      prefixes: new Map([['tor', ['198.51.100.7/32']]]),
    });
  });

  it('an IPv6 IP over an IPv4 session: a /128 with the IPv6 address of the facing interface', () => {
    const plan = planBgp(view({ services: [svc('default/v6', ['2001:db8:1::5'])] }), LOCAL);
    expect(routesOf(plan, 'tor')).toEqual([route('2001:db8:1::5/128', '2001:db8:ff::10')]);
  });

  it('IPs in one aggregate make one route; each IP names the prefix that carries it', () => {
    const plan = planBgp(
      view({
        advertisements: [adv('agg', { aggregationLength: 24, aggregationLengthV6: 64 })],
        services: [
          svc('default/a', ['198.51.100.7', '2001:db8:1::5']),
          svc('default/b', ['198.51.100.9', '2001:db8:1::6']),
        ],
      }),
      LOCAL,
    );
    expect(routesOf(plan, 'tor')).toEqual([
      route('198.51.100.0/24', '203.0.113.10'),
      route('2001:db8:1::/64', '2001:db8:ff::10'),
    ]);
    expect(plan.ips.get('198.51.100.9')?.prefixes.get('tor')).toEqual(['198.51.100.0/24']);
    expect(plan.ips.get('2001:db8:1::6')?.prefixes.get('tor')).toEqual(['2001:db8:1::/64']);
  });

  it('routes come in prefix text order, one per prefix', () => {
    const plan = planBgp(
      view({ services: [svc('default/a', ['198.51.100.9']), svc('default/b', ['198.51.100.10', '198.51.100.9'])] }),
      LOCAL,
    );
    expect(routesOf(plan, 'tor')?.map((r) => prefixText(r.prefix))).toEqual(['198.51.100.10/32', '198.51.100.9/32']);
    expect(plan.ips.get('198.51.100.9')?.services).toEqual(['default/a', 'default/b']);
  });

  it('two advertisements with different lengths: both routes, and the IP names both, each once', () => {
    const plan = planBgp(view({ advertisements: [adv('agg', { aggregationLength: 24 }), adv('host')] }), LOCAL);
    expect(routesOf(plan, 'tor')).toEqual([
      route('198.51.100.0/24', '203.0.113.10'),
      route('198.51.100.7/32', '203.0.113.10'),
    ]);
    expect(plan.ips.get('198.51.100.7')?.prefixes.get('tor')).toEqual(['198.51.100.0/24', '198.51.100.7/32']);
    const twice = planBgp(view({ advertisements: [adv('host'), adv('z', { communities: [std(0, 1)] })] }), LOCAL);
    expect(twice.ips.get('198.51.100.7')?.prefixes.get('tor')).toEqual(['198.51.100.7/32']);
  });

  it('communities of every advertisement giving a peer one prefix, merged, sorted, each once', () => {
    const plan = planBgp(
      view({
        advertisements: [
          adv('a', { communities: [std(65000, 2), large(1, 2, 3), std(65000, 1)] }),
          adv('b', { communities: [std(65000, 1), large(1, 1, 9), large(1, 2, 3), large(0, 5, 5)] }),
        ],
      }),
      LOCAL,
    );
    expect(routesOf(plan, 'tor')).toEqual([
      route('198.51.100.7/32', '203.0.113.10', {
        communities: [65000 * 65536 + 1, 65000 * 65536 + 2],
        largeCommunities: [
          { global: 0, local1: 5, local2: 5 },
          { global: 1, local1: 1, local2: 9 },
          { global: 1, local1: 2, local2: 3 },
        ],
      }),
    ]);
  });

  it('LOCAL_PREF goes to iBGP peers only, the highest when advertisements differ', () => {
    const plan = planBgp(
      view({
        peers: [peer('ebgp'), peer('ibgp', { peerASN: 64512 })],
        advertisements: [adv('a', { localPref: 50 }), adv('b', { localPref: 200 }), adv('c')],
      }),
      LOCAL,
    );
    expect(routesOf(plan, 'ebgp')).toEqual([route('198.51.100.7/32', '203.0.113.10')]);
    expect(routesOf(plan, 'ibgp')).toEqual([route('198.51.100.7/32', '203.0.113.10', { localPref: 200 })]);
  });

  it("an advertisement's peers limit who hears it; another advertisement may add peers", () => {
    const peers = [peer('a'), peer('b'), peer('c')];
    const one = planBgp(view({ peers, advertisements: [adv('x', { peers: ['b'] })] }), LOCAL);
    expect([...one.peers].map(([n, p]) => [n, p.routes.length])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 0],
    ]);
    expect(one.ips.get('198.51.100.7')?.peers).toEqual(['b']);
    const two = planBgp(
      view({
        peers,
        advertisements: [adv('x', { peers: ['b'] }), adv('y', { peers: ['c', 'a'], communities: [std(1, 1)] })],
      }),
      LOCAL,
    );
    expect(two.ips.get('198.51.100.7')?.peers).toEqual(['a', 'b', 'c']);
    expect(routesOf(two, 'b')).toEqual([route('198.51.100.7/32', '203.0.113.10')]);
    expect(routesOf(two, 'c')).toEqual([route('198.51.100.7/32', '203.0.113.10', { communities: [65537] })]);
  });

  it('a disableMP peer hears its own family only; the other peers hear both', () => {
    const plan = planBgp(
      view({
        peers: [peer('mp'), peer('v4only', { disableMP: true })],
        services: [svc('default/dual', ['198.51.100.7', '2001:db8:1::5'])],
      }),
      LOCAL,
    );
    expect(routesOf(plan, 'v4only')?.map((r) => prefixText(r.prefix))).toEqual(['198.51.100.7/32']);
    expect(routesOf(plan, 'mp')?.map((r) => prefixText(r.prefix))).toEqual(['198.51.100.7/32', '2001:db8:1::5/128']);
    expect(plan.ips.get('2001:db8:1::5')?.peers).toEqual(['mp']);
  });

  it('a peer without a next hop of the family misses that family; the others still hear it', () => {
    const v6peer = peer('v6', { peerAddress: ip('2001:db8:ff::1') });
    const v4Only: LocalInterface[] = [{ name: 'eth0', addresses: [{ ip: ip('203.0.113.10'), prefixLength: 24 }] }];
    const plan = planBgp(
      view({ peers: [peer('tor'), v6peer], services: [svc('default/dual', ['198.51.100.7', '2001:db8:1::5'])] }),
      [...v4Only, { name: 'eth9', addresses: [{ ip: ip('2001:db8:ff::10'), prefixLength: 64 }] }],
    );
    expect(routesOf(plan, 'v6')).toEqual([
      route('198.51.100.7/32', '203.0.113.10'),
      route('2001:db8:1::5/128', '2001:db8:ff::10'),
    ]);
  });
});

describe('planBgp: why an IP is not advertised', () => {
  const rack = (r: string) => [{ matchLabels: { rack: r }, matchExpressions: [] }];

  it('an IP in no pool', () => {
    expect(outcome(view({ services: [svc('default/x', ['203.0.113.5'])] }), '203.0.113.5')).toBe(
      '203.0.113.5 is in no IPAddressPool',
    );
  });

  it('a pool no BGPAdvertisement covers, by name or by selector', () => {
    expect(outcome(view({ advertisements: [adv('other', { ipAddressPools: ['other'] })] }))).toBe(
      'no BGPAdvertisement covers pool "lab"',
    );
    const byLabel = [{ matchLabels: { zone: 'a' }, matchExpressions: [] }];
    expect(outcome(view({ advertisements: [adv('z', { ipAddressPoolSelectors: byLabel })] }))).toEqual(['tor']);
    expect(outcome(view({ advertisements: [adv('n', { ipAddressPools: ['lab'] })] }))).toEqual(['tor']);
  });

  it('this node cordoned, excluded by label, or its speaker not live', () => {
    expect(outcome(view({ selfNode: node('node1', { unschedulable: true }) }))).toBe(
      'this node may not advertise it: cordoned',
    );
    expect(outcome(view({ selfNode: node('node1', { labels: { [EXCLUDE_LABEL]: 'true' } }) }))).toBe(
      `this node may not advertise it: labelled ${EXCLUDE_LABEL}`,
    );
    expect(outcome(view({ live: new Set(['node2']) }))).toBe('this node may not advertise it: no live speaker');
  });

  it('externalTrafficPolicy Local: only with a ready endpoint here; Cluster: every eligible node', () => {
    const local = [svc('default/web', ['198.51.100.7'], true)];
    expect(outcome(view({ services: local }))).toBe('this node may not advertise it: no ready endpoint of default/web');
    expect(outcome(view({ services: local, endpointNodes: new Map([['default/web', new Set(['node2'])]]) }))).toBe(
      'this node may not advertise it: no ready endpoint of default/web',
    );
    expect(outcome(view({ services: local, endpointNodes: new Map([['default/web', new Set(['node1'])]]) }))).toEqual([
      'tor',
    ]);
    expect(outcome(view({ endpointNodes: new Map([['default/web', new Set(['node2'])]]) }))).toEqual(['tor']);
  });

  it('no BGPAdvertisement covering the pool selects this node', () => {
    expect(outcome(view({ advertisements: [adv('r2', { nodeSelectors: rack('2') })] }))).toBe(
      'this node may not advertise it: matches no BGPAdvertisement nodeSelectors',
    );
    expect(
      outcome(
        view({ advertisements: [adv('r2', { nodeSelectors: rack('2') }), adv('r1', { nodeSelectors: rack('1') })] }),
      ),
    ).toEqual(['tor']);
  });

  it('only the advertisements selecting this node count for its routes', () => {
    const plan = planBgp(
      view({
        advertisements: [
          adv('r1', { nodeSelectors: rack('1'), communities: [std(0, 1)] }),
          adv('r2', { nodeSelectors: rack('2'), communities: [std(0, 2)] }),
        ],
      }),
      LOCAL,
    );
    expect(routesOf(plan, 'tor')).toEqual([route('198.51.100.7/32', '203.0.113.10', { communities: [1] })]);
  });

  it('no BGPPeer selects this node', () => {
    expect(outcome(view({ peers: [] }))).toBe('no BGPPeer selects this node');
    expect(outcome(view({ peers: [peer('r2', { nodeSelectors: rack('2') })] }))).toBe('no BGPPeer selects this node');
  });

  it("the advertisements name none of this node's peers", () => {
    expect(
      outcome(
        view({ advertisements: [adv('b', { peers: ['gone'] }), adv('a', { peers: ['r2'] })], peers: [peer('tor')] }),
      ),
    ).toBe("the BGPAdvertisements covering it (a, b) name none of this node's BGPPeers");
  });

  it('every peer is a disableMP session of the other family', () => {
    const v = view({
      peers: [peer('b', { disableMP: true }), peer('a', { disableMP: true })],
      services: [svc('default/v6', ['2001:db8:1::5'])],
    });
    expect(outcome(v, '2001:db8:1::5')).toBe('no BGPPeer of this node carries IPv6 (a, b: disableMP)');
  });

  it('no address of the family on this node', () => {
    const v4Only: LocalInterface[] = [{ name: 'eth0', addresses: [{ ip: ip('203.0.113.10'), prefixLength: 24 }] }];
    const v = view({ peers: [peer('b'), peer('a')], services: [svc('default/v6', ['2001:db8:1::5'])] });
    expect(outcome(v, '2001:db8:1::5', v4Only)).toBe('this node has no IPv6 address to give a, b as the next hop');
    expect(outcome(view(), '198.51.100.7', [])).toBe('this node has no IPv4 address to give tor as the next hop');
  });

  it('reasons come in the order the checks run: pool, advertisement, node, peers', () => {
    const drained = node('node1', { unschedulable: true });
    expect(outcome(view({ selfNode: drained, advertisements: [] }))).toBe('no BGPAdvertisement covers pool "lab"');
    expect(outcome(view({ selfNode: drained, peers: [] }))).toBe('this node may not advertise it: cordoned');
    expect(outcome(view({ advertisements: [adv('r2', { nodeSelectors: rack('2') })], peers: [] }))).toBe(
      'this node may not advertise it: matches no BGPAdvertisement nodeSelectors',
    );
  });
});

describe('prefixOf', () => {
  it.each([
    ['198.51.100.7', 32, '198.51.100.7/32'],
    ['198.51.100.7', 24, '198.51.100.0/24'],
    ['198.51.100.255', 1, '128.0.0.0/1'],
    ['2001:db8:1::5', 128, '2001:db8:1::5/128'],
    ['2001:db8:1::5', 48, '2001:db8:1::/48'],
  ])('%s masked to /%d is %s', (addr, length, text) => {
    expect(prefixText(prefixOf(ip(addr), length))).toBe(text);
  });
});
