import {
  capabilitySet,
  containerProcess,
  expand,
  fieldValue,
  RUNTIME_DEFAULT_CAPABILITIES,
  setprivArgv,
  type LabImage,
  type PodFacts,
} from './container';
import type { Container, SecurityContext } from './objects';
import { refusal } from './testFixtures';

const IMAGE: LabImage = {
  repository: 'ghcr.io/ironlb/ironlb',
  entrypoint: ['ironlb-controller'],
  user: { uid: 65532, gid: 65531 },
  bins: {
    'ironlb-controller': '/repo/controller/bin/ironlb-controller.js',
    'ironlb-speaker': '/repo/speaker/bin/ironlb-speaker.js',
  },
};

const POD: PodFacts = {
  name: 'ironlb-speaker-abcde',
  namespace: 'ironlb-system',
  uid: 'pod-uid',
  nodeName: 'node1',
  serviceAccountName: 'ironlb-speaker',
  hostIP: '203.0.113.10',
  podIP: '203.0.113.20',
  labels: { app: 'speaker' },
  annotations: { 'checksum/values': 'f00' },
};

const container = (extra: Partial<Container> = {}): Container => ({
  name: 'speaker',
  image: 'ghcr.io/ironlb/ironlb:0.1.0',
  env: [],
  ports: [],
  securityContext: {},
  ...extra,
});

const run = (c: Container, podSecurity: SecurityContext = {}) =>
  containerProcess('Pod ns/p', c, podSecurity, POD, IMAGE);

describe('expand', () => {
  const vars = { A: 'alpha', B_2: 'beta', 'x.y-z': 'dotted', EMPTY: '' };

  test('replaces $(NAME) with its value, everywhere in the text', () => {
    expect(expand('--a=$(A) --b=$(B_2)$(A)', vars)).toBe('--a=alpha --b=betaalpha');
    expect(expand('$(x.y-z)', vars)).toBe('dotted');
    expect(expand('[$(EMPTY)]', vars)).toBe('[]');
  });

  test('an unknown name stays as written', () => {
    expect(expand('--a=$(NOPE) $(A)', vars)).toBe('--a=$(NOPE) alpha');
  });

  test('$$ is one $, so $$(A) is the literal $(A)', () => {
    expect(expand('$$(A)', vars)).toBe('$(A)');
    expect(expand('cost $$5', vars)).toBe('cost $5');
    expect(expand('$$$(A)', vars)).toBe('$alpha');
    expect(expand('$$$$', vars)).toBe('$$');
  });

  test('anything else with a $ stays as written', () => {
    expect(expand('$A $(A $() $(1A) $', vars)).toBe('$A $(A $() $(1A) $');
  });

  test('does not read names from the object prototype', () => {
    expect(expand('$(toString) $(constructor)', vars)).toBe('$(toString) $(constructor)');
  });
});

describe('fieldValue', () => {
  test('the pod fields a fieldRef can name', () => {
    expect(
      [
        'metadata.name',
        'metadata.namespace',
        'metadata.uid',
        'spec.nodeName',
        'spec.serviceAccountName',
        'status.hostIP',
        'status.podIP',
      ].map((f) => fieldValue(f, POD)),
    ).toEqual([
      'ironlb-speaker-abcde',
      'ironlb-system',
      'pod-uid',
      'node1',
      'ironlb-speaker',
      '203.0.113.10',
      '203.0.113.20',
    ]);
  });

  test('one label or annotation by key; a missing one is empty, as Kubernetes gives it', () => {
    expect(fieldValue("metadata.labels['app']", POD)).toBe('speaker');
    expect(fieldValue("metadata.annotations['checksum/values']", POD)).toBe('f00');
    expect(fieldValue("metadata.labels['nope']", POD)).toBe('');
    expect(fieldValue("metadata.annotations['app']", POD)).toBe('');
  });

  test('anything else is unsupported', () => {
    for (const f of [
      'metadata.labels',
      "metadata.labels['app']x",
      "xmetadata.labels['app']",
      "metadata.labels['']",
      'status.podIPs',
      'toString',
      'spec.nodename',
    ])
      expect(fieldValue(f, POD)).toBeUndefined();
  });
});

