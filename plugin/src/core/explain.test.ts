import { explain, type ExplainFacts } from './explain';
import { explainText } from './render';
import type { RawObject } from './raw';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

const svc = (
  name: string,
  extra: { annotations?: object; spec?: object; ips?: string[]; ns?: string } = {},
): RawObject => ({
  metadata: { name, namespace: extra.ns ?? 'default', uid: `uid-${name}`, annotations: extra.annotations ?? {} },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }], ipFamilies: ['IPv4'], ...extra.spec },
  status: { loadBalancer: { ingress: (extra.ips ?? []).map((ip) => ({ ip, ipMode: 'VIP' })) } },
});

const event = (
  name: string,
  reason: string,
  message: string,
  secondsAgo: number,
  component = 'ironlb-controller',
): RawObject => ({
  metadata: { name: `${name}.${reason}`, namespace: 'default' },
  involvedObject: { kind: 'Service', name, namespace: 'default', uid: `uid-${name}` },
  type: reason === 'IPAllocated' || reason === 'nodeAssigned' ? 'Normal' : 'Warning',
  reason,
  message,
  source: { component },
  lastTimestamp: ago(secondsAgo),
  count: 1,
});

const pool: RawObject = {
  metadata: { name: 'default-pool', namespace: 'ironlb-system', creationTimestamp: ago(600) },
  spec: { addresses: ['198.51.100.200-198.51.100.239'] },
  status: { assignedIPv4: 2, assignedIPv6: 0, availableIPv4: 38, availableIPv6: 0 },
};

const facts = (service: RawObject, more: Partial<ExplainFacts> = {}): ExplainFacts => ({
  service,
  namespaceLabels: {},
  lbClass: 'ironlb.io/ironlb',
  pools: [pool],
  services: [service],
  events: [],
  l2Statuses: [],
  bgpStatuses: [],
  leases: [],
  now: NOW,
  ...more,
});

