import { createHash } from 'node:crypto';
import type { LabNode, PodTemplate, Taint, Toleration, Workload } from './objects';
import { schedule, templateHash, tolerates, unfit } from './schedule';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const template = (spec: Partial<PodTemplate['spec']> = {}): PodTemplate => ({
  labels: { app: 'web' },
  annotations: {},
  spec: {
    serviceAccountName: 'default',
    hostNetwork: false,
    nodeSelector: {},
    tolerations: [],
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    containers: [{ name: 'app', image: 'ghcr.io/ironlb/ironlb:0.1.0', env: [], ports: [], securityContext: {} }],
    ...spec,
  },
});

const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): LabNode => ({
  name,
  labels,
  taints,
});

const daemonSet = (name: string, t: PodTemplate = template()): Workload => ({
  ref: { kind: 'DaemonSet', namespace: 'ns1', name, uid: `uid-${name}` },
  generation: 1,
  selector: { app: 'web' },
  template: t,
});

const deployment = (name: string, replicas: number, t: PodTemplate = template()): Workload => ({
  ref: { kind: 'Deployment', namespace: 'ns1', name, uid: `uid-${name}` },
  generation: 1,
  replicas,
  selector: { app: 'web' },
  template: t,
});

const noSchedule = (key: string, value?: string): Taint => ({
  key,
  ...(value !== undefined ? { value } : {}),
  effect: 'NoSchedule',
});

