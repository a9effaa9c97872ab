/**
 * The real kubectl v1.35 against ironlb-kube, with the seed documents' Services as their users wrote them. Expected
 * outputs are what kubectl prints against a real 1.35 API server.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubectlPath, repoRoot } from '../paths';
import { startTestCluster, waitFor, type TestCluster } from '../testing/cluster';

const SEEDS = path.join(repoRoot, 'scripts', 'fixtures', 'seeds');
const seed = (name: string): string => path.join(SEEDS, name);
const seedText = (name: string): string => fs.readFileSync(seed(name), 'utf8');

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await c.stop();
});

/** The rows of a `kubectl get` table as arrays of cells (header excluded). */
function rows(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s{2,}/));
}

describe('discovery', () => {
  it('reads /version and finds every resource kind', async () => {
    expect(JSON.parse(await c.ok(['get', '--raw', '/version']))).toMatchObject({ gitVersion: 'v1.35.0' });
    const out = await c.ok(['api-resources']);
    expect(out).toMatch(/^services\s+svc\s+v1\s+true\s+Service$/m);
    expect(out).toMatch(/^leases\s+coordination.k8s.io\/v1\s+true\s+Lease$/m);
    expect(out).toMatch(/^endpointslices\s+discovery.k8s.io\/v1\s+true\s+EndpointSlice$/m);
    expect(out).toMatch(
      /^customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io\/v1\s+false\s+CustomResourceDefinition$/m,
    );
  });
});

describe('seed 000: TCP and UDP on one port', () => {
  it('accepts one LoadBalancer Service mixing TCP 9610 and UDP 9610', async () => {
    expect(await c.ok(['apply', '-f', seed('000-mixed-protocol.yaml')])).toBe(
      'namespace/acserver created\nservice/acserver4-service created\n',
    );
    const [row] = rows(await c.ok(['get', 'svc', '-n', 'acserver']));
    expect(row[0]).toBe('acserver4-service');
    expect(row[1]).toBe('LoadBalancer');
    expect(row[2]).toMatch(/^10\.(9[6-9]|1[01]\d)\.\d+\.\d+$/);
    expect(row[3]).toBe('<pending>');
    // One node port serves both protocols of 9610, as the real server allocates it.
    expect(row[4]).toMatch(/^9610:(3\d{4})\/TCP,8085:3\d{4}\/TCP,9610:\1\/UDP$/);
  });

  it('applies the split TCP/UDP pair with its sharing key, then reports unchanged and configured', async () => {
    expect(await c.ok(['apply', '-f', seed('000-split-pair.yaml')])).toBe(
      'namespace/acserver unchanged\nservice/acserver1-service-tcp created\nservice/acserver1-service-udp created\n',
    );
    expect(await c.ok(['apply', '-f', seed('000-split-pair.yaml')])).toBe(
      'namespace/acserver unchanged\nservice/acserver1-service-tcp unchanged\nservice/acserver1-service-udp unchanged\n',
    );
    const edited = seedText('000-split-pair.yaml').replace(
      'port: 8085\n      targetPort: 8085',
      'port: 8086\n      targetPort: 8086',
    );
    expect(await c.ok(['apply', '-f', '-'], edited)).toBe(
      'namespace/acserver unchanged\nservice/acserver1-service-tcp configured\nservice/acserver1-service-udp unchanged\n',
    );
    const svc = JSON.parse(await c.ok(['get', 'svc', 'acserver1-service-tcp', '-n', 'acserver', '-o', 'json'])) as {
      metadata: { annotations: Record<string, string> };
      spec: { ports: { port: number; protocol: string }[]; loadBalancerIP: string };
    };
    expect(svc.spec.ports.map((p) => `${p.port}/${p.protocol}`)).toEqual(['9610/TCP', '8086/TCP']);
    expect(svc.spec.loadBalancerIP).toBe('192.168.1.144');
    expect(svc.metadata.annotations['metallb.universe.tf/allow-shared-ip']).toBe('acserver-service');
  });

  it('deletes with the 1.35 message', async () => {
    expect(await c.ok(['delete', 'svc', 'acserver4-service', '-n', 'acserver'])).toBe(
      'service "acserver4-service" deleted from acserver namespace\n',
    );
    const r = await c.kubectl(['get', 'svc', 'acserver4-service', '-n', 'acserver']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): services "acserver4-service" not found\n');
  });
});

