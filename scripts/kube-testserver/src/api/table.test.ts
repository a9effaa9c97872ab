import type { KubeObject } from '../types';
import { loadCases } from '../conformance/cases';
import { compareMasked, type KnownDifference } from '../conformance/masked';
import { humanDuration } from './duration';
import { findResults } from './jsonpath';
import { BUILTIN_RESOURCES, type ResourceInfo } from './registry';
import { customColumnCell, toTable, toTableForObject, wantsTable, type PrinterColumn } from './table';

const cases = new Map(loadCases().map((c) => [c.name, c]));
const info = (resource: string, group = ''): ResourceInfo => {
  const r = BUILTIN_RESOURCES.find((x) => x.resource === resource && x.group === group);
  if (!r) throw new Error(resource);
  return r;
};

interface RecordedTable {
  rows: Array<{ cells: unknown[]; object: { metadata: KubeObject['metadata'] } }>;
}

/** 1.35 moved the "More info" link of ObjectMeta.name's description; everything else matches 1.26. */
const KNOWN: KnownDifference[] = [
  { path: 'columnDefinitions[0].description', why: '1.35 ObjectMeta.name doc links to /concepts/overview/...' },
];

const CREATED = '2024-05-01T10:00:00Z';

/** Recorded metadata is masked; feed our printer real values (`<resourceVersion:3>` -> "103", `<time>` -> CREATED). */
function unmask<T>(v: T): T {
  return JSON.parse(
    JSON.stringify(v, (_k, x: unknown) => {
      if (typeof x !== 'string') return x;
      if (x === '<time>') return CREATED;
      const m = /^<(\w+):(\d+)>$/.exec(x);
      return m ? `${m[1]}-${m[2]}` : x;
    }),
  ) as T;
}
const at = (seconds: number): Date => new Date(Date.parse(CREATED) + seconds * 1000);

/** The Services behind 055/056, rebuilt from their cells, with the recorded metadata. */
function recordedServices(name: string): KubeObject[] {
  const body = cases.get(name)?.response.body as RecordedTable;
  return body.rows.map((row) => {
    const [, type, clusterIP, external, ports, , selector] = row.cells as string[];
    const spec: Record<string, unknown> = {
      type,
      clusterIP,
      clusterIPs: [clusterIP],
      ports: ports.split(',').map((p) => {
        const m = /^(\d+)(?::(\d+))?\/(\w+)$/.exec(p);
        if (!m) throw new Error(p);
        return { port: Number(m[1]), protocol: m[3], ...(m[2] ? { nodePort: Number(m[2]) } : {}) };
      }),
    };
    if (selector !== '<none>') spec.selector = Object.fromEntries(selector.split(',').map((kv) => kv.split('=')));
    const status =
      external !== '<pending>' && external !== '<none>'
        ? { loadBalancer: { ingress: [{ ip: external, ipMode: 'VIP' }] } }
        : { loadBalancer: {} };
    // the recorded metadata is masked: give it a real creation time so AGE is computed
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...unmask(row.object.metadata),
        creationTimestamp: row.cells[5] === '1s' ? at(-1).toISOString() : CREATED,
      },
      spec,
      status,
    };
  });
}

describe('service tables match the real server (055, 056)', () => {
  for (const name of ['055-service-list-table', '056-service-list-all-namespaces-table']) {
    it(name, () => {
      const recorded = cases.get(name);
      const objects = recordedServices(name);
      const table = toTable(info('services'), objects, { now: at(0), resourceVersion: 'resourceVersion-1' });
      const diffs = compareMasked(recorded?.response.body, table, new Map(), [
        ...KNOWN,
        // creationTimestamp is masked as <time>; we set a real one above
        { path: 'rows[*].object.metadata.creationTimestamp', why: 'masked' },
      ]);
      expect(diffs).toEqual([]);
    });
  }

  it('prints ExternalName, headless, external IPs and sorts/dedupes ingress', () => {
    const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', creationTimestamp: CREATED },
      spec,
      status,
    });
    const t = toTable(
      info('services'),
      [
        svc({ type: 'ExternalName', externalName: 'example.com' }),
        svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [] }),
        svc({ type: 'ClusterIP', clusterIPs: ['10.0.0.1'], externalIPs: ['1.2.3.4', '5.6.7.8'] }),
        svc(
          { type: 'LoadBalancer', clusterIPs: ['10.0.0.2'], externalIPs: ['9.9.9.9'] },
          { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example' }, { ip: '203.0.113.10' }] } },
        ),
      ],
      { now: at(200) },
    );
    const rows = t.rows as Array<{ cells: unknown[] }>;
    expect(rows.map((r) => r.cells.slice(1, 5))).toEqual([
      ['ExternalName', '<none>', 'example.com', '<none>'],
      ['ClusterIP', 'None', '<none>', '<none>'],
      ['ClusterIP', '10.0.0.1', '1.2.3.4,5.6.7.8', '<none>'],
      ['LoadBalancer', '10.0.0.2', '203.0.113.10,203.0.113.9,lb.example,9.9.9.9', '<none>'],
    ]);
    expect(rows[0].cells[5]).toBe('3m20s');
  });
});

