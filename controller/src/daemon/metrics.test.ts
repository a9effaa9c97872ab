import { Allocator } from '../ipam/allocator';
import { REFUSAL_CODES, type RefusalCode } from '../ipam/reasons';
import { config, pool, service } from '../ipam/testFixtures';
import { ControllerMetrics } from './metrics';

/** The sample lines of one metric, without HELP and TYPE. */
async function samples(m: ControllerMetrics, name: string): Promise<string[]> {
  const text = await m.registry.getSingleMetricAsString(name);
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** `name{reason="code"} value` for every refusal code, `counts` where given, else 0. */
const byCode = (name: string, counts: Partial<Record<RefusalCode, number>> = {}): string[] =>
  REFUSAL_CODES.map((reason) => `${name}{reason="${reason}"} ${counts[reason] ?? 0}`);

const FAILURES = 'ironlb_controller_allocation_failures_total';
const PENDING = 'ironlb_controller_pending_services';
const ASSIGNED = 'ironlb_controller_assigned_services';

test('the metrics as Prometheus reads them: names, help, one series per refusal code from the start', async () => {
  const m = new ControllerMetrics(() => 2);
  const text = await m.registry.metrics();
  expect(text).toContain(
    `# HELP ${FAILURES} AllocationFailed Events written, by the code of the refusal\n# TYPE ${FAILURES} counter\n`,
  );
  expect(text).toContain(
    `# HELP ${PENDING} LoadBalancer Services without their addresses, by the code of their last refusal\n` +
      `# TYPE ${PENDING} gauge\n`,
  );
  expect(text).toContain(
    `# HELP ${ASSIGNED} LoadBalancer Services holding their addresses\n# TYPE ${ASSIGNED} gauge\n`,
  );
  expect(await samples(m, FAILURES)).toEqual(byCode(FAILURES));
  expect(await samples(m, PENDING)).toEqual(byCode(PENDING));
  expect(await samples(m, ASSIGNED)).toEqual([`${ASSIGNED} 2`]);
});

test("pending counts each Service once, under its last refusal's code, until it is served or forgotten", async () => {
  const allocator = new Allocator(config(pool('small', ['198.51.100.10'])));
  const m = new ControllerMetrics(() => allocator.assignedServices());
  m.verdict('ns/a', allocator.assign(service('ns/a')));
  m.verdict('ns/b', allocator.assign(service('ns/b')));
  m.verdict('ns/c', allocator.assign(service('ns/c')));
  m.verdict('ns/d', allocator.assign(service('ns/d', { requested: ['4.3.2.1'] })));
  expect(await samples(m, PENDING)).toEqual(byCode(PENDING, { poolExhausted: 2, notInAnyPool: 1 }));
  expect(await samples(m, ASSIGNED)).toEqual([`${ASSIGNED} 1`]);

  // ns/d asks again for something else: it moves to its new code, it is not counted twice.
  m.verdict('ns/d', allocator.assign(service('ns/d', { requestedPool: 'small', requested: ['198.51.100.11'] })));
  expect(await samples(m, PENDING)).toEqual(byCode(PENDING, { poolExhausted: 2, notInNamedPool: 1 }));

  allocator.release('ns/a');
  m.forget('ns/a');
  m.verdict('ns/b', allocator.assign(service('ns/b')));
  m.forget('ns/d');
  expect(await samples(m, PENDING)).toEqual(byCode(PENDING, { poolExhausted: 1 }));
  expect(await samples(m, ASSIGNED)).toEqual([`${ASSIGNED} 1`]);
});

test('failures count the AllocationFailed Events written, by code', async () => {
  const m = new ControllerMetrics(() => 0);
  m.failureWritten('poolExhausted');
  m.failureWritten('poolExhausted');
  m.failureWritten('portConflict');
  expect(await samples(m, FAILURES)).toEqual(byCode(FAILURES, { poolExhausted: 2, portConflict: 1 }));
  // A verdict alone writes nothing: the reconciler counts only Events it sent.
  m.verdict('ns/a', { ok: false, reason: { code: 'nothingToAdopt' }, warnings: [], released: [] });
  expect(await samples(m, FAILURES)).toEqual(byCode(FAILURES, { poolExhausted: 2, portConflict: 1 }));
});

test('each ControllerMetrics has its own registry', async () => {
  const a = new ControllerMetrics(() => 1);
  const b = new ControllerMetrics(() => 5);
  a.failureWritten('noUsablePool');
  expect(await samples(a, ASSIGNED)).toEqual([`${ASSIGNED} 1`]);
  expect(await samples(b, ASSIGNED)).toEqual([`${ASSIGNED} 5`]);
  expect(await samples(b, FAILURES)).toEqual(byCode(FAILURES));
});

const IN_USE = 'ironlb_allocator_addresses_in_use_total';
const TOTAL = 'ironlb_allocator_addresses_total';

test("MetalLB's pool gauges: addresses in use and usable per pool, both families, from the allocator's view", async () => {
  const allocator = new Allocator(
    config(
      pool('small', ['198.51.100.10-198.51.100.12']),
      pool('dual', ['203.0.113.0/30', '2001:db8::/126'], { avoidBuggyIPs: true }),
    ),
  );
  const m = new ControllerMetrics(
    () => allocator.assignedServices(),
    () => allocator.usage(),
  );
  const text = await m.registry.metrics();
  expect(text).toContain(`# HELP ${IN_USE} Addresses of the IPAddressPool held by Services\n# TYPE ${IN_USE} gauge\n`);
  expect(text).toContain(`# HELP ${TOTAL} Usable addresses of the IPAddressPool\n# TYPE ${TOTAL} gauge\n`);
  expect(await samples(m, IN_USE)).toEqual([`${IN_USE}{pool="dual"} 0`, `${IN_USE}{pool="small"} 0`]);
  // dual: 203.0.113.0 is skipped (avoidBuggyIPs), .1-.3 and four IPv6 addresses remain.
  expect(await samples(m, TOTAL)).toEqual([`${TOTAL}{pool="dual"} 7`, `${TOTAL}{pool="small"} 3`]);
  allocator.assign(service('ns/a', { requestedPool: 'small' }));
  allocator.assign(service('ns/b', { requestedPool: 'small' }));
  allocator.assign(service('ns/c', { requestedPool: 'dual' }));
  expect(await samples(m, IN_USE)).toEqual([`${IN_USE}{pool="dual"} 1`, `${IN_USE}{pool="small"} 2`]);
  expect(await samples(m, TOTAL)).toEqual([`${TOTAL}{pool="dual"} 7`, `${TOTAL}{pool="small"} 3`]);
  // A pool no longer loaded loses its series.
  allocator.updateConfig(config(pool('small', ['198.51.100.10-198.51.100.12'])));
  expect(await samples(m, IN_USE)).toEqual([`${IN_USE}{pool="small"} 2`]);
  expect(await samples(m, TOTAL)).toEqual([`${TOTAL}{pool="small"} 3`]);
});

test("MetalLB's config gauges: 0 until a parse, then loaded, and stale while the newest parse had errors", async () => {
  const m = new ControllerMetrics(() => 0);
  const both = async (): Promise<string[]> => [
    ...(await samples(m, 'ironlb_k8s_client_config_loaded_bool')),
    ...(await samples(m, 'ironlb_k8s_client_config_stale_bool')),
  ];
  expect(await both()).toEqual(['ironlb_k8s_client_config_loaded_bool 0', 'ironlb_k8s_client_config_stale_bool 0']);
  m.config.parsed(1);
  expect(await both()).toEqual(['ironlb_k8s_client_config_loaded_bool 1', 'ironlb_k8s_client_config_stale_bool 1']);
  m.config.parsed(0);
  expect(await both()).toEqual(['ironlb_k8s_client_config_loaded_bool 1', 'ironlb_k8s_client_config_stale_bool 0']);
});
