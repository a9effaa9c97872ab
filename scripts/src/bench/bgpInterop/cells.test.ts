import { parseAllDocuments } from 'yaml';
import { formatCommunity, formatConfigError, parseConfig } from '@ironlb/shared/config';
import { bgpAsns, parseBgpRouterOptions } from '../../lab/bgpOptions';
import {
  advertisementYaml,
  COMMUNITY,
  expectationOf,
  BFD_PROFILE,
  FRESH_COMMUNITY,
  GOBGP_NO_BFD,
  hostRoute,
  interopCells,
  MD5_PASSWORD,
  MD5_SECRET,
  peersYaml,
  POOL_YAML,
  routerOptionsOf,
  servicesYaml,
  VARIANTS,
  type Cell,
  type Variant,
} from './cells';

const ROUTER = { ipv4: '198.51.100.1', ipv6: '2001:db8:1::1' };
const NODES = [
  { name: 'node1', ipv4: '198.51.100.11', ipv6: '2001:db8:1::11' },
  { name: 'node2', ipv4: '198.51.100.12', ipv6: '2001:db8:1::12' },
];

type Doc = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> };
const docs = (yaml: string): Doc[] => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);

/** The option set's objects through the parser both daemons use: what the speaker would load. */
function load(variant: Variant, communities = [COMMUNITY]): ReturnType<typeof parseConfig> {
  const all = docs(
    `${POOL_YAML}---\n${advertisementYaml(communities)}---\n${peersYaml(variant, ROUTER, bgpAsns(routerOptionsOf(variant)))}`,
  );
  const of = (kind: string): Doc[] => all.filter((d) => d.kind === kind);
  return parseConfig({
    ipAddressPools: of('IPAddressPool'),
    bgpAdvertisements: of('BGPAdvertisement'),
    bgpPeers: of('BGPPeer'),
    bfdProfiles: of('BFDProfile'),
  });
}

const cell = (transport: Cell['transport'], variant: Variant): Cell => {
  const c = interopCells(['frr']).find((x) => x.transport === transport && x.variant === variant);
  if (!c) throw new Error('no such cell');
  return c;
};

describe('the cells', () => {
  test('every router x transport x option set once, in run order; n/a: GoBGP bfd alone', () => {
    const cells = interopCells();
    expect(cells).toHaveLength(54);
    expect(new Set(cells.map((c) => c.id)).size).toBe(54);
    expect(cells.slice(0, 4).map((c) => c.id)).toEqual([
      'bird ipv4 plain',
      'bird ipv6 plain',
      'bird ipv6-over-ipv4 plain',
      'bird ipv4 md5',
    ]);
    expect(cells.at(-1)?.id).toBe('gobgp ipv6-over-ipv4 bfd');
    expect(cells.filter((c) => c.notApplicable !== undefined).map((c) => [c.id, c.notApplicable])).toEqual([
      ['gobgp ipv4 bfd', GOBGP_NO_BFD],
      ['gobgp ipv6 bfd', GOBGP_NO_BFD],
      ['gobgp ipv6-over-ipv4 bfd', GOBGP_NO_BFD],
    ]);
  });

  test('a cell the router cannot do carries its reason', () => {
    const cells = interopCells(['gobgp'], (r, t, v) => (v === 'gr' && t === 'ipv6' ? `${r} cannot` : undefined));
    expect(cells.filter((c) => c.notApplicable).map((c) => [c.id, c.notApplicable])).toEqual([
      ['gobgp ipv6 gr', 'gobgp cannot'],
    ]);
  });
});

