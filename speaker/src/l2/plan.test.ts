import { mustParseIP } from '@ironlb/shared';
import { parseConfig } from '@ironlb/shared/config';
import type { L2Advertisement } from '@ironlb/shared/config';
import { EXCLUDE_LABEL, notAnnouncedText } from '../mode/reasons';
import type { NodeView, ServiceView, SpeakerView } from '../mode/view';
import { winner } from '../ranking';
import { planL2, type Chooser, type IPPlan } from './plan';

const ip = mustParseIP;

const pools = parseConfig({
  ipAddressPools: [
    {
      kind: 'IPAddressPool',
      metadata: { name: 'lab', namespace: 'ironlb-system', labels: { zone: 'a' } },
      spec: { addresses: ['198.51.100.200-198.51.100.254', '2001:db8:1::200-2001:db8:1::2ff'] },
    },
    {
      kind: 'IPAddressPool',
      metadata: { name: 'other', namespace: 'ironlb-system' },
      spec: { addresses: ['203.0.113.128/25'] },
    },
  ],
}).config;

const adv = (name: string, spec: unknown) =>
  parseConfig({ l2Advertisements: [{ kind: 'L2Advertisement', metadata: { name, namespace: 'ironlb-system' }, spec }] })
    .config.l2Advertisements;

const node = (name: string, extra: Partial<NodeView> = {}): NodeView => ({
  name,
  labels: {},
  unschedulable: false,
  ...extra,
});
const svc = (key: string, ips: string[], local = false): ServiceView => ({ key, ips: ips.map(ip), local });

/** The first eligible node by name: keeps these tests about eligibility, not about the hash. */
const first: Chooser = (_ip, eligible) => eligible[0];

type ViewChanges = Partial<Omit<SpeakerView, 'config'>> & { advertisements?: readonly L2Advertisement[] };

function view({ advertisements = adv('all', {}), ...over }: ViewChanges = {}): SpeakerView {
  const nodes = [node('node1'), node('node2'), node('node3')];
  return {
    self: 'node1',
    config: { ...pools, l2Advertisements: advertisements },
    nodes: new Map(nodes.map((n) => [n.name, n])),
    services: [svc('default/web', ['198.51.100.200'])],
    endpointNodes: new Map(),
    live: new Set(['node1', 'node2', 'node3']),
    ...over,
  };
}

/** The row with its reason in the words the log shows. */
const row = (v: SpeakerView, key = '198.51.100.200') => {
  const r: IPPlan | undefined = planL2(v, first).get(key);
  return r && { ...r, reason: r.reason && notAnnouncedText(r.reason) };
};

