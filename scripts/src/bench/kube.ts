import { httpClient, inParallel, rawWatch } from '../testing/kubeHttp';
import { startKubeProcess, type KubeProcess } from './kubeProcess';
import { fmt, mib, ms } from './stats';

/**
 * ironlb-kube at the scale of later benchmarks: 10,000 Services created with two watchers attached, listed whole
 * and in pages. Ratios come from runs made side by side in this one process, so machine noise mostly cancels.
 */
const client = httpClient(32);
const request = client.request;

const service = (ns: string, i: number): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: `svc-${i}`, namespace: ns, annotations: { 'ironlb.io/allow-shared-ip': `key-${i % 50}` } },
  spec: {
    type: 'LoadBalancer',
    // 10,000 Services cannot all have node ports: the range holds 2,768, as in a real cluster.
    allocateLoadBalancerNodePorts: false,
    selector: { app: `app-${i}` },
    ports: [
      { name: 'tcp', port: 9610, protocol: 'TCP' },
      { name: 'udp', port: 9610, protocol: 'UDP' },
    ],
  },
});

/** A raw watch that counts ADDED events and resolves, with the ms since it started, when it has seen `want`. */
function watchAdded(url: string, ns: string, want: number): { done: Promise<number>; stop: () => void } {
  const started = process.hrtime.bigint();
  let seen = 0;
  let reached: (ms: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (reached = resolve));
  const watch = rawWatch(`${url}/api/v1/namespaces/${ns}/services?resourceVersion=0`, (e) => {
    if (e.type === 'ADDED' && ++seen === want) {
      reached(ms(process.hrtime.bigint() - started));
      watch.stop();
    }
  });
  return { done, stop: () => watch.stop() };
}

async function createAll(kube: KubeProcess, ns: string, count: number, concurrency = 32): Promise<number> {
  await request(`${kube.url}/api/v1/namespaces`, 'POST', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  });
  const started = process.hrtime.bigint();
  await inParallel(count, concurrency, async (i) => {
    const r = await request(`${kube.url}/api/v1/namespaces/${ns}/services`, 'POST', service(ns, i));
    if (r.status !== 201) throw new Error(`create svc-${i}: ${r.status} ${r.text.slice(0, 200)}`);
  });
  return ms(process.hrtime.bigint() - started);
}

async function timeList(kube: KubeProcess, ns: string, query = ''): Promise<{ ms: number; items: number }> {
  const started = process.hrtime.bigint();
  let items = 0;
  let cont = '';
  for (;;) {
    const q = [query, cont ? `continue=${encodeURIComponent(cont)}` : ''].filter(Boolean).join('&');
    const r = await request(`${kube.url}/api/v1/namespaces/${ns}/services${q ? `?${q}` : ''}`, 'GET');
    const list = JSON.parse(r.text) as { items: unknown[]; metadata: { continue?: string } };
    items += list.items.length;
    if (!list.metadata.continue) break;
    cont = list.metadata.continue;
  }
  return { ms: ms(process.hrtime.bigint() - started), items };
}

export async function benchKube(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 10_000);
  const small = Math.max(1, Math.floor(count / 10));
  const kube = await startKubeProcess();
  try {
    // Side by side: a small burst without watchers, then the full burst with two watchers attached. A first
    // burst warms the JIT so that neither measured one pays for compilation.
    await createAll(kube, 'warmup', small);
    const quietMs = await createAll(kube, 'quiet', small);
    const watchers = [watchAdded(kube.url, 'bench', count), watchAdded(kube.url, 'bench', count)];
    const createMs = await createAll(kube, 'bench', count);
    const watchMs = await Promise.all(watchers.map((w) => w.done));
    const smallList = await timeList(kube, 'quiet');
    const fullList = await timeList(kube, 'bench');
    const paged = await timeList(kube, 'bench', 'limit=500');
    const rss = kube.rssBytes();

    const quietRate = small / (quietMs / 1000);
    const rate = count / (createMs / 1000);
    console.log(`ironlb-kube, ${count} LoadBalancer Services (2 ports each), 32 concurrent clients, 2 watchers`);
    console.log(
      `  create: ${fmt(rate, 0)} Services/s with 2 watchers; ${fmt(quietRate, 0)}/s for ${small} without; ratio ${fmt(rate / quietRate, 2)} (>= 1.0: no slowdown from watchers or store size)`,
    );
    console.log(
      `  burst of ${count}: all created in ${fmt(createMs / 1000, 2)} s; both watchers had every ADDED event after ${fmt(Math.max(...watchMs) / 1000, 2)} s`,
    );
    console.log(
      `  list ${fullList.items} in one response: ${fmt(fullList.ms, 0)} ms; in pages of 500: ${fmt(paged.ms, 0)} ms`,
    );
    console.log(
      `  per-item list cost ${count} vs ${small}: ratio ${fmt(fullList.ms / fullList.items / (smallList.ms / smallList.items), 2)} (1.0 = linear)`,
    );
    console.log(`  server RSS after the burst: ${mib(rss)}`);
    watchers.forEach((w) => w.stop());
  } finally {
    await kube.stop();
    client.close();
  }
}
