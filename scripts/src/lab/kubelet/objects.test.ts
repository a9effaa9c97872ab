import { objectName, parseNode, parseSelectingService, parseWorkload, type Obj, type Workload } from './objects';
import { refusal, renderedChart } from './testFixtures';

const container = (extra: Obj = {}): Obj => ({ name: 'app', image: 'ghcr.io/ironlb/ironlb:0.1.0', ...extra });

/** A Deployment named ns1/web whose pod spec is `podSpec` (one plain container unless it says otherwise). */
const deployment = (podSpec: Obj = {}, spec: Obj = {}, metadata: Obj = {}): Obj => ({
  metadata: { name: 'web', namespace: 'ns1', ...metadata },
  spec: { template: { spec: { containers: [container()], ...podSpec } }, ...spec },
});

const withContainer = (extra: Obj): Obj => deployment({ containers: [container(extra)] });

const firstContainer = (w: Workload) => w.template.spec.containers[0];

describe('objectName', () => {
  test('is the kind, the namespace and the name', () => {
    expect(objectName('Deployment', { metadata: { name: 'web', namespace: 'ns1' } })).toBe('Deployment ns1/web');
  });

  test('leaves out a namespace that is not given (cluster-scoped objects)', () => {
    expect(objectName('Node', { metadata: { name: 'node1' } })).toBe('Node node1');
  });

  test('says (unnamed) for an object without a name, without metadata or that is not an object', () => {
    expect(objectName('Service', { metadata: { namespace: 'ns1', name: 7 } })).toBe('Service ns1/(unnamed)');
    expect(objectName('Service', { metadata: [] })).toBe('Service (unnamed)');
    expect(objectName('Service', { metadata: { namespace: 3 } })).toBe('Service (unnamed)');
    expect(objectName('Service', null)).toBe('Service (unnamed)');
    expect(objectName('Service', ['metadata'])).toBe('Service (unnamed)');
  });
});

describe('parseWorkload defaults', () => {
  test('a minimal Deployment: namespace default, one replica, generation 1, empty maps, the pod spec defaults', () => {
    const w = parseWorkload('Deployment', {
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [container()] } } },
    });
    expect(w).toStrictEqual({
      ref: { kind: 'Deployment', namespace: 'default', name: 'web', uid: '' },
      generation: 1,
      replicas: 1,
      selector: {},
      template: {
        labels: {},
        annotations: {},
        spec: {
          serviceAccountName: 'default',
          hostNetwork: false,
          nodeSelector: {},
          tolerations: [],
          securityContext: {},
          terminationGracePeriodSeconds: 30,
          containers: [{ name: 'app', image: 'ghcr.io/ironlb/ironlb:0.1.0', env: [], ports: [], securityContext: {} }],
        },
      },
    });
  });

  test('null fields count as absent, as the API server writes them', () => {
    const w = parseWorkload('Deployment', {
      metadata: { name: 'web', namespace: null, uid: null, generation: null, labels: null },
      spec: {
        replicas: null,
        selector: { matchLabels: null, matchExpressions: null },
        template: {
          metadata: { labels: null, annotations: null },
          spec: {
            serviceAccountName: null,
            hostNetwork: null,
            nodeSelector: null,
            tolerations: null,
            securityContext: null,
            terminationGracePeriodSeconds: null,
            initContainers: null,
            hostPID: null,
            containers: [
              container({
                command: null,
                args: null,
                env: [{ name: 'A', value: null }],
                ports: null,
                securityContext: { runAsUser: null, capabilities: null },
                readinessProbe: null,
                livenessProbe: { exec: null, tcpSocket: null, httpGet: null },
                workingDir: null,
                envFrom: null,
              }),
            ],
          },
        },
      },
    });
    expect(w.ref).toStrictEqual({ kind: 'Deployment', namespace: 'default', name: 'web', uid: '' });
    expect([w.generation, w.replicas, w.selector]).toStrictEqual([1, 1, {}]);
    expect(w.template).toStrictEqual(
      parseWorkload('Deployment', {
        metadata: { name: 'x' },
        spec: { template: { spec: { containers: [container({ env: [{ name: 'A' }] })] } } },
      }).template,
    );
    expect(firstContainer(w).env).toStrictEqual([{ name: 'A', value: '' }]);
  });

  test('a DaemonSet has no replicas, even when its spec names some', () => {
    const w = parseWorkload('DaemonSet', deployment({}, { replicas: 3 }));
    expect(w.ref.kind).toBe('DaemonSet');
    expect('replicas' in w).toBe(false);
  });

  test('a Deployment may ask for 0 replicas', () => {
    expect(parseWorkload('Deployment', deployment({}, { replicas: 0 })).replicas).toBe(0);
  });
});