describe('planL2', () => {
  it('an IP of a covered pool goes to the chosen node, on every interface in its subnet', () => {
    expect(row(view())).toEqual({
      ip: ip('198.51.100.200'),
      services: ['default/web'],
      node: 'node1',
      interfaces: { names: [], auto: true },
    });
  });

  it('says why when no pool or no advertisement covers the IP', () => {
    expect(row(view({ services: [svc('default/x', ['198.51.100.9'])] }), '198.51.100.9')?.reason).toBe(
      '198.51.100.9 is in no IPAddressPool',
    );
    expect(row(view({ advertisements: adv('only-other', { ipAddressPools: ['other'] }) }))?.reason).toBe(
      'no L2Advertisement covers pool "lab"',
    );
  });

  it('covers pools by name or by label selector', () => {
    expect(row(view({ advertisements: adv('by-name', { ipAddressPools: ['lab'] }) }))?.node).toBe('node1');
    expect(
      row(view({ advertisements: adv('by-label', { ipAddressPoolSelectors: [{ matchLabels: { zone: 'a' } }] }) }))
        ?.node,
    ).toBe('node1');
    expect(
      row(view({ advertisements: adv('by-label', { ipAddressPoolSelectors: [{ matchLabels: { zone: 'b' } }] }) }))
        ?.reason,
    ).toBe('no L2Advertisement covers pool "lab"');
  });

  it('leaves out dead, cordoned, excluded and unselected nodes, naming each reason', () => {
    const nodes = new Map([
      ['node1', node('node1', { unschedulable: true })],
      ['node2', node('node2', { labels: { [EXCLUDE_LABEL]: '' } })],
      ['node3', node('node3')],
      ['node4', node('node4', { labels: { role: 'edge' } })],
    ]);
    const live = new Set(['node1', 'node2', 'node3', 'node4']);
    expect(row(view({ nodes, live }))?.node).toBe('node3');
    expect(row(view({ nodes, live: new Set(['node1', 'node2', 'node4']) }))?.node).toBe('node4');
    const edgeOnly = adv('edge', { nodeSelectors: [{ matchLabels: { role: 'edge' } }] });
    expect(row(view({ nodes, live: new Set(['node1', 'node2', 'node3']), advertisements: edgeOnly }))?.reason).toBe(
      'no eligible node (node1: matches no L2Advertisement nodeSelectors; node2: matches no L2Advertisement nodeSelectors; ' +
        'node3: matches no L2Advertisement nodeSelectors; node4: no live speaker)',
    );
    expect(row(view({ nodes, live }))?.reason).toBeUndefined();
    expect(row(view({ nodes: new Map([['node1', node('node1', { unschedulable: true })]]), live }))?.reason).toBe(
      'no eligible node (node1: cordoned)',
    );
    expect(row(view({ nodes: new Map([['node2', nodes.get('node2') as NodeView]]), live }))?.reason).toBe(
      `no eligible node (node2: labelled ${EXCLUDE_LABEL})`,
    );
  });

  it('Local policy: only nodes with a ready endpoint; Services sharing an IP share one node', () => {
    const services = [svc('game/tcp', ['198.51.100.244'], true), svc('game/udp', ['198.51.100.244'], true)];
    const endpointNodes = new Map([
      ['game/tcp', new Set(['node2', 'node3'])],
      ['game/udp', new Set(['node3'])],
    ]);
    expect(row(view({ services, endpointNodes }), '198.51.100.244')).toMatchObject({
      services: ['game/tcp', 'game/udp'],
      node: 'node3',
    });
    expect(row(view({ services, endpointNodes: new Map() }), '198.51.100.244')?.reason).toBe(
      'no eligible node (node1: no ready endpoint of game/tcp; node2: no ready endpoint of game/tcp; node3: no ready endpoint of game/tcp)',
    );
  });

  it('interfaces: the union of the matching advertisements, auto when one names none', () => {
    const advertisements = [...adv('a', { interfaces: ['eth1', 'eth0'] }), ...adv('b', { interfaces: ['eth0'] })];
    expect(row(view({ advertisements }))?.interfaces).toEqual({ names: ['eth0', 'eth1'], auto: false });
    expect(row(view({ advertisements: [...advertisements, ...adv('c', {})] }))?.interfaces).toEqual({
      names: ['eth0', 'eth1'],
      auto: true,
    });
  });

  it('an advertisement with several node selectors selects a node that matches any one of them', () => {
    const advertisements = adv('edge-or-core', {
      nodeSelectors: [{ matchLabels: { role: 'edge' } }, { matchLabels: { role: 'core' } }],
    });
    const nodes = new Map(
      [node('node1'), node('node2', { labels: { role: 'core' } }), node('node3', { labels: { role: 'edge' } })].map(
        (n) => [n.name, n],
      ),
    );
    expect(row(view({ nodes, advertisements }))?.node).toBe('node2');
    expect(row(view({ nodes, advertisements, live: new Set(['node1', 'node3']) }))?.node).toBe('node3');
    // Only node1 is live, and it matches neither selector; node2 and node3 are selected, each by its own one.
    expect(row(view({ nodes, advertisements, live: new Set(['node1']) }))?.reason).toBe(
      'no eligible node (node1: matches no L2Advertisement nodeSelectors; node2: no live speaker; ' +
        'node3: no live speaker)',
    );
  });

  it('a node selected by any one of several advertisements is eligible', () => {
    const advertisements = [
      ...adv('core', { nodeSelectors: [{ matchLabels: { role: 'core' } }] }),
      ...adv('edge', { nodeSelectors: [{ matchLabels: { role: 'edge' } }] }),
    ];
    const nodes = new Map(
      [node('node1'), node('node2', { labels: { role: 'edge' } }), node('node3', { labels: { role: 'core' } })].map(
        (n) => [n.name, n],
      ),
    );
    expect(row(view({ nodes, advertisements }))?.node).toBe('node2');
    expect(row(view({ nodes, advertisements, live: new Set(['node1', 'node3']) }))?.node).toBe('node3');
  });

  it('interfaces come only from the advertisements that select the chosen node', () => {
    const nodes = new Map(
      [node('node1'), node('node2', { labels: { role: 'edge' } }), node('node3', { labels: { role: 'lab' } })].map(
        (n) => [n.name, n],
      ),
    );
    const advertisements = [
      ...adv('everywhere', { interfaces: ['eth0'] }),
      ...adv('edge', { interfaces: ['eth1'], nodeSelectors: [{ matchLabels: { role: 'edge' } }] }),
      ...adv('lab-auto', { nodeSelectors: [{ matchLabels: { role: 'lab' } }] }),
    ];
    const on = (live: string[]) => row(view({ nodes, advertisements, live: new Set(live) }));
    expect(on(['node1', 'node2', 'node3'])).toMatchObject({
      node: 'node1',
      interfaces: { names: ['eth0'], auto: false },
    });
    expect(on(['node2', 'node3'])).toMatchObject({
      node: 'node2',
      interfaces: { names: ['eth0', 'eth1'], auto: false },
    });
    expect(on(['node3'])).toMatchObject({ node: 'node3', interfaces: { names: ['eth0'], auto: true } });
  });

  it("the last address of a pool's range is planned like any other; the one after it is in no pool", () => {
    const services = [svc('default/last', ['198.51.100.254', '2001:db8:1::2ff', '203.0.113.255'])];
    const plan = planL2(view({ services }), first);
    for (const key of ['198.51.100.254', '2001:db8:1::2ff', '203.0.113.255']) {
      expect(plan.get(key)).toEqual({
        ip: ip(key),
        services: ['default/last'],
        node: 'node1',
        interfaces: { names: [], auto: true },
      });
    }
    const after = planL2(view({ services: [svc('default/after', ['198.51.100.255', '2001:db8:1::300'])] }), first);
    expect([...after.values()].map((r) => r.reason)).toEqual([
      { code: 'notInAnyPool', ip: ip('198.51.100.255') },
      { code: 'notInAnyPool', ip: ip('2001:db8:1::300') },
    ]);
  });

  it('IPv6 and dual-stack Services: one row per IP', () => {
    const plan = planL2(view({ services: [svc('default/dual', ['198.51.100.201', '2001:db8:1::201'])] }), first);
    expect([...plan.keys()]).toEqual(['198.51.100.201', '2001:db8:1::201']);
    expect(plan.get('2001:db8:1::201')?.node).toBe('node1');
  });

  it('reasons are values: the code and its data', () => {
    const plain = (v: SpeakerView, key = '198.51.100.200') => planL2(v, first).get(key)?.reason;
    expect(plain(view({ services: [svc('default/x', ['198.51.100.9'])] }), '198.51.100.9')).toEqual({
      code: 'notInAnyPool',
      ip: ip('198.51.100.9'),
    });
    expect(plain(view({ advertisements: adv('only-other', { ipAddressPools: ['other'] }) }))).toEqual({
      code: 'noAdvertisement',
      advertisementKind: 'L2Advertisement',
      pool: 'lab',
    });
    const edgeOnly = adv('edge', { nodeSelectors: [{ matchLabels: { role: 'edge' } }] });
    expect(plain(view({ advertisements: edgeOnly, live: new Set(['node1', 'node2']) }))).toEqual({
      code: 'noEligibleNode',
      nodes: [
        { node: 'node1', why: { code: 'nodeNotSelected', advertisementKind: 'L2Advertisement' } },
        { node: 'node2', why: { code: 'nodeNotSelected', advertisementKind: 'L2Advertisement' } },
        { node: 'node3', why: { code: 'nodeNotSelected', advertisementKind: 'L2Advertisement' } },
      ],
    });
    const local = [svc('game/udp', ['198.51.100.244'], true), svc('game/tcp', ['198.51.100.244'], true)];
    expect(plain(view({ services: local, nodes: new Map([['node1', node('node1')]]) }), '198.51.100.244')).toEqual({
      code: 'noEligibleNode',
      nodes: [{ node: 'node1', why: { code: 'noLocalEndpoint', service: 'game/tcp' } }],
    });
  });
});

