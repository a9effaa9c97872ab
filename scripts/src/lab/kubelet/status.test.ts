import type { Container, PodTemplate, SelectingService, Workload } from './objects';
import type { DesiredPod } from './schedule';
import {
  endpointSlice,
  podLabels,
  podManifest,
  podStatus,
  selectsAny,
  workloadStatus,
  type ContainerState,
  type PodState,
} from './status';

const NOW = '2026-01-02T03:04:05Z';

const container = (extra: Partial<Container> = {}): Container => ({
  name: 'controller',
  image: 'ghcr.io/ironlb/ironlb:0.1.0',
  env: [],
  ports: [],
  securityContext: {},
  ...extra,
});

const template = (spec: Partial<PodTemplate['spec']> = {}, meta: Partial<PodTemplate> = {}): PodTemplate => ({
  labels: { app: 'web' },
  annotations: {},
  spec: {
    serviceAccountName: 'web-sa',
    hostNetwork: false,
    nodeSelector: {},
    tolerations: [],
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    containers: [container()],
    ...spec,
  },
  ...meta,
});

const desired = (
  name: string,
  kind = 'Deployment',
  t: PodTemplate = template(),
  extra: Partial<DesiredPod> = {},
): DesiredPod => ({
  namespace: 'ns1',
  name,
  nodeName: 'node1',
  owner: { kind, namespace: 'ns1', name: 'web', uid: `uid-${kind}` },
  templateHash: 'abc123',
  template: t,
  ...extra,
});

const running = (name = 'controller', ready = true): ContainerState => ({
  name,
  running: true,
  ready,
  restartCount: 0,
  startedAt: '2026-01-02T03:00:00Z',
});

const state = (pod: DesiredPod, containers: ContainerState[], podIP = '203.0.113.20'): PodState => ({
  pod,
  podIP,
  hostIP: '203.0.113.10',
  containers,
});

describe('podLabels', () => {
  test("the template's labels and the revision label of the owner's kind", () => {
    expect(podLabels(desired('p', 'DaemonSet'))).toEqual({ app: 'web', 'controller-revision-hash': 'abc123' });
    expect(podLabels(desired('p', 'Deployment'))).toEqual({ app: 'web', 'pod-template-hash': 'abc123' });
  });

  test('another owner kind gets pod-template-hash', () => {
    expect(podLabels(desired('p', 'StatefulSet'))).toEqual({ app: 'web', 'pod-template-hash': 'abc123' });
  });
});

describe('podManifest', () => {
  test('a minimal pod: no annotations, nodeSelector, tolerations, command, args or ports', () => {
    expect(podManifest(desired('web-1', 'DaemonSet'))).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'ns1',
        labels: { app: 'web', 'controller-revision-hash': 'abc123' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            name: 'web',
            uid: 'uid-DaemonSet',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        nodeName: 'node1',
        serviceAccountName: 'web-sa',
        hostNetwork: false,
        terminationGracePeriodSeconds: 30,
        containers: [{ name: 'controller', image: 'ghcr.io/ironlb/ironlb:0.1.0' }],
      },
    });
  });

  test('the optional fields when the template has them', () => {
    const t = template(
      {
        hostNetwork: true,
        terminationGracePeriodSeconds: 5,
        nodeSelector: { zone: 'a' },
        tolerations: [{ key: 'k', operator: 'Exists' }],
        containers: [
          container({
            command: ['ironlb-speaker'],
            args: ['--a'],
            ports: [{ name: 'metrics', containerPort: 7472, protocol: 'TCP' }],
            env: [{ name: 'A', value: 'b' }],
          }),
        ],
      },
      { annotations: { 'checksum/values': 'f00' } },
    );
    const m = podManifest(desired('web-1', 'Deployment', t));
    expect(m.metadata).toMatchObject({ annotations: { 'checksum/values': 'f00' } });
    expect(m.spec).toEqual({
      nodeName: 'node1',
      serviceAccountName: 'web-sa',
      hostNetwork: true,
      terminationGracePeriodSeconds: 5,
      nodeSelector: { zone: 'a' },
      tolerations: [{ key: 'k', operator: 'Exists' }],
      containers: [
        {
          name: 'controller',
          image: 'ghcr.io/ironlb/ironlb:0.1.0',
          command: ['ironlb-speaker'],
          args: ['--a'],
          ports: [{ name: 'metrics', containerPort: 7472, protocol: 'TCP' }],
        },
      ],
    });
  });
});

