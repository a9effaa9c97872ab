import { mustParseIP } from '@ironlb/shared';
import type { ModePlan, Announcement } from '../mode/mode';
import {
  announcersOf,
  isOwnEcho,
  reportsFor,
  statusNameOf,
  type ExistingStatus,
  type Reported,
  type ReportScope,
} from './reports';

const fresh = (): Reported => ({ told: new Set(), written: new Map() });
const services = new Set(['default/web', 'game/tcp', 'game/udp']);
/** Every node alive and no plan rows: what the tests of this node's own statuses need. */
const everyoneAlive: ReportScope = { services, live: new Set(['node1', 'node2', 'node3']), announcers: new Map() };
const eth0 = { interfaces: [{ name: 'eth0' }] };

describe('reportsFor', () => {
  it('tells each Service once when this node starts announcing it, and writes its status once', () => {
    const r = fresh();
    const own = [
      { key: 'game/tcp', fields: eth0 },
      { key: 'game/udp', fields: eth0 },
    ];
    const first = reportsFor('node2', 'layer2', own, [], everyoneAlive, r);
    expect(first.events).toEqual([
      { service: 'game/tcp', message: 'announcing from node "node2" with protocol "layer2"' },
      { service: 'game/udp', message: 'announcing from node "node2" with protocol "layer2"' },
    ]);
    expect(first.writes.map((w) => w.name)).toEqual(['game.tcp.node2', 'game.udp.node2']);
    expect(first.writes[0].status).toEqual({
      node: 'node2',
      serviceName: 'tcp',
      serviceNamespace: 'game',
      interfaces: [{ name: 'eth0' }],
    });
    const existing = own.map((s) => ({
      name: statusNameOf(s.key, 'node2'),
      resourceVersion: '5',
      node: 'node2',
      service: s.key,
    }));
    expect(reportsFor('node2', 'layer2', own, existing, everyoneAlive, r)).toEqual({
      events: [],
      writes: [],
      deletes: [],
    });
  });

  it("writes its own status beside another node's (dual-stack IPs on two nodes), tells again after losing and winning back", () => {
    const r = fresh();
    const own = [{ key: 'default/web', fields: eth0 }];
    const theirs = [{ name: 'default.web.node3', resourceVersion: '9', node: 'node3', service: 'default/web' }];
    expect(reportsFor('node1', 'layer2', own, theirs, everyoneAlive, r).writes.map((w) => w.name)).toEqual([
      'default.web.node1',
    ]);
    const both = [
      ...theirs,
      { name: 'default.web.node1', resourceVersion: '10', node: 'node1', service: 'default/web' },
    ];
    expect(reportsFor('node1', 'layer2', own, both, everyoneAlive, r)).toEqual({ events: [], writes: [], deletes: [] });
    expect(reportsFor('node1', 'layer2', [], both, everyoneAlive, r)).toEqual({
      events: [],
      writes: [],
      deletes: [{ name: 'default.web.node1', resourceVersion: '10' }],
    });
    expect(reportsFor('node1', 'layer2', own, theirs, everyoneAlive, r).events).toHaveLength(1);
  });

  it("deletes this node's stale statuses and any whose Service is gone, with their resourceVersion", () => {
    const existing = [
      { name: 'default.web.node1', resourceVersion: '3', node: 'node1', service: 'default/web' },
      { name: 'game.tcp.node2', resourceVersion: '4', node: 'node2', service: 'game/tcp' },
      { name: 'old.gone.node2', resourceVersion: '7', node: 'node2', service: 'old/gone' },
    ];
    expect(reportsFor('node1', 'layer2', [], existing, everyoneAlive, fresh()).deletes).toEqual([
      { name: 'default.web.node1', resourceVersion: '3' },
      { name: 'old.gone.node2', resourceVersion: '7' },
    ]);
  });
});

