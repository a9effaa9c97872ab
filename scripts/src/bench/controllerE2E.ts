import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { httpClient, inParallel } from '../testing/kubeHttp';
import {
  applyIronlbConfig,
  IngressWatch,
  listServices,
  startController,
  until,
  WATCHING,
  type ControllerProcess,
} from '../testing/controllerProcess';
import { daemonMemory, freePort, type DaemonMemory } from '../testing/daemonMemory';
import { ingressOf, nameOf, sharingViolations } from '../testing/sharingCheck';
import { startKubeProcess, type KubeProcess } from './kubeProcess';
import { fmt, mib, ms } from './stats';

/**
 * The controller end to end: ironlb-kube and ironlb-controller each as its own process, a burst of Services created
 * 32 at a time, and the time from the first create to the watch event that shows the last Service's IP. 1k and 10k
 * run one after the other in this run, each on a fresh server and controller, so their ratio says how the
 * controller scales while machine noise mostly cancels.
 *
 * IPv4 with sharing keys, not IPv6: ironlb-kube is started without --dual-stack, so it serves IPv4 cluster IPs only
 * (10.96.0.0/12) and refuses IPv6 single-stack Services. The documentation ranges
 * hold 512 IPv4 addresses, so 500 keys each get one IP and their Services share it on distinct ports.
 */

const NS = 'bench';
const POOL = ['198.51.100.0/24', '203.0.113.0/24'];
const KEYS = 500;
const CONCURRENCY = 32;
const SIZES = [1_000, 10_000];
/** Far beyond any plausible run: only a stuck controller reaches it, and then the bench fails rather than hangs. */
const deadlineMs = (count: number): number => 120_000 + 50 * count;

const service = (i: number): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: `svc-${i}`, namespace: NS, annotations: { 'ironlb.io/allow-shared-ip': `tenant-${i % KEYS}` } },
  spec: {
    type: 'LoadBalancer',
    // The node-port range holds 2,768 ports, as in a real cluster: 10,000 Services cannot all have them.
    allocateLoadBalancerNodePorts: false,
    selector: { app: `app-${i}` },
    ports: [{ name: 'tcp', port: 1000 + Math.floor(i / KEYS), protocol: 'TCP' }],
  },
});

interface Run {
  count: number;
  /** What the controller's node ran with: the heap flags in its bin's shebang, or none (the comparison). */
  flags: 'shipped' | 'none';
  createMs: number;
  lastStatusMs: number;
  peakRssBytes: number;
  /** The controller's own /metrics once every Service has its IP. */
  after: DaemonMemory;
  serverRssBytes: number;
  ips: number;
  errorLines: string[];
}

const tail = (text: string, lines = 40): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Every Service has one IP from the pool, and no IP is on two Services that may not share it; else it throws. */
async function verify(client: ReturnType<typeof httpClient>, url: string, count: number): Promise<number> {
  const services = await listServices(client, url, NS);
  const problems: string[] = [];
  if (services.length !== count) problems.push(`${services.length} Services exist, not ${count}`);
  const inPool = (ip: string): boolean => /^(198\.51\.100|203\.0\.113)\.\d+$/.test(ip);
  for (const s of services) {
    const ips = ingressOf(s);
    if (ips.length !== 1 || !inPool(ips[0])) problems.push(`${nameOf(s)} has [${ips.join(', ')}]`);
  }
  problems.push(...sharingViolations(services));
  if (problems.length > 0) {
    throw new Error(
      `controller end to end, ${count} Services: ${problems.length} problems:\n${problems.slice(0, 20).join('\n')}`,
    );
  }
  return new Set(services.map((s) => ingressOf(s)[0])).size;
}

