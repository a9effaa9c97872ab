import { mustParseIP } from '@ironlb/shared';
import { DEFAULT_AFFINITY_SEC, dataplaneEndpointsOf, dataplaneServiceOf } from './input';

const svc = (spec: Record<string, unknown>): unknown => ({
  metadata: { namespace: 'ns', name: 'web' },
  spec: { type: 'LoadBalancer', ports: [{ name: 'http', protocol: 'TCP', port: 80 }], ...spec },
});

describe('dataplaneServiceOf', () => {
  it('a plain LoadBalancer Service: its ports, Cluster, no affinity, no ranges', () => {
    expect(dataplaneServiceOf(svc({}), 'ironlb')).toEqual({
      key: 'ns/web',
      ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
      local: false,
      sourceRanges: [],
    });
  });

  it('not LoadBalancer, or another class: not ours; our class or none: ours', () => {
    expect(dataplaneServiceOf(svc({ type: 'ClusterIP' }), 'ironlb')).toBeUndefined();
    expect(dataplaneServiceOf(svc({ loadBalancerClass: 'other' }), 'ironlb')).toBeUndefined();
    expect(dataplaneServiceOf(svc({ loadBalancerClass: 'ironlb' }), 'ironlb')?.key).toBe('ns/web');
    expect(dataplaneServiceOf(null, 'ironlb')).toBeUndefined();
  });

  it('ports: protocol TCP when absent; an unnamed port is ""; bad protocols and numbers left out', () => {
    const s = dataplaneServiceOf(
      svc({
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 9610 },
          { port: 38412, protocol: 'SCTP', name: 'ngap' },
          { port: 80, protocol: 'ICMP' },
          { port: 0 },
          { port: 65536 },
          { port: '80' },
          { port: 8.5 },
          'junk',
        ],
      }),
      'ironlb',
    );
    expect(s?.ports).toEqual([
      { name: '', protocol: 'UDP', port: 53 },
      { name: '', protocol: 'TCP', port: 9610 },
      { name: 'ngap', protocol: 'SCTP', port: 38412 },
    ]);
  });

  it('ports 1 and 65535 are ports', () => {
    const s = dataplaneServiceOf(svc({ ports: [{ port: 1 }, { port: 65535, protocol: 'UDP' }] }), 'ironlb');
    expect(s?.ports).toEqual([
      { name: '', protocol: 'TCP', port: 1 },
      { name: '', protocol: 'UDP', port: 65535 },
    ]);
  });

  it('a ClientIP timeout that is no number: the 3 h default', () => {
    const s = dataplaneServiceOf(
      svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: '60' } } }),
      'ironlb',
    );
    expect(s?.affinitySec).toBe(DEFAULT_AFFINITY_SEC);
  });

  it('no namespace or name: empty parts of the key, never a crash', () => {
    expect(dataplaneServiceOf({ spec: { type: 'LoadBalancer' } }, 'ironlb')).toEqual({
      key: '/',
      ports: [],
      local: false,
      sourceRanges: [],
    });
  });

  it('Local policy; ClientIP affinity with its timeout or the 3 h default; ranges as strings', () => {
    const s = dataplaneServiceOf(
      svc({
        externalTrafficPolicy: 'Local',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
        loadBalancerSourceRanges: ['198.51.100.0/24', 7],
      }),
      'ironlb',
    );
    expect(s).toMatchObject({ local: true, affinitySec: 60, sourceRanges: ['198.51.100.0/24'] });
    expect(dataplaneServiceOf(svc({ sessionAffinity: 'ClientIP' }), 'ironlb')?.affinitySec).toBe(DEFAULT_AFFINITY_SEC);
    expect(DEFAULT_AFFINITY_SEC).toBe(10800);
    expect(
      dataplaneServiceOf(
        svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }),
        'ironlb',
      )?.affinitySec,
    ).toBe(DEFAULT_AFFINITY_SEC);
    expect(dataplaneServiceOf(svc({ sessionAffinity: 'None' }), 'ironlb')).not.toHaveProperty('affinitySec');
  });
});

describe('dataplaneEndpointsOf', () => {
  const slice = (
    endpoints: unknown[],
    ports: unknown[] = [{ name: 'http', protocol: 'TCP', port: 8080 }],
  ): unknown => ({
    metadata: { namespace: 'ns', name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports,
    endpoints,
  });

  it('each endpoint with the slice ports, its node and the API defaults for conditions', () => {
    expect(dataplaneEndpointsOf(slice([{ addresses: ['203.0.113.18'], nodeName: 'node1' }]))).toEqual([
      {
        service: 'ns/web',
        address: mustParseIP('203.0.113.18'),
        nodeName: 'node1',
        ready: true,
        serving: true,
        terminating: false,
        ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it('conditions as given; serving follows ready when absent', () => {
    const eps = dataplaneEndpointsOf(
      slice([
        { addresses: ['203.0.113.18'], conditions: { ready: false } },
        { addresses: ['203.0.113.19'], conditions: { ready: false, serving: true, terminating: true } },
      ]),
    );
    expect(eps.map((e) => [e.ready, e.serving, e.terminating])).toEqual([
      [false, false, false],
      [false, true, true],
    ]);
    expect(eps[0]).not.toHaveProperty('nodeName');
  });

  it('no service label: nothing; no or a bad address: that endpoint left out; the first address taken', () => {
    expect(dataplaneEndpointsOf({ endpoints: [{ addresses: ['203.0.113.18'] }] })).toEqual([]);
    const eps = dataplaneEndpointsOf(
      slice([{ addresses: [] }, { addresses: ['nope'] }, {}, { addresses: ['2001:db8:100:1::2', '203.0.113.5'] }]),
    );
    expect(eps.map((e) => e.address)).toEqual([mustParseIP('2001:db8:100:1::2')]);
  });

  it("an unnamed slice port is '' (a Service's only port, unnamed); a slice without namespace keys as '/name'", () => {
    const eps = dataplaneEndpointsOf({
      metadata: { labels: { 'kubernetes.io/service-name': 'dns' } },
      ports: [{ protocol: 'UDP', port: 5353 }],
      endpoints: [{ addresses: ['203.0.113.18'] }],
    });
    expect(eps.map((e) => [e.service, e.ports])).toEqual([['/dns', [{ name: '', protocol: 'UDP', port: 5353 }]]]);
  });

  it('slice ports: UDP kept, a bad port left out', () => {
    const eps = dataplaneEndpointsOf(
      slice(
        [{ addresses: ['203.0.113.18'] }],
        [
          { name: 'dns', protocol: 'UDP', port: 5353 },
          { name: 'x', port: -1 },
        ],
      ),
    );
    expect(eps[0].ports).toEqual([{ name: 'dns', protocol: 'UDP', port: 5353 }]);
  });
});