describe('custom resource tables (086)', () => {
  const pools: ResourceInfo = {
    group: 'example.io',
    version: 'v1beta1',
    resource: 'ipaddresspools',
    singular: 'ipaddresspool',
    kind: 'IPAddressPool',
    listKind: 'IPAddressPoolList',
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    subresources: ['status'],
    crd: 'ipaddresspools.example.io',
  };
  const columns: PrinterColumn[] = [
    { name: 'Auto Assign', type: 'boolean', jsonPath: '.spec.autoAssign' },
    { name: 'Addresses', type: 'string', jsonPath: '.spec.addresses' },
  ];

  it('matches 086 cell for cell', () => {
    const recorded = cases.get('086-cr-list-table');
    const rows = (recorded?.response.body as RecordedTable).rows;
    const specs = [
      { autoAssign: true, addresses: ['203.0.113.0/28'] },
      { autoAssign: true, addresses: [] },
    ];
    const objects: KubeObject[] = rows.map((r, i) => ({
      apiVersion: 'example.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { ...unmask(r.object.metadata), creationTimestamp: CREATED },
      spec: specs[i],
    }));
    const table = toTable(pools, objects, {
      now: at(5),
      printerColumns: columns,
      resourceVersion: 'resourceVersion-1',
    });
    const diffs = compareMasked(recorded?.response.body, table, new Map(), [
      ...KNOWN,
      { path: 'rows[*].object.metadata.creationTimestamp', why: 'masked' },
    ]);
    expect(diffs).toEqual([]);
  });

  it('defaults to Name and Age without printer columns', () => {
    const t = toTable(pools, [{ apiVersion: 'x', kind: 'y', metadata: { name: 'p', creationTimestamp: CREATED } }], {
      now: at(3 * 60 + 2),
    });
    expect((t.columnDefinitions as Array<{ name: string; type: string }>).map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Age', 'date'],
    ]);
    expect((t.rows as Array<{ cells: unknown[] }>)[0].cells).toEqual(['p', '3m2s']);
  });

  it('evaluates typed columns like the CRD table convertor', () => {
    const o = {
      metadata: { creationTimestamp: CREATED },
      spec: { n: 3.7, s: 'x', m: { b: '<&>', a: 1 }, f: 1.5 },
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'Synced', status: 'True' },
        ],
      },
    };
    const cell = (type: string, jsonPath: string): unknown =>
      customColumnCell({ name: 'c', type, jsonPath }, o, at(90));
    expect(cell('integer', '.spec.n')).toBe(3);
    expect(cell('number', '.spec.n')).toBe(3.7);
    expect(cell('string', '.spec.n')).toBe('3.7');
    expect(cell('string', '.spec.m')).toBe('{"a":1,"b":"\\u003c\\u0026\\u003e"}');
    expect(cell('boolean', '.spec.s')).toBeNull();
    expect(cell('string', '.spec.missing')).toBeNull();
    expect(cell('date', '.metadata.creationTimestamp')).toBe('90s');
    expect(cell('date', '.spec.s')).toBe('<invalid>');
    expect(cell('string', '.status.conditions[?(@.type=="Synced")].status')).toBe('True');
    expect(cell('string', '.status.conditions[*].type')).toBe('Ready');
  });
});