describe('parseWorkload fields', () => {
  // Parsed in each test, not when the suite is collected: a mutant that throws then fails one test, not the suite.
  const full = (): Workload =>
    parseWorkload(
      'Deployment',
      deployment(
        {
          serviceAccountName: 'ironlb-controller',
          hostNetwork: true,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [
            { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
            { key: 'dedicated', value: 'lb' },
            { operator: 'Exists', effect: '' },
          ],
          securityContext: {
            runAsUser: 65534,
            runAsGroup: 65533,
            runAsNonRoot: true,
            privileged: false,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
          },
          terminationGracePeriodSeconds: 5,
          containers: [
            container({
              name: 'controller',
              command: ['ironlb-controller'],
              args: ['--leader-elect', '--node=$(NODE)'],
              env: [
                { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'LEVEL', value: 'debug' },
              ],
              ports: [
                { name: 'metrics', containerPort: 7472, protocol: 'TCP' },
                { containerPort: 7946, protocol: 'UDP' },
                { name: '', containerPort: 9443 },
              ],
              securityContext: {
                runAsUser: 0,
                runAsGroup: 0,
                runAsNonRoot: false,
                privileged: true,
                allowPrivilegeEscalation: true,
                readOnlyRootFilesystem: false,
                capabilities: { drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN'] },
              },
              readinessProbe: { httpGet: { path: '/readyz', port: 'metrics' }, periodSeconds: 5, failureThreshold: 1 },
              livenessProbe: { httpGet: { port: 9443 } },
            }),
            container({ name: 'second', securityContext: { capabilities: {} } }),
          ],
        },
        { replicas: 3, selector: { matchLabels: { app: 'web' } } },
        { uid: 'uid-1', generation: 4 },
      ),
    );

  test('the reference, generation, replicas and selector', () => {
    const w = full();
    expect(w.ref).toStrictEqual({ kind: 'Deployment', namespace: 'ns1', name: 'web', uid: 'uid-1' });
    expect([w.generation, w.replicas, w.selector]).toStrictEqual([4, 3, { app: 'web' }]);
  });

  test("the pod's spec fields", () => {
    const w = full();
    const { containers: _, ...spec } = w.template.spec;
    expect(spec).toStrictEqual({
      serviceAccountName: 'ironlb-controller',
      hostNetwork: true,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'dedicated', operator: 'Equal', value: 'lb' },
        // An empty effect matches every effect: it is left out, as an absent one.
        { operator: 'Exists' },
      ],
      securityContext: {
        runAsUser: 65534,
        runAsGroup: 65533,
        runAsNonRoot: true,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      },
      terminationGracePeriodSeconds: 5,
    });
  });

  test("the container's command, args, env, ports, security context and probes", () => {
    const w = full();
    expect(firstContainer(w)).toStrictEqual({
      name: 'controller',
      image: 'ghcr.io/ironlb/ironlb:0.1.0',
      command: ['ironlb-controller'],
      args: ['--leader-elect', '--node=$(NODE)'],
      env: [
        { name: 'NODE', fieldPath: 'spec.nodeName' },
        { name: 'LEVEL', value: 'debug' },
      ],
      ports: [
        { name: 'metrics', containerPort: 7472, protocol: 'TCP' },
        { containerPort: 7946, protocol: 'UDP' },
        { containerPort: 9443, protocol: 'TCP' },
      ],
      securityContext: {
        runAsUser: 0,
        runAsGroup: 0,
        runAsNonRoot: false,
        privileged: true,
        allowPrivilegeEscalation: true,
        readOnlyRootFilesystem: false,
        capabilities: { add: ['NET_RAW', 'NET_ADMIN'], drop: ['ALL'] },
      },
      readinessProbe: { path: '/readyz', port: 7472, periodSeconds: 5, failureThreshold: 1 },
      // Path /, every 10 s, 3 failures: Kubernetes' defaults.
      livenessProbe: { path: '/', port: 9443, periodSeconds: 10, failureThreshold: 3 },
    });
  });

  test('capabilities given with neither list are empty lists', () => {
    const w = full();
    expect(w.template.spec.containers[1].securityContext).toStrictEqual({ capabilities: { add: [], drop: [] } });
  });

  test('labels and annotations of the template', () => {
    const t = parseWorkload(
      'DaemonSet',
      deployment(
        {},
        {
          template: {
            metadata: { labels: { a: '1' }, annotations: { 'checksum/values': 'f00' } },
            spec: { containers: [container()] },
          },
        },
      ),
    ).template;
    expect([t.labels, t.annotations]).toStrictEqual([{ a: '1' }, { 'checksum/values': 'f00' }]);
  });

  test('a probe port given by number (regression: it was read as a string and refused)', () => {
    const c = firstContainer(
      parseWorkload('Deployment', withContainer({ readinessProbe: { httpGet: { port: 8080 } } })),
    );
    expect(c.readinessProbe).toStrictEqual({ path: '/', port: 8080, periodSeconds: 10, failureThreshold: 3 });
  });

  test('a probe port by name resolves against the container ports, whatever their order', () => {
    const c = firstContainer(
      parseWorkload(
        'Deployment',
        withContainer({
          ports: [
            { name: 'a', containerPort: 1001 },
            { name: 'b', containerPort: 1002 },
          ],
          livenessProbe: { httpGet: { port: 'b' } },
        }),
      ),
    );
    expect(c.livenessProbe?.port).toBe(1002);
  });
});