describe('explain', () => {
  it('leaves a ClusterIP Service and another class alone, saying why', () => {
    expect(explain(facts(svc('a', { spec: { type: 'ClusterIP' } })))).toMatchObject({
      verdict: 'ignored',
      ignoredBecause: 'spec.type is not LoadBalancer',
    });
    expect(explain(facts(svc('a', { spec: { loadBalancerClass: 'other.io/lb' } })))).toMatchObject({
      verdict: 'ignored',
      ignoredBecause: 'spec.loadBalancerClass is "other.io/lb", not "ironlb.io/ironlb"',
    });
  });

  it('names the field the controller cannot read', () => {
    const x = explain(facts(svc('a', { annotations: { 'ironlb.io/loadBalancerIPs': 'nope' } })));
    expect(x).toMatchObject({
      verdict: 'invalid',
      invalid: { field: 'metadata.annotations[ironlb.io/loadBalancerIPs]', message: '"nope" is not an IP address' },
    });
  });

  it('gives the pool, its usage, and the other Services on the IP with their keys; ours win over the aliases', () => {
    const key = { 'ironlb.io/allow-shared-ip': 'k', 'metallb.universe.tf/allow-shared-ip': 'old' };
    const a = svc('a', { annotations: key, ips: ['198.51.100.210'] });
    const b = svc('b', { annotations: { 'metallb.io/allow-shared-ip': 'k' }, ips: ['198.51.100.210'], ns: 'other' });
    const x = explain(facts(a, { services: [b, a, svc('c', { ips: ['198.51.100.211'] })] }));
    expect(x.verdict).toBe('assigned');
    expect(x.sharingKey).toEqual({ value: 'k', from: 'annotation ironlb.io/allow-shared-ip' });
    expect(x.addresses).toEqual([
      {
        ip: '198.51.100.210',
        family: 'IPv4',
        pool: expect.objectContaining({ name: 'default-pool', inUse: 2, available: 38, counted: true }),
        sharedWith: [{ service: 'other/b', sharingKey: 'k' }],
      },
    ]);
  });

  it('takes the last verdict Event for a refusal, with its code, and ignores other components and Services', () => {
    const a = svc('a', { spec: { loadBalancerIP: '203.0.113.9' } });
    const failed = 'Failed to allocate IP for "default/a": "203.0.113.9" is not allowed in config';
    const x = explain(
      facts(a, {
        events: [
          event('a', 'IPAllocated', 'Assigned IP ["198.51.100.200"]', 300),
          event('a', 'AllocationFailed', failed, 60),
          event('a', 'AllocationFailed', 'someone else', 10, 'other-controller'),
          event('b', 'AllocationFailed', 'not about a', 5),
        ],
      }),
    );
    expect(x.verdict).toBe('refused');
    expect(x.requestedIPs).toEqual({ values: ['203.0.113.9'], from: 'spec.loadBalancerIP' });
    expect(x.refusal).toEqual({
      reason: 'AllocationFailed',
      code: 'notInAnyPool',
      message: failed,
      at: ago(60),
      count: 1,
    });
  });

  it("reads a refusal from the Service's ironlb.io/IPAllocated condition, whose reason is the code, Event or not", () => {
    const refused = (reason: string, message: string, since: unknown): RawObject => ({
      ...svc('a'),
      status: {
        loadBalancer: {},
        conditions: [
          { type: 'other.io/Ready', status: 'True', reason: 'Fine', message: '' },
          { type: 'ironlb.io/IPAllocated', status: 'False', reason, message, lastTransitionTime: since },
        ],
      },
    });
    const words = 'Failed to allocate IP for "default/a": "203.0.113.9" is not allowed in config';
    // The Events aged out: the condition alone; client-node gives the time as a Date.
    expect(explain(facts(refused('notInAnyPool', words, new Date(NOW - 7200_000)))).refusal).toEqual({
      reason: 'AllocationFailed',
      code: 'notInAnyPool',
      message: words,
      at: ago(7200),
      count: 1,
    });
    // With the Event of the same words, its count.
    const repeated = { ...event('a', 'AllocationFailed', words, 5), count: 4 };
    expect(explain(facts(refused('notInAnyPool', words, ago(60)), { events: [repeated] })).refusal).toEqual({
      reason: 'AllocationFailed',
      code: 'notInAnyPool',
      message: words,
      at: ago(60),
      count: 4,
    });
    // InvalidService is no allocator code; a reason no version of ours wrote has none either.
    expect(explain(facts(refused('InvalidService', 'spec.ports: bad', ago(1)))).refusal).toEqual({
      reason: 'InvalidService',
      message: 'spec.ports: bad',
      at: ago(1),
      count: 1,
    });
    expect(explain(facts(refused('SomethingElse', 'x', undefined))).refusal).toEqual({
      reason: 'AllocationFailed',
      message: 'x',
      count: 1,
    });
    // True, or an IP shown: no refusal.
    const allocated = refused('Allocated', 'Assigned IP ["198.51.100.200"]', ago(1));
    (allocated.status as { conditions: { status: string }[] }).conditions[1].status = 'True';
    expect(explain(facts(allocated)).verdict).toBe('pending');
  });

  it('is pending without an IP or a decision; a later IPAllocated clears an older refusal', () => {
    expect(explain(facts(svc('a'))).verdict).toBe('pending');
    const x = explain(
      facts(svc('a'), {
        events: [
          event('a', 'AllocationFailed', 'x', 60),
          event('a', 'IPAllocated', 'Assigned IP ["198.51.100.200"]', 30),
        ],
      }),
    );
    expect([x.verdict, x.refusal]).toEqual(['pending', undefined]);
  });

  it('keeps the warnings since the last assignment, and L2 conflicts', () => {
    const x = explain(
      facts(svc('a', { ips: ['198.51.100.200'] }), {
        events: [
          event(
            'a',
            'AllocationWarning',
            'pool "old" does not exist; the address comes from the auto-assign pools',
            90,
          ),
          event('a', 'IPAllocated', 'Assigned IP ["198.51.100.200"]', 80),
          event(
            'a',
            'AllocationWarning',
            'pool "gone" does not exist; the address comes from the auto-assign pools',
            70,
          ),
          event(
            'a',
            'L2Conflict',
            'another host (MAC 02:00:00:00:00:09) answers for 198.51.100.200',
            5,
            'ironlb-speaker',
          ),
        ],
      }),
    );
    expect(x.warnings.map((w) => [w.code, w.message.slice(0, 11)])).toEqual([['poolMissing', 'pool "gone"']]);
    expect(x.conflicts.map((c) => c.reason)).toEqual(['L2Conflict']);
  });

  it('lists the announcing nodes from the status objects, with their speakers alive or not', () => {
    const status = (node: string, fields: object): RawObject => ({
      metadata: { name: `default.a.${node}`, creationTimestamp: ago(120) },
      status: { node, serviceName: 'a', serviceNamespace: 'default', ...fields },
    });
    const lease = (node: string, renewedAgo: number): RawObject => ({
      metadata: { name: `ironlb-speaker-${node}` },
      spec: { holderIdentity: node, leaseDurationSeconds: 10, renewTime: ago(renewedAgo) },
    });
    const x = explain(
      facts(svc('a', { ips: ['198.51.100.200'] }), {
        l2Statuses: [
          status('n2', { interfaces: [{ name: 'eth0' }] }),
          { ...status('n9', {}), status: { node: 'n9', serviceName: 'b', serviceNamespace: 'default' } },
        ],
        bgpStatuses: [status('n1', { peers: ['r1'] })],
        leases: [lease('n1', 11), lease('n2', 1)],
      }),
    );
    expect(x.announcements).toEqual([
      { mode: 'bgp', node: 'n1', since: ago(120), families: ['IPv4'], peers: ['r1'], speakerAlive: false },
      { mode: 'layer2', node: 'n2', since: ago(120), families: ['IPv4'], interfaces: ['eth0'], speakerAlive: true },
    ]);
    expect(explainText(x, NOW)).toContain(
      [
        'Announced:',
        '  MODE     NODE   FAMILIES   SPEAKER     VIA               SINCE',
        '  bgp      n1     IPv4       not alive   peers r1          2m',
        '  layer2   n2     IPv4       alive       interfaces eth0   2m',
      ].join('\n'),
    );
  });
});