describe('what each option set runs', () => {
  test.each(VARIANTS)('%s: router options the lab accepts, with IPv6 over the IPv4 session', (variant) => {
    const opts = routerOptionsOf(variant);
    expect(parseBgpRouterOptions(opts, true)).toEqual(opts);
    expect(opts.ipv6OverIpv4).toBe(true);
  });

  test('each option set turns on its own option alone', () => {
    const on = (v: Variant): string[] =>
      Object.keys(routerOptionsOf(v)).filter((k) => !(k in routerOptionsOf('plain')));
    expect(VARIANTS.map((v) => [v, on(v)])).toEqual([
      ['plain', []],
      ['md5', ['md5Password']],
      ['ibgp', ['ibgp']],
      ['multihop', ['multihop']],
      ['gr', ['gracefulRestartSec']],
      ['bfd', ['bfd']],
    ]);
    expect(routerOptionsOf('bfd').bfd).toEqual({ intervalMs: 100, multiplier: 3 });
  });

  test.each(VARIANTS)('%s: the speaker loads the peers and the advertisement without an error', (variant) => {
    const { config, errors } = load(variant);
    expect(errors.map(formatConfigError)).toEqual([]);
    expect(config.bgpPeers.map((p) => p.name)).toEqual(['interop-v4', 'interop-v6']);
    for (const p of config.bgpPeers) {
      expect(p.disableMP).toBe(false);
      expect(p.holdTimeMs).toBe(9000);
      expect(p.connectTimeMs).toBe(1000);
    }
    const [adv] = config.bgpAdvertisements;
    expect(adv.communities.map(formatCommunity)).toEqual([COMMUNITY, 'large:64512:1:2']);
    expect(adv.localPref).toBe(150);
  });

  test('peers: one per router address, eBGP 64513 -> 64512, iBGP 64512 both', () => {
    const peers = load('plain').config.bgpPeers;
    expect(peers.map((p) => [p.myASN, p.peerASN, p.peerAddress.family])).toEqual([
      [64513, 64512, 'IPv4'],
      [64513, 64512, 'IPv6'],
    ]);
    expect(load('ibgp').config.bgpPeers.map((p) => [p.myASN, p.peerASN])).toEqual([
      [64512, 64512],
      [64512, 64512],
    ]);
  });

  test('md5: the IPv4 peer has the key inline, the IPv6 peer names the Secret that holds the same key', () => {
    const [v4, v6] = load('md5').config.bgpPeers;
    expect(v4.password).toBe(MD5_PASSWORD);
    expect(v4.passwordSecret).toBeUndefined();
    expect(v6.password).toBeUndefined();
    expect(v6.passwordSecret).toEqual({ name: MD5_SECRET, namespace: 'ironlb-system' });
    const secret = docs(peersYaml('md5', ROUTER, bgpAsns({}))).find((d) => d.kind === 'Secret');
    expect(secret?.metadata.name).toBe(MD5_SECRET);
    expect(Buffer.from(secret?.data?.password ?? '', 'base64').toString()).toBe(MD5_PASSWORD);
    expect(routerOptionsOf('md5').md5Password).toBe(MD5_PASSWORD);
    expect(docs(peersYaml('plain', ROUTER, bgpAsns({}))).map((d) => d.kind)).toEqual(['BGPPeer', 'BGPPeer']);
  });

  test('multihop and gr set their BGPPeer field on both peers; the others set neither', () => {
    const flags = (v: Variant): boolean[][] =>
      load(v).config.bgpPeers.map((p) => [p.ebgpMultiHop, p.enableGracefulRestart]);
    expect(flags('multihop')).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(flags('gr')).toEqual([
      [false, true],
      [false, true],
    ]);
    for (const v of ['plain', 'md5', 'ibgp', 'bfd'] as const) {
      expect(flags(v).flat()).toEqual([false, false, false, false]);
    }
  });

  test("bfd: both peers name the BFDProfile, whose timers are the router's (100 ms x 3); the others name none", () => {
    const { config } = load('bfd');
    expect(config.bgpPeers.map((p) => p.bfdProfile)).toEqual([BFD_PROFILE, BFD_PROFILE]);
    expect(
      [...config.bfdProfiles.values()].map((b) => [
        b.name,
        b.receiveIntervalMs,
        b.transmitIntervalMs,
        b.detectMultiplier,
      ]),
    ).toEqual([[BFD_PROFILE, 100, 100, 3]]);
    const { intervalMs, multiplier } = routerOptionsOf('bfd').bfd ?? {};
    expect([intervalMs, intervalMs, multiplier]).toEqual([100, 100, 3]);
    for (const v of VARIANTS.filter((x) => x !== 'bfd')) {
      expect(load(v).config.bgpPeers.map((p) => p.bfdProfile)).toEqual([undefined, undefined]);
      expect(docs(peersYaml(v, ROUTER, bgpAsns({}))).some((d) => d.kind === 'BFDProfile')).toBe(false);
    }
  });

  test('the GR refresh adds a community to the same advertisement', () => {
    const [adv] = load('gr', [COMMUNITY, FRESH_COMMUNITY]).config.bgpAdvertisements;
    expect(adv.communities.map(formatCommunity)).toEqual([COMMUNITY, FRESH_COMMUNITY, 'large:64512:1:2']);
  });

  test('services: one IPv4 and one IPv6 LoadBalancer from the interop pool, named after the option set', () => {
    const svcs = docs(servicesYaml('md5')) as unknown as {
      metadata: { name: string; annotations: Record<string, string> };
      spec: { type: string; ipFamilies: string[] };
    }[];
    expect(svcs.map((s) => [s.metadata.name, s.spec.type, s.spec.ipFamilies])).toEqual([
      ['md5-v4', 'LoadBalancer', ['IPv4']],
      ['md5-v6', 'LoadBalancer', ['IPv6']],
    ]);
    expect(svcs[0].metadata.annotations['metallb.io/address-pool']).toBe('interop');
  });
});

