import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { formatIP, type ServiceRequest } from '../ipam';
import { serviceRequestOf, type ServiceRequestResult } from './request';

const OPTS = { lbClass: 'ironlb.io/ironlb' };
const SEEDS = join(__dirname, '../../../scripts/fixtures/seeds');

const svc = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop', ...metadata },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
});

const annotated = (annotations: unknown, spec: Record<string, unknown> = {}): Record<string, unknown> =>
  svc(spec, { annotations });

function requestOf(result: ServiceRequestResult): ServiceRequest {
  if (result.kind !== 'request') throw new Error(`expected a request, got ${JSON.stringify(result)}`);
  return result.request;
}

const ips = (result: ServiceRequestResult): string[] => requestOf(result).requestedIPs.map(formatIP);

describe('serviceRequestOf: ignored', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'Service'],
    ['an array', [svc()]],
    ['no spec', { metadata: { name: 'x' } }],
    ['spec an array', { metadata: { name: 'x' }, spec: [] }],
    ['ClusterIP', svc({ type: 'ClusterIP' })],
    ['NodePort', svc({ type: 'NodePort' })],
    ['no type', svc({ type: undefined })],
    ['type of wrong case', svc({ type: 'loadbalancer' })],
    ['type a number', svc({ type: 1 })],
    ["another controller's class", svc({ loadBalancerClass: 'metallb.io/metallb' })],
  ])('%s', (_, input) => {
    expect(serviceRequestOf(input, {}, OPTS).kind).toBe('ignore');
  });

  it('serves only the class it is given', () => {
    expect(serviceRequestOf(svc({ loadBalancerClass: 'ours' }), {}, { lbClass: 'ours' }).kind).toBe('request');
    expect(serviceRequestOf(svc({ loadBalancerClass: 'ironlb.io/ironlb' }), {}, { lbClass: 'ours' })).toEqual({
      kind: 'ignore',
      why: 'spec.loadBalancerClass is "ironlb.io/ironlb", not "ours"',
    });
  });
});

describe('serviceRequestOf: a full request', () => {
  it('reads every field and applies the defaults', () => {
    const result = serviceRequestOf(
      svc({ selector: { app: 'web' } }, { labels: { tier: 'front' } }),
      { env: 'prod' },
      OPTS,
    );
    expect(result).toEqual({
      kind: 'request',
      request: {
        key: 'shop/web',
        namespaceLabels: { env: 'prod' },
        labels: { tier: 'front' },
        ports: [{ port: 80, protocol: 'TCP' }],
        externalTrafficPolicy: 'Cluster',
        selector: { app: 'web' },
        requestedIPs: [],
        ipFamilyPolicy: 'SingleStack',
        ipFamilies: ['IPv4'],
      },
    });
    expect(Object.hasOwn(requestOf(result), 'sharingKey')).toBe(false);
    expect(Object.hasOwn(requestOf(result), 'requestedPool')).toBe(false);
  });

  it('takes the class it serves, explicit or absent', () => {
    expect(serviceRequestOf(svc({ loadBalancerClass: 'ironlb.io/ironlb' }), {}, OPTS).kind).toBe('request');
    expect(serviceRequestOf(svc({ loadBalancerClass: null }), {}, OPTS).kind).toBe('request');
  });

  it('puts a Service without a namespace into default, as kubectl does', () => {
    expect(requestOf(serviceRequestOf(svc({}, { namespace: undefined }), {}, OPTS)).key).toBe('default/web');
  });

  it('keeps every port, mixed protocols included', () => {
    const ports = [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
      { port: 3868, protocol: 'SCTP' },
    ];
    expect(requestOf(serviceRequestOf(svc({ ports }), {}, OPTS)).ports).toEqual(ports);
  });

  it('reads Local, dual-stack policies and families as given', () => {
    const r = requestOf(
      serviceRequestOf(
        svc({ externalTrafficPolicy: 'Local', ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] }),
        {},
        OPTS,
      ),
    );
    expect([r.externalTrafficPolicy, r.ipFamilyPolicy, r.ipFamilies]).toEqual([
      'Local',
      'RequireDualStack',
      ['IPv6', 'IPv4'],
    ]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an IPv6 clusterIP', { clusterIP: 'fd00::10' }, ['IPv6']],
    ['an IPv6 first clusterIPs entry', { clusterIPs: ['fd00::10', '10.0.0.1'], clusterIP: 'fd00::10' }, ['IPv6']],
    ['an IPv4 clusterIP', { clusterIP: '10.96.0.10' }, ['IPv4']],
    ['a headless Service', { clusterIP: 'None' }, ['IPv4']],
    ['an empty ipFamilies', { ipFamilies: [], clusterIP: 'fd00::1' }, ['IPv6']],
  ])('without ipFamilies takes the family of %s', (_, spec, families) => {
    expect(requestOf(serviceRequestOf(svc(spec), {}, OPTS)).ipFamilies).toEqual(families);
  });

  it('reads an empty selector as none', () => {
    expect(requestOf(serviceRequestOf(svc({ selector: {} }), {}, OPTS)).selector).toBeUndefined();
  });

  it('keeps a label whose key happens to be "kind"', () => {
    expect(requestOf(serviceRequestOf(svc({ selector: { kind: 'invalid' } }), {}, OPTS)).selector).toEqual({
      kind: 'invalid',
    });
  });
});