describe('JSONPath', () => {
  const doc = {
    a: {
      b: [
        { n: 1, t: 'x' },
        { n: 2, t: 'y' },
      ],
      'dotted.key': 5,
    },
    list: [1, 2, 3, 4],
  };
  it.each<[string, unknown[]]>([
    ['.a.b[0].n', [1]],
    ['{.a.b[-1].t}', ['y']],
    ['.a.b[*].n', [1, 2]],
    ['.list[1:3]', [2, 3]],
    ["['a']['dotted.key']", [5]],
    ['..n', [1, 2]],
    ['.a.b[?(@.n>1)].t', ['y']],
    ['.a.b[?(@.t!="x")].n', [2]],
    ['.a.b[?(@.missing)].n', []],
    ['.nope', []],
  ])('%s', (expr, expected) => expect(findResults(expr, doc)).toEqual(expected));
});

describe('humanDuration', () => {
  it.each<[number, string]>([
    [-3, '<invalid>'],
    [-1.5, '0s'],
    [0, '0s'],
    [45, '45s'],
    [119, '119s'],
    [120, '2m'],
    [182, '3m2s'],
    [599, '9m59s'],
    [600, '10m'],
    [179 * 60 + 59, '179m'],
    [3 * 3600, '3h'],
    [3 * 3600 + 5 * 60, '3h5m'],
    [8 * 3600, '8h'],
    [47 * 3600 + 59 * 60, '47h'],
    [48 * 3600, '2d'],
    [51 * 3600, '2d3h'],
    [8 * 86400, '8d'],
    [729 * 86400, '729d'],
    [730 * 86400, '2y'],
    [800 * 86400, '2y70d'],
    [8 * 365 * 86400, '8y'],
  ])('%ss -> %s', (s, expected) => expect(humanDuration(s * 1000)).toBe(expected));
});

