import { Writable } from 'node:stream';
import pino from 'pino';
import { mustParseIP } from '@ironlb/shared';
import { parseConfig, type BGPAdvertisement, type BGPPeer } from '@ironlb/shared/config';
import type { LocalInterface } from '../l2/interfaces';
import type { ServiceView, SpeakerView } from '../mode/view';
import { BGP_STATUS, BgpMode, type BgpApplied } from './mode';
import type { PasswordLookup, PasswordSource } from './passwords';
import type { BgpPeerEdge, PeerSpec, PeerStatus, SessionState } from './peer/types';
import { prefixText } from './plan';
import type { Route } from './rib/types';
import { bgpAdvertisement, bgpPeer } from './testFixtures';

const ip = mustParseIP;

const pools = parseConfig({
  ipAddressPools: [
    {
      kind: 'IPAddressPool',
      metadata: { name: 'lab', namespace: 'ironlb-system' },
      spec: { addresses: ['198.51.100.0/24', '2001:db8:1::/64'] },
    },
  ],
}).config;

// Graceful restart on: the speaker's sessions are meant to keep routes across its restarts.
const peer = (name: string, over: Partial<BGPPeer> = {}): BGPPeer =>
  bgpPeer(name, { enableGracefulRestart: true, ...over });

const adv = bgpAdvertisement;

const svc = (key: string, ips: string[]): ServiceView => ({ key, ips: ips.map(ip), local: false });

const LOCAL: LocalInterface[] = [
  {
    name: 'eth0',
    addresses: [
      { ip: ip('203.0.113.10'), prefixLength: 24 },
      { ip: ip('2001:db8:ff::10'), prefixLength: 64 },
    ],
  },
];

function view(
  peers: readonly BGPPeer[] = [peer('tor')],
  services: readonly ServiceView[] = [svc('default/web', ['198.51.100.7'])],
  advertisements: readonly BGPAdvertisement[] = [adv('all')],
): SpeakerView {
  return {
    self: 'node1',
    config: { ...pools, bgpPeers: peers, bgpAdvertisements: advertisements },
    nodes: new Map([['node1', { name: 'node1', labels: {}, unschedulable: false }]]),
    services,
    endpointNodes: new Map(),
    live: new Set(['node1']),
  };
}

class FakeEdge implements BgpPeerEdge {
  state: SessionState = 'active';
  families: readonly ('ipv4' | 'ipv6')[] = ['ipv4', 'ipv6'];
  routes: (readonly Route[])[] = [];
  closed: boolean[] = [];
  constructor(
    readonly spec: PeerSpec,
    readonly onChange: () => void,
  ) {}
  setRoutes(routes: readonly Route[]): void {
    this.routes.push(routes);
  }
  status(): PeerStatus {
    const last = this.routes.at(-1) ?? [];
    return {
      state: this.state,
      families: this.state === 'established' ? this.families : [],
      prefixesAdvertised: last.length,
      updatesSent: this.routes.length,
      updatesReceived: 0,
    };
  }
  close(graceful: boolean): Promise<void> {
    this.closed.push(graceful);
    return Promise.resolve();
  }
}

function setup(passwords: Record<string, PasswordLookup> = {}) {
  const edges: FakeEdge[] = [];
  let changes = 0;
  const lines: string[] = [];
  const sessions: ReadonlyMap<string, PeerStatus>[] = [];
  const source: PasswordSource = { lookup: (ref) => passwords[ref.name] ?? { state: 'pending' } };
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const mode = new BgpMode({
    createEdge: (spec, onChange) => {
      const e = new FakeEdge(spec, onChange);
      edges.push(e);
      return e;
    },
    passwords: source,
    changed: () => changes++,
    sessions: (s) => sessions.push(s),
    log,
  });
  mode.setInterfaces(LOCAL);
  const round = (v: SpeakerView): ReadonlyMap<string, BgpApplied> => mode.apply(mode.plan(v).announce);
  return { mode, edges, round, changes: () => changes, lines, sessions };
}

const prefixes = (routes: readonly Route[] | undefined): string[] => (routes ?? []).map((r) => prefixText(r.prefix));

