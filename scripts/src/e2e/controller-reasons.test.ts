/**
 * What the controller tells a Service it cannot serve, as `kubectl describe service` shows it: a named pool that
 * exists but is invalid is named with its error (and the Service lands nowhere else until the pool is fixed); a
 * Service waiting for an IP several Services hold names them all, once, however often it is re-checked; a
 * requested IP in a pool the Service may not use names the pool and the rule that keeps it out.
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
/** A Service sharing `ip` under `key` on one port and protocol. */
const sharing = (name: string, key: string, ip: string, protocol: 'TCP' | 'UDP'): string =>
  service(name, { annotations: { 'ironlb.io/allow-shared-ip': key, 'ironlb.io/loadBalancerIPs': ip } }).replace(
    '    - port: 80\n',
    `    - port: 53\n      protocol: ${protocol}\n`,
  );

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
/** The messages of the Service's Events of one reason, as kubectl reads them, in the order written. */
const messages = async (name: string, reason: string): Promise<string[]> => {
  const list = JSON.parse(
    await c.ok(['get', 'events', '-n', 'apps', '--field-selector', `involvedObject.name=${name}`, '-o', 'json']),
  ) as { items: { reason?: string; message?: string }[] };
  return list.items.filter((e) => e.reason === reason).map((e) => e.message ?? '');
};
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

  it('names every holder of a wanted shared IP, sorted, in one Event however often the Service is re-checked', async () => {
    await c.ok(['apply', '-f', '-'], sharing('dns-tcp', 'dns', '198.51.100.15', 'TCP'));
    expect(await ips('apps/dns-tcp')).toEqual(['198.51.100.15']);
    await c.ok(['apply', '-f', '-'], sharing('dns-udp', 'dns', '198.51.100.15', 'UDP'));
    expect(await ips('apps/dns-udp')).toEqual(['198.51.100.15']);
    await c.ok(['apply', '-f', '-'], sharing('intruder', 'other', '198.51.100.15', 'TCP'));
    const failed =
      'Failed to allocate IP for "apps/intruder": services "apps/dns-tcp", "apps/dns-udp" already use 198.51.100.15 with sharing key "dns", not "other"';
    await describeShows('intruder', /AllocationFailed/);
    // A Service that falls back from a missing pool waits too (its warning stands): it is re-checked as well.
    await c.ok(['apply', '-f', '-'], service('fallback', { annotations: { 'metallb.io/address-pool': 'nope' } }));
    await ips('apps/fallback');

    // Each holder re-checked (a label), then an address freed elsewhere: the waiting Service is re-checked each time.
    for (const [i, holder] of ['dns-tcp', 'dns-udp', 'dns-tcp'].entries()) {
      await c.ok(['label', 'service', '-n', 'apps', holder, `touched=${i}`, '--overwrite']);
      await c.ok(['apply', '-f', '-'], service(`spare-${i}`));
      await ips(`apps/spare-${i}`);
      await c.ok(['delete', 'service', '-n', 'apps', `spare-${i}`]);
      await until(
        () => ingressIPs(c.ok),
        (s) => s[`apps/spare-${i}`] === undefined,
        log,
      );
    }
    // The re-check after the last release has run once the controller logs it; give it the time a write takes.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await messages('intruder', 'AllocationFailed')).toEqual([failed]);
    const text = await describeShows('intruder', /AllocationFailed/);
    expect(text).toContain(failed);
    expect((await ingressIPs(c.ok))['apps/intruder']).toEqual([]);
    expect(await messages('fallback', 'AllocationWarning')).toEqual([
      'pool "nope" does not exist; the address comes from the auto-assign pools',
    ]);
  });

  it('names the pool and the rule that keep a requested IP from a Service', async () => {
    const cases: [name: string, spec: Omit<ServiceSpec, 'namespace'>, words: string][] = [
      [
        'outsider',
        { annotations: { 'ironlb.io/loadBalancerIPs': '203.0.113.5' } },
        '"203.0.113.5" is in pool "team-a", which admits only namespaces team-a (namespaces) or namespaces matching team=a (namespaceSelectors); this service is in namespace "apps"',
      ],
      [
        'unexposed',
        { annotations: { 'ironlb.io/loadBalancerIPs': '203.0.113.20' } },
        '"203.0.113.20" is in pool "public", which admits only services matching expose in (public) (serviceSelectors); this service\'s labels do not match',
      ],
      [
        'wrong-pool',
        { annotations: { 'ironlb.io/loadBalancerIPs': '203.0.113.5', 'ironlb.io/address-pool': 'open' } },
        '"203.0.113.5" is not in pool "open"; it is in pool "team-a"',
      ],
      [
        'nowhere',
        { annotations: { 'ironlb.io/loadBalancerIPs': '198.51.100.100' } },
        '"198.51.100.100" is not allowed in config',
      ],
      [
        'not-in-named',
        { annotations: { 'ironlb.io/loadBalancerIPs': '198.51.100.100', 'ironlb.io/address-pool': 'open' } },
        '"198.51.100.100" is not in pool "open"',
      ],
    ];
    for (const [name, spec] of cases) await c.ok(['apply', '-f', '-'], service(name, spec));
    for (const [name, , words] of cases) {
      const text = await describeShows(name, /AllocationFailed/);
      expect(text).toMatch(
        new RegExp(
          `Warning\\s+AllocationFailed\\s+.*${escaped(`Failed to allocate IP for "apps/${name}": ${words}`)}$`,
          'm',
        ),
      );
    }
  });

  it('wrote no error but the invalid pool’s own', () => {
    const errors = log()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l));
    expect(errors.filter((l) => !l.includes('"pool":"IPAddressPool ironlb-system/broken"'))).toEqual([]);
  });
});