describe('other built-in printers', () => {
  const base = (kind: string, rest: Record<string, unknown>, name = 'x'): KubeObject => ({
    apiVersion: 'v1',
    kind,
    metadata: { name, creationTimestamp: CREATED, resourceVersion: '42', labels: {} },
    ...rest,
  });
  const cells = (r: ResourceInfo, o: KubeObject): unknown[] =>
    (toTable(r, [o], { now: at(65) }).rows as Array<{ cells: unknown[] }>)[0].cells;

  it('nodes: status, roles and wide columns', () => {
    const node = base('Node', {
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.5' }],
        nodeInfo: { kubeletVersion: 'v1.35.0', osImage: 'Debian' },
      },
    });
    node.metadata.labels = { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' };
    expect(cells(info('nodes'), node)).toEqual([
      'x',
      'Ready,SchedulingDisabled',
      'control-plane,worker',
      '65s',
      'v1.35.0',
      '10.0.0.5',
      '<none>',
      'Debian',
      '<unknown>',
      '<unknown>',
    ]);
    expect(cells(info('nodes'), base('Node', {}))[1]).toBe('Unknown');
  });

  it('pods: ready count, status and restarts', () => {
    const pod = base('Pod', {
      spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'n1' },
      status: {
        phase: 'Running',
        podIPs: [{ ip: '10.1.0.3' }],
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 2, state: { running: {} } },
          { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    });
    expect(cells(info('pods'), pod)).toEqual([
      'x',
      '1/2',
      'CrashLoopBackOff',
      '2',
      '65s',
      '10.1.0.3',
      'n1',
      '<none>',
      '<none>',
    ]);
    const done = base('Pod', { spec: { containers: [{ name: 'a' }] }, status: { phase: 'Succeeded' } });
    const row = (toTable(info('pods'), [done], { now: at(1) }).rows as Array<{ conditions?: unknown }>)[0];
    expect(row.conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
  });

  it('events (core and events.k8s.io)', () => {
    const ev = base('Event', {
      type: 'Normal',
      reason: 'IPAllocated',
      involvedObject: { kind: 'Service', name: 'svc1', namespace: 'default' },
      source: { component: 'ironlb-controller' },
      message: 'Assigned IP ["203.0.113.5"] ',
      firstTimestamp: CREATED,
      lastTimestamp: at(5).toISOString(),
      count: 2,
    });
    expect(cells(info('events'), ev)).toEqual([
      '60s',
      'Normal',
      'IPAllocated',
      'service/svc1',
      '',
      'ironlb-controller',
      'Assigned IP ["203.0.113.5"]',
      '65s',
      2,
      'x',
    ]);
    const ev2: KubeObject = {
      ...base('Event', {
        type: 'Warning',
        reason: 'X',
        regarding: { kind: 'Node', name: 'n1' },
        note: 'n',
        reportingController: 'c',
        reportingInstance: 'i',
        eventTime: CREATED,
      }),
      apiVersion: 'events.k8s.io/v1',
    };
    expect(cells(info('events', 'events.k8s.io'), ev2)).toEqual([
      '65s',
      'Warning',
      'X',
      'node/n1',
      '',
      'c, i',
      'n',
      '65s',
      1,
      'x',
    ]);
  });

  it('endpoints, endpointslices, leases, configmaps, secrets, namespaces', () => {
    const ep = base('Endpoints', {
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: 'fd00::1' }],
          ports: [{ port: 80 }, { port: 443 }],
        },
      ],
    });
    expect(cells(info('endpoints'), ep)[1]).toBe('10.0.0.1:80,10.0.0.2:80,[fd00::1]:80 + 3 more...');
    expect(cells(info('endpoints'), base('Endpoints', {}))[1]).toBe('<none>');
    const es = base('EndpointSlice', {
      addressType: 'IPv4',
      ports: [{ port: 9610 }, { name: 'x' }],
      endpoints: [{ addresses: ['10.0.0.1'] }],
    });
    expect(cells(info('endpointslices', 'discovery.k8s.io'), es)).toEqual(['x', 'IPv4', '9610,x', '10.0.0.1', '65s']);
    expect(cells(info('endpointslices', 'discovery.k8s.io'), base('EndpointSlice', { addressType: 'IPv4' }))[2]).toBe(
      '<unset>',
    );
    expect(cells(info('leases', 'coordination.k8s.io'), base('Lease', { spec: { holderIdentity: 'n1' } }))).toEqual([
      'x',
      'n1',
      '65s',
    ]);
    expect(cells(info('configmaps'), base('ConfigMap', { data: { a: '1' }, binaryData: { b: '' } }))[1]).toBe(2);
    expect(cells(info('secrets'), base('Secret', { type: 'Opaque', data: { a: 'MQ==' } }))).toEqual([
      'x',
      'Opaque',
      1,
      '65s',
    ]);
    expect(cells(info('namespaces'), base('Namespace', { status: { phase: 'Active' } }))).toEqual([
      'x',
      'Active',
      '65s',
    ]);
  });

  it('deployments, daemonsets, CRDs, roles', () => {
    const dep = base('Deployment', {
      spec: {
        replicas: 3,
        selector: {
          matchLabels: { app: 'c' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }],
        },
        template: { spec: { containers: [{ name: 'c', image: 'img:1' }] } },
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    expect(cells(info('deployments', 'apps'), dep)).toEqual([
      'x',
      '2/3',
      3,
      2,
      '65s',
      'c',
      'img:1',
      'app=c,tier in (a,b)',
    ]);
    const ds = base('DaemonSet', {
      spec: {
        selector: { matchLabels: { app: 's' } },
        template: { spec: { nodeSelector: { os: 'linux' }, containers: [] } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2 },
    });
    expect(cells(info('daemonsets', 'apps'), ds)).toEqual(['x', 3, 3, 2, 0, 0, 'os=linux', '65s', '', '', 'app=s']);
    const crd = info('customresourcedefinitions', 'apiextensions.k8s.io');
    const t = toTableForObject(crd, base('CustomResourceDefinition', {}, 'pools.ironlb.io'), { now: at(1) });
    expect((t.columnDefinitions as Array<{ name: string }>).map((c) => c.name)).toEqual(['Name', 'Created At']);
    expect((t.rows as Array<{ cells: unknown[] }>)[0].cells).toEqual(['pools.ironlb.io', CREATED]);
    expect(t.metadata).toEqual({ resourceVersion: '42' });
    expect(cells(info('roles', 'rbac.authorization.k8s.io'), base('Role', {}))).toEqual(['x', CREATED]);
  });

  it('includeObject', () => {
    const o = base('ConfigMap', {});
    const row = (include: 'None' | 'Metadata' | 'Object'): unknown =>
      (toTable(info('configmaps'), [o], { now: at(0), includeObject: include }).rows as Array<{ object: unknown }>)[0]
        .object;
    expect(row('None')).toBeNull();
    expect(row('Object')).toBe(o);
    expect(row('Metadata')).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: o.metadata,
    });
  });

  it('wantsTable reads the Accept header kubectl sends', () => {
    expect(
      wantsTable(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      ),
    ).toBe('v1');
    expect(wantsTable('application/json')).toBeUndefined();
    expect(wantsTable(undefined)).toBeUndefined();
  });
});