describe('parseWorkload refusals name the object and the field', () => {
  const refused = (obj: Obj, kind: 'DaemonSet' | 'Deployment' = 'Deployment'): string =>
    refusal(() => parseWorkload(kind, obj));
  const at = 'spec.template.spec';
  const c0 = `${at}.containers[0]`;

  test('negative replicas', () => {
    expect(refused(deployment({}, { replicas: -1 }))).toBe('Deployment ns1/web: spec.replicas: must be 0 or more');
  });

  test('a selector with matchExpressions', () => {
    expect(
      refused(
        deployment({}, { selector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] } }),
        'DaemonSet',
      ),
    ).toBe('DaemonSet ns1/web: spec.selector.matchExpressions: the lab kubelet selects pods by matchLabels only');
  });

  test('a field set to its zero value asks for nothing and is not refused', () => {
    const w = parseWorkload('Deployment', deployment({ hostPID: false, initContainers: [] }));
    expect(w.template.spec.containers).toHaveLength(1);
    expect(
      parseWorkload('Deployment', withContainer({ envFrom: [], workingDir: '' })).template.spec.containers,
    ).toHaveLength(1);
    expect(
      parseWorkload(
        'Deployment',
        withContainer({
          env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' }, secretKeyRef: {} } }],
        }),
      ).template.spec.containers[0]?.env,
    ).toEqual([{ name: 'A', fieldPath: 'spec.nodeName' }]);
  });

  test('init containers and hostPID', () => {
    expect(refused(deployment({ initContainers: [container()] }))).toBe(
      `Deployment ns1/web: ${at}.initContainers: the lab kubelet runs no init containers`,
    );
    expect(refused(deployment({ hostPID: true }))).toBe(
      `Deployment ns1/web: ${at}.hostPID: the lab kubelet shares no PID namespace`,
    );
  });

  test('no containers, or none listed', () => {
    const none = `Deployment ns1/web: ${at}.containers: at least one container is required`;
    expect(refused(deployment({ containers: [] }))).toBe(none);
    expect(refused(deployment({ containers: undefined }))).toBe(none);
    expect(refused({ metadata: { name: 'web', namespace: 'ns1' } })).toBe(none);
  });

  test('workingDir and envFrom', () => {
    expect(refused(withContainer({ workingDir: '/tmp' }))).toBe(
      `Deployment ns1/web: ${c0}.workingDir: the lab kubelet runs containers in the image directory only`,
    );
    expect(refused(withContainer({ envFrom: [{ secretRef: { name: 's' } }] }))).toBe(
      `Deployment ns1/web: ${c0}.envFrom: the lab kubelet reads no ConfigMaps or Secrets into the environment`,
    );
  });

  test('exec and tcpSocket probes', () => {
    expect(refused(withContainer({ readinessProbe: { exec: { command: ['true'] } } }))).toBe(
      `Deployment ns1/web: ${c0}.readinessProbe.exec: the lab kubelet runs httpGet probes only`,
    );
    expect(refused(withContainer({ livenessProbe: { tcpSocket: { port: 80 } } }))).toBe(
      `Deployment ns1/web: ${c0}.livenessProbe.tcpSocket: the lab kubelet runs httpGet probes only`,
    );
  });

  test('a probe port that names no container port, is missing, or is neither a number nor a name', () => {
    const unknown = `Deployment ns1/web: ${c0}.readinessProbe.httpGet.port: must be a number or the name of a container port`;
    expect(
      refused(
        withContainer({ ports: [{ name: 'metrics', containerPort: 1 }], readinessProbe: { httpGet: { port: 'web' } } }),
      ),
    ).toBe(unknown);
    expect(refused(withContainer({ readinessProbe: { httpGet: { path: '/' } } }))).toBe(unknown);
    expect(refused(withContainer({ readinessProbe: { httpGet: { port: true } } }))).toBe(
      `Deployment ns1/web: ${c0}.readinessProbe.httpGet.port: expected an integer or a name`,
    );
    expect(refused(withContainer({ readinessProbe: { httpGet: { port: 80.5 } } }))).toBe(
      `Deployment ns1/web: ${c0}.readinessProbe.httpGet.port: expected an integer or a name`,
    );
  });

  test('env from Secrets, ConfigMaps and resources; a fieldRef without a path', () => {
    for (const k of ['secretKeyRef', 'configMapKeyRef', 'resourceFieldRef']) {
      expect(refused(withContainer({ env: [{ name: 'A', valueFrom: { [k]: { key: 'k' } } }] }))).toBe(
        `Deployment ns1/web: ${c0}.env[0].valueFrom.${k}: the lab kubelet resolves fieldRef only`,
      );
    }
    expect(
      refused(
        withContainer({
          env: [
            { name: 'A', value: 'x' },
            { name: 'B', valueFrom: { fieldRef: {} } },
          ],
        }),
      ),
    ).toBe(`Deployment ns1/web: ${c0}.env[1].valueFrom.fieldRef.fieldPath: expected a non-empty string`);
  });

  test('a toleration operator other than Exists or Equal', () => {
    expect(refused(deployment({ tolerations: [{ operator: 'Exists' }, { key: 'a', operator: 'In' }] }))).toBe(
      `Deployment ns1/web: ${at}.tolerations[1].operator: must be Exists or Equal`,
    );
  });

  test('a missing or empty name, a missing image', () => {
    expect(refused({ metadata: { namespace: 'ns1' }, spec: {} })).toBe(
      'Deployment ns1/(unnamed): metadata.name: expected a non-empty string',
    );
    expect(refused({ metadata: null, spec: { template: { spec: { containers: [container()] } } } })).toBe(
      'Deployment (unnamed): metadata.name: expected a non-empty string',
    );
    expect(refused(deployment({ containers: [container({ name: '' })] }))).toBe(
      `Deployment ns1/web: ${c0}.name: expected a non-empty string`,
    );
    expect(refused(deployment({ containers: [container(), { name: 'b' }] }))).toBe(
      `Deployment ns1/web: ${at}.containers[1].image: expected a non-empty string`,
    );
  });

  test('fields of the wrong type: string, integer, boolean, string list, string map, list', () => {
    expect(refused(deployment({}, {}, { namespace: 5 }))).toBe('Deployment web: metadata.namespace: expected a string');
    expect(refused(deployment({ serviceAccountName: ['a'] }))).toBe(
      `Deployment ns1/web: ${at}.serviceAccountName: expected a string`,
    );
    expect(refused(deployment({}, { replicas: '2' }))).toBe('Deployment ns1/web: spec.replicas: expected an integer');
    expect(refused(deployment({}, { replicas: 1.5 }))).toBe('Deployment ns1/web: spec.replicas: expected an integer');
    expect(refused(deployment({ hostNetwork: 'true' }))).toBe(
      `Deployment ns1/web: ${at}.hostNetwork: expected true or false`,
    );
    expect(refused(withContainer({ command: 'ironlb-speaker' }))).toBe(
      `Deployment ns1/web: ${c0}.command: expected a list of strings`,
    );
    expect(refused(withContainer({ args: ['--a', 1] }))).toBe(
      `Deployment ns1/web: ${c0}.args: expected a list of strings`,
    );
    expect(refused(deployment({ nodeSelector: { a: 1 } }))).toBe(
      `Deployment ns1/web: ${at}.nodeSelector: expected a string map`,
    );
    expect(refused(deployment({ nodeSelector: ['a'] }))).toBe(
      `Deployment ns1/web: ${at}.nodeSelector: expected a string map`,
    );
    expect(refused(deployment({ tolerations: { key: 'a' } }))).toBe(
      `Deployment ns1/web: ${at}.tolerations: expected a list`,
    );
    expect(refused(withContainer({ ports: [{ name: 'm' }] }))).toBe(
      `Deployment ns1/web: ${c0}.ports[0].containerPort: expected an integer`,
    );
    expect(refused(withContainer({ securityContext: { capabilities: { add: 'NET_RAW' } } }))).toBe(
      `Deployment ns1/web: ${c0}.securityContext.capabilities.add: expected a list of strings`,
    );
  });
});

