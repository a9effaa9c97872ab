/**
 * The controller's rules end to end, one step after another on one cluster, as a user drives them with the real
 * kubectl: pool fallback, the annotation-plus-loadBalancerIP error, a full pool, a namespace label opening a pool,
 * a delete freeing an address for a waiting Service, a pool edit stranding an address, a type change giving one
 * back, and the pool's status counts. Each step checks what `kubectl describe service` shows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lbServiceYaml, poolsYaml, type ServiceSpec } from '../testing/ironlbYaml';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { CRDS, ingressIPs, startController, until, type ControllerProcess } from '../testing/controllerProcess';

const pools = (smallRange: string): string =>
  poolsYaml(
    { name: 'small', addresses: [smallRange] },
    {
      name: 'team-a',
      addresses: ['203.0.113.0/28'],
      extraSpec: `  serviceAllocation:
    priority: 10
    namespaceSelectors:
      - matchLabels:
          team: a
`,
    },
  );

const service = (namespace: string, name: string, spec: Omit<ServiceSpec, 'namespace'> = {}): string =>
  lbServiceYaml(name, { namespace, ...spec });

let c: TestCluster;
let controller: ControllerProcess;

beforeAll(async () => {
  c = await startTestCluster();
  for (const f of fs.readdirSync(CRDS)) await c.ok(['apply', '-f', path.join(CRDS, f)]);
  await c.ok(['create', 'namespace', 'apps']);
  await c.ok(['create', 'namespace', 'team']);
  await c.ok(['apply', '-f', '-'], pools('198.51.100.10-198.51.100.14'));
  controller = startController(c.kubeconfig);
});
afterAll(async () => {
  await controller?.kill();
  await c?.stop();
});

const ips = (key: string) =>
  until(
    () => ingressIPs(c.ok),
    (s) => (s[key]?.length ?? 0) > 0,
    () => controller.output(),
  ).then((s) => s[key]);
const describeShows = (ns: string, name: string, re: RegExp) =>
  until(
    () => c.ok(['describe', 'service', '-n', ns, name]),
    (text) => re.test(text),
    () => controller.output(),
  );

interface PoolStatusView {
  assignedIPv4?: number;
  availableIPv4?: number;
}
const poolStatus = async (name: string): Promise<PoolStatusView> =>
  (
    JSON.parse(await c.ok(['get', 'ipaddresspool', '-n', 'ironlb-system', name, '-o', 'json'])) as {
      status?: PoolStatusView;
    }
  ).status ?? {};

describe('ironlb-controller rules, step by step', () => {
  it('falls back from a pool that does not exist, and says so', async () => {
    await c.ok(
      ['apply', '-f', '-'],
      service('apps', 'fallback', { annotations: { 'metallb.io/address-pool': 'nope' } }),
    );
    expect(await ips('apps/fallback')).toEqual(['198.51.100.10']);
    await describeShows(
      'apps',
      'fallback',
      /Warning\s+AllocationWarning\s+.*pool "nope" does not exist; the address comes from the auto-assign pools/,
    );
    await describeShows('apps', 'fallback', /Normal\s+IPAllocated\s+.*Assigned IP \["198\.51\.100\.10"\]/);
  });

  it('refuses the annotation and spec.loadBalancerIP together, naming the field', async () => {
    await c.ok(
      ['apply', '-f', '-'],
      service('apps', 'both', {
        annotations: { 'ironlb.io/loadBalancerIPs': '198.51.100.11' },
        loadBalancerIP: '198.51.100.11',
      }),
    );
    await describeShows(
      'apps',
      'both',
      /Warning\s+InvalidService\s+.*spec\.loadBalancerIP: both spec\.loadBalancerIP and the ironlb\.io\/loadBalancerIPs annotation are set; use only the annotation/,
    );
    expect((await ingressIPs(c.ok))['apps/both']).toEqual([]);
  });

  it('fills the pool, counts it in the pool status, and leaves the next Service pending with the reason', async () => {
    for (const n of ['one', 'two', 'three', 'four']) await c.ok(['apply', '-f', '-'], service('apps', n));
    expect(await ips('apps/four')).toEqual(['198.51.100.14']);
    await c.ok(['apply', '-f', '-'], service('team', 'web'));
    await describeShows(
      'team',
      'web',
      /Warning\s+AllocationFailed\s+.*Failed to allocate IP for "team\/web": no available IPv4 address in "small"/,
    );
    await until(
      () => poolStatus('small'),
      (s) => s.assignedIPv4 === 5 && s.availableIPv4 === 0,
      () => controller.output(),
    );
    const table = await c.ok(['get', 'ipaddresspools', '-n', 'ironlb-system']);
    expect(table).toMatch(/small\s+\["198\.51\.100\.10-198\.51\.100\.14"\]\s+true\s+5\s+0/);
  });

  it('opens a pool to a namespace when its labels come to match', async () => {
    await c.ok(['label', 'namespace', 'team', 'team=a']);
    expect(await ips('team/web')).toEqual(['203.0.113.0']);
  });

  it('gives a deleted Service’s address to the Service waiting for one', async () => {
    await c.ok(['apply', '-f', '-'], service('apps', 'five'));
    await describeShows('apps', 'five', /AllocationFailed/);
    await c.ok(['delete', 'service', '-n', 'apps', 'one']);
    expect(await ips('apps/five')).toEqual(['198.51.100.11']);
  });

  it('keeps an address a pool edit took away, warns, and moves it once another is free', async () => {
    await c.ok(['apply', '-f', '-'], pools('198.51.100.10-198.51.100.13'));
    await describeShows(
      'apps',
      'four',
      /Warning\s+AllocationWarning\s+.*198\.51\.100\.14 is no longer in a pool this service may use; the service keeps it until another address is free/,
    );
    expect((await ingressIPs(c.ok))['apps/four']).toEqual(['198.51.100.14']);
    // `two` stops being a LoadBalancer: the API server clears its status, and its address is free for `four`.
    await c.ok(['patch', 'service', '-n', 'apps', 'two', '--type=merge', '-p', '{"spec":{"type":"ClusterIP"}}']);
    const moved = await until(
      () => ingressIPs(c.ok),
      (s) => s['apps/four']?.[0] === '198.51.100.12',
      () => controller.output(),
    );
    expect(moved['apps/two']).toEqual([]);
    await until(
      () => poolStatus('small'),
      (s) => s.assignedIPv4 === 4 && s.availableIPv4 === 0,
      () => controller.output(),
    );
  });

  it('never showed one address on two Services', async () => {
    const seen = new Map<string, string>();
    for (const [key, list] of Object.entries(await ingressIPs(c.ok))) {
      for (const ip of list) {
        expect(seen.get(ip) ?? key).toBe(key);
        seen.set(ip, key);
      }
    }
    expect(controller.output()).not.toMatch(/"level":(50|60)/);
  });
});