describe('planL2: IPs linked through Services share one node', () => {
  /** The real ranking; every IP's own choice among all three nodes is written beside it. */
  const rank: Chooser = (target, eligible) => winner(target, eligible);
  const all = ['node1', 'node2', 'node3'];
  const nodesOf = (v: SpeakerView): Record<string, string | undefined> =>
    Object.fromEntries([...planL2(v, rank)].map(([key, r]) => [key, r.node]));

  it('the per-IP choices these tests rely on (a per-IP hash splits each pair below)', () => {
    expect(
      ['198.51.100.200', '2001:db8:1::200', '198.51.100.201', '2001:db8:1::201', '198.51.100.203'].map((t) =>
        winner(t, all),
      ),
    ).toEqual(['node3', 'node1', 'node2', 'node3', 'node1']);
  });

  it.each<[string, ServiceView[], Record<string, string>]>([
    [
      'single-IP groups keep the per-IP choice exactly',
      [
        svc('default/a', ['198.51.100.200']),
        svc('default/b', ['2001:db8:1::200']),
        svc('game/tcp', ['198.51.100.203']),
        svc('game/udp', ['198.51.100.203']),
      ],
      { '198.51.100.200': 'node3', '2001:db8:1::200': 'node1', '198.51.100.203': 'node1' },
    ],
    [
      'a dual-stack Service: both families on the node its lowest IP (by text) gets alone, so that IP stays',
      [svc('default/dual', ['2001:db8:1::200', '198.51.100.200'])],
      { '198.51.100.200': 'node3', '2001:db8:1::200': 'node3' },
    ],
    [
      'Services sharing an IP join their groups: every IP of both on one node',
      [
        svc('default/dual', ['198.51.100.201', '2001:db8:1::201']),
        svc('default/shares-v6', ['2001:db8:1::201', '198.51.100.203']),
        svc('default/alone', ['198.51.100.200']),
      ],
      { '198.51.100.201': 'node2', '2001:db8:1::201': 'node2', '198.51.100.203': 'node2', '198.51.100.200': 'node3' },
    ],
  ])('%s', (_what, services, expected) => {
    expect(nodesOf(view({ services }))).toEqual(expected);
  });

  it('eligibility is every IP of the group: only nodes that may announce all of them', () => {
    // 203.0.113.130 (pool "other") only from node2 and node3; 2001:db8:1::200 (pool "lab") from any node.
    const advertisements = [
      ...adv('other-edge', { ipAddressPools: ['other'], nodeSelectors: [{ matchLabels: { edge: 'yes' } }] }),
      ...adv('lab', { ipAddressPools: ['lab'] }),
    ];
    const nodes = new Map(
      [node('node1'), node('node2', { labels: { edge: 'yes' } }), node('node3', { labels: { edge: 'yes' } })].map(
        (n) => [n.name, n],
      ),
    );
    const services = [svc('default/dual', ['203.0.113.130', '2001:db8:1::200'])];
    const plan = planL2(view({ services, nodes, advertisements }), rank);
    expect(winner('2001:db8:1::200', ['node2', 'node3'])).toBe(plan.get('2001:db8:1::200')?.node);
    expect(plan.get('203.0.113.130')?.node).toBe(plan.get('2001:db8:1::200')?.node);
    expect(['node2', 'node3']).toContain(plan.get('203.0.113.130')?.node);
    // A cordoned node leaves the group's choice to the others, as it leaves a single IP's.
    const cordoned = new Map([...nodes, ['node3', node('node3', { labels: { edge: 'yes' }, unschedulable: true })]]);
    expect(nodesOf(view({ services, nodes: cordoned, advertisements }))).toEqual({
      '203.0.113.130': 'node2',
      '2001:db8:1::200': 'node2',
    });
  });

  it('Local policy: the node with a ready endpoint of every Service in the group takes every IP', () => {
    const services = [svc('default/dual', ['198.51.100.200', '2001:db8:1::200'], true)];
    const endpointNodes = new Map([['default/dual', new Set(['node2'])]]);
    expect(nodesOf(view({ services, endpointNodes }))).toEqual({
      '198.51.100.200': 'node2',
      '2001:db8:1::200': 'node2',
    });
  });

  it('an IP no node may announce keeps its reason; the rest of its group is placed as if it were not there', () => {
    const services = [svc('default/dual', ['198.51.100.9', '2001:db8:1::200'])];
    const plan = planL2(view({ services }), rank);
    expect(plan.get('198.51.100.9')?.reason).toEqual({ code: 'notInAnyPool', ip: ip('198.51.100.9') });
    expect(plan.get('2001:db8:1::200')).toEqual({
      ip: ip('2001:db8:1::200'),
      services: ['default/dual'],
      node: 'node1',
      interfaces: { names: [], auto: true },
    });
  });

  it('an IP with no eligible node keeps its reason and does not split its group', () => {
    // 203.0.113.130 (pool "other") only from edge nodes, and no node is one: the IPv6 IP is placed as if alone.
    const advertisements = [
      ...adv('other-edge', { ipAddressPools: ['other'], nodeSelectors: [{ matchLabels: { edge: 'yes' } }] }),
      ...adv('lab', { ipAddressPools: ['lab'] }),
    ];
    const services = [svc('default/dual', ['203.0.113.130', '2001:db8:1::200'])];
    const plan = planL2(view({ services, advertisements }), rank);
    expect(plan.get('203.0.113.130')?.reason).toMatchObject({ code: 'noEligibleNode' });
    expect(plan.get('2001:db8:1::200')).toEqual({
      ip: ip('2001:db8:1::200'),
      services: ['default/dual'],
      node: winner('2001:db8:1::200', all),
      interfaces: { names: [], auto: true },
    });
  });

  it('a chooser that picks no node leaves the IP, or its whole group, without one, naming the ineligible nodes', () => {
    const services = [
      svc('default/dual', ['198.51.100.200', '2001:db8:1::200']),
      svc('default/web', ['198.51.100.201']),
    ];
    const nodes = new Map([node('node1'), node('node2', { unschedulable: true })].map((n) => [n.name, n]));
    // Declines the group's key (its lowest IP by text), picks the first node for the other IP.
    const declines: Chooser = (target, eligible) =>
      target.value === ip('198.51.100.200').value ? undefined : eligible[0];
    const plan = planL2(view({ services, nodes }), declines);
    const none = { code: 'noEligibleNode', nodes: [{ node: 'node2', why: { code: 'cordoned' } }] };
    expect(plan.get('198.51.100.200')).toEqual({ ip: ip('198.51.100.200'), services: ['default/dual'], reason: none });
    expect(plan.get('2001:db8:1::200')).toEqual({
      ip: ip('2001:db8:1::200'),
      services: ['default/dual'],
      reason: none,
    });
    expect(plan.get('198.51.100.201')).toMatchObject({ node: 'node1' });
  });

  it('no node may announce every IP of the group: each IP is placed alone, and its row names the group', () => {
    const advertisements = [
      ...adv('other-edge', { ipAddressPools: ['other'], nodeSelectors: [{ matchLabels: { edge: 'yes' } }] }),
      ...adv('lab-core', { ipAddressPools: ['lab'], nodeSelectors: [{ matchLabels: { core: 'yes' } }] }),
    ];
    const nodes = new Map(
      [node('node1', { labels: { core: 'yes' } }), node('node2', { labels: { edge: 'yes' } }), node('node3')].map(
        (n) => [n.name, n],
      ),
    );
    const services = [svc('default/dual', ['203.0.113.130', '2001:db8:1::200'])];
    const plan = planL2(view({ services, nodes, advertisements }), rank);
    const group = [ip('2001:db8:1::200'), ip('203.0.113.130')];
    expect(plan.get('203.0.113.130')).toMatchObject({ node: 'node2', split: group });
    expect(plan.get('2001:db8:1::200')).toMatchObject({ node: 'node1', split: group });
  });
});
