/**
 * What the controller tells a Service it cannot serve, as `kubectl describe service` shows it: a named pool that
 * exists but is invalid is named with its error (and the Service lands nowhere else until the pool is fixed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lbServiceYaml, poolsYaml, type ServiceSpec } from '../testing/ironlbYaml';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { CRDS, ingressIPs, startController, until, type ControllerProcess } from '../testing/controllerProcess';

const POOLS = poolsYaml(
  { name: 'open', addresses: ['198.51.100.10-198.51.100.19'] },
  {
    name: 'team-a',
    addresses: ['203.0.113.0/28'],
    extraSpec: `  serviceAllocation:
    namespaces:
      - team-a
    namespaceSelectors:
      - matchLabels:
          team: a
`,
  },
  {
    name: 'public',
    addresses: ['203.0.113.16/28'],
    extraSpec: `  serviceAllocation:
    serviceSelectors:
      - matchExpressions:
          - key: expose
            operator: In
            values: [public]
`,
  },
);
const brokenPool = (range: string): string =>
  poolsYaml({ name: 'broken', addresses: [range], extraSpec: '  autoAssign: false\n' });

const service = (name: string, spec: Omit<ServiceSpec, 'namespace'> = {}): string =>
  lbServiceYaml(name, { namespace: 'apps', ...spec });
let c: TestCluster;
let controller: ControllerProcess;
const log = (): string => controller.output();

beforeAll(async () => {
  c = await startTestCluster();
  for (const f of fs.readdirSync(CRDS)) await c.ok(['apply', '-f', path.join(CRDS, f)]);
  await c.ok(['create', 'namespace', 'apps']);
  await c.ok(['apply', '-f', '-'], POOLS);
  controller = startController(c.kubeconfig);
});
afterAll(async () => {
  await controller?.kill();
  await c?.stop();
});

const ips = (key: string): Promise<string[]> =>
  until(
    () => ingressIPs(c.ok),
    (s) => (s[key]?.length ?? 0) > 0,
    log,
  ).then((s) => s[key]);
const describeShows = (name: string, re: RegExp): Promise<string> =>
  until(
    () => c.ok(['describe', 'service', '-n', 'apps', name]),
    (text) => re.test(text),
    log,
  );
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('ironlb-controller says why, once', () => {
  it('refuses a named pool that exists but is invalid with its error, and serves from it once fixed', async () => {
    await c.ok(['apply', '-f', '-'], brokenPool('203.0.113.40-203.0.113.32'));
    await c.ok(['apply', '-f', '-'], service('named-broken', { annotations: { 'metallb.io/address-pool': 'broken' } }));
    const text = await describeShows('named-broken', /AllocationFailed/);
    expect(text).toMatch(
      new RegExp(
        escaped(
          'Failed to allocate IP for "apps/named-broken": pool "broken" is invalid: IPAddressPool ironlb-system/broken: spec.addresses[0]: invalid range "203.0.113.40-203.0.113.32": the first address 203.0.113.40 is after the last 203.0.113.32',
        ),
      ),
    );
    expect(text).not.toMatch(/does not exist|IPAllocated/);
    expect((await ingressIPs(c.ok))['apps/named-broken']).toEqual([]);

    await c.ok(['apply', '-f', '-'], brokenPool('203.0.113.32-203.0.113.40'));
    expect(await ips('apps/named-broken')).toEqual(['203.0.113.32']);
    await describeShows('named-broken', /Normal\s+IPAllocated\s+.*Assigned IP \["203\.0\.113\.32"\]/);
  });

  it('wrote no error but the invalid pool’s own', () => {
    const errors = log()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l));
    expect(errors.filter((l) => !l.includes('"pool":"IPAddressPool ironlb-system/broken"'))).toEqual([]);
  });
});
