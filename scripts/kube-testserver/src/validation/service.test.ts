import { StatusError } from '../errors';
import type { KubeObject, StatusCause } from '../types';
import { clone, type Obj } from './json';
import { createStrategies } from './strategies';

type Spec = Record<string, unknown>;

function svc(spec: Spec, name = 'web', extra: Obj = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'conf' }, spec: clone(spec), ...extra };
}

const fields = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);

function create(spec: Spec, opts: Parameters<typeof createStrategies>[0] = {}, name = 'web') {
  const s = createStrategies(opts).service;
  const obj = svc(spec, name);
  s.prepareCreate(obj);
  return { s, obj, causes: s.validateCreate(obj) };
}

const specOf = (o: KubeObject): Obj => o.spec as Obj;
const portsOf = (o: KubeObject): Obj[] => specOf(o).ports as Obj[];

describe('Service defaults', () => {
  test('ClusterIP', () => {
    const { obj, causes } = create({ ports: [{ port: 80 }] });
    expect(causes).toEqual([]);
    expect(specOf(obj)).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    expect(specOf(obj).externalTrafficPolicy).toBeUndefined();
    expect(specOf(obj).clusterIPs).toEqual([specOf(obj).clusterIP]);
    expect(String(specOf(obj).clusterIP)).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    expect(portsOf(obj)[0].nodePort).toBeUndefined();
    expect(obj.status).toEqual({ loadBalancer: {} });
  });

  test('LoadBalancer with Local traffic policy gets a health check node port', () => {
    const { obj, causes } = create({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
    expect(causes).toEqual([]);
    expect(specOf(obj).allocateLoadBalancerNodePorts).toBe(true);
    const hc = specOf(obj).healthCheckNodePort as number;
    expect(hc).toBeGreaterThanOrEqual(30000);
    expect(hc).not.toBe(portsOf(obj)[0].nodePort);
  });

  test('allocateLoadBalancerNodePorts=false leaves ports without node ports', () => {
    const { obj, causes } = create({
      type: 'LoadBalancer',
      allocateLoadBalancerNodePorts: false,
      ports: [{ port: 80 }],
    });
    expect(causes).toEqual([]);
    expect(portsOf(obj)[0].nodePort).toBeUndefined();
  });

  test('ClientIP affinity defaults its timeout', () => {
    const { obj } = create({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
    expect(specOf(obj).sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });

  test('headless services get no cluster IP', () => {
    const { obj, causes } = create({ clusterIP: 'None', selector: { app: 'x' }, ports: [{ port: 80 }] });
    expect(causes).toEqual([]);
    expect(specOf(obj).clusterIPs).toEqual(['None']);
    expect(specOf(obj).ipFamilies).toEqual(['IPv4']);
  });

  test('ExternalName gets neither cluster IP nor families', () => {
    const { obj, causes } = create({ type: 'ExternalName', externalName: 'example.com' });
    expect(causes).toEqual([]);
    expect(specOf(obj).clusterIP).toBeUndefined();
    expect(specOf(obj).ipFamilies).toBeUndefined();
  });

  test('dual-stack cluster: RequireDualStack allocates both families', () => {
    const { obj, causes } = create({ ipFamilyPolicy: 'RequireDualStack', ports: [{ port: 80 }] }, { dualStack: true });
    expect(causes).toEqual([]);
    expect(specOf(obj).ipFamilies).toEqual(['IPv4', 'IPv6']);
    const ips = specOf(obj).clusterIPs as string[];
    expect(ips).toHaveLength(2);
    expect(ips[1]).toMatch(/^2001:db8:fff::/);
  });

  test('PreferDualStack on a single-stack cluster stays single', () => {
    const { obj, causes } = create({ ipFamilyPolicy: 'PreferDualStack', ports: [{ port: 80 }] });
    expect(causes).toEqual([]);
    expect(specOf(obj).ipFamilies).toEqual(['IPv4']);
  });

  test('a requested cluster IP is used and held', () => {
    const strategies = createStrategies();
    const a = svc({ clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }] }, 'dns');
    strategies.service.prepareCreate(a);
    expect(strategies.service.validateCreate(a)).toEqual([]);
    expect(specOf(a).clusterIPs).toEqual(['10.96.0.10']);
    const b = svc({ clusterIP: '10.96.0.10', ports: [{ port: 53 }] }, 'dns2');
    expect(() => strategies.service.prepareCreate(b)).toThrow(
      'Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    );
  });
});

describe('Service create refusals', () => {
  test.each<[string, Spec, string[]]>([
    [
      'port out of range',
      { ports: [{ port: 70000 }] },
      [
        'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    ],
    [
      'protocol enum',
      { ports: [{ port: 80, protocol: 'HTTP' }] },
      ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    ],
    [
      'names required with several ports',
      { ports: [{ port: 80 }, { port: 81, name: 'b' }] },
      ['spec.ports[0].name: Required value'],
    ],
    [
      'names unique',
      {
        ports: [
          { port: 80, name: 'a' },
          { port: 81, name: 'a' },
        ],
      },
      ['spec.ports[1].name: Duplicate value: "a"'],
    ],
    [
      'port names are DNS labels',
      { ports: [{ port: 80, name: 'Web' }] },
      [
        "spec.ports[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      'named targetPort',
      { ports: [{ port: 80, targetPort: 'http--x' }] },
      ['spec.ports[0].targetPort: Invalid value: "http--x": must not contain consecutive hyphens'],
    ],
    [
      'type enum',
      { type: 'Magic', ports: [{ port: 80 }] },
      [
        'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ],
    [
      'externalTrafficPolicy on ClusterIP',
      { externalTrafficPolicy: 'Local', ports: [{ port: 80 }] },
      ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    ],
    [
      'nodePort on ClusterIP',
      { ports: [{ port: 80, nodePort: 30001 }] },
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      'source ranges',
      { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8', 'nope'], ports: [{ port: 80 }] },
      [
        'spec.LoadBalancerSourceRanges[1]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      ],
    ],
    [
      'source ranges need a LoadBalancer',
      { loadBalancerSourceRanges: ['10.0.0.0/8'], ports: [{ port: 80 }] },
      ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    ],
    [
      'affinity timeout',
      {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } },
        ports: [{ port: 80 }],
      },
      [
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
      ],
    ],
    [
      'affinity enum',
      { sessionAffinity: 'Sticky', ports: [{ port: 80 }] },
      ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
    ],
    [
      'selector labels',
      { selector: { app: 'bad value' }, ports: [{ port: 80 }] },
      [
        "spec.selector: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      'external IPs',
      { externalIPs: ['127.0.0.1'], ports: [{ port: 80 }] },
      ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ],
    [
      'allocateLoadBalancerNodePorts only for LoadBalancer',
      { type: 'NodePort', allocateLoadBalancerNodePorts: true, ports: [{ port: 80 }] },
      ["spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    ],
    [
      'loadBalancerClass only for LoadBalancer',
      { loadBalancerClass: 'ironlb.io/lb', ports: [{ port: 80 }] },
      ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    ],
    [
      'internalTrafficPolicy enum',
      { internalTrafficPolicy: 'Node', ports: [{ port: 80 }] },
      ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'],
    ],
    [
      'trafficDistribution enum (1.35 values)',
      { trafficDistribution: 'Anywhere', ports: [{ port: 80 }] },
      [
        'spec.trafficDistribution: Unsupported value: "Anywhere": supported values: "PreferClose", "PreferSameNode", "PreferSameZone"',
      ],
    ],
    ['ExternalName needs a name', { type: 'ExternalName' }, ['spec.externalName: Required value']],
    [
      'headless LoadBalancer',
      { type: 'LoadBalancer', clusterIP: 'None', ports: [{ port: 80 }] },
      ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for LoadBalancer services'],
    ],
  ])('%s', (_name, spec, want) => {
    const { causes } = create(spec);
    expect(fields(causes)).toEqual(want);
  });

  test.each<[string, Spec, string]>([
    [
      'RequireDualStack on single stack',
      { ipFamilyPolicy: 'RequireDualStack', ports: [{ port: 80 }] },
      'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    ],
    [
      'IPv6 family on an IPv4 cluster',
      { ipFamilies: ['IPv6'], ports: [{ port: 80 }] },
      'spec.ipFamilies[0]: Invalid value: "IPv6": IPv6 is not configured on this cluster',
    ],
    [
      'cluster IP outside the range',
      { clusterIP: '192.168.0.1', ports: [{ port: 80 }] },
      'spec.clusterIPs: Invalid value: []string{"192.168.0.1"}: failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    ],
    [
      'malformed cluster IP',
      { clusterIP: '10.96.0.300', ports: [{ port: 80 }] },
      'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
    [
      'SingleStack with two families',
      { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'], ports: [{ port: 80 }] },
      "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
    ],
    [
      'node port out of range',
      { type: 'NodePort', ports: [{ port: 80, nodePort: 8888 }] },
      'spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ],
  ])('allocation refusal: %s', (_name, spec, message) => {
    const s = createStrategies().service;
    let err: unknown;
    try {
      s.prepareCreate(svc(spec));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    const causes = (err as StatusError).details?.causes ?? [];
    expect(fields(causes)).toEqual([message]);
    expect(s.nodePorts.used + s.ips.byFamily.get('IPv4')!.used).toBe(0);
  });

  test('a refused create gives back what prepareCreate took', () => {
    const s = createStrategies().service;
    const obj = svc({
      type: 'LoadBalancer',
      ports: [
        { port: 80, name: 'a' },
        { port: 80, name: 'b' },
      ],
    });
    s.prepareCreate(obj);
    expect(s.nodePorts.used).toBe(1);
    expect(s.validateCreate(obj).length).toBeGreaterThan(0);
    expect(s.nodePorts.used).toBe(0);
    expect(s.ips.byFamily.get('IPv4')!.used).toBe(0);
  });

  test('the same requested node port for two port numbers is refused', () => {
    const s = createStrategies().service;
    expect(() =>
      s.prepareCreate(
        svc({
          type: 'NodePort',
          ports: [
            { port: 80, name: 'a', nodePort: 30080 },
            { port: 81, name: 'b', nodePort: 30080 },
          ],
        }),
      ),
    ).toThrow('spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated');
    expect(s.nodePorts.used).toBe(0);
  });
});

describe('Service updates', () => {
  function stored(spec: Spec, opts = {}) {
    const strategies = createStrategies(opts);
    const s = strategies.service;
    const obj = svc(spec);
    s.prepareCreate(obj);
    expect(s.validateCreate(obj)).toEqual([]);
    return { s, old: obj };
  }
  function update(s: ReturnType<typeof stored>['s'], old: KubeObject, spec: Spec) {
    const next = svc(spec);
    next.status = clone(old.status);
    s.prepareUpdate(next, old);
    return { next, causes: s.validateUpdate(next, old) };
  }

  test('kubectl apply without allocated values keeps cluster IP and node ports', () => {
    const { s, old } = stored({ type: 'LoadBalancer', ports: [{ port: 80, name: 'http' }] });
    const { next, causes } = update(s, old, { type: 'LoadBalancer', ports: [{ port: 80, name: 'http' }] });
    expect(causes).toEqual([]);
    expect(specOf(next).clusterIP).toBe(specOf(old).clusterIP);
    expect(specOf(next).clusterIPs).toEqual(specOf(old).clusterIPs);
    expect(portsOf(next)[0].nodePort).toBe(portsOf(old)[0].nodePort);
    expect(s.nodePorts.used).toBe(1);
  });

  test('a removed port frees its node port, an added one gets a new port', () => {
    const { s, old } = stored({
      type: 'NodePort',
      ports: [
        { port: 80, name: 'a' },
        { port: 81, name: 'b' },
      ],
    });
    const [, b] = portsOf(old).map((p) => p.nodePort as number);
    const { next, causes } = update(s, old, {
      type: 'NodePort',
      ports: [
        { port: 80, name: 'a' },
        { port: 82, name: 'c' },
      ],
    });
    expect(causes).toEqual([]);
    expect(s.nodePorts.has(b)).toBe(false);
    const c = portsOf(next)[1].nodePort as number;
    expect(s.nodePorts.has(c)).toBe(true);
    expect(s.nodePorts.used).toBe(2);
  });

  test('LoadBalancer -> ClusterIP releases node ports and clears the LB status', () => {
    const { s, old } = stored({ type: 'LoadBalancer', ports: [{ port: 80 }] });
    (old.status as Obj).loadBalancer = { ingress: [{ ip: '203.0.113.4', ipMode: 'VIP' }] };
    const spec = clone(specOf(old));
    spec.type = 'ClusterIP';
    const { next, causes } = update(s, old, spec);
    expect(causes).toEqual([]);
    expect(portsOf(next)[0].nodePort).toBeUndefined();
    expect(specOf(next).allocateLoadBalancerNodePorts).toBeUndefined();
    expect(specOf(next).externalTrafficPolicy).toBeUndefined();
    expect(next.status).toEqual({ loadBalancer: {} });
    expect(s.nodePorts.used).toBe(0);
  });

  test('-> ExternalName releases the cluster IP', () => {
    const { s, old } = stored({ ports: [{ port: 80 }] });
    const spec = clone(specOf(old));
    spec.type = 'ExternalName';
    spec.externalName = 'example.com';
    const { next, causes } = update(s, old, spec);
    expect(causes).toEqual([]);
    expect(specOf(next).clusterIP).toBeUndefined();
    expect(specOf(next).ipFamilies).toBeUndefined();
    expect(s.ips.byFamily.get('IPv4')!.used).toBe(0);
  });

  test('ExternalName -> ClusterIP allocates', () => {
    const { s, old } = stored({ type: 'ExternalName', externalName: 'example.com' });
    const { next, causes } = update(s, old, { type: 'ClusterIP', ports: [{ port: 80 }] });
    expect(causes).toEqual([]);
    expect(specOf(next).clusterIP).toBeDefined();
    expect(s.ips.byFamily.get('IPv4')!.used).toBe(1);
  });

  test('changing the cluster IP is refused the way 1.35 words it, and nothing leaks', () => {
    const { s, old } = stored({ ports: [{ port: 80 }] });
    const spec = clone(specOf(old));
    spec.clusterIP = '10.96.0.99';
    const { causes } = update(s, old, spec);
    expect(fields(causes)).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set',
    ]);
    expect(s.ips.byFamily.get('IPv4')!.used).toBe(1);
  });

  test('a refused update keeps the old node ports and frees the new ones', () => {
    const { s, old } = stored({ type: 'NodePort', ports: [{ port: 80, name: 'a' }] });
    const np = portsOf(old)[0].nodePort as number;
    const { causes } = update(s, old, { type: 'NodePort', ports: [{ port: 81, name: 'b' }], sessionAffinity: 'Bogus' });
    expect(causes.length).toBe(1);
    expect(s.nodePorts.has(np)).toBe(true);
    expect(s.nodePorts.used).toBe(1);
  });

  test('healthCheckNodePort is immutable while needed, freed when no longer needed', () => {
    const { s, old } = stored({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
    const hc = specOf(old).healthCheckNodePort as number;
    const spec = clone(specOf(old));
    spec.healthCheckNodePort = hc === 32000 ? 32001 : 32000;
    expect(fields(update(s, old, spec).causes)).toContain('spec.healthCheckNodePort: Forbidden: field is immutable');
    const spec2 = clone(specOf(old));
    spec2.externalTrafficPolicy = 'Cluster';
    const r = update(s, old, spec2);
    expect(r.causes).toEqual([]);
    expect(specOf(r.next).healthCheckNodePort).toBeUndefined();
    expect(s.nodePorts.has(hc)).toBe(false);
  });

  test('release and restore', () => {
    const { s, old } = stored({ type: 'LoadBalancer', ports: [{ port: 80 }] });
    const copy = clone(old);
    s.release(copy);
    expect(s.nodePorts.used).toBe(0);
    expect(s.ips.byFamily.get('IPv4')!.used).toBe(0);
    s.restore(copy);
    expect(s.nodePorts.has(portsOf(copy)[0].nodePort as number)).toBe(true);
    expect(s.ips.byFamily.get('IPv4')!.has(specOf(copy).clusterIP as string)).toBe(true);
  });

  test('release only frees what the object itself holds', () => {
    const strategies = createStrategies();
    const s = strategies.service;
    const a = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'a');
    s.prepareCreate(a);
    s.validateCreate(a);
    const b = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'b');
    expect(() => s.prepareCreate(b)).toThrow('provided port is already allocated');
    s.release(b);
    expect(s.nodePorts.has(30080)).toBe(true);
  });
});

describe('Service status', () => {
  const lb = (ingress: unknown[]): KubeObject =>
    svc({ type: 'LoadBalancer', ports: [{ port: 80 }] }, 'web', { status: { loadBalancer: { ingress } } });
  const s = createStrategies().service;

  test.each<[string, unknown[], string[]]>([
    ['valid', [{ ip: '203.0.113.4', ipMode: 'VIP' }], []],
    ['Proxy mode', [{ ip: '203.0.113.4', ipMode: 'Proxy' }], []],
    ['hostname only', [{ hostname: 'lb.example.com' }], []],
    [
      'bad IP',
      [{ ip: '300.1.1.1', ipMode: 'VIP' }],
      [
        'status.loadBalancer.ingress[0].ip: Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    ],
    [
      'ipMode without ip',
      [{ hostname: 'lb.example.com', ipMode: 'VIP' }],
      ['status.loadBalancer.ingress[0].ipMode: Forbidden: may not be specified when `ip` is not set'],
    ],
    [
      'ipMode enum',
      [{ ip: '203.0.113.4', ipMode: 'Direct' }],
      ['status.loadBalancer.ingress[0].ipMode: Unsupported value: "Direct": supported values: "Proxy", "VIP"'],
    ],
    [
      'hostname that is an IP',
      [{ hostname: '1.2.3.4' }],
      ['status.loadBalancer.ingress[0].hostname: Invalid value: "1.2.3.4": must be a DNS name, not an IP address'],
    ],
  ])('%s', (_n, ingress, want) => {
    const obj = lb(ingress);
    s.prepareStatusUpdate(obj, lb([]));
    expect(fields(s.validateStatusUpdate(obj, lb([])))).toEqual(want);
  });

  test('ipMode defaults to VIP when an IP is written (1.35)', () => {
    const obj = lb([{ ip: '203.0.113.4' }]);
    s.prepareStatusUpdate(obj, lb([]));
    expect((obj.status as Obj).loadBalancer).toEqual({ ingress: [{ ip: '203.0.113.4', ipMode: 'VIP' }] });
  });

  test('ingress on a non-LoadBalancer Service is forbidden', () => {
    const obj = svc({ type: 'ClusterIP', ports: [{ port: 80 }] }, 'web', {
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    });
    expect(fields(s.validateStatusUpdate(obj, obj))).toEqual([
      "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
    ]);
  });
});
