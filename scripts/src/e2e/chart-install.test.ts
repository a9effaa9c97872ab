/**
 * What users run, with the real helm v4 and kubectl v1.35 against ironlb-kube: `helm install ironlb charts/ironlb
 * -n ironlb-system --create-namespace`, the objects and rights it makes, an upgrade that rolls the speakers, an
 * uninstall that keeps the CRDs and the pools, and a typo in the values refused by the schema. No pod runs here.
 */
import * as path from 'node:path';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { repoRoot } from '../tools';

const CHART = path.join(repoRoot, 'charts', 'ironlb');
const NS = 'ironlb-system';
const INSTALL = ['install', 'ironlb', CHART, '--namespace', NS, '--create-namespace'];

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface Container {
  args: string[];
  command: string[];
  securityContext: {
    runAsUser?: number;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities: { add?: string[]; drop: string[] };
  };
}
interface Workload {
  metadata: { generation: number };
  spec: {
    replicas?: number;
    template: {
      spec: {
        hostNetwork?: boolean;
        dnsPolicy: string;
        securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
        containers: Container[];
      };
    };
  };
}

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await c.stop();
});

const getJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await c.ok(['get', ...args, '-o', 'json'])) as T;
const speakerSet = (): Promise<Workload> => getJson<Workload>('daemonset', 'ironlb-speaker', '-n', NS);
const controllerSet = (): Promise<Workload> => getJson<Workload>('deployment', 'ironlb-controller', '-n', NS);
const rulesOf = async (kind: string, name: string): Promise<Rule[]> =>
  (await getJson<{ rules: Rule[] }>(kind, name, ...(kind === 'role' ? ['-n', NS] : []))).rules;

/** Whether any rule grants `verb` on `resource` of `group` (RBAC's own matching, without wildcards: we use none). */
const grants = (rules: readonly Rule[], group: string, resource: string, verb: string): boolean =>
  rules.some(
    (r) =>
      (r.apiGroups ?? []).includes(group) &&
      (r.resources ?? []).includes(resource) &&
      r.verbs.includes(verb) &&
      (r.resourceNames ?? []).length === 0,
  );