describe('capabilitySet', () => {
  const lower = (cs: string[]): string[] => cs.map((c) => c.toLowerCase()).sort();

  test("without capabilities: the runtime's default set, sorted, in setpriv's spelling", () => {
    expect(capabilitySet({})).toEqual(lower(RUNTIME_DEFAULT_CAPABILITIES));
    expect(capabilitySet({})).toEqual([
      'audit_write',
      'chown',
      'dac_override',
      'fowner',
      'fsetid',
      'kill',
      'mknod',
      'net_bind_service',
      'net_raw',
      'setfcap',
      'setgid',
      'setpcap',
      'setuid',
      'sys_chroot',
    ]);
  });

  test('drop removes from the default set, add adds to it; CAP_ and case do not matter', () => {
    expect(capabilitySet({ capabilities: { drop: ['NET_RAW', 'cap_kill', 'Chown'], add: [] } })).toEqual(
      lower(RUNTIME_DEFAULT_CAPABILITIES.filter((c) => !['NET_RAW', 'KILL', 'CHOWN'].includes(c))),
    );
    expect(capabilitySet({ capabilities: { drop: [], add: ['CAP_NET_ADMIN', 'net_raw'] } })).toEqual(
      lower([...RUNTIME_DEFAULT_CAPABILITIES, 'NET_ADMIN']),
    );
  });

  test('only a leading CAP_ is taken off; a name setpriv does not know is passed on for it to refuse', () => {
    expect(capabilitySet({ capabilities: { drop: ['ALL'], add: ['not_cap_known', 'CAP_CAP_X'] } })).toEqual([
      'cap_x',
      'not_cap_known',
    ]);
  });

  test('drop ALL leaves only what is added', () => {
    expect(
      capabilitySet({ capabilities: { drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN', 'NET_BIND_SERVICE'] } }),
    ).toEqual(['net_admin', 'net_bind_service', 'net_raw']);
    expect(capabilitySet({ capabilities: { drop: ['all'], add: [] } })).toEqual([]);
  });

  test('add ALL is refused', () => {
    expect(refusal(() => capabilitySet({ capabilities: { drop: ['ALL'], add: ['cap_all'] } }))).toBe(
      'capabilities.add: ALL is privileged, which ironlb never asks for',
    );
  });
});

describe('containerProcess', () => {
  test("the container's command and args, through the bin the image links", () => {
    const p = run(container({ command: ['ironlb-speaker', '--x'], args: ['--node=$(NODE)'] }));
    expect(p).toEqual({
      argv: ['/repo/speaker/bin/ironlb-speaker.js', '--x', '--node=$(NODE)'],
      env: {},
      uid: 65532,
      gid: 65531,
      capabilities: lower(RUNTIME_DEFAULT_CAPABILITIES),
      noNewPrivileges: false,
    });
  });

  test("without a command, the image's entrypoint with the container's args", () => {
    expect(run(container({ args: ['--leader-elect'] })).argv).toEqual([
      '/repo/controller/bin/ironlb-controller.js',
      '--leader-elect',
    ]);
    expect(run(container()).argv).toEqual(['/repo/controller/bin/ironlb-controller.js']);
  });

  test('a command by its path in the image is its bin', () => {
    expect(run(container({ command: ['/usr/local/bin/ironlb-speaker'] })).argv).toEqual([
      '/repo/speaker/bin/ironlb-speaker.js',
    ]);
  });

  test('env: values, fieldRefs, and $(VAR) of earlier variables only; command and args see them all', () => {
    const p = run(
      container({
        command: ['$(PROG)', '$(LATE)'],
        args: ['--node=$(NODE_NAME)', '--ns=$(NS)', '$$(NODE_NAME)'],
        env: [
          { name: 'PROG', value: 'ironlb-speaker' },
          { name: 'NODE_NAME', fieldPath: 'spec.nodeName' },
          { name: 'NS', fieldPath: 'metadata.namespace' },
          { name: 'WHERE', value: '$(NODE_NAME)/$(LATE)' },
          { name: 'LATE', value: 'late' },
          { name: 'BLANK' },
        ],
      }),
    );
    expect(p.env).toEqual({
      PROG: 'ironlb-speaker',
      NODE_NAME: 'node1',
      NS: 'ironlb-system',
      WHERE: 'node1/$(LATE)',
      LATE: 'late',
      BLANK: '',
    });
    expect(p.argv).toEqual([
      '/repo/speaker/bin/ironlb-speaker.js',
      'late',
      '--node=node1',
      '--ns=ironlb-system',
      '$(NODE_NAME)',
    ]);
  });

  test('a fieldRef value is not expanded', () => {
    const pod = { ...POD, labels: { odd: '$(A)' } };
    const p = containerProcess(
      'Pod ns/p',
      container({
        env: [
          { name: 'A', value: 'a' },
          { name: 'B', fieldPath: "metadata.labels['odd']" },
        ],
      }),
      {},
      pod,
      IMAGE,
    );
    expect(p.env).toEqual({ A: 'a', B: '$(A)' });
  });

  test('an unsupported fieldRef is refused, naming the container and the variable', () => {
    expect(refusal(() => run(container({ env: [{ name: 'IPS', fieldPath: 'status.podIPs' }] })))).toBe(
      'Pod ns/p: containers[speaker].env[IPS].valueFrom.fieldRef.fieldPath: unsupported: status.podIPs',
    );
  });

  test('an image from another repository is refused; tags and digests are not the repository', () => {
    expect(refusal(() => run(container({ image: 'docker.io/library/busybox:1' })))).toBe(
      'Pod ns/p: containers[speaker].image: the lab runs only ghcr.io/ironlb/ironlb (from this repository), not docker.io/library/busybox:1',
    );
    expect(refusal(() => run(container({ image: 'ghcr.io/ironlb/ironlb-other:0.1.0' })))).toBe(
      'Pod ns/p: containers[speaker].image: the lab runs only ghcr.io/ironlb/ironlb (from this repository), not ghcr.io/ironlb/ironlb-other:0.1.0',
    );
    for (const image of [
      'ghcr.io/ironlb/ironlb',
      'ghcr.io/ironlb/ironlb:0.1.0',
      'ghcr.io/ironlb/ironlb@sha256:0123abcd',
      'ghcr.io/ironlb/ironlb:0.1.0@sha256:0123abcd',
    ])
      expect(run(container({ image })).argv).toEqual(['/repo/controller/bin/ironlb-controller.js']);
  });

  test('a registry port is part of the repository, not a tag', () => {
    const local = { ...IMAGE, repository: 'registry.local:5000/ironlb' };
    const of = (image: string) => containerProcess('Pod ns/p', container({ image }), {}, POD, local).argv;
    expect(of('registry.local:5000/ironlb')).toEqual(['/repo/controller/bin/ironlb-controller.js']);
    expect(of('registry.local:5000/ironlb:1')).toEqual(['/repo/controller/bin/ironlb-controller.js']);
    const bare = { ...IMAGE, repository: 'ironlb' };
    expect(containerProcess('Pod ns/p', container({ image: 'ironlb' }), {}, POD, bare).argv).toEqual([
      '/repo/controller/bin/ironlb-controller.js',
    ]);
    expect(refusal(() => of('registry.local/ironlb:5000'))).toBe(
      'Pod ns/p: containers[speaker].image: the lab runs only registry.local:5000/ironlb (from this repository), not registry.local/ironlb:5000',
    );
  });

  test('a program the image does not hold is refused, listing those it does', () => {
    const holds = '(it holds ironlb-controller, ironlb-speaker)';
    expect(refusal(() => run(container({ command: ['sh', '-c', 'true'] })))).toBe(
      `Pod ns/p: containers[speaker].command: sh is not in the image ${holds}`,
    );
    expect(refusal(() => run(container({ command: ['/app/controller/bin/ironlb-controller.js'] })))).toBe(
      `Pod ns/p: containers[speaker].command: /app/controller/bin/ironlb-controller.js is not in the image ${holds}`,
    );
    // A relative path is not looked up in PATH, so it is not the bin of that name.
    expect(refusal(() => run(container({ command: ['bin/ironlb-speaker'] })))).toBe(
      `Pod ns/p: containers[speaker].command: bin/ironlb-speaker is not in the image ${holds}`,
    );
    expect(refusal(() => run(container({ command: ['/'] })))).toBe(
      `Pod ns/p: containers[speaker].command: / is not in the image ${holds}`,
    );
    expect(refusal(() => run(container({ command: ['toString'] })))).toBe(
      `Pod ns/p: containers[speaker].command: toString is not in the image ${holds}`,
    );
  });

  test('an empty command with no entrypoint is refused', () => {
    const none = { ...IMAGE, entrypoint: [] };
    expect(refusal(() => containerProcess('Pod ns/p', container(), {}, POD, none))).toBe(
      'Pod ns/p: containers[speaker].command: neither the container nor the image names a program',
    );
    expect(refusal(() => run(container({ command: [] })))).toBe(
      'Pod ns/p: containers[speaker].command: neither the container nor the image names a program',
    );
  });

  test("uid and gid: the image's USER by default; runAsUser alone gives gid 0; runAsGroup alone keeps the image's uid", () => {
    const ids = (sc: SecurityContext, pod: SecurityContext = {}) => {
      const p = run(container({ securityContext: sc }), pod);
      return [p.uid, p.gid];
    };
    expect(ids({})).toEqual([65532, 65531]);
    expect(ids({ runAsUser: 1000 })).toEqual([1000, 0]);
    expect(ids({ runAsGroup: 2000 })).toEqual([65532, 2000]);
    expect(ids({ runAsUser: 1000, runAsGroup: 2000 })).toEqual([1000, 2000]);
    expect(ids({ runAsUser: 0, runAsGroup: 0 })).toEqual([0, 0]);
  });

  test("the container's security context overrides the pod's, field by field", () => {
    const p = run(container({ securityContext: { runAsGroup: 7 } }), { runAsUser: 65534, runAsGroup: 65534 });
    expect([p.uid, p.gid]).toEqual([65534, 7]);
  });

  test('runAsNonRoot refuses uid 0, from the container, the pod or the image', () => {
    const root = 'Pod ns/p: containers[speaker].securityContext.runAsNonRoot: the container would run as root';
    expect(refusal(() => run(container({ securityContext: { runAsNonRoot: true, runAsUser: 0 } })))).toBe(root);
    expect(refusal(() => run(container({ securityContext: { runAsUser: 0 } }), { runAsNonRoot: true }))).toBe(root);
    const rootImage = { ...IMAGE, user: { uid: 0, gid: 0 } };
    expect(
      refusal(() =>
        containerProcess('Pod ns/p', container({ securityContext: { runAsNonRoot: true } }), {}, POD, rootImage),
      ),
    ).toBe(root);
    expect(run(container({ securityContext: { runAsNonRoot: true, runAsUser: 1 } })).uid).toBe(1);
    expect(run(container({ securityContext: { runAsNonRoot: false, runAsUser: 0 } })).uid).toBe(0);
  });

  test('a privileged container is refused; privileged false is not', () => {
    expect(refusal(() => run(container({ securityContext: { privileged: true } })))).toBe(
      'Pod ns/p: containers[speaker].securityContext.privileged: the lab runs no privileged container',
    );
    expect(refusal(() => run(container(), { privileged: true }))).toBe(
      'Pod ns/p: containers[speaker].securityContext.privileged: the lab runs no privileged container',
    );
    expect(run(container({ securityContext: { privileged: false } })).uid).toBe(65532);
  });

  test('adding ALL capabilities is refused naming the pod and the container', () => {
    expect(refusal(() => run(container({ securityContext: { capabilities: { add: ['ALL'], drop: [] } } })))).toBe(
      'Pod ns/p: containers[speaker].securityContext.capabilities: capabilities.add: ALL is privileged, which ironlb never asks for',
    );
  });

  test('no_new_privs only when allowPrivilegeEscalation is false, as the kubelet sets it', () => {
    const nnp = (sc: SecurityContext) => run(container({ securityContext: sc })).noNewPrivileges;
    expect([nnp({}), nnp({ allowPrivilegeEscalation: false }), nnp({ allowPrivilegeEscalation: true })]).toEqual([
      false,
      true,
      false,
    ]);
  });

  test('capabilities from the merged security context', () => {
    const p = run(container({ securityContext: { capabilities: { drop: ['ALL'], add: ['NET_RAW'] } } }));
    expect(p.capabilities).toEqual(['net_raw']);
  });
});

describe('setprivArgv', () => {
  test('ids, no supplementary groups, no inheritable capabilities, the bounding set and no_new_privs', () => {
    expect(setprivArgv({ uid: 0, gid: 0, capabilities: ['net_admin', 'net_raw'], noNewPrivileges: true })).toEqual([
      'setpriv',
      '--reuid=0',
      '--regid=0',
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all,+net_admin,+net_raw',
      '--no-new-privs',
      '--',
    ]);
  });

  test('no capabilities is -all alone; no --no-new-privs when it is not asked for', () => {
    expect(setprivArgv({ uid: 65534, gid: 65533, capabilities: [], noNewPrivileges: false })).toEqual([
      'setpriv',
      '--reuid=65534',
      '--regid=65533',
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--',
    ]);
  });
});

const lower = (cs: string[]): string[] => cs.map((c) => c.toLowerCase()).sort();
