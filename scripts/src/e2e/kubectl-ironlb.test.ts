/**
 * `kubectl ironlb` end to end: ironlb-kube with the CRDs, the real ironlb-controller deciding the seeds' Services,
 * the speakers' objects (node Leases, ServiceL2Status, ServiceBGPStatus) written by hand to the shapes the speaker
 * writes (speakers need the lab and root), and the real kubectl finding the plugin on PATH, as a user's does after
 * `npm ci`: node_modules/.bin/kubectl-ironlb. Ages vary from run to run, so they are masked; everything else is
 * checked exactly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { kubectlPath, runCommand, startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { repoRoot } from '../tools';
import { poolsYaml } from '../testing/ironlbYaml';
import { CRDS, ingressIPs, startController, until, type ControllerProcess } from '../testing/controllerProcess';

const SEEDS = path.join(repoRoot, 'scripts', 'fixtures', 'seeds');
/** The seeds' LAN addresses swapped for documentation ones; 203.0.113.99 is outside every pool, as 4.3.2.1 was. */
const SWAPS: [string, string][] = [
  ['192.168.1.144', '198.51.100.244'],
  ['172.31.249.7', '198.51.100.247'],
  ['4.3.2.1', '203.0.113.99'],
];
const POOLS = poolsYaml(
  { name: 'default-pool', addresses: ['198.51.100.200-198.51.100.239'] },
  { name: 'doc-example', addresses: ['198.51.100.240-198.51.100.254'] },
);

interface PoolList {
  items: { status?: { assignedIPv4?: number } }[];
}

let c: TestCluster;
let controller: ControllerProcess | undefined;
let binDir: string;

const seed = (file: string): string =>
  SWAPS.reduce((t, [from, to]) => t.replaceAll(from, to), fs.readFileSync(path.join(SEEDS, file), 'utf8'));

const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * A speaker's node Lease as nodeLease.ts writes it, renewed `renewedAgoMs` ago; node1's lasts an hour so that it
 * stays alive however slow the run, node2's ran out long ago.
 */
const leaseYaml = (node: string, renewedAgoMs: number, seconds: number): string => `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: ironlb-speaker-${node}
  namespace: ironlb-system
spec:
  holderIdentity: ${node}
  leaseDurationSeconds: ${seconds}
  acquireTime: "${microTime(Date.now() - renewedAgoMs - 60_000)}"
  renewTime: "${microTime(Date.now() - renewedAgoMs)}"
  leaseTransitions: 0
`;