describe('the chart installed with helm', () => {
  it('refuses a typo in the values, naming the key', async () => {
    const r = await c.helm([...INSTALL, '--set', 'speaker.dataplan=x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "Error: INSTALLATION FAILED: values don't meet the specifications of the schema(s) in the following chart(s):\n" +
        'ironlb:\n' +
        "- at '/speaker': additional properties 'dataplan' not allowed\n\n",
    );
    const bad = await c.helm([...INSTALL, '--set', 'speaker.dataplane=ebpf']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "- at '/speaker/dataplane': value must be one of 'auto', 'nftables', 'iptables', 'ipvs', 'none'\n",
    );
    expect(await c.helmOk(['list', '--all-namespaces', '-q'])).toBe('');
  });

  it('installs the CRDs, the controller Deployment, its PodDisruptionBudget and the speaker DaemonSet', async () => {
    const out = await c.helmOk(INSTALL);
    expect(out).toMatch(/^STATUS: deployed$/m);
    expect(await c.ok(['get', 'crd', '-o', 'name'])).toMatch(/(customresourcedefinition.*\.ironlb\.io\n){8}/);
    expect(
      (await c.ok(['get', 'deploy,ds,pdb,sa,role,rolebinding', '-n', NS, '-o', 'name'])).trim().split('\n').sort(),
    ).toEqual([
      'daemonset.apps/ironlb-speaker',
      'deployment.apps/ironlb-controller',
      'poddisruptionbudget.policy/ironlb-controller',
      'role.rbac.authorization.k8s.io/ironlb-controller',
      'role.rbac.authorization.k8s.io/ironlb-speaker',
      'rolebinding.rbac.authorization.k8s.io/ironlb-controller',
      'rolebinding.rbac.authorization.k8s.io/ironlb-speaker',
      'serviceaccount/ironlb-controller',
      'serviceaccount/ironlb-speaker',
    ]);

    const controller = await controllerSet();
    expect(controller.spec.replicas).toBe(2);
    const pod = controller.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(pod.containers[0].command).toEqual(['ironlb-controller']);
    expect(pod.containers[0].args).toEqual([
      '--leader-elect',
      `--namespace=${NS}`,
      '--metrics-port=7472',
      '--log-level=info',
      '--webhook-port=9443',
      '--webhook-service=ironlb-webhook',
      '--webhook-config=ironlb-validating',
      '--webhook-secret=ironlb-webhook-cert',
    ]);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(await c.ok(['get', 'pdb', 'ironlb-controller', '-n', NS, '-o', 'jsonpath={.spec.minAvailable}'])).toBe('1');

    const speaker = (await speakerSet()).spec.template.spec;
    expect(speaker.hostNetwork).toBe(true);
    expect(speaker.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(speaker.containers[0].command).toEqual(['ironlb-speaker']);
    expect(speaker.containers[0].args).toEqual([
      '--node-name=$(NODE_NAME)',
      `--namespace=${NS}`,
      '--memberlist-port=7946',
      '--bgp-port=179',
      '--dataplane=auto',
      '--metrics-port=7472',
      '--log-level=info',
    ]);
    expect(speaker.containers[0].securityContext).toEqual({
      runAsUser: 0,
      runAsGroup: 0,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN', 'NET_BIND_SERVICE'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('gives the speaker no right to create Nodes and no Secrets outside its namespace', async () => {
    const cluster = await rulesOf('clusterrole', 'ironlb-speaker');
    expect(grants(cluster, '', 'nodes', 'list')).toBe(true);
    for (const verb of ['create', 'update', 'patch', 'delete']) expect(grants(cluster, '', 'nodes', verb)).toBe(false);
    expect(cluster.some((r) => (r.resources ?? []).includes('secrets'))).toBe(false);
    const role = await rulesOf('role', 'ironlb-speaker');
    expect(grants(role, '', 'secrets', 'get')).toBe(true);
    expect(grants(role, '', 'secrets', 'list')).toBe(false);
    expect(role).toContainEqual({
      apiGroups: [''],
      resources: ['secrets'],
      resourceNames: ['ironlb-heartbeat-key'],
      verbs: ['list', 'watch'],
    });
    expect(grants(role, 'ironlb.io', 'servicel2statuses/status', 'patch')).toBe(true);
    expect(grants(role, 'ironlb.io', 'ipaddresspools', 'patch')).toBe(false);

    const controller = await rulesOf('clusterrole', 'ironlb-controller');
    expect(grants(controller, '', 'services/status', 'patch')).toBe(true);
    expect(controller.some((r) => (r.resources ?? []).includes('secrets'))).toBe(false);
    const controllerRole = await rulesOf('role', 'ironlb-controller');
    expect(grants(controllerRole, '', 'secrets', 'create')).toBe(true);
    expect(grants(controllerRole, '', 'secrets', 'get')).toBe(false);
    expect(grants(controllerRole, 'ironlb.io', 'ipaddresspools/status', 'patch')).toBe(true);
    // The webhook: its one Secret and its one configuration by name, the config kinds listed for each review.
    expect(controllerRole).toContainEqual({
      apiGroups: [''],
      resources: ['secrets'],
      resourceNames: ['ironlb-webhook-cert'],
      verbs: ['get', 'update'],
    });
    expect(controller).toContainEqual({
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['validatingwebhookconfigurations'],
      resourceNames: ['ironlb-validating'],
      verbs: ['get', 'patch'],
    });
    expect(grants(controller, 'admissionregistration.k8s.io', 'validatingwebhookconfigurations', 'patch')).toBe(false);
    for (const kind of ['bgppeers', 'bfdprofiles', 'communities', 'l2advertisements', 'bgpadvertisements'])
      expect(grants(controllerRole, 'ironlb.io', kind, 'list')).toBe(true);
  });

  it("makes the webhook Service (443 to the pods' webhook port) and its configuration, caBundle left to the controller", async () => {
    const svc = await getJson<{ spec: { ports: unknown[]; selector: Record<string, string> } }>(
      'service',
      'ironlb-webhook',
      '-n',
      NS,
    );
    expect(svc.spec.ports).toEqual([{ name: 'webhook', port: 443, targetPort: 'webhook', protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual({
      'app.kubernetes.io/name': 'ironlb',
      'app.kubernetes.io/instance': 'ironlb',
      'app.kubernetes.io/component': 'controller',
    });
    const vwc = await getJson<{
      webhooks: Array<{ failurePolicy: string; clientConfig: Record<string, unknown>; rules: unknown[] }>;
    }>('validatingwebhookconfiguration', 'ironlb-validating');
    expect(vwc.webhooks).toHaveLength(1);
    expect(vwc.webhooks[0]?.failurePolicy).toBe('Fail');
    expect(vwc.webhooks[0]?.clientConfig).toEqual({
      service: { name: 'ironlb-webhook', namespace: NS, path: '/validate', port: 443 },
    });
  });

  it('rolls the DaemonSet on `helm upgrade --set speaker.dataplane=none`, and only then', async () => {
    expect((await speakerSet()).metadata.generation).toBe(1);
    await c.helmOk(['upgrade', 'ironlb', CHART, '--namespace', NS]);
    expect((await speakerSet()).metadata.generation).toBe(1);

    await c.helmOk(['upgrade', 'ironlb', CHART, '--namespace', NS, '--set', 'speaker.dataplane=none']);
    const ds = await speakerSet();
    expect(ds.metadata.generation).toBe(2);
    const container = ds.spec.template.spec.containers[0];
    expect(container.args).toContain('--dataplane=none');
    // No dataplane and no MD5: no NET_ADMIN.
    expect(container.securityContext.capabilities.add).toEqual(['NET_RAW', 'NET_BIND_SERVICE']);
    expect((await controllerSet()).metadata.generation).toBe(1);
  });

  it('leaves the CRDs and the pools at `helm uninstall`', async () => {
    const pool = [
      'apiVersion: ironlb.io/v1beta1',
      'kind: IPAddressPool',
      'metadata: {name: public, namespace: ironlb-system}',
      'spec: {addresses: [198.51.100.200-198.51.100.210]}',
      '',
    ].join('\n');
    // No controller runs here, so the chart's webhook (failurePolicy Fail) cannot be called and the pool is refused,
    // as a real API server refuses it while the controller is down.
    const refused = await c.kubectl(['apply', '-f', '-'], pool);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('failed calling webhook "validate.ironlb.io"');
    await c.helmOk([
      'upgrade',
      'ironlb',
      CHART,
      '--namespace',
      NS,
      '--reuse-values',
      '--set',
      'webhook.failurePolicy=Ignore',
    ]);
    expect(await c.ok(['apply', '-f', '-'], pool)).toBe('ipaddresspool.ironlb.io/public created\n');
    expect(await c.helmOk(['uninstall', 'ironlb', '--namespace', NS])).toBe('release "ironlb" uninstalled\n');
    expect(await c.ok(['get', 'deploy,ds,pdb,role', '-n', NS, '-o', 'name'])).toBe('');
    expect(await c.ok(['get', 'clusterrole', '-o', 'name'])).not.toMatch(/ironlb/);
    expect((await c.ok(['get', 'crd', '-o', 'name'])).match(/\.ironlb\.io$/gm)).toHaveLength(8);
    expect(await c.ok(['get', 'ipaddresspools', '-n', NS, '-o', 'name'])).toBe('ipaddresspool.ironlb.io/public\n');
  });
});
