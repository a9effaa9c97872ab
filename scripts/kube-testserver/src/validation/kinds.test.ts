import type { KubeObject, StatusCause } from '../types';
import { coreToEventV1, eventV1ToCore } from './events';
import { clone, type Obj } from './json';
import { createStrategies } from './strategies';

const lines = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);
const strategies = createStrategies();

function created(group: string, resource: string, obj: Obj): { obj: KubeObject; causes: string[] } {
  const o = clone(obj) as unknown as KubeObject;
  const s = strategies.forResource(group, resource);
  s.prepareCreate(o);
  return { obj: o, causes: lines(s.validateCreate(o)) };
}

const meta = (name: string, namespace?: string): Obj => (namespace ? { name, namespace } : { name });

describe('Namespace', () => {
  test('generateName is resolved and labelled', () => {
    const { obj, causes } = created('', 'namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { generateName: 'test-' },
    });
    expect(causes).toEqual([]);
    expect(obj.metadata.name).toMatch(/^test-[a-z0-9]{5}$/);
    expect(obj.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': obj.metadata.name });
  });
  test('names are DNS labels', () => {
    expect(created('', 'namespaces', { metadata: meta('a.b') }).causes).toEqual([
      'metadata.name: Invalid value: "a.b": must not contain dots',
    ]);
  });
});