describe('podStatus', () => {
  const conditions = (ready: 'True' | 'False') => [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: NOW },
    { type: 'Initialized', status: 'True', lastTransitionTime: NOW },
    { type: 'ContainersReady', status: ready, lastTransitionTime: NOW },
    { type: 'Ready', status: ready, lastTransitionTime: NOW },
  ];

  test('a running, ready pod', () => {
    expect(podStatus(state(desired('p'), [running()]), NOW)).toEqual({
      phase: 'Running',
      hostIP: '203.0.113.10',
      podIP: '203.0.113.20',
      podIPs: [{ ip: '203.0.113.20' }],
      conditions: conditions('True'),
      containerStatuses: [
        {
          name: 'controller',
          image: 'ghcr.io/ironlb/ironlb:0.1.0',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: '2026-01-02T03:00:00Z' } },
        },
      ],
    });
  });

  test('a container waiting to restart after an exit: CrashLoopBackOff and its last exit', () => {
    const waiting: ContainerState = {
      name: 'controller',
      running: false,
      ready: false,
      restartCount: 3,
      lastExitCode: 137,
    };
    const s = podStatus(state(desired('p'), [waiting]), NOW);
    expect(s.conditions).toEqual(conditions('False'));
    expect(s.containerStatuses).toEqual([
      {
        name: 'controller',
        image: 'ghcr.io/ironlb/ironlb:0.1.0',
        imageID: '',
        ready: false,
        started: false,
        restartCount: 3,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container controller' },
        },
        lastState: { terminated: { reason: 'Error', exitCode: 137 } },
      },
    ]);
  });

  test('a last exit of 0 is Completed', () => {
    const done: ContainerState = { name: 'controller', running: false, ready: false, restartCount: 1, lastExitCode: 0 };
    const [c] = podStatus(state(desired('p'), [done]), NOW).containerStatuses as { lastState: unknown }[];
    expect(c?.lastState).toEqual({ terminated: { reason: 'Completed', exitCode: 0 } });
  });

  test('a running container without a start time started now; one of two not ready makes the pod not ready', () => {
    const t = template({ containers: [container(), container({ name: 'sidecar', image: 'ghcr.io/ironlb/ironlb:2' })] });
    const { startedAt: _, ...noStart } = running('sidecar', false);
    const s = podStatus(state(desired('p', 'Deployment', t), [running(), noStart]), NOW);
    expect(s.conditions).toEqual(conditions('False'));
    expect(s.containerStatuses).toEqual([
      expect.objectContaining({ name: 'controller', ready: true }),
      {
        name: 'sidecar',
        image: 'ghcr.io/ironlb/ironlb:2',
        imageID: '',
        ready: false,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: NOW } },
      },
    ]);
  });

  test('a pod with no container states is not ready; a state for no container of the spec has no image', () => {
    expect(podStatus(state(desired('p'), []), NOW).conditions).toEqual(conditions('False'));
    const s = podStatus(state(desired('p'), [running('ghost')]), NOW);
    expect(s.containerStatuses).toEqual([expect.objectContaining({ name: 'ghost', image: '' })]);
  });
});

describe('workloadStatus', () => {
  const ds: Workload = {
    ref: { kind: 'DaemonSet', namespace: 'ns1', name: 'web', uid: 'uid-DaemonSet' },
    generation: 3,
    selector: { app: 'web' },
    template: template(),
  };
  const deploy: Workload = { ...ds, ref: { ...ds.ref, kind: 'Deployment', uid: 'uid-Deployment' }, replicas: 3 };
  const other = state(desired('x', 'Deployment', template(), { owner: { ...deploy.ref, uid: 'uid-other' } }), [
    running(),
  ]);

  test('a DaemonSet: its own pods counted, ready ones available, the rest unavailable', () => {
    const pods = [
      state(desired('a', 'DaemonSet'), [running()]),
      state(desired('b', 'DaemonSet'), [running('controller', false)]),
      other,
    ];
    expect(workloadStatus(ds, 3, pods)).toEqual({
      observedGeneration: 3,
      desiredNumberScheduled: 3,
      currentNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberMisscheduled: 0,
      numberReady: 1,
      numberAvailable: 1,
      numberUnavailable: 2,
    });
  });

  test('a DaemonSet with all its pods ready has no numberUnavailable', () => {
    const pods = [state(desired('a', 'DaemonSet'), [running()]), state(desired('b', 'DaemonSet'), [running()])];
    expect(workloadStatus(ds, 2, pods)).toEqual({
      observedGeneration: 3,
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberMisscheduled: 0,
      numberReady: 2,
      numberAvailable: 2,
    });
  });

  test('a Deployment short of ready replicas: unavailable, MinimumReplicasUnavailable', () => {
    const pods = [
      state(desired('a'), [running()]),
      state(desired('b'), [running('controller', false)]),
      state(desired('c'), []),
      other,
    ];
    expect(workloadStatus(deploy, 3, pods)).toEqual({
      observedGeneration: 3,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    });
  });

  test('a Deployment with all replicas ready, and one with exactly one short', () => {
    const pods = [state(desired('a'), [running()]), state(desired('b'), [running()])];
    expect(workloadStatus(deploy, 2, pods)).toEqual({
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    });
    expect(workloadStatus(deploy, 3, pods)).toMatchObject({
      unavailableReplicas: 1,
      conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }, {}],
    });
  });
});