describe('serviceRequestOf: annotations', () => {
  it.each<[string, Record<string, string>, string | undefined]>([
    ['ours', { 'ironlb.io/address-pool': 'a' }, 'a'],
    ['metallb.io', { 'metallb.io/address-pool': 'b' }, 'b'],
    ['metallb.universe.tf', { 'metallb.universe.tf/address-pool': 'c' }, 'c'],
    [
      'ours over both aliases',
      { 'metallb.universe.tf/address-pool': 'c', 'metallb.io/address-pool': 'b', 'ironlb.io/address-pool': 'a' },
      'a',
    ],
    [
      'metallb.io over metallb.universe.tf',
      { 'metallb.universe.tf/address-pool': 'c', 'metallb.io/address-pool': 'b' },
      'b',
    ],
    [
      'an empty ours switching an alias off',
      { 'ironlb.io/address-pool': '', 'metallb.io/address-pool': 'b' },
      undefined,
    ],
    ['trimmed', { 'ironlb.io/address-pool': ' a ' }, 'a'],
  ])('address-pool: %s', (_, annotations, pool) => {
    expect(requestOf(serviceRequestOf(annotated(annotations), {}, OPTS)).requestedPool).toBe(pool);
  });

  it.each<[string, Record<string, string>, string | undefined]>([
    ['ours', { 'ironlb.io/allow-shared-ip': 'k' }, 'k'],
    [
      'metallb.io over metallb.universe.tf',
      { 'metallb.universe.tf/allow-shared-ip': 'old', 'metallb.io/allow-shared-ip': 'new' },
      'new',
    ],
    ['empty means no sharing', { 'ironlb.io/allow-shared-ip': '' }, undefined],
  ])('allow-shared-ip: %s', (_, annotations, key) => {
    expect(requestOf(serviceRequestOf(annotated(annotations), {}, OPTS)).sharingKey).toBe(key);
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['one IPv4', { 'ironlb.io/loadBalancerIPs': '198.51.100.7' }, ['198.51.100.7']],
    [
      'one per family, trimmed',
      { 'ironlb.io/loadBalancerIPs': ' 198.51.100.7 , 2001:db8::7 ' },
      ['198.51.100.7', '2001:db8::7'],
    ],
    ['the metallb.universe.tf spelling', { 'metallb.universe.tf/loadBalancerIPs': '2001:db8::7' }, ['2001:db8::7']],
    [
      'ours over metallb.io',
      { 'metallb.io/loadBalancerIPs': '198.51.100.1', 'ironlb.io/loadBalancerIPs': '198.51.100.2' },
      ['198.51.100.2'],
    ],
  ])('loadBalancerIPs: %s', (_, annotations, expected) => {
    expect(ips(serviceRequestOf(annotated(annotations), {}, OPTS))).toEqual(expected);
  });

  it('honours spec.loadBalancerIP, and an empty one as none', () => {
    expect(ips(serviceRequestOf(svc({ loadBalancerIP: '4.3.2.1' }), {}, OPTS))).toEqual(['4.3.2.1']);
    expect(ips(serviceRequestOf(svc({ loadBalancerIP: '' }), {}, OPTS))).toEqual([]);
  });
});