describe('Event conversions', () => {
  const v1 = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: meta('e.1', 'conf'),
    eventTime: '2026-11-22T10:00:00Z',
    reportingController: 'ironlb.io/speaker',
    reportingInstance: 'n1',
    action: 'Announce',
    reason: 'nodeAssigned',
    regarding: { kind: 'Service', name: 'web', namespace: 'conf' },
    note: 'hello',
    type: 'Normal',
  };
  test('round trip keeps every field and prints MicroTime with six digits', () => {
    const core = eventV1ToCore(v1 as unknown as KubeObject) as unknown as Obj;
    expect(core).toMatchObject({
      apiVersion: 'v1',
      involvedObject: v1.regarding,
      message: 'hello',
      reportingComponent: 'ironlb.io/speaker',
      source: {},
      firstTimestamp: null,
      eventTime: '2026-11-22T10:00:00.000000Z',
    });
    const back = coreToEventV1(core as unknown as KubeObject) as unknown as Obj;
    expect(back).toEqual({
      ...v1,
      eventTime: '2026-11-22T10:00:00.000000Z',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    });
  });
  test.each<[string, Obj, string[]]>([
    [
      'events.k8s.io requires eventTime, action, reportingInstance',
      { ...v1, eventTime: undefined, action: undefined },
      ['eventTime: Required value'],
    ],
    ['type must be Normal or Warning', { ...v1, type: 'Info' }, ['type: Invalid value: "": has invalid value: Info']],
    [
      'new events need a reporting controller',
      { ...v1, reportingController: undefined },
      ['reportingController: Required value'],
    ],
    [
      'deprecated fields must stay unset',
      { ...v1, deprecatedCount: 3 },
      ['count: Invalid value: "": needs to be unset'],
    ],
  ])('%s', (_n, body, want) => {
    expect(created('events.k8s.io', 'events', body).causes).toEqual(expect.arrayContaining(want));
  });
  test('core events: namespace must match the involved object', () => {
    const { causes } = created('', 'events', { metadata: meta('x', 'conf'), involvedObject: { namespace: 'other' } });
    expect(causes).toEqual(['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  });
});

describe('Node', () => {
  test('073 defaults and taint effects', () => {
    const { obj } = created('', 'nodes', { metadata: meta('n1') });
    expect((obj.spec as Obj).taints).toEqual([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
    const bad = created('', 'nodes', { metadata: meta('n2'), spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } });
    expect(bad.causes).toEqual([
      'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
    ]);
  });
});

describe('Pod', () => {
  test('defaults', () => {
    const { obj, causes } = created('', 'pods', {
      metadata: meta('p', 'conf'),
      spec: {
        containers: [
          { name: 'c', image: 'nginx' },
          { name: 'd', image: 'nginx:1.27' },
        ],
      },
    });
    expect(causes).toEqual([]);
    const spec = obj.spec as Obj;
    expect(spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      enableServiceLinks: true,
      serviceAccountName: 'default',
    });
    const [c, d] = spec.containers as Obj[];
    expect(c).toMatchObject({
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    });
    expect(d.imagePullPolicy).toBe('IfNotPresent');
    expect(obj.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(obj.metadata.generation).toBe(1);
  });
  test.each<[string, Obj, string[]]>([
    ['containers required', {}, ['spec.containers: Required value']],
    ['image required', { containers: [{ name: 'c' }] }, ['spec.containers[0].image: Required value']],
    [
      'restartPolicy enum',
      { restartPolicy: 'Sometimes', containers: [{ name: 'c', image: 'x' }] },
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"'],
    ],
    [
      'duplicate container names',
      {
        containers: [
          { name: 'c', image: 'x' },
          { name: 'c', image: 'y' },
        ],
      },
      ['spec.containers[1].name: Duplicate value: "c"'],
    ],
  ])('%s', (_n, spec, want) => {
    expect(created('', 'pods', { metadata: meta('p', 'conf'), spec }).causes).toEqual(want);
  });
});

describe('Deployment and DaemonSet', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
  test('Deployment defaults', () => {
    const { obj, causes } = created('apps', 'deployments', {
      metadata: meta('d', 'conf'),
      spec: { selector: { matchLabels: { app: 'web' } }, template },
    });
    expect(causes).toEqual([]);
    expect(obj.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    });
    expect(((obj.spec as Obj).template as Obj).spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
    });
    expect(obj.metadata.generation).toBe(1);
  });
  test.each<[string, Obj, string[]]>([
    ['selector required', { template }, ['spec.selector: Required value']],
    [
      'selector must match',
      { selector: { matchLabels: { app: 'db' } }, template },
      [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      ],
    ],
    [
      'empty selector',
      { selector: {}, template },
      [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      ],
    ],
    [
      'negative replicas',
      { replicas: -1, selector: { matchLabels: { app: 'web' } }, template },
      ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ],
  ])('%s', (_n, spec, want) => {
    expect(created('apps', 'deployments', { metadata: meta('d', 'conf'), spec }).causes).toEqual(want);
  });
  test('selector is immutable', () => {
    const s = strategies.forResource('apps', 'deployments');
    const { obj: old } = created('apps', 'deployments', {
      metadata: meta('d', 'conf'),
      spec: { selector: { matchLabels: { app: 'web' } }, template },
    });
    const next = clone(old);
    (next.spec as Obj).selector = { matchLabels: { app: 'web', tier: 'x' } };
    ((next.spec as Obj).template as Obj).metadata = { labels: { app: 'web', tier: 'x' } };
    s.prepareUpdate(next, old);
    expect(lines(s.validateUpdate(next, old))).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(next.metadata.generation).toBe(2);
  });
  test('DaemonSet defaults', () => {
    const { obj, causes } = created('apps', 'daemonsets', {
      metadata: meta('ds', 'conf'),
      spec: { selector: { matchLabels: { app: 'web' } }, template },
    });
    expect(causes).toEqual([]);
    expect(obj.spec).toMatchObject({
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    });
    expect(obj.status).toEqual({
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    });
    expect(obj.metadata.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
  });
});

describe('PodDisruptionBudget', () => {
  const selector = { matchLabels: { app: 'web' } };
  test('a new one has generation 1 and zero counters', () => {
    const { obj, causes } = created('policy', 'poddisruptionbudgets', {
      metadata: meta('p', 'conf'),
      spec: { minAvailable: 1, selector },
    });
    expect(causes).toEqual([]);
    expect(obj.metadata.generation).toBe(1);
    expect(obj.status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  });
  test.each<[string, Obj, string[]]>([
    ['a percentage', { maxUnavailable: '50%', selector }, []],
    [
      'both bounds',
      { minAvailable: 1, maxUnavailable: 1, selector },
      [
        'spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:1, MaxUnavailable:1}: minAvailable and maxUnavailable cannot be both set',
      ],
    ],
    [
      'a negative bound',
      { minAvailable: -1, selector },
      ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'over 100%',
      { maxUnavailable: '101%', selector },
      ['spec.maxUnavailable: Invalid value: "101%": must not be greater than 100%'],
    ],
    [
      'an unknown eviction policy',
      { minAvailable: 1, selector, unhealthyPodEvictionPolicy: 'Never' },
      [
        'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
      ],
    ],
  ])('%s', (_, spec, want) => {
    expect(created('policy', 'poddisruptionbudgets', { metadata: meta('p', 'conf'), spec }).causes).toEqual(want);
  });
});

describe('ConfigMap and Secret', () => {
  test.each<[string, string, Obj, string[]]>([
    [
      'configmaps',
      'bad key',
      { data: { 'a b': 'x' } },
      [
        "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    ],
    [
      'configmaps',
      'key in both',
      { data: { a: 'x' }, binaryData: { a: 'eA==' } },
      [
        'data[a]: Invalid value: "a": duplicate of key present in binaryData',
        'binaryData[a]: Invalid value: "a": duplicate of key present in data',
      ],
    ],
    [
      'secrets',
      'tls needs both keys',
      { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } },
      ['data[tls.key]: Required value'],
    ],
  ])('%s: %s', (resource, _n, body, want) => {
    expect(created('', resource, { metadata: meta('x', 'conf'), ...body }).causes).toEqual(want);
  });
  test('Secret: Opaque by default, stringData folded into data', () => {
    const { obj } = created('', 'secrets', { metadata: meta('s', 'conf'), stringData: { user: 'admin' } });
    expect(obj).toMatchObject({ type: 'Opaque', data: { user: 'YWRtaW4=' } });
    expect((obj as unknown as Obj).stringData).toBeUndefined();
  });
  test('Secret: data must be base64', () => {
    expect(() => created('', 'secrets', { metadata: meta('s', 'conf'), data: { a: 'not base64!' } })).toThrow(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    );
  });
  test('immutable data', () => {
    const s = strategies.forResource('', 'configmaps');
    const { obj: old } = created('', 'configmaps', { metadata: meta('c', 'conf'), immutable: true, data: { a: '1' } });
    const next = clone(old);
    (next as unknown as Obj).data = { a: '2' };
    s.prepareUpdate(next, old);
    expect(lines(s.validateUpdate(next, old))).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
  });
});

describe('RBAC', () => {
  test.each<[string, string, Obj, string[]]>([
    [
      'roles',
      'verbs required',
      { rules: [{ apiGroups: [''], resources: ['pods'] }] },
      ['rules[0].verbs: Required value: verbs must contain at least one value'],
    ],
    [
      'roles',
      'api groups required',
      { rules: [{ verbs: ['get'], resources: ['pods'] }] },
      ['rules[0].apiGroups: Required value: resource rules must supply at least one api group'],
    ],
    [
      'roles',
      'no URLs in namespaced rules',
      { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] },
      [
        'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
      ],
    ],
    [
      'rolebindings',
      'roleRef kind',
      { roleRef: { kind: 'Thing', name: 'x' } },
      ['roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"'],
    ],
    [
      'rolebindings',
      'subject kind',
      { roleRef: { kind: 'Role', name: 'x' }, subjects: [{ kind: 'Robot', name: 'r' }] },
      ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'],
    ],
  ])('%s: %s', (resource, _n, body, want) => {
    expect(
      created('rbac.authorization.k8s.io', resource, { metadata: meta('system:x', 'conf'), ...body }).causes,
    ).toEqual(want);
  });
  test('ClusterRoleBinding: SA subjects need a namespace; User apiGroup is defaulted; roleRef is fixed', () => {
    const s = strategies.forResource('rbac.authorization.k8s.io', 'clusterrolebindings');
    const { obj, causes } = created('rbac.authorization.k8s.io', 'clusterrolebindings', {
      metadata: meta('b'),
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'ServiceAccount', name: 'sa' },
        { kind: 'User', name: 'u' },
      ],
    });
    expect(causes).toEqual(['subjects[0].namespace: Required value']);
    expect(((obj as unknown as Obj).subjects as Obj[])[1].apiGroup).toBe('rbac.authorization.k8s.io');
    const next = clone(obj);
    ((next as unknown as Obj).roleRef as Obj).name = 'edit';
    (((next as unknown as Obj).subjects as Obj[])[0] as Obj).namespace = 'conf';
    ((obj as unknown as Obj).subjects as Obj[])[0].namespace = 'conf';
    s.prepareUpdate(next, obj);
    expect(lines(s.validateUpdate(next, obj))).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    ]);
  });
});