/** A status object as speakerApi.writeStatus writes it: created with labels, then its status patched. */
async function writeStatus(plural: string, kind: string, service: string, node: string, fields: object): Promise<void> {
  const [ns, name] = service.split('/');
  const objName = `${ns}.${name}.${node}`;
  await c.ok(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'ironlb.io/v1beta1',
      kind,
      metadata: {
        name: objName,
        namespace: 'ironlb-system',
        labels: { 'ironlb.io/node': node, 'ironlb.io/service-name': name, 'ironlb.io/service-namespace': ns },
      },
      spec: {},
    }),
  );
  const status = { node, serviceName: name, serviceNamespace: ns, ...fields };
  await c.ok([
    'patch',
    plural,
    objName,
    '-n',
    'ironlb-system',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
}

/** kubectl on a PATH holding the plugin's bin (as node_modules/.bin has it) and node; the plugin reads KUBECONFIG. */
async function plugin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    HOME: c.dir,
    KUBECONFIG: c.kubeconfig,
    PATH: [binDir, path.dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
  };
  const r = await runCommand([kubectlPath(), 'ironlb', ...args], { env, timeoutMs: 60_000 });
  return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** An age as kubectl prints one (`5s`, `2m10s`, `3h`) at the end of a line or before ` ago`/` (x`. */
const maskAges = (text: string): string => text.replace(/\b(?:\d+[ydhms])+(?=$| ago| \(x)/gm, '<age>');

beforeAll(async () => {
  c = await startTestCluster();
  binDir = path.join(c.dir, 'bin');
  fs.mkdirSync(binDir);
  fs.symlinkSync(path.join(repoRoot, 'node_modules', '.bin', 'kubectl-ironlb'), path.join(binDir, 'kubectl-ironlb'));
  for (const f of fs.readdirSync(CRDS)) await c.ok(['apply', '-f', path.join(CRDS, f)]);
  await c.ok(['apply', '-f', '-'], POOLS);
  controller = startController(c.kubeconfig);
  await c.ok(['apply', '-f', '-'], seed('000-split-pair.yaml'));
  await c.ok(['apply', '-f', '-'], seed('003-requests.yaml'));
  await until(
    () => ingressIPs(c.ok),
    (s) =>
      s['acserver/acserver1-service-udp']?.length === 1 &&
      s['acserver/acserver1-service-tcp']?.length === 1 &&
      s['default/any-ip']?.length === 1 &&
      s['default/service-https']?.length === 1 &&
      s['default/pool-request']?.length === 1,
    () => controller?.output() ?? '',
  );
  // The refusal's Event, and the pools' status counting the five addresses (any-ip in default-pool; the split
  // pair's, service-http's and pool-request's in doc-example), before any output is read.
  await until(
    () => c.ok(['get', 'events', '-n', 'default', '-o', 'json']),
    (t) => t.includes('AllocationFailed'),
  );
  await until(
    async () => JSON.parse(await c.ok(['get', 'ipaddresspools', '-n', 'ironlb-system', '-o', 'json'])) as PoolList,
    (l) => l.items.map((p) => p.status?.assignedIPv4).join() === '1,3',
  );
  await c.ok(['apply', '-f', '-'], [leaseYaml('node1', 0, 3600), leaseYaml('node2', 3_600_000, 10)].join('---\n'));
  for (const svc of ['acserver/acserver1-service-tcp', 'acserver/acserver1-service-udp']) {
    await writeStatus('servicel2statuses', 'ServiceL2Status', svc, 'node1', { interfaces: [{ name: 'eth0' }] });
  }
  await writeStatus('servicebgpstatuses', 'ServiceBGPStatus', 'default/service-http', 'node1', { peers: ['router'] });
  await writeStatus('servicebgpstatuses', 'ServiceBGPStatus', 'default/service-http', 'node2', { peers: ['router'] });
}, 120_000);

afterAll(async () => {
  await controller?.stop();
  await c?.stop();
});

describe('kubectl ironlb, through the real kubectl', () => {
  it('explains a Service that shares its IP (seed 000: the split pair)', async () => {
    const r = await plugin(['explain', 'svc/acserver1-service-udp', '-n', 'acserver']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(maskAges(r.stdout)).toBe(
      [
        'Service:         acserver/acserver1-service-udp',
        'Type:            LoadBalancer',
        'Class:           <none>',
        'IP Families:     IPv4',
        'IPs:             198.51.100.244',
        'Verdict:         assigned',
        'Requested IPs:   198.51.100.244 (spec.loadBalancerIP)',
        'Requested Pool:  <none>',
        'Sharing Key:     acserver-service (annotation metallb.universe.tf/allow-shared-ip)',
        'Addresses:',
        '  IP               POOL          POOL IN USE   POOL AVAILABLE   SHARED WITH',
        '  198.51.100.244   doc-example   3             12               acserver/acserver1-service-tcp (key acserver-service)',
        'Announced:',
        '  MODE     NODE    FAMILIES   SPEAKER   VIA               SINCE',
        '  layer2   node1   IPv4       alive     interfaces eth0   <age>',
        'L2 Conflicts:  <none>',
        '',
      ].join('\n'),
    );
  });

  it('explains a Service refused because its requested IP is in no pool (seed 003)', async () => {
    const r = await plugin(['explain', 'svc/invalid-request']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(maskAges(r.stdout)).toBe(
      [
        'Service:         default/invalid-request',
        'Type:            LoadBalancer',
        'Class:           <none>',
        'IP Families:     IPv4',
        'IPs:             <none>',
        'Verdict:         refused',
        'Requested IPs:   203.0.113.99 (spec.loadBalancerIP)',
        'Requested Pool:  <none>',
        'Sharing Key:     <none>',
        'Addresses:  <none>',
        'Refusal:',
        '  Reason:   AllocationFailed',
        '  Code:     notInAnyPool',
        '  Message:  Failed to allocate IP for "default/invalid-request": "203.0.113.99" is not allowed in config',
        '  Age:      <age>',
        'Announced:  <none>',
        'L2 Conflicts:  <none>',
        '',
      ].join('\n'),
    );
  });

  it('explains a Service with an IP from a pool, announced over BGP', async () => {
    const r = await plugin(['explain', 'service/service-http', '--namespace=default']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(maskAges(r.stdout)).toBe(
      [
        'Service:         default/service-http',
        'Type:            LoadBalancer',
        'Class:           <none>',
        'IP Families:     IPv4',
        'IPs:             198.51.100.247',
        'Verdict:         assigned',
        'Requested IPs:   198.51.100.247 (spec.loadBalancerIP)',
        'Requested Pool:  doc-example (annotation metallb.universe.tf/address-pool)',
        'Sharing Key:     web-server-svc (annotation metallb.universe.tf/allow-shared-ip)',
        'Addresses:',
        '  IP               POOL          POOL IN USE   POOL AVAILABLE   SHARED WITH',
        '  198.51.100.247   doc-example   3             12               default/service-https (key web-server-svc)',
        'Announced:',
        '  MODE   NODE    FAMILIES   SPEAKER     VIA            SINCE',
        '  bgp    node1   IPv4       alive       peers router   <age>',
        '  bgp    node2   IPv4       not alive   peers router   <age>',
        'L2 Conflicts:  <none>',
        '',
      ].join('\n'),
    );
  });

  it('gives the same facts as JSON and YAML', async () => {
    const json = await plugin(['explain', 'svc/invalid-request', '-o', 'json']);
    const yaml = await plugin(['explain', 'svc/invalid-request', '-o', 'yaml']);
    const facts = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(facts).toEqual({
      service: {
        namespace: 'default',
        name: 'invalid-request',
        type: 'LoadBalancer',
        ipFamilies: ['IPv4'],
        ips: [],
      },
      verdict: 'refused',
      requestedIPs: { values: ['203.0.113.99'], from: 'spec.loadBalancerIP' },
      addresses: [],
      refusal: {
        reason: 'AllocationFailed',
        code: 'notInAnyPool',
        message: 'Failed to allocate IP for "default/invalid-request": "203.0.113.99" is not allowed in config',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
        count: 1,
      },
      warnings: [],
      announcements: [],
      conflicts: [],
    });
    expect(parse(yaml.stdout)).toEqual(facts);
  });

  it('shows pools, speakers and BGP sessions', async () => {
    const r = await plugin(['status']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(maskAges(r.stdout)).toBe(
      [
        'NAME           ADDRESSES                       IN USE   AVAILABLE   AGE',
        'default-pool   198.51.100.200-198.51.100.239   1        39          <age>',
        'doc-example    198.51.100.240-198.51.100.254   3        12          <age>',
        '',
        'NODE    SPEAKER     AGE',
        'node1   alive       <age>',
        'node2   not alive   <age>',
        '',
        'NODE    BGP PEER   SERVICES',
        'node1   router     1',
        'node2   router     1',
        '',
      ].join('\n'),
    );
  });

  it('names the object it cannot find, and exits 1', async () => {
    const r = await plugin(['explain', 'svc/web', '-n', 'default']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: services "web" not found in namespace "default"\n' });
  });
});