describe('serviceRequestOf: invalid', () => {
  const IPS = 'metadata.annotations[ironlb.io/loadBalancerIPs]';
  it.each<[string, unknown, string, string]>([
    [
      'the annotation and spec.loadBalancerIP together',
      annotated({ 'metallb.io/loadBalancerIPs': '198.51.100.1' }, { loadBalancerIP: '198.51.100.1' }),
      'spec.loadBalancerIP',
      'metallb.io/loadBalancerIPs',
    ],
    ['an unparseable IP', annotated({ 'ironlb.io/loadBalancerIPs': '198.51.100.300' }), IPS, '198.51.100.300'],
    ['an IP with a leading zero', annotated({ 'ironlb.io/loadBalancerIPs': '198.51.100.07' }), IPS, '198.51.100.07'],
    ['a CIDR', annotated({ 'ironlb.io/loadBalancerIPs': '198.51.100.0/24' }), IPS, '198.51.100.0/24'],
    ['two IPv4', annotated({ 'ironlb.io/loadBalancerIPs': '198.51.100.1,198.51.100.2' }), IPS, '198.51.100.2'],
    ['two IPv6', annotated({ 'ironlb.io/loadBalancerIPs': '2001:db8::1, 2001:db8::2' }), IPS, '2001:db8::2'],
    ['an empty entry', annotated({ 'ironlb.io/loadBalancerIPs': '198.51.100.1,' }), IPS, 'empty entry'],
    ['an empty annotation', annotated({ 'ironlb.io/loadBalancerIPs': '' }), IPS, 'empty entry'],
    [
      'an alias with a bad IP',
      annotated({ 'metallb.universe.tf/loadBalancerIPs': 'x' }),
      'metadata.annotations[metallb.universe.tf/loadBalancerIPs]',
      '"x"',
    ],
    ['an unparseable spec.loadBalancerIP', svc({ loadBalancerIP: 'nope' }), 'spec.loadBalancerIP', 'nope'],
    ['spec.loadBalancerIP a number', svc({ loadBalancerIP: 7 }), 'spec.loadBalancerIP', 'integer'],
    ['no ports', svc({ ports: undefined }), 'spec.ports', 'at least one port'],
    ['empty ports', svc({ ports: [] }), 'spec.ports', 'at least one port'],
    ['ports an object', svc({ ports: { port: 80 } }), 'spec.ports', 'object'],
    ['a port that is null', svc({ ports: [null] }), 'spec.ports[0]', 'null'],
    ['a port number as text', svc({ ports: [{ port: '80' }] }), 'spec.ports[0].port', '"80"'],
    ['port 0', svc({ ports: [{ port: 0 }] }), 'spec.ports[0].port', 'got 0'],
    ['port 65536', svc({ ports: [{ port: 80 }, { port: 65536 }] }), 'spec.ports[1].port', 'integer'],
    ['a fractional port', svc({ ports: [{ port: 80.5 }] }), 'spec.ports[0].port', 'got 80.5'],
    ['an unknown protocol', svc({ ports: [{ port: 80, protocol: 'ICMP' }] }), 'spec.ports[0].protocol', '"ICMP"'],
    ['a protocol in lower case', svc({ ports: [{ port: 80, protocol: 'tcp' }] }), 'spec.ports[0].protocol', '"tcp"'],
    ['a bad traffic policy', svc({ externalTrafficPolicy: 'Global' }), 'spec.externalTrafficPolicy', 'Global'],
    ['a traffic policy that is a number', svc({ externalTrafficPolicy: 1 }), 'spec.externalTrafficPolicy', 'got 1'],
    ['a bad family policy', svc({ ipFamilyPolicy: 'DualStack' }), 'spec.ipFamilyPolicy', 'DualStack'],
    ['ipFamilies a string', svc({ ipFamilies: 'IPv4' }), 'spec.ipFamilies', 'string'],
    ['an unknown family', svc({ ipFamilies: ['IPv4', 'IPv5'] }), 'spec.ipFamilies[1]', 'IPv5'],
    ['a selector array', svc({ selector: ['app'] }), 'spec.selector', 'array'],
    ['a selector value that is a number', svc({ selector: { app: 1 } }), 'spec.selector[app]', 'integer'],
    ['labels a string', svc({}, { labels: 'app=web' }), 'metadata.labels', 'string'],
    ['a label value that is null', svc({}, { labels: { app: null } }), 'metadata.labels[app]', 'null'],
    ['annotations an array', annotated([]), 'metadata.annotations', 'array'],
    [
      'an annotation that is a number',
      annotated({ 'metallb.io/allow-shared-ip': 5 }),
      'metadata.annotations[metallb.io/allow-shared-ip]',
      'integer',
    ],
    [
      'a pool annotation that is an object',
      annotated({ 'ironlb.io/address-pool': {} }),
      'metadata.annotations[ironlb.io/address-pool]',
      'object',
    ],
    ['no metadata', { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } }, 'metadata', 'undefined'],
    [
      'metadata a string',
      { metadata: 'web', spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
      'metadata',
      'string',
    ],
    ['no name', svc({}, { name: undefined }), 'metadata.name', 'undefined'],
    ['an empty name', svc({}, { name: '' }), 'metadata.name', 'string'],
    ['a namespace that is a number', svc({}, { namespace: 3 }), 'metadata.namespace', 'integer'],
    ['a class that is a number', svc({ loadBalancerClass: 1 }), 'spec.loadBalancerClass', 'integer'],
  ])('%s', (_, input, field, inMessage) => {
    const result = serviceRequestOf(input, {}, OPTS);
    expect(result).toEqual({ kind: 'invalid', field, message: expect.stringContaining(inMessage) });
  });

  it('says both are set and names the annotation', () => {
    expect(
      serviceRequestOf(
        annotated({ 'ironlb.io/loadBalancerIPs': '198.51.100.1' }, { loadBalancerIP: '198.51.100.2' }),
        {},
        OPTS,
      ),
    ).toEqual({
      kind: 'invalid',
      field: 'spec.loadBalancerIP',
      message: 'both spec.loadBalancerIP and the ironlb.io/loadBalancerIPs annotation are set; use only the annotation',
    });
  });

  it('returns a plain object, not an internal class', () => {
    const result = serviceRequestOf(svc({ ports: [] }), {}, OPTS);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});

describe('serviceRequestOf: never throws', () => {
  const garbage: unknown[] = [null, undefined, 0, -1, 1.5, NaN, '', 'x', true, [], [1], {}, { a: 1 }, [null], () => 1];
  const paths: ((g: unknown) => unknown)[] = [
    (g) => g,
    (g) => ({ ...svc(), spec: g }),
    (g) => ({ ...svc(), metadata: g }),
    (g) => svc({ ports: g }),
    (g) => svc({ ports: [g] }),
    (g) => svc({ ports: [{ port: g }] }),
    (g) => svc({ ports: [{ port: 80, protocol: g }] }),
    (g) => svc({ selector: g }),
    (g) => svc({ selector: { app: g } }),
    (g) => svc({ externalTrafficPolicy: g }),
    (g) => svc({ ipFamilyPolicy: g }),
    (g) => svc({ ipFamilies: g }),
    (g) => svc({ ipFamilies: [g] }),
    (g) => svc({ clusterIP: g }),
    (g) => svc({ clusterIPs: g }),
    (g) => svc({ clusterIPs: [g] }),
    (g) => svc({ loadBalancerIP: g }),
    (g) => svc({ loadBalancerClass: g }),
    (g) => svc({ type: g }),
    (g) => svc({}, { name: g }),
    (g) => svc({}, { namespace: g }),
    (g) => svc({}, { labels: g }),
    (g) => svc({}, { labels: { app: g } }),
    (g) => svc({}, { annotations: g }),
    (g) => annotated({ 'ironlb.io/address-pool': g }),
    (g) => annotated({ 'metallb.io/allow-shared-ip': g }),
    (g) => annotated({ 'metallb.universe.tf/loadBalancerIPs': g }),
  ];
  it.each(paths.map((p, i) => [i, p] as const))('garbage at path %i', (_, path) => {
    for (const g of garbage) {
      const result = serviceRequestOf(path(g), {}, OPTS);
      expect(['ignore', 'invalid', 'request']).toContain(result.kind);
    }
  });
});

describe('serviceRequestOf: the seed fixtures', () => {
  const services = readdirSync(SEEDS)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(SEEDS, file), 'utf8'))
        .map((doc): unknown => doc.toJS())
        .filter(
          (o): o is Record<string, unknown> =>
            typeof o === 'object' && o !== null && 'kind' in o && o.kind === 'Service',
        )
        .map((o) => ({ file, o })),
    );
  const byKey = new Map(
    services
      .map(({ o }) => serviceRequestOf(o, {}, OPTS))
      .flatMap((r) => (r.kind === 'request' ? [[r.request.key, r.request] as const] : [])),
  );

  it('finds the Services', () => {
    expect(services.length).toBeGreaterThanOrEqual(10);
  });

  it.each(services.map(({ file, o }) => [file, o] as const))(
    '%s: every LoadBalancer is a request, others ignored',
    (_, o) => {
      const spec = o.spec as Record<string, unknown>;
      expect(serviceRequestOf(o, {}, OPTS).kind).toBe(spec.type === 'LoadBalancer' ? 'request' : 'ignore');
    },
  );

  it('seed 000: the split pair shares key acserver-service on 192.168.1.144', () => {
    for (const name of ['acserver1-service-tcp', 'acserver1-service-udp']) {
      const r = byKey.get(`acserver/${name}`);
      expect(r?.sharingKey).toBe('acserver-service');
      expect(r?.requestedIPs.map(formatIP)).toEqual(['192.168.1.144']);
    }
    expect(byKey.get('acserver/acserver1-service-udp')?.ports).toEqual([{ port: 9610, protocol: 'UDP' }]);
  });

  it('seed 000: the mixed Service keeps TCP and UDP on 9610', () => {
    expect(byKey.get('acserver/acserver4-service')?.ports).toEqual([
      { port: 9610, protocol: 'TCP' },
      { port: 8085, protocol: 'TCP' },
      { port: 9610, protocol: 'UDP' },
    ]);
  });

  it('seed 003: a request outside every pool is still a request; the allocator refuses it', () => {
    expect(byKey.get('default/invalid-request')?.requestedIPs.map(formatIP)).toEqual(['4.3.2.1']);
  });

  it('seed 003: service-http and service-https share web-server-svc in doc-example', () => {
    for (const name of ['service-http', 'service-https']) {
      const r = byKey.get(`default/${name}`);
      expect([r?.sharingKey, r?.requestedPool]).toEqual(['web-server-svc', 'doc-example']);
    }
    expect(byKey.get('default/pool-request')?.requestedPool).toBe('doc-example');
  });
});