describe('seed 002: NodePort', () => {
  it('creates the NodePort Services and refuses 8888 and a taken port with the real texts', async () => {
    expect(await c.ok(['apply', '-f', seed('002-nodeport.yaml')])).toBe('service/sample-nodeport created\n');
    const [row] = rows(await c.ok(['get', 'svc', 'sample-nodeport']));
    expect(row[1]).toBe('NodePort');
    expect(row[3]).toBe('<none>');
    expect(row[4]).toBe('8080:30080/TCP');

    const bad = await c.kubectl(
      ['apply', '-f', '-'],
      seedText('002-nodeport.yaml').replace('nodePort: 30080', 'nodePort: 8888'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'The Service "sample-nodeport" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767\n',
    );

    const taken = seedText('002-nodeport.yaml').replace('name: sample-nodeport', 'name: sample-nodeport-fail');
    const dup = await c.kubectl(['apply', '-f', '-'], taken);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe(
      'The Service "sample-nodeport-fail" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n',
    );

    expect(await c.ok(['apply', '-f', seed('002-nodeport-local.yaml')])).toBe(
      'service/sample-nodeport-local created\n',
    );
    expect(await c.ok(['apply', '-f', seed('002-lb.yaml')])).toBe('service/sample-lb created\n');
    const all = rows(await c.ok(['get', 'svc']));
    expect(all.map((r) => [r[0], r[1], r[4]])).toEqual([
      ['kubernetes', 'ClusterIP', '443/TCP'],
      ['sample-lb', 'LoadBalancer', '8080:30082/TCP'],
      ['sample-nodeport', 'NodePort', '8080:30080/TCP'],
      ['sample-nodeport-local', 'NodePort', '8080:30081/TCP'],
    ]);
  });

  it('refuses two ports with the same port and protocol', async () => {
    const text = seedText('002-lb.yaml')
      .replace('name: sample-lb', 'name: dup-ports')
      .replace('      nodePort: 30082\n', '    - name: again\n      protocol: TCP\n      port: 8080\n');
    const r = await c.kubectl(['apply', '-f', '-'], text);
    expect(r.code).toBe(1);
    // Both 8080/TCP ports get one node port (allocation comes before validation), so both duplicates are reported.
    expect(r.stderr).toMatch(
      /^The Service "dup-ports" is invalid: \n\* spec\.ports\[1\]\.nodePort: Duplicate value: 3\d{4}\n\* spec\.ports\[1\]: Duplicate value: core\.ServicePort\{Name:"", Protocol:"TCP", AppProtocol:\(\*string\)\(nil\), Port:8080, TargetPort:intstr\.IntOrString\{Type:0, IntVal:0, StrVal:""\}, NodePort:0\}\n$/,
    );
  });
});

describe('seed 003: requests', () => {
  it('accepts every Service of seed 003 as written', async () => {
    expect(await c.ok(['apply', '-f', seed('003-requests.yaml')])).toBe(
      [
        'service/invalid-request created',
        'service/pool-request created',
        'service/any-ip created',
        'service/service-http created',
        'service/service-https created',
        '',
      ].join('\n'),
    );
  });
});

describe('watch, patch, describe', () => {
  it('streams ADDED, MODIFIED and DELETED to kubectl get -w', async () => {
    await c.ok(['create', 'namespace', 'watch']);
    const child = spawn(
      kubectlPath(),
      ['--kubeconfig', c.kubeconfig, 'get', 'svc', '-n', 'watch', '-w', '--output-watch-events'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let seen = '';
    child.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    child.stderr.on('data', (d: Buffer) => (seen += d.toString()));
    try {
      await c.ok(['create', 'service', 'loadbalancer', 'w1', '-n', 'watch', '--tcp', '80:8080']);
      await waitFor(() => seen, /ADDED\s+w1\s+LoadBalancer/);
      await c.ok(['label', 'svc', 'w1', '-n', 'watch', 'x=y']);
      await waitFor(() => seen, /MODIFIED\s+w1\s+LoadBalancer/);
      await c.ok(['delete', 'svc', 'w1', '-n', 'watch']);
      await waitFor(() => seen, /DELETED\s+w1\s+LoadBalancer/);
      expect(seen.split('\n')[0]).toMatch(/^EVENT\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    } finally {
      child.kill();
    }
  });

  it('patches with strategic merge (ports merged by their patchMergeKey, port), merge and JSON patch', async () => {
    await c.ok(['create', 'service', 'loadbalancer', 'p', '--tcp', '80:8080']);
    const ports = async (): Promise<string[]> =>
      (
        JSON.parse(await c.ok(['get', 'svc', 'p', '-o', 'json'])) as {
          spec: { ports: { port: number; protocol: string }[] };
        }
      ).spec.ports.map((x) => `${x.port}/${x.protocol}`);
    expect(
      await c.ok(['patch', 'svc', 'p', '-p', '{"spec":{"ports":[{"port":81,"targetPort":8081,"name":"b"}]}}']),
    ).toBe('service/p patched\n');
    // New items go first when the patch carries no $setElementOrder, as the real server orders them.
    expect(await ports()).toEqual(['81/TCP', '80/TCP']);
    // Kubernetes' patchMergeKey for ServicePort is `port` alone: UDP 80 replaces TCP 80 (kubernetes#39188), unlike
    // server-side apply, whose list-map keys are port and protocol.
    await c.ok(['patch', 'svc', 'p', '-p', '{"spec":{"ports":[{"port":80,"protocol":"UDP"}]}}']);
    expect(await ports()).toEqual(['81/TCP', '80/UDP']);
    await c.ok(['patch', 'svc', 'p', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}']);
    await c.ok(['patch', 'svc', 'p', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/ports/0"}]']);
    expect(await ports()).toEqual(['80/UDP']);
    expect(await c.ok(['get', 'svc', 'p', '-o', 'jsonpath={.metadata.labels.tier}'])).toBe('web');
    const nothing = await c.ok([
      'patch',
      'svc',
      'p',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"tier":"web"}}}',
    ]);
    expect(nothing).toBe('service/p patched (no change)\n');
  });

  it('shows the Service Events in kubectl describe', async () => {
    const uid = (await c.ok(['get', 'svc', 'invalid-request', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'invalid-request.1', namespace: 'default' },
      involvedObject: { apiVersion: 'v1', kind: 'Service', name: 'invalid-request', namespace: 'default', uid },
      reason: 'AllocationFailed',
      message: 'Failed to allocate IP for "default/invalid-request": "4.3.2.1" is not allowed in config',
      type: 'Warning',
      source: { component: 'ironlb-controller' },
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      count: 1,
    };
    await c.ok(['create', '-f', '-'], JSON.stringify(event));
    const out = await c.ok(['describe', 'service', 'invalid-request']);
    expect(out).toMatch(/^Name:\s+invalid-request$/m);
    expect(out).toMatch(/^Type:\s+LoadBalancer$/m);
    expect(out).toMatch(/^IP:\s+10\.\d+\.\d+\.\d+$/m);
    expect(out).toMatch(/^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----/m);
    expect(out).toMatch(
      /Warning\s+AllocationFailed\s+\S+\s+ironlb-controller\s+Failed to allocate IP for "default\/invalid-request": "4\.3\.2\.1" is not allowed in config/,
    );
  });
});

const POOL_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: testpools.example.ironlb.io
spec:
  group: example.ironlb.io
  scope: Namespaced
  names: {plural: testpools, singular: testpool, kind: TestPool, shortNames: [tp]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Addresses, type: string, jsonPath: .spec.addresses}
    - {name: Priority, type: integer, jsonPath: .spec.priority}
    - {name: Auto Assign, type: boolean, jsonPath: .spec.autoAssign}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [addresses]
            properties:
              addresses: {type: array, items: {type: string}}
              priority: {type: integer, minimum: 0}
              autoAssign: {type: boolean, default: true}
          status:
            type: object
            properties:
              assigned: {type: integer}
`;

describe('CRDs and custom resources', () => {
  it('applies a CRD and a custom resource, prints its columns and validates it', async () => {
    expect(await c.ok(['apply', '-f', '-'], POOL_CRD)).toBe(
      'customresourcedefinition.apiextensions.k8s.io/testpools.example.ironlb.io created\n',
    );
    const pool = `apiVersion: example.ironlb.io/v1
kind: TestPool
metadata: {name: lab}
spec:
  addresses: [198.51.100.200-198.51.100.254]
  priority: 5
  unknownField: pruned
`;
    expect(await c.ok(['apply', '-f', '-'], pool)).toBe('testpool.example.ironlb.io/lab created\n');
    const [row] = rows(await c.ok(['get', 'testpools']));
    expect(row.slice(0, 4)).toEqual(['lab', '["198.51.100.200-198.51.100.254"]', '5', 'true']);
    expect((await c.ok(['get', 'tp', 'lab', '-o', 'jsonpath={.spec}'])).trim()).toBe(
      '{"addresses":["198.51.100.200-198.51.100.254"],"autoAssign":true,"priority":5}',
    );
    const bad = await c.kubectl(
      ['apply', '-f', '-'],
      pool.replace('name: lab', 'name: bad').replace('priority: 5', 'priority: -1'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'The TestPool "bad" is invalid: spec.priority: Invalid value: -1: spec.priority in body should be greater than or equal to 0',
    );
  });
});

describe('server-side apply', () => {
  const CM = `apiVersion: v1
kind: ConfigMap
metadata: {name: ssa, namespace: default}
data: {color: blue}
`;
  it('applies server-side, refuses a conflicting manager and lets it force', async () => {
    expect(await c.ok(['apply', '--server-side', '-f', '-'], CM)).toBe('configmap/ssa serverside-applied\n');
    const other = CM.replace('blue', 'red');
    const r = await c.kubectl(['apply', '--server-side', '--field-manager', 'other', '-f', '-'], other);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .data.color');
    expect(
      await c.ok(['apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', '-'], other),
    ).toBe('configmap/ssa serverside-applied\n');
    const cm = JSON.parse(await c.ok(['get', 'cm', 'ssa', '-o', 'json', '--show-managed-fields'])) as {
      data: Record<string, string>;
      metadata: { managedFields: { manager: string; operation: string }[] };
    };
    expect(cm.data.color).toBe('red');
    expect(cm.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`)).toContain('other/Apply');
  });
});

describe('nodes: cordon and drain', () => {
  it('cordons a node and evicts its pods through pods/eviction', async () => {
    await c.ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } }));
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default' },
      spec: { nodeName: 'node1', containers: [{ name: 'web', image: 'registry.example/web:1' }] },
    };
    await c.ok(['create', '-f', '-'], JSON.stringify(pod));
    const out = await c.ok(['drain', 'node1', '--force', '--ignore-daemonsets', '--timeout=20s']);
    expect(out).toContain('node/node1 cordoned');
    expect(out).toContain('evicting pod default/web-1');
    expect(out).toContain('node/node1 drained');
    expect(await c.ok(['get', 'node', 'node1', '-o', 'jsonpath={.spec.unschedulable}'])).toBe('true');
    expect(await c.ok(['get', 'pods', '-o', 'name'])).toBe('');
  });
});
