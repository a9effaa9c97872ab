import { parseIP } from '@ironlb/shared';
import { endpointNodesOf, internalIPsOf, nodeViewOf, serviceViewOf } from './views';

const lb = (extra: Record<string, unknown> = {}, ingress: unknown = [{ ip: '198.51.100.200', ipMode: 'VIP' }]) => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { type: 'LoadBalancer', ...extra },
  status: { loadBalancer: { ingress } },
});

describe('serviceViewOf', () => {
  it('reads our LoadBalancer Services with their IPs and traffic policy', () => {
    expect(serviceViewOf(lb({ externalTrafficPolicy: 'Local' }), 'ironlb.io/ironlb')).toEqual({
      key: 'default/web',
      ips: [parseIP('198.51.100.200')],
      local: true,
    });
    expect(serviceViewOf(lb({ loadBalancerClass: 'ironlb.io/ironlb' }), 'ironlb.io/ironlb')?.local).toBe(false);
  });

  it('ignores other classes, other types, no IPs and garbage', () => {
    expect(serviceViewOf(lb({ loadBalancerClass: 'other.io/lb' }), 'ironlb.io/ironlb')).toBeUndefined();
    expect(serviceViewOf(lb({ type: 'ClusterIP' }), 'ironlb.io/ironlb')).toBeUndefined();
    expect(serviceViewOf(lb({}, []), 'ironlb.io/ironlb')).toBeUndefined();
    expect(serviceViewOf(lb({}, [{ hostname: 'x.example' }, { ip: 'nope' }]), 'ironlb.io/ironlb')).toBeUndefined();
    expect(serviceViewOf('junk', 'ironlb.io/ironlb')).toBeUndefined();
  });
});

describe('nodes', () => {
  it('reads name, labels, cordon and InternalIPs (IPv4 first)', () => {
    const node = {
      metadata: { name: 'node1', labels: { a: 'b', odd: 3 } },
      spec: { unschedulable: true },
      status: {
        addresses: [
          { type: 'InternalIP', address: '2001:db8:1::11' },
          { type: 'Hostname', address: 'node1' },
          { type: 'InternalIP', address: '198.51.100.11' },
        ],
      },
    };
    expect(nodeViewOf(node)).toEqual({ name: 'node1', labels: { a: 'b' }, unschedulable: true });
    expect(internalIPsOf(node)).toEqual(['198.51.100.11', '2001:db8:1::11']);
    expect(nodeViewOf({ metadata: {} })).toBeUndefined();
  });
});

describe('endpointNodesOf', () => {
  it('unions ready endpoints per Service over its slices; absent ready means ready', () => {
    const slice = (name: string, endpoints: unknown[]) => ({
      metadata: { name, namespace: 'game', labels: { 'kubernetes.io/service-name': 'tcp' } },
      endpoints,
    });
    const m = endpointNodesOf([
      slice('tcp-a', [
        { nodeName: 'node1', conditions: { ready: true } },
        { nodeName: 'node2', conditions: { ready: false } },
      ]),
      slice('tcp-b', [{ nodeName: 'node3' }, { conditions: { ready: true } }]),
      { metadata: { name: 'orphan', namespace: 'game' }, endpoints: [{ nodeName: 'node9' }] },
    ]);
    expect(m).toEqual(new Map([['game/tcp', new Set(['node1', 'node3'])]]));
  });
});