describe('endpointSlice', () => {
  const ports = [
    { name: 'metrics', containerPort: 7472, protocol: 'TCP' },
    { name: 'dns', containerPort: 5353, protocol: 'UDP' },
    { name: 'webhook', containerPort: 9443, protocol: 'TCP' },
  ];
  const t = template({ containers: [container({ ports })] });
  const svc: SelectingService = {
    namespace: 'ns1',
    name: 'web-webhook',
    uid: 'uid-svc',
    selector: { app: 'web', 'pod-template-hash': 'abc123' },
    ports: [
      { name: 'webhook', protocol: 'TCP', port: 443, targetPort: 'webhook' },
      { name: 'plain', protocol: 'TCP', port: 80, targetPort: 8080 },
      // A named port of another protocol does not match.
      { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 'dns' },
      { name: 'dns', protocol: 'UDP', port: 53, targetPort: 'dns' },
      { name: 'missing', protocol: 'TCP', port: 81, targetPort: 'nope' },
    ],
  };
  const ready = state(desired('web-a', 'Deployment', t), [running()], '203.0.113.21');
  const notReady = state(
    desired('web-b', 'Deployment', t, { nodeName: 'node2' }),
    [running('controller', false)],
    '203.0.113.22',
  );
  const otherNamespace = state(desired('web-c', 'Deployment', t, { namespace: 'ns2' }), [running()], '203.0.113.23');
  const otherLabels = state(desired('web-d', 'Deployment', template({}, { labels: { app: 'db' } })), [running()]);

  test('the selected pods with their readiness, and the target ports resolved', () => {
    expect(endpointSlice(svc, [ready, notReady, otherNamespace, otherLabels])).toEqual({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'web-webhook-lab',
        namespace: 'ns1',
        labels: {
          'kubernetes.io/service-name': 'web-webhook',
          'endpointslice.kubernetes.io/managed-by': 'lab-kubelet.ironlb.io',
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web-webhook', uid: 'uid-svc', controller: true }],
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['203.0.113.21'],
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: 'node1',
          targetRef: { kind: 'Pod', namespace: 'ns1', name: 'web-a' },
        },
        {
          addresses: ['203.0.113.22'],
          conditions: { ready: false, serving: false, terminating: false },
          nodeName: 'node2',
          targetRef: { kind: 'Pod', namespace: 'ns1', name: 'web-b' },
        },
      ],
      ports: [
        { name: 'webhook', protocol: 'TCP', port: 9443 },
        { name: 'plain', protocol: 'TCP', port: 8080 },
        { name: 'dns', protocol: 'UDP', port: 5353 },
      ],
    });
  });

  test('no selected pods: no endpoints, and named ports cannot be resolved', () => {
    const s = endpointSlice(svc, [otherNamespace, otherLabels]);
    expect([s.endpoints, s.ports]).toEqual([[], [{ name: 'plain', protocol: 'TCP', port: 8080 }]]);
  });

  test('the selector matches on the pod labels, including the revision label', () => {
    const s = endpointSlice({ ...svc, selector: { 'pod-template-hash': 'other' } }, [ready]);
    expect(s.endpoints).toEqual([]);
  });
});

describe('selectsAny', () => {
  const svc: SelectingService = { namespace: 'ns1', name: 's', uid: 'u', selector: { app: 'web' }, ports: [] };

  test('true when one pod in the namespace has every selector label', () => {
    const pods = [
      state(desired('a', 'Deployment', template({}, { labels: { app: 'db' } })), []),
      state(desired('b'), []),
    ];
    expect(selectsAny(svc, pods)).toBe(true);
    expect(selectsAny({ ...svc, selector: { app: 'web', 'pod-template-hash': 'abc123' } }, pods)).toBe(true);
  });

  test('false for pods of another namespace, with another label value, or missing a label', () => {
    expect(selectsAny(svc, [state(desired('a', 'Deployment', template(), { namespace: 'ns2' }), [])])).toBe(false);
    expect(selectsAny(svc, [state(desired('a', 'Deployment', template({}, { labels: { app: 'db' } })), [])])).toBe(
      false,
    );
    expect(selectsAny({ ...svc, selector: { app: 'web', tier: 'x' } }, [state(desired('a'), [])])).toBe(false);
    expect(selectsAny(svc, [])).toBe(false);
  });
});