describe('what a cell expects', () => {
  const ebgp = { routerAsn: 64512, nodeAsn: 64513 };
  test('ipv4: the IPv4 sessions, node IPv4 peers and next hops, AS path of the node AS, no local pref', () => {
    expect(expectationOf(cell('ipv4', 'plain'), NODES, ebgp)).toEqual({
      sessions: ['node1', 'node2'],
      family: 'IPv4',
      paths: [
        { node: 'node1', peer: '198.51.100.11', nextHop: '198.51.100.11' },
        { node: 'node2', peer: '198.51.100.12', nextHop: '198.51.100.12' },
      ],
      asPath: [64513],
      communities: ['64512:100'],
      largeCommunities: ['64512:1:2'],
    });
  });

  test('ipv6: the _v6 sessions, IPv6 peers and next hops', () => {
    const e = expectationOf(cell('ipv6', 'md5'), NODES, ebgp);
    expect(e.sessions).toEqual(['node1_v6', 'node2_v6']);
    expect(e.family).toBe('IPv6');
    expect(e.paths[1]).toEqual({ node: 'node2', peer: '2001:db8:1::12', nextHop: '2001:db8:1::12' });
  });

  test('ipv6 over ipv4: the IPv4 sessions, IPv4 peers, IPv6 next hops', () => {
    const e = expectationOf(cell('ipv6-over-ipv4', 'gr'), NODES, ebgp);
    expect(e.sessions).toEqual(['node1', 'node2']);
    expect(e.paths[0]).toEqual({ node: 'node1', peer: '198.51.100.11', nextHop: '2001:db8:1::11' });
  });

  test("bfd: BFD at each path's session address; no other set asks for it", () => {
    expect(expectationOf(cell('ipv6', 'bfd'), NODES, ebgp).bfd).toBe(true);
    expect(expectationOf(cell('ipv4', 'bfd'), NODES, ebgp).bfd).toBe(true);
    for (const v of VARIANTS.filter((x) => x !== 'bfd')) {
      expect(expectationOf(cell('ipv4', v), NODES, ebgp).bfd).toBeUndefined();
    }
  });

  test('ibgp: an empty AS path and the advertisement local pref', () => {
    const e = expectationOf(cell('ipv4', 'ibgp'), NODES, { routerAsn: 64512, nodeAsn: 64512 });
    expect([e.asPath, e.localPref]).toEqual([[], 150]);
  });

  test('host routes', () => {
    expect(hostRoute('203.0.113.130')).toBe('203.0.113.130/32');
    expect(hostRoute('2001:db8:200::5')).toBe('2001:db8:200::5/128');
  });
});