describe('BgpMode: the seam', () => {
  it('its name, config kinds and status kind', () => {
    const { mode } = setup();
    expect(mode.name).toBe('bgp');
    expect(mode.configKinds.map((k) => `${k.key} ${k.plural}`)).toEqual([
      'bgpPeers bgppeers',
      'bgpAdvertisements bgpadvertisements',
      'bfdProfiles bfdprofiles',
      'communities communities',
    ]);
    expect(mode.status.kind).toBe('ServiceBGPStatus');
    expect(mode.status.plural).toBe('servicebgpstatuses');
  });

  it('active when the config has a BGPAdvertisement', () => {
    const { mode } = setup();
    expect(mode.active(view().config)).toBe(true);
    expect(mode.active(view([peer('tor')], [], []).config)).toBe(false);
  });

  it('plan: the announced IPs with their routes per peer, the others with their reasons', () => {
    const { mode } = setup();
    const plan = mode.plan(
      view(
        [peer('a'), peer('b')],
        [svc('default/web', ['198.51.100.7', '203.0.113.99'])],
        [adv('x', { peers: ['b'] })],
      ),
    );
    expect([...plan.announce.keys()]).toEqual(['198.51.100.7']);
    const row = plan.announce.get('198.51.100.7');
    expect(row?.services).toEqual(['default/web']);
    expect([...(row?.routes.keys() ?? [])]).toEqual(['b']);
    expect(prefixes(row?.routes.get('b'))).toEqual(['198.51.100.7/32']);
    expect(plan.skip.get('203.0.113.99')?.reason.code).toBe('notInAnyPool');
  });

  it('plan: an IP under two advertisement lengths carries both routes', () => {
    const { mode } = setup();
    const plan = mode.plan(view(undefined, undefined, [adv('agg', { aggregationLength: 24 }), adv('host')]));
    expect(prefixes(plan.announce.get('198.51.100.7')?.routes.get('tor'))).toEqual([
      '198.51.100.0/24',
      '198.51.100.7/32',
    ]);
  });
});

describe('BgpMode.apply: sessions', () => {
  it('one edge per peer of this node, with its spec, and its routes', () => {
    const t = setup();
    t.round(view([peer('a'), peer('b')]));
    expect(t.edges.map((e) => e.spec.name)).toEqual(['a', 'b']);
    expect(t.edges[0].spec.routerId).toBe(0xcb00710a);
    expect(t.edges.map((e) => e.routes.map(prefixes))).toEqual([[['198.51.100.7/32']], [['198.51.100.7/32']]]);
  });

  it('the same plan again changes nothing: no new edge, no setRoutes', () => {
    const t = setup();
    t.round(view());
    t.round(view());
    expect(t.edges).toHaveLength(1);
    expect(t.edges[0].routes).toHaveLength(1);
  });

  it('changed routes are handed to the same edge; no routes at all is an empty set, the session kept', () => {
    const t = setup();
    t.round(view());
    t.round(view(undefined, [svc('default/web', ['198.51.100.7']), svc('default/b', ['2001:db8:1::5'])]));
    t.round(view(undefined, []));
    expect(t.edges).toHaveLength(1);
    expect(t.edges[0].routes.map(prefixes)).toEqual([
      ['198.51.100.7/32'],
      ['198.51.100.7/32', '2001:db8:1::5/128'],
      [],
    ]);
    expect(t.edges[0].closed).toEqual([]);
  });

  it('routes of several IPs in one aggregate are one route to the edge', () => {
    const t = setup();
    t.round(
      view(
        undefined,
        [svc('default/a', ['198.51.100.7']), svc('default/b', ['198.51.100.9'])],
        [adv('agg', { aggregationLength: 24 })],
      ),
    );
    expect(t.edges[0].routes.map(prefixes)).toEqual([['198.51.100.0/24']]);
  });

  it('a changed BGPPeer: the old edge closed (not gracefully), a new one made', () => {
    const t = setup();
    t.round(view());
    t.round(view([peer('tor', { peerPort: 1179 })]));
    expect(t.edges.map((e) => e.spec.peerPort)).toEqual([179, 1179]);
    expect(t.edges[0].closed).toEqual([false]);
    expect(t.edges[1].routes.map(prefixes)).toEqual([['198.51.100.7/32']]);
  });

  it('a peer that no longer selects this node: its edge closed, not gracefully', () => {
    const t = setup();
    t.round(view([peer('a'), peer('b')]));
    t.round(view([peer('b')]));
    expect(t.edges[0].closed).toEqual([false]);
    expect(t.edges[1].closed).toEqual([]);
  });

  it('an apply with no plan before it (mode inactive) closes every session', () => {
    const t = setup();
    t.round(view());
    expect(t.mode.apply(new Map()).size).toBe(0);
    expect(t.edges[0].closed).toEqual([false]);
  });

  it("an edge's onChange makes the loop apply again", () => {
    const t = setup();
    t.round(view());
    t.edges[0].onChange();
    expect(t.changes()).toBe(1);
  });

  it('sessions are reported after each apply, by peer', () => {
    const t = setup();
    t.round(view([peer('a'), peer('b')]));
    expect([...(t.sessions.at(-1)?.keys() ?? [])]).toEqual(['a', 'b']);
    expect(t.sessions.at(-1)?.get('a')?.state).toBe('active');
    expect([...t.mode.sessions().keys()]).toEqual(['a', 'b']);
  });

  it('closeGracefully closes every edge gracefully; later applies do nothing', async () => {
    const t = setup();
    t.round(view([peer('a'), peer('b')]));
    await t.mode.closeGracefully();
    expect(t.edges.map((e) => e.closed)).toEqual([[true], [true]]);
    expect(t.round(view([peer('a'), peer('b')])).size).toBe(0);
    expect(t.edges).toHaveLength(2);
  });

  it('close() is the graceful close too (SIGTERM must not withdraw)', () => {
    const t = setup();
    t.round(view());
    t.mode.close();
    expect(t.edges[0].closed).toEqual([true]);
  });
});