describe('parseNode', () => {
  test('name, labels and taints, a taint value only when given', () => {
    expect(
      parseNode({
        metadata: { name: 'node1', labels: { 'kubernetes.io/hostname': 'node1' } },
        spec: {
          taints: [
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            { key: 'dedicated', value: 'lb', effect: 'NoExecute' },
          ],
        },
      }),
    ).toStrictEqual({
      name: 'node1',
      labels: { 'kubernetes.io/hostname': 'node1' },
      taints: [
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
        { key: 'dedicated', value: 'lb', effect: 'NoExecute' },
      ],
    });
  });

  test('a node without labels or spec', () => {
    expect(parseNode({ metadata: { name: 'node2' } })).toStrictEqual({ name: 'node2', labels: {}, taints: [] });
  });

  test('refuses a node without a name, and a taint without a key or effect', () => {
    expect(refusal(() => parseNode({ metadata: {} }))).toBe(
      'Node (unnamed): metadata.name: expected a non-empty string',
    );
    expect(refusal(() => parseNode({ metadata: { name: 'n' }, spec: { taints: [{ effect: 'NoSchedule' }] } }))).toBe(
      'Node n: spec.taints[0].key: expected a non-empty string',
    );
    expect(refusal(() => parseNode({ metadata: { name: 'n' }, spec: { taints: [{ key: 'k', value: 'v' }] } }))).toBe(
      'Node n: spec.taints[0].effect: expected a non-empty string',
    );
  });
});

