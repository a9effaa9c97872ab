/**
 * The layer 2 benchmarks' burst: SERVICES IPv6 Services in one namespace, created over HTTP 32 at a time against the
 * lab's API server, and what the speakers then report; and each speaker's memory, resident set beside V8 heap.
 */
import * as fs from 'node:fs';
import { inParallel, type HttpClient } from '../testing/kubeHttp';
import { memoryOfMetrics, sampleOf, type DaemonMemory } from '../testing/daemonMemory';
import type { SpeakerLab } from '../testing/speakerLab';

export const SERVICES = 1_000;
export const BENCH_NS = 'bench';
export const POOL6 = '2001:db8:1::1:0/112';
/** The port every lab speaker serves /metrics on (each node is its own network namespace). */
export const SPEAKER_METRICS_PORT = 9120;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const v6Service = (i: number): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: `v6-${i}`, namespace: BENCH_NS, annotations: { 'ironlb.io/address-pool': 'bench6' } },
  spec: {
    type: 'LoadBalancer',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv6'],
    allocateLoadBalancerNodePorts: false,
    selector: { app: `v6-${i}` },
    ports: [{ port: 80 }],
  },
});

export interface ServiceObject {
  metadata: { name: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}
export interface L2StatusObject {
  status?: { node?: string; serviceName?: string; serviceNamespace?: string };
}

export const ingressIP = (s: ServiceObject): string | undefined => s.status?.loadBalancer?.ingress?.[0]?.ip;

/** The status kind a speaker mode writes per Service and announcing node, by its plural. */
export type StatusPlural = 'servicel2statuses' | 'servicebgpstatuses';

/** ServiceL2Status (or, given its plural, ServiceBGPStatus) objects of the Services in `ns`: how many each node wrote. */
export async function l2StatusesByNode(
  client: HttpClient,
  url: string,
  ns: string,
  plural: StatusPlural = 'servicel2statuses',
): Promise<Map<string, number>> {
  const list = await client.json<{ items: L2StatusObject[] }>(
    `${url}/apis/ironlb.io/v1beta1/namespaces/ironlb-system/${plural}`,
    'GET',
  );
  const out = new Map<string, number>();
  for (const o of list.items) {
    if (o.status?.serviceNamespace !== ns) continue;
    const n = o.status.node ?? '?';
    out.set(n, (out.get(n) ?? 0) + 1);
  }
  return out;
}

export interface BurstFigures {
  readonly createdMs: number;
  readonly allIPsMs: number;
  /**
   * Until the status objects first numbered `perService` for every Service (layer 2: 1, the announcing node's;
   * BGP: one per advertising node); undefined if that never happened.
   */
  readonly announcedMs: number | undefined;
  readonly distinctIPs: number;
}

export const total = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * The pool, the namespace, and SERVICES IPv6 Services created 32 at a time; waits for their IPs and statuses
 * (`statuses`: which kind, and how many per Service).
 */
export async function burst(
  l: SpeakerLab,
  client: HttpClient,
  statuses: { readonly plural: StatusPlural; readonly perService: number } = {
    plural: 'servicel2statuses',
    perService: 1,
  },
): Promise<BurstFigures> {
  const url = l.server.url;
  await client.json(`${url}/apis/ironlb.io/v1beta1/namespaces/ironlb-system/ipaddresspools`, 'POST', {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'bench6', namespace: 'ironlb-system' },
    spec: { addresses: [POOL6] },
  });
  await client.json(`${url}/api/v1/namespaces`, 'POST', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: BENCH_NS },
  });
  const t0 = performance.now();
  await inParallel(SERVICES, 32, async (i) => {
    await client.json(`${url}/api/v1/namespaces/${BENCH_NS}/services`, 'POST', v6Service(i));
  });
  const createdMs = performance.now() - t0;
  const deadline = Date.now() + 90_000;
  let services: ServiceObject[] = [];
  for (;;) {
    services = (await client.json<{ items: ServiceObject[] }>(`${url}/api/v1/namespaces/${BENCH_NS}/services`, 'GET'))
      .items;
    if (services.filter(ingressIP).length === SERVICES) break;
    if (Date.now() > deadline) throw new Error(`only ${services.filter(ingressIP).length} Services got an IP`);
    await sleep(250);
  }
  const allIPsMs = performance.now() - t0;
  let announcedMs: number | undefined;
  // 30 s per status object a Service gets: BGP's one per node are that many more writes.
  const statusDeadline = Date.now() + 30_000 * statuses.perService;
  while (Date.now() < statusDeadline) {
    if (total(await l2StatusesByNode(client, url, BENCH_NS, statuses.plural)) >= SERVICES * statuses.perService) {
      announcedMs = performance.now() - t0;
      break;
    }
    await sleep(250);
  }
  return { createdMs, allIPsMs, announcedMs, distinctIPs: new Set(services.map(ingressIP)).size };
}

/** VmRSS of a process, in bytes. */
function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export interface SpeakerMemory extends DaemonMemory {
  /** Plans of the mode asked for (layer 2 unless told) it has made since it started. */
  readonly plans: number;
}

/**
 * Each speaker's memory: VmRSS of its own pid (checked to be the speaker, not a wrapper) and its heap as its
 * /metrics on SPEAKER_METRICS_PORT shows it, scraped from inside its node.
 */
export async function speakerMemory(
  l: SpeakerLab,
  mode: 'layer2' | 'bgp' = 'layer2',
): Promise<Map<string, SpeakerMemory>> {
  const out = new Map<string, SpeakerMemory>();
  for (const n of l.nodes) {
    const s = l.speakers.get(n);
    if (!s?.running()) throw new Error(`the speaker on ${n} is not running`);
    const cmd = fs.readFileSync(`/proc/${s.child.pid}/cmdline`, 'utf8');
    if (!cmd.includes('ironlb-speaker')) throw new Error(`pid ${s.child.pid} is not the speaker: ${cmd}`);
    const r = await l.lab.exec(n, ['curl', '-sf', `http://127.0.0.1:${SPEAKER_METRICS_PORT}/metrics`]);
    if (r.code !== 0) throw new Error(`curl /metrics on ${n} exited ${r.code}: ${r.stderr}`);
    out.set(n, {
      ...memoryOfMetrics(r.stdout),
      rssBytes: rssBytes(s.child.pid),
      plans: sampleOf(r.stdout, `ironlb_speaker_plans_total\\{mode="${mode}"\\}`),
    });
  }
  return out;
}