describe('ValidatingWebhookConfiguration', () => {
  const hook = {
    name: 'validate.ironlb.io',
    clientConfig: { service: { name: 'webhook', namespace: 'ironlb' } },
    rules: [{ operations: ['CREATE'], apiGroups: ['ironlb.io'], apiVersions: ['v1'], resources: ['ipaddresspools'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
  };
  test('defaults', () => {
    const { obj, causes } = created('admissionregistration.k8s.io', 'validatingwebhookconfigurations', {
      metadata: meta('w'),
      webhooks: [hook],
    });
    expect(causes).toEqual([]);
    expect(((obj as unknown as Obj).webhooks as Obj[])[0]).toMatchObject({
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      timeoutSeconds: 10,
      namespaceSelector: {},
      objectSelector: {},
      clientConfig: { service: { port: 443 } },
      rules: [{ scope: '*' }],
    });
    expect(obj.metadata.generation).toBe(1);
  });
  test.each<[string, Obj, string[]]>([
    [
      'sideEffects required',
      { sideEffects: undefined },
      ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun'],
    ],
    [
      'admissionReviewVersions required',
      { admissionReviewVersions: undefined },
      ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1'],
    ],
    [
      'known review version',
      { admissionReviewVersions: ['v2'] },
      ['webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1'],
    ],
    [
      'timeout range',
      { timeoutSeconds: 31 },
      ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds'],
    ],
    [
      'name needs three segments',
      { name: 'validate.io' },
      [
        'webhooks[0].name: Invalid value: "validate.io": should be a domain with at least three segments separated by dots',
      ],
    ],
    [
      'one client config',
      { clientConfig: {} },
      ['webhooks[0].clientConfig: Required value: exactly one of url or service is required'],
    ],
    [
      'no query, fragment or user in the URL',
      { clientConfig: { url: 'https://me:pw@hook.example:8443/v?x=1#f' } },
      [
        'webhooks[0].clientConfig.url: Invalid value: "me:pw": user information is not permitted in the URL',
        'webhooks[0].clientConfig.url: Invalid value: "f": fragments are not permitted in the URL',
        'webhooks[0].clientConfig.url: Invalid value: "x=1": query parameters are not permitted in the URL',
      ],
    ],
  ])('%s', (_n, change, want) => {
    expect(
      created('admissionregistration.k8s.io', 'validatingwebhookconfigurations', {
        metadata: meta('w'),
        webhooks: [{ ...hook, ...change }],
      }).causes,
    ).toEqual(want);
  });
});

describe('EndpointSlice and Lease', () => {
  test.each<[string, Obj, string[]]>([
    ['addressType required', { endpoints: [] }, ['addressType: Required value']],
    [
      'addressType enum',
      { addressType: 'IPv5' },
      ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"'],
    ],
    [
      'addresses required',
      { addressType: 'IPv4', endpoints: [{ addresses: [] }] },
      ['endpoints[0].addresses: Required value: must contain at least 1 address'],
    ],
    [
      'IPv4 addresses',
      { addressType: 'IPv4', endpoints: [{ addresses: ['2001:db8::1'] }] },
      ['endpoints[0].addresses[0]: Invalid value: "2001:db8::1": must be a valid IPv4 address'],
    ],
    [
      'no loopback',
      { addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'] }] },
      [
        'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ],
    ],
  ])('EndpointSlice: %s', (_n, body, want) => {
    expect(created('discovery.k8s.io', 'endpointslices', { metadata: meta('e', 'conf'), ...body }).causes).toEqual(
      want,
    );
  });
  test('EndpointSlice port defaults', () => {
    const { obj } = created('discovery.k8s.io', 'endpointslices', {
      metadata: meta('e', 'conf'),
      addressType: 'IPv4',
      endpoints: [],
      ports: [{ port: 80 }],
    });
    expect((obj as unknown as Obj).ports).toEqual([{ name: '', protocol: 'TCP', port: 80 }]);
  });
  test('Lease duration', () => {
    expect(
      created('coordination.k8s.io', 'leases', { metadata: meta('l', 'conf'), spec: { leaseDurationSeconds: 0 } })
        .causes,
    ).toEqual(['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  });
});

describe('generic kinds', () => {
  test('metadata only, path-segment names', () => {
    expect(created('', 'endpoints', { metadata: meta('a/b', 'conf') }).causes).toEqual([
      'metadata.name: Invalid value: "a/b": may not contain \'/\'',
    ]);
    expect(strategies.forResource('', 'endpoints')).toBe(strategies.forResource('', 'endpoints'));
  });
});