describe('BgpMode.apply: what is live', () => {
  it('an IP is live on the peers whose session is established and carries it', () => {
    const t = setup();
    const v = view([peer('a'), peer('b'), peer('c')], undefined, [adv('x', { peers: ['a', 'b'] })]);
    expect(t.round(v).get('198.51.100.7')?.peers).toEqual([]);
    t.edges[1].state = 'established';
    t.edges[2].state = 'established';
    expect(t.round(v).get('198.51.100.7')).toEqual({
      ip: ip('198.51.100.7'),
      services: ['default/web'],
      peers: ['b'],
    });
  });

  it('an IP is not live on an established session that did not negotiate its family', () => {
    const t = setup();
    const v = view([peer('a'), peer('b')], undefined, [adv('x', { peers: ['a', 'b'] })]);
    t.round(v);
    t.edges[0].state = 'established';
    t.edges[0].families = ['ipv6'];
    t.edges[1].state = 'established';
    expect(t.round(v).get('198.51.100.7')?.peers).toEqual(['b']);
  });

  it('ServiceBGPStatus fields: the union of the peers, sorted; none when no session carries the Service', () => {
    const a = (peers: string[]): BgpApplied => ({ ip: ip('198.51.100.7'), services: ['default/web'], peers });
    expect(BGP_STATUS.fields([a(['c', 'a']), a(['b', 'a'])])).toEqual({ peers: ['a', 'b', 'c'] });
    expect(BGP_STATUS.fields([a([]), a([])])).toBeUndefined();
    expect(BGP_STATUS.fields([])).toBeUndefined();
  });
});

describe('BgpMode.apply: passwords and problems', () => {
  const secret = { name: 'tor-md5', namespace: 'ironlb-system' };

  it('a literal password goes into the spec', () => {
    const t = setup();
    t.round(view([peer('tor', { password: 'lit' })]));
    expect(t.edges[0].spec.md5Password).toBe('lit');
  });

  it("a passwordSecret: no session until it is read, then the Secret's password", () => {
    const passwords: Record<string, PasswordLookup> = {};
    const t = setup(passwords);
    t.round(view([peer('tor', { passwordSecret: secret })]));
    expect(t.edges).toHaveLength(0);
    passwords['tor-md5'] = { state: 'ready', password: 'from-secret' };
    t.round(view([peer('tor', { passwordSecret: secret })]));
    expect(t.edges.map((e) => e.spec.md5Password)).toEqual(['from-secret']);
  });

  it('a rotated password replaces the session; a Secret that turns unreadable keeps it', () => {
    const passwords: Record<string, PasswordLookup> = { 'tor-md5': { state: 'ready', password: 'one' } };
    const t = setup(passwords);
    const v = view([peer('tor', { passwordSecret: secret })]);
    t.round(v);
    passwords['tor-md5'] = { state: 'ready', password: 'two' };
    t.round(v);
    expect(t.edges.map((e) => e.spec.md5Password)).toEqual(['one', 'two']);
    expect(t.edges[0].closed).toEqual([false]);
    passwords['tor-md5'] = { state: 'failed', problem: 'Secret ironlb-system/tor-md5 does not exist' };
    t.round(v);
    expect(t.edges).toHaveLength(2);
    expect(t.edges[1].closed).toEqual([]);
  });

  it('a Secret that cannot be read: logged once, with the problem and never a password', () => {
    const passwords: Record<string, PasswordLookup> = {
      'tor-md5': { state: 'failed', problem: 'Secret ironlb-system/tor-md5 does not exist' },
    };
    const t = setup(passwords);
    const v = view([peer('tor', { passwordSecret: secret })]);
    t.round(v);
    t.round(v);
    const errors = t.lines.filter((l) => l.includes('not opened'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      'BGP session not opened: no TCP MD5 password: Secret ironlb-system/tor-md5 does not exist',
    );
    expect(t.edges).toHaveLength(0);
  });

  it('the password appears in no log line', () => {
    const t = setup({ 'tor-md5': { state: 'ready', password: 'hunter2-secret' } });
    t.round(view([peer('tor', { passwordSecret: secret }), peer('lit', { password: 'literal-secret' })]));
    t.round(view([peer('tor', { passwordSecret: secret, peerPort: 1179 })]));
    expect(t.lines.length).toBeGreaterThan(2);
    expect(t.lines.join('\n')).not.toMatch(/hunter2-secret|literal-secret/);
  });

  it('a peer whose spec cannot be made (no IPv4 address for the router ID) gets no session, logged once', () => {
    const t = setup();
    t.mode.setInterfaces([]);
    t.round(view());
    t.round(view());
    expect(t.edges).toHaveLength(0);
    expect(t.lines.filter((l) => l.includes('BGP Identifier'))).toHaveLength(1);
  });
});
