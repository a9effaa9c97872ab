import { reportsFor, statusNameOf, type Reported } from './reports';

const fresh = (): Reported => ({ told: new Set(), written: new Map() });
const services = new Set(['default/web', 'game/tcp', 'game/udp']);
const eth0 = { interfaces: [{ name: 'eth0' }] };

describe('reportsFor', () => {
  it('tells each Service once when this node starts announcing it, and writes its status once', () => {
    const r = fresh();
    const own = [
      { key: 'game/tcp', fields: eth0 },
      { key: 'game/udp', fields: eth0 },
    ];
    const first = reportsFor('node2', 'layer2', own, [], services, r);
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
    expect(reportsFor('node2', 'layer2', own, existing, services, r)).toEqual({ events: [], writes: [], deletes: [] });
  });

  it("writes its own status beside another node's (dual-stack IPs on two nodes), tells again after losing and winning back", () => {
    const r = fresh();
    const own = [{ key: 'default/web', fields: eth0 }];
    const theirs = [{ name: 'default.web.node3', resourceVersion: '9', node: 'node3', service: 'default/web' }];
    expect(reportsFor('node1', 'layer2', own, theirs, services, r).writes.map((w) => w.name)).toEqual([
      'default.web.node1',
    ]);
    const both = [
      ...theirs,
      { name: 'default.web.node1', resourceVersion: '10', node: 'node1', service: 'default/web' },
    ];
    expect(reportsFor('node1', 'layer2', own, both, services, r)).toEqual({ events: [], writes: [], deletes: [] });
    expect(reportsFor('node1', 'layer2', [], both, services, r)).toEqual({
      events: [],
      writes: [],
      deletes: [{ name: 'default.web.node1', resourceVersion: '10' }],
    });
    expect(reportsFor('node1', 'layer2', own, theirs, services, r).events).toHaveLength(1);
  });

  it("deletes this node's stale statuses and any whose Service is gone, with their resourceVersion", () => {
    const existing = [
      { name: 'default.web.node1', resourceVersion: '3', node: 'node1', service: 'default/web' },
      { name: 'game.tcp.node2', resourceVersion: '4', node: 'node2', service: 'game/tcp' },
      { name: 'old.gone.node2', resourceVersion: '7', node: 'node2', service: 'old/gone' },
    ];
    expect(reportsFor('node1', 'layer2', [], existing, services, fresh()).deletes).toEqual([
      { name: 'default.web.node1', resourceVersion: '3' },
      { name: 'old.gone.node2', resourceVersion: '7' },
    ]);
  });
});