describe('parseSelectingService', () => {
  const service = (spec: Obj, metadata: Obj = { name: 'svc', namespace: 'ns1', uid: 'uid-s' }): Obj => ({
    metadata,
    spec,
  });

  test('none for a Service without a selector or with an empty one', () => {
    expect(parseSelectingService(service({ ports: [{ port: 80 }] }))).toBeUndefined();
    expect(parseSelectingService(service({ selector: {}, ports: [{ port: 80 }] }))).toBeUndefined();
    // Its name is not needed then: the Service is none of the kubelet's business.
    expect(parseSelectingService({ spec: {} })).toBeUndefined();
  });

  test('selector and ports; name, protocol and target port default to empty, TCP and the port', () => {
    expect(
      parseSelectingService(
        service({
          selector: { app: 'web' },
          ports: [
            { name: 'webhook', protocol: 'TCP', port: 443, targetPort: 'webhook' },
            { protocol: 'UDP', port: 53, targetPort: 5353 },
            { port: 80 },
            { port: 8080, targetPort: null },
          ],
        }),
      ),
    ).toStrictEqual({
      namespace: 'ns1',
      name: 'svc',
      uid: 'uid-s',
      selector: { app: 'web' },
      ports: [
        { name: 'webhook', protocol: 'TCP', port: 443, targetPort: 'webhook' },
        { name: '', protocol: 'UDP', port: 53, targetPort: 5353 },
        { name: '', protocol: 'TCP', port: 80, targetPort: 80 },
        { name: '', protocol: 'TCP', port: 8080, targetPort: 8080 },
      ],
    });
  });

  test('namespace default and uid empty when not given; no ports', () => {
    expect(parseSelectingService(service({ selector: { a: 'b' } }, { name: 'svc' }))).toStrictEqual({
      namespace: 'default',
      name: 'svc',
      uid: '',
      selector: { a: 'b' },
      ports: [],
    });
  });

  test('refuses a port without a number and a target port of another type', () => {
    expect(refusal(() => parseSelectingService(service({ selector: { a: 'b' }, ports: [{ name: 'x' }] })))).toBe(
      'Service ns1/svc: spec.ports[0].port: expected an integer',
    );
    expect(
      refusal(() => parseSelectingService(service({ selector: { a: 'b' }, ports: [{ port: 80, targetPort: false }] }))),
    ).toBe('Service ns1/svc: spec.ports[0].targetPort: expected an integer or a name');
  });
});

