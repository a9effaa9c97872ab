/**
 * The compiled ironlb-controller's HTTP port against ironlb-kube, over real HTTP: /healthz answers from the start,
 * /readyz says 503 with its reason while the first list fails (no CRDs yet) and 200 once the controller follows
 * changes; /metrics carries MetalLB's names (pool gauges, config gauges) after allocations and a broken pool; the
 * allocation's log line names the Service, its IP and its pool; --log-level warn leaves the info lines out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { CRDS, startController, until, type ControllerProcess } from '../testing/controllerProcess';
import { freePort } from '../testing/daemonMemory';
import { lbServiceYaml, poolsYaml } from '../testing/ironlbYaml';

let c: TestCluster;
const started: ControllerProcess[] = [];
afterAll(async () => {
  for (const p of started) await p.kill();
  await c?.stop();
});

/** Starts a controller on any free port (--metrics-port 0) and resolves with it and the port it logged. */
async function controllerOnFreePort(args: string[] = []): Promise<{ p: ControllerProcess; port: number }> {
  const p = startController(c.kubeconfig, { args: ['--metrics-port', '0', ...args] });
  started.push(p);
  const out = await until(
    async () => p.output(),
    (text) => /"port":\d+,"msg":"serving metrics"/.test(text),
    () => p.output(),
  );
  return { p, port: Number(/"port":(\d+),"msg":"serving metrics"/.exec(out)?.[1]) };
}

/** One GET; status 0 while nothing listens yet. */
const get = async (port: number, what: string): Promise<{ status: number; text: string }> => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${what}`);
    return { status: res.status, text: await res.text() };
  } catch (e) {
    return { status: 0, text: String(e) };
  }
};

/** The TYPE line and the samples of one metric in a Prometheus text exposition. */
function metric(text: string, name: string): { type: string | undefined; samples: string[] } {
  const lines = text.split('\n');
  const type = lines.find((l) => l.startsWith(`# TYPE ${name} `))?.split(' ')[3];
  return { type, samples: lines.filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)) };
}

const logLines = (out: string): Record<string, unknown>[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  c = await startTestCluster();
});

test('probes, MetalLB-named metrics and the allocation log, over real HTTP', async () => {
  // No CRDs yet: the first list of IPAddressPools fails, and is retried.
  const { p, port } = await controllerOnFreePort();
  expect(await get(port, '/healthz')).toEqual({ status: 200, text: 'ok\n' });
  await until(
    async () => p.output(),
    (out) => /initial list failed/.test(out),
    () => p.output(),
  );
  expect(await get(port, '/readyz')).toEqual({
    status: 503,
    text: 'listing IPAddressPools, Namespaces and Services\n',
  });
  let text = (await get(port, '/metrics')).text;
  expect(metric(text, 'ironlb_k8s_client_config_loaded_bool')).toEqual({
    type: 'gauge',
    samples: ['ironlb_k8s_client_config_loaded_bool 0'],
  });

  for (const f of fs.readdirSync(CRDS)) await c.ok(['apply', '-f', path.join(CRDS, f)]);
  await c.ok(['apply', '-f', '-'], poolsYaml({ name: 'e2e', addresses: ['198.51.100.10-198.51.100.13'] }));
  await until(
    () => get(port, '/readyz'),
    (r) => r.status === 200,
    () => p.output(),
  );
  expect(await get(port, '/readyz')).toEqual({ status: 200, text: 'ok\n' });

  await c.ok(['apply', '-f', '-'], lbServiceYaml('web'));
  text = await until(
    async () => (await get(port, '/metrics')).text,
    (t) => t.includes('ironlb_allocator_addresses_in_use_total{pool="e2e"} 1'),
    () => p.output(),
  );
  expect(metric(text, 'ironlb_allocator_addresses_in_use_total')).toEqual({
    type: 'gauge',
    samples: ['ironlb_allocator_addresses_in_use_total{pool="e2e"} 1'],
  });
  expect(metric(text, 'ironlb_allocator_addresses_total')).toEqual({
    type: 'gauge',
    samples: ['ironlb_allocator_addresses_total{pool="e2e"} 4'],
  });
  expect(metric(text, 'ironlb_k8s_client_config_loaded_bool').samples).toEqual([
    'ironlb_k8s_client_config_loaded_bool 1',
  ]);
  expect(metric(text, 'ironlb_k8s_client_config_stale_bool')).toEqual({
    type: 'gauge',
    samples: ['ironlb_k8s_client_config_stale_bool 0'],
  });
  // The allocation's log line names the Service, the address and the pool it came from.
  const allocated = await until(
    async () => logLines(p.output()).find((l) => l.event === 'IPAllocated'),
    (l) => l !== undefined,
    () => p.output(),
  );
  expect(allocated).toMatchObject({ service: 'default/web', ips: ['198.51.100.10'], pools: ['e2e'], level: 30 });

  // A pool with an error is left out: the newest config objects did not all parse.
  await c.ok(['apply', '-f', '-'], poolsYaml({ name: 'broken', addresses: ['198.51.100.33/24'] }));
  text = await until(
    async () => (await get(port, '/metrics')).text,
    (t) => t.includes('ironlb_k8s_client_config_stale_bool 1'),
    () => p.output(),
  );
  expect(metric(text, 'ironlb_allocator_addresses_total').samples).toEqual([
    'ironlb_allocator_addresses_total{pool="e2e"} 4',
  ]);
  expect(logLines(p.output()).find((l) => l.pool === 'IPAddressPool ironlb-system/broken')).toMatchObject({
    level: 50,
    field: expect.stringMatching(/^spec\.addresses/),
  });
  await c.ok(['delete', 'ipaddresspool', '-n', 'ironlb-system', 'broken']);
  await until(
    async () => (await get(port, '/metrics')).text,
    (t) => t.includes('ironlb_k8s_client_config_stale_bool 0'),
    () => p.output(),
  );
  await p.stop();
});

test('--log-level warn writes no info lines; a bad level is refused naming the flag', async () => {
  // Its "serving metrics" line is info, so not written: the port is chosen here.
  const port = await freePort();
  const p = startController(c.kubeconfig, { args: ['--metrics-port', String(port), '--log-level', 'warn'] });
  started.push(p);
  await until(
    () => get(port, '/readyz'),
    (r) => r.status === 200,
    () => p.output(),
  );
  await c.ok(['apply', '-f', '-'], lbServiceYaml('quiet'));
  await until(
    () => c.ok(['get', 'svc', 'quiet', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']),
    (ip) => ip !== '',
    () => p.output(),
  );
  const levels = logLines(p.output()).map((l) => l.level);
  expect(levels.filter((l) => typeof l !== 'number' || l < 40)).toEqual([]);

  const bad = startController(c.kubeconfig, { args: ['--log-level', 'loud'] });
  started.push(bad);
  expect(await bad.exited).toBe('exit code 1');
  expect(bad.output()).toContain("option '--log-level <level>' argument 'loud' is invalid");
});