describe("a dead speaker's statuses: exactly one live node deletes them", () => {
  const web = (node: string, resourceVersion = '7'): ExistingStatus => ({
    name: statusNameOf('default/web', node),
    resourceVersion,
    node,
    service: 'default/web',
  });
  const answering = [{ key: 'default/web', fields: eth0 }];
  type Case = [
    what: string,
    self: string,
    live: string[],
    announcers: Record<string, string[]>,
    own: typeof answering,
    existing: ExistingStatus[],
    deleted: string[],
  ];
  it.each<Case>([
    [
      'the node now announcing the Service deletes the dead node3 status, once it answers',
      'node1',
      ['node1', 'node2'],
      { 'default/web': ['node1'] },
      answering,
      [web('node3'), web('node1', '9')],
      ['default.web.node3'],
    ],
    [
      'a live node that does not announce the Service leaves it to the one that does',
      'node2',
      ['node1', 'node2'],
      { 'default/web': ['node1'] },
      [],
      [web('node3')],
      [],
    ],
    [
      'the announcer still probing (not answering yet) waits, so the status goes when the new one is written',
      'node1',
      ['node1', 'node2'],
      { 'default/web': ['node1'] },
      [],
      [web('node3')],
      [],
    ],
    [
      'no node announces the Service: the first live node by name deletes',
      'node1',
      ['node1', 'node2'],
      {},
      [],
      [web('node3')],
      ['default.web.node3'],
    ],
    ['... and no other live node does', 'node2', ['node1', 'node2'], {}, [], [web('node3')], []],
    [
      'IPs of one Service on two nodes: the first of them by name deletes',
      'node1',
      ['node1', 'node2'],
      { 'default/web': ['node1', 'node2'] },
      answering,
      [web('node3')],
      ['default.web.node3'],
    ],
    [
      '... not the second',
      'node2',
      ['node1', 'node2'],
      { 'default/web': ['node1', 'node2'] },
      answering,
      [web('node3')],
      [],
    ],
    [
      "a live node's status is its own business, even while another node announces the Service",
      'node1',
      ['node1', 'node2', 'node3'],
      { 'default/web': ['node1'] },
      answering,
      [web('node3')],
      [],
    ],
    [
      'a dead node whose Service is gone: deleted once, as any status of a gone Service',
      'node1',
      ['node1'],
      {},
      [],
      [{ name: 'old.gone.node3', resourceVersion: '2', node: 'node3', service: 'old/gone' }],
      ['old.gone.node3'],
    ],
  ])('%s', (_what, self, live, announcers, own, existing, deleted) => {
    const scope: ReportScope = { services, live: new Set(live), announcers: new Map(Object.entries(announcers)) };
    expect(reportsFor(self, 'layer2', own, existing, scope, fresh()).deletes.map((d) => d.name)).toEqual(deleted);
  });

  it('every speaker computes the same deleter: over each case of live nodes, exactly one deletes', () => {
    const live = ['node1', 'node2', 'node4'];
    for (const announcers of [[], ['node2'], ['node1', 'node4']]) {
      const deleters = live.filter((self) => {
        const scope: ReportScope = {
          services,
          live: new Set(live),
          announcers: new Map(announcers.length ? [['default/web', announcers]] : []),
        };
        const own = announcers.includes(self) ? answering : [];
        return reportsFor(self, 'layer2', own, [web('node3')], scope, fresh()).deletes.length > 0;
      });
      expect(deleters).toHaveLength(1);
    }
  });
});

describe('announcersOf: which nodes the plan has announcing each Service', () => {
  const ip = mustParseIP;
  it('this node for its rows, the owner named in every notOwner reason, nobody for IPs no node announces', () => {
    const plan: ModePlan<Announcement> = {
      announce: new Map([['198.51.100.200', { ip: ip('198.51.100.200'), services: ['default/web'] }]]),
      skip: new Map([
        ['2001:db8:1::200', { services: ['default/web'], reason: { code: 'notOwner', owner: 'node0' } }],
        ['198.51.100.201', { services: ['game/tcp', 'game/udp'], reason: { code: 'notOwner', owner: 'node3' } }],
        ['198.51.100.9', { services: ['default/x'], reason: { code: 'notInAnyPool', ip: ip('198.51.100.9') } }],
      ]),
    };
    expect(Object.fromEntries(announcersOf('node2', plan))).toEqual({
      'default/web': ['node0', 'node2'],
      'game/tcp': ['node3'],
      'game/udp': ['node3'],
    });
  });

  it('the owner a groupSplit reason names (an IP of a group that could not share one node) announces it too', () => {
    const plan: ModePlan<Announcement> = {
      announce: new Map([['198.51.100.200', { ip: ip('198.51.100.200'), services: ['default/dual'] }]]),
      skip: new Map([
        [
          '2001:db8:1::200',
          {
            services: ['default/dual'],
            reason: { code: 'groupSplit', owner: 'node3', ips: [ip('198.51.100.200'), ip('2001:db8:1::200')] },
          },
        ],
      ]),
    };
    expect(Object.fromEntries(announcersOf('node1', plan))).toEqual({ 'default/dual': ['node1', 'node3'] });
  });
});

describe('isOwnEcho: a status event that needs no plan', () => {
  const written = JSON.stringify({ node: 'n1', serviceName: 'web', serviceNamespace: 'default', peers: ['a', 'b'] });

  it('the status this speaker wrote, in any key order', () => {
    expect(isOwnEcho(written, { node: 'n1', serviceName: 'web', serviceNamespace: 'default', peers: ['a', 'b'] })).toBe(
      true,
    );
    expect(isOwnEcho(written, { peers: ['a', 'b'], serviceNamespace: 'default', serviceName: 'web', node: 'n1' })).toBe(
      true,
    );
  });

  it('the object our write created, before its status patch arrives', () => {
    expect(isOwnEcho(written, undefined)).toBe(true);
  });

  it('anything else: changed by someone, another order of a list, a status never written, not an object', () => {
    expect(isOwnEcho(written, { node: 'n1', serviceName: 'web', serviceNamespace: 'default', peers: ['a'] })).toBe(
      false,
    );
    expect(isOwnEcho(written, { node: 'n1', serviceName: 'web', serviceNamespace: 'default', peers: ['b', 'a'] })).toBe(
      false,
    );
    expect(isOwnEcho(written, { node: 'n1', serviceName: 'web', serviceNamespace: 'default' })).toBe(false);
    expect(isOwnEcho(undefined, { node: 'n1' })).toBe(false);
    expect(isOwnEcho(undefined, undefined)).toBe(false);
    expect(isOwnEcho(written, null)).toBe(false);
    expect(isOwnEcho(written, 'text')).toBe(false);
    expect(isOwnEcho('not json', {})).toBe(false);
  });
});