describe("the chart's objects", () => {
  const chart = renderedChart();

  test('the speaker DaemonSet: host network, NODE_NAME from the node, probes on the metrics port', () => {
    const w = parseWorkload('DaemonSet', chart.daemonSet);
    expect(w.ref).toStrictEqual({ kind: 'DaemonSet', namespace: 'ironlb-system', name: 'ironlb-speaker', uid: '' });
    expect(w.template.spec.hostNetwork).toBe(true);
    expect(w.template.spec.tolerations.map((t) => t.key)).toStrictEqual([
      'node-role.kubernetes.io/control-plane',
      'node-role.kubernetes.io/master',
    ]);
    const c = firstContainer(w);
    expect([c.command, c.env]).toStrictEqual([['ironlb-speaker'], [{ name: 'NODE_NAME', fieldPath: 'spec.nodeName' }]]);
    expect([c.readinessProbe, c.livenessProbe]).toStrictEqual([
      { path: '/readyz', port: 7472, periodSeconds: 5, failureThreshold: 3 },
      { path: '/healthz', port: 7472, periodSeconds: 10, failureThreshold: 3 },
    ]);
    expect(c.securityContext).toStrictEqual({
      runAsUser: 0,
      runAsGroup: 0,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { add: ['NET_RAW', 'NET_ADMIN', 'NET_BIND_SERVICE'], drop: ['ALL'] },
    });
  });

  test('the controller Deployment: two replicas as nobody, the webhook port', () => {
    const w = parseWorkload('Deployment', chart.deployment);
    expect([w.replicas, w.template.spec.securityContext]).toStrictEqual([
      2,
      { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
    ]);
    expect(firstContainer(w).ports).toStrictEqual([
      { name: 'metrics', containerPort: 7472, protocol: 'TCP' },
      { name: 'webhook', containerPort: 9443, protocol: 'TCP' },
    ]);
  });

  test('the webhook Service selects the controller by a named target port', () => {
    expect(parseSelectingService(chart.webhookService)?.ports).toStrictEqual([
      { name: 'webhook', protocol: 'TCP', port: 443, targetPort: 'webhook' },
    ]);
  });
});