describe('tolerates', () => {
  const taint: Taint = { key: 'dedicated', value: 'lb', effect: 'NoSchedule' };
  const one = (t: Toleration, of: Taint = taint): boolean => tolerates([t], of);

  test('Exists with the key tolerates any value; Equal needs the same value', () => {
    expect(one({ key: 'dedicated', operator: 'Exists' })).toBe(true);
    expect(one({ key: 'dedicated', operator: 'Equal', value: 'lb' })).toBe(true);
    expect(one({ key: 'dedicated', operator: 'Equal', value: 'db' })).toBe(false);
    expect(one({ key: 'dedicated', operator: 'Equal' })).toBe(false);
  });

  test('Equal without a value matches a taint without a value, and only that', () => {
    const bare: Taint = { key: 'dedicated', effect: 'NoSchedule' };
    expect(one({ key: 'dedicated', operator: 'Equal' }, bare)).toBe(true);
    expect(one({ key: 'dedicated', operator: 'Equal', value: '' }, bare)).toBe(true);
    expect(one({ key: 'dedicated', operator: 'Equal', value: 'lb' }, bare)).toBe(false);
  });

  test('another key is not tolerated, whatever the operator', () => {
    expect(one({ key: 'other', operator: 'Exists' })).toBe(false);
    expect(one({ key: 'other', operator: 'Equal', value: 'lb' })).toBe(false);
  });

  test('no key with Exists tolerates every taint; no key with Equal none', () => {
    expect(one({ operator: 'Exists' })).toBe(true);
    expect(one({ operator: 'Equal', value: 'lb' })).toBe(false);
  });

  test('an effect given must be the taint effect; none given matches every effect', () => {
    expect(one({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' })).toBe(true);
    expect(one({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' })).toBe(false);
    expect(one({ operator: 'Exists', effect: 'NoExecute' })).toBe(false);
    expect(one({ key: 'dedicated', operator: 'Exists' }, { ...taint, effect: 'NoExecute' })).toBe(true);
  });

  test('any one of the tolerations is enough; none is never', () => {
    const miss: Toleration = { key: 'other', operator: 'Exists' };
    const hit: Toleration = { key: 'dedicated', operator: 'Exists' };
    expect(tolerates([miss, hit], taint)).toBe(true);
    expect(tolerates([hit, miss], taint)).toBe(true);
    expect(tolerates([miss, miss], taint)).toBe(false);
    expect(tolerates([], taint)).toBe(false);
  });
});

describe('unfit', () => {
  const SELECTOR = `node(s) didn't match Pod's node affinity/selector`;
  const TAINT = 'node(s) had untolerated taint';

  test('a node with every label of the nodeSelector fits', () => {
    const t = template({ nodeSelector: { 'kubernetes.io/os': 'linux', zone: 'a' } });
    expect(unfit(node('node1', { 'kubernetes.io/os': 'linux', zone: 'a', extra: 'x' }), t)).toBeUndefined();
    expect(unfit(node('node1', { 'kubernetes.io/os': 'linux' }), t)).toBe(SELECTOR);
    expect(unfit(node('node1', { 'kubernetes.io/os': 'linux', zone: 'b' }), t)).toBe(SELECTOR);
    expect(unfit(node('node1', { zone: 'a' }), t)).toBe(SELECTOR);
  });

  test('an untolerated NoSchedule or NoExecute taint makes a node unfit; PreferNoSchedule never does', () => {
    const t = template();
    expect(unfit(node('node1', {}, [noSchedule('a')]), t)).toBe(TAINT);
    expect(unfit(node('node1', {}, [{ key: 'a', effect: 'NoExecute' }]), t)).toBe(TAINT);
    expect(unfit(node('node1', {}, [{ key: 'a', effect: 'PreferNoSchedule' }]), t)).toBeUndefined();
  });

  test('every blocking taint must be tolerated', () => {
    const t = template({ tolerations: [{ key: 'a', operator: 'Exists' }] });
    expect(unfit(node('node1', {}, [noSchedule('a')]), t)).toBeUndefined();
    expect(unfit(node('node1', {}, [noSchedule('a'), noSchedule('b')]), t)).toBe(TAINT);
    expect(unfit(node('node1', {}, [noSchedule('b'), noSchedule('a')]), t)).toBe(TAINT);
  });

  test('the selector is checked before the taints', () => {
    const t = template({ nodeSelector: { zone: 'a' } });
    expect(unfit(node('node1', {}, [noSchedule('a')]), t)).toBe(SELECTOR);
  });
});

describe('templateHash', () => {
  test('is 10 hex digits, the same for equal templates and different for a changed one', () => {
    const h = templateHash(template());
    expect(h).toMatch(/^[0-9a-f]{10}$/);
    expect(templateHash(template())).toBe(h);
    expect(templateHash({ ...template(), annotations: { 'checksum/values': 'f00' } })).not.toBe(h);
  });

  test('is the first 10 hex digits of the SHA-256 of the template as JSON', () => {
    // Pinned: a pod's name holds the hash, so a change here renames every running pod.
    expect(templateHash({ labels: {}, annotations: {} } as unknown as PodTemplate)).toBe('91c5b36116');
  });
});

describe('schedule', () => {
  test('a DaemonSet runs one pod on every fitting node, in node name order', () => {
    const t = template({ nodeSelector: { role: 'lb' } });
    const s = schedule(
      [node('node3', { role: 'lb' }), node('node1', { role: 'lb' }), node('node2'), node('node0', { role: 'lb' })],
      [daemonSet('speaker', t)],
    );
    expect(s.unscheduled).toEqual([]);
    expect(s.pods.map((p) => p.nodeName)).toEqual(['node0', 'node1', 'node3']);
    const th = templateHash(t);
    for (const p of s.pods) {
      expect(p).toEqual({
        namespace: 'ns1',
        name: p.name,
        nodeName: p.nodeName,
        owner: { kind: 'DaemonSet', namespace: 'ns1', name: 'speaker', uid: 'uid-speaker' },
        templateHash: th,
        template: t,
      });
      expect(p.name).toMatch(/^speaker-[0-9a-f]{5}$/);
    }
    expect(new Set(s.pods.map((p) => p.name)).size).toBe(3);
  });

  test('a DaemonSet with no fitting node has no pods and is not reported unscheduled', () => {
    const s = schedule([node('node1', {}, [noSchedule('a')])], [daemonSet('speaker')]);
    expect(s).toEqual({ pods: [], unscheduled: [] });
  });

  test("a DaemonSet pod's name is the same for the same template and node, new for a new template", () => {
    const names = (t: PodTemplate): string[] =>
      schedule([node('node1'), node('node2')], [daemonSet('speaker', t)]).pods.map((p) => p.name);
    expect(names(template())).toEqual(names(template()));
    const changed = names(template({ hostNetwork: true }));
    expect(changed.filter((n) => names(template()).includes(n))).toEqual([]);
  });

  test("a DaemonSet pod's name hashes the template hash and the node name", () => {
    // Pinned, as templateHash is: a pod renamed by a kubelet upgrade would be restarted.
    const s = schedule([node('node1')], [daemonSet('speaker')]);
    expect(s.pods[0].name).toBe(`speaker-${sha256(`${templateHash(template())}/node1`).slice(0, 5)}`);
  });

  test('a Deployment spreads its replicas round-robin over the fitting nodes in name order', () => {
    const t = template({ tolerations: [{ key: 'a', operator: 'Exists' }] });
    const s = schedule(
      [node('node2', {}, [noSchedule('a')]), node('node3', {}, [noSchedule('b')]), node('node1')],
      [deployment('controller', 5, t)],
    );
    expect(s.pods.map((p) => p.nodeName)).toEqual(['node1', 'node2', 'node1', 'node2', 'node1']);
    expect(s.unscheduled).toEqual([]);
    const th = templateHash(t);
    expect(s.pods.map((p) => p.name)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `controller-${th}-${sha256(`${th}/${i}`).slice(0, 5)}`),
    );
    expect(s.pods[0]).toEqual({
      namespace: 'ns1',
      name: s.pods[0].name,
      nodeName: 'node1',
      owner: { kind: 'Deployment', namespace: 'ns1', name: 'controller', uid: 'uid-controller' },
      templateHash: th,
      template: t,
    });
  });

  test('nodes sort by name whatever order they come in', () => {
    const place = (names: string[]): string[] =>
      schedule(
        names.map((n) => node(n)),
        [deployment('c', 3)],
      ).pods.map((p) => p.nodeName);
    expect(place(['node-b', 'node-c', 'node-a'])).toEqual(['node-a', 'node-b', 'node-c']);
    expect(place(['node-c', 'node-a', 'node-b'])).toEqual(['node-a', 'node-b', 'node-c']);
  });

  test('a Deployment with replicas and no fitting node says why, from the first node by name that gives a reason', () => {
    const s = schedule(
      [node('node2', {}, [noSchedule('a')]), node('node1', { zone: 'b' })],
      [deployment('controller', 2, template({ nodeSelector: { zone: 'a' } }))],
    );
    expect(s).toEqual({
      pods: [],
      unscheduled: [
        {
          owner: { kind: 'Deployment', namespace: 'ns1', name: 'controller', uid: 'uid-controller' },
          reason: `0/2 nodes are available: node(s) didn't match Pod's node affinity/selector`,
        },
      ],
    });
  });

  test('a Deployment with replicas and no nodes at all', () => {
    expect(schedule([], [deployment('controller', 1)]).unscheduled).toEqual([
      {
        owner: { kind: 'Deployment', namespace: 'ns1', name: 'controller', uid: 'uid-controller' },
        reason: '0/0 nodes are available: no nodes available',
      },
    ]);
  });

  test('a Deployment of 0 replicas has no pods and is not unscheduled, with or without nodes', () => {
    expect(schedule([], [deployment('controller', 0)])).toEqual({ pods: [], unscheduled: [] });
    expect(schedule([node('node1')], [deployment('controller', 0)])).toEqual({ pods: [], unscheduled: [] });
  });

  test('workloads are scheduled in turn, one unscheduled not stopping the next', () => {
    const s = schedule(
      [node('node1', { zone: 'a' })],
      [
        deployment('blocked', 1, template({ nodeSelector: { zone: 'b' } })),
        daemonSet('speaker'),
        deployment('controller', 1),
      ],
    );
    expect(s.unscheduled.map((u) => u.owner.name)).toEqual(['blocked']);
    expect(s.pods.map((p) => `${p.owner.name}@${p.nodeName}`)).toEqual(['speaker@node1', 'controller@node1']);
  });

  test('does not reorder the nodes it is given', () => {
    const nodes = [node('node2'), node('node1')];
    schedule(nodes, [daemonSet('speaker')]);
    expect(nodes.map((n) => n.name)).toEqual(['node2', 'node1']);
  });
});