async function runOnce(count: number, flags: Run['flags'] = 'shipped'): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-bench-controller-'));
  const logFile = path.join(dir, 'controller.log');
  const client = httpClient(CONCURRENCY);
  let kube: KubeProcess | undefined;
  let controller: ControllerProcess | undefined;
  let watch: IngressWatch | undefined;
  const log = (): string => (controller ? tail(controller.output()) : '');
  try {
    kube = await startKubeProcess();
    const url = kube.url;
    await applyIronlbConfig(client, url, POOL);
    await client.json(`${url}/api/v1/namespaces`, 'POST', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS },
    });
    watch = await IngressWatch.start(`${url}/api/v1/namespaces/${NS}/services`);
    const metricsPort = await freePort();
    const started = startController(kube.kubeconfig, {
      logFile,
      args: ['--metrics-port', String(metricsPort)],
      ...(flags === 'none' ? { nodeFlags: [] } : {}),
    });
    controller = started;
    // Its start (list, informers) is not what is measured: the burst begins once it follows changes.
    await until(
      () => Promise.resolve(started.output()),
      (o) => WATCHING.test(o),
      log,
    );

    // Asked before the burst, so the answer is the time of the event itself.
    const last = watch.reached(count, deadlineMs(count), log);
    last.catch(() => undefined);
    const t0 = process.hrtime.bigint();
    await inParallel(count, CONCURRENCY, async (i) => {
      await client.json(`${url}/api/v1/namespaces/${NS}/services`, 'POST', service(i));
    });
    const createMs = ms(process.hrtime.bigint() - t0);
    const lastStatusMs = ms((await last) - t0);

    const after = await daemonMemory(metricsPort);
    const ips = await verify(client, url, count);
    if (!started.running()) throw new Error(`the controller exited (${await started.exited}):\n${log()}`);
    const output = started.output();
    const errorLines = output.split('\n').filter((l) => /"level":(50|60)|not adopted/.test(l));
    return {
      count,
      flags,
      createMs,
      lastStatusMs,
      peakRssBytes: started.peakRssBytes(),
      after,
      serverRssBytes: kube.rssBytes(),
      ips,
      errorLines,
    };
  } finally {
    watch?.stop();
    await controller?.stop();
    await kube?.stop();
    client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const k = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));

export async function benchControllerE2E(): Promise<void> {
  const runs: Run[] = [];
  for (const n of SIZES) runs.push(await runOnce(n));
  // The largest size with and without the bin's heap flags, in the order with, without, without, with, so that a
  // machine getting busier or quieter during the bench weighs on both alike.
  const largest = SIZES[SIZES.length - 1];
  const bare = [await runOnce(largest, 'none'), await runOnce(largest, 'none')];
  const shipped = [runs[runs.length - 1], await runOnce(largest)];
  const rate = (r: Run): number => r.count / (r.lastStatusMs / 1000);

  console.log(
    `controller end to end: ironlb-kube and ironlb-controller as processes, a burst of LoadBalancer Services created ${CONCURRENCY} at a time`,
  );
  console.log(
    `  IPv4 pool ${POOL.join(' + ')}, shared under ${KEYS} keys on distinct ports; time from the first create to the watch event showing the last IP`,
  );
  const line = (r: Run): void =>
    console.log(
      `    ${(k(r.count) + (r.flags === 'none' ? ', no heap flags' : '')).padStart(4)}: ${fmt(rate(r), 0)} Services/s; last status after ${fmt(r.lastStatusMs / 1000, 2)} s (all created after ${fmt(r.createMs / 1000, 2)} s); controller peak RSS ${mib(r.peakRssBytes)}, then RSS ${mib(r.after.rssBytes)} with heap ${mib(r.after.heapUsedBytes)} used of ${mib(r.after.heapTotalBytes)}; server RSS ${mib(r.serverRssBytes)}`,
    );
  for (const r of [...runs, ...bare, shipped[1]]) line(r);
  const [small, big] = runs;
  console.log(
    `    ratio ${k(big.count)}/${k(small.count)}: ${fmt(rate(big) / rate(small), 2)} (1.0 = as fast per Service at 10x the Services)`,
  );
  console.log(
    `    the heap flags at ${k(largest)}, with / without (two runs each, with-without-without-with): rate ${fmt(mean(shipped.map(rate)) / mean(bare.map(rate)), 2)}, peak RSS ${fmt(mean(shipped.map((r) => r.peakRssBytes)) / mean(bare.map((r) => r.peakRssBytes)), 2)}`,
  );
  console.log(
    `  checked: every Service has one pool IP (${[...runs, ...bare, shipped[1]].map((r) => `${r.ips} IPs in use at ${k(r.count)}`).join(', ')}); none is on two Services that may not share it`,
  );
  for (const r of [...runs, ...bare, shipped[1]]) {
    if (r.errorLines.length === 0) continue;
    console.log(`  the controller logged ${r.errorLines.length} errors at ${k(r.count)}; the first:`);
    for (const l of r.errorLines.slice(0, 3)) console.log(`    ${l}`);
  }
  console.log('  for scale: Cilium LB-IPAM reports 50,000 Services in 3 minutes (about 280/s)');
  console.log('  reproduce: npm run bench -- controller');
}
