/**
 * What the BGP benchmarks share: the ironlb config (a big IPv6 pool advertised to the lab router's IPv6 address),
 * Services created over HTTP in parallel, and a watch on the router's BIRD through its control socket.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BirdControl } from '../lab/birdControl';
import { birdSocket } from '../lab/routerDaemon';
import type { Lab } from '../lab/lab';
import { inParallel, type HttpClient } from '../testing/kubeHttp';
import { BENCH_NS, ingressIP, v6Service, type ServiceObject } from './l2Burst';

/** The pool the Services' IPs come from (the annotation in v6Service names it). */
export const BGP_POOL6 = '2001:db8:200::/112';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Pool, advertisement and the router's IPv6 address as a BGPPeer; the bench namespace. */
export async function applyBgpConfig(client: HttpClient, url: string, lab: Lab): Promise<void> {
  const crd = `${url}/apis/ironlb.io/v1beta1/namespaces/ironlb-system`;
  const meta = { name: 'bench6', namespace: 'ironlb-system' };
  await client.json(`${crd}/ipaddresspools`, 'POST', {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: meta,
    spec: { addresses: [BGP_POOL6] },
  });
  await client.json(`${crd}/bgpadvertisements`, 'POST', {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'BGPAdvertisement',
    metadata: meta,
    spec: { ipAddressPools: ['bench6'] },
  });
  const router = lab.host('router').ipv6?.split('/')[0];
  if (router === undefined) throw new Error('the lab has no IPv6');
  await client.json(`${crd}/bgppeers`, 'POST', {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'BGPPeer',
    metadata: { name: 'router-v6', namespace: 'ironlb-system' },
    spec: { myASN: lab.plan.nodeAsn, peerASN: lab.plan.routerAsn, peerAddress: router },
  });
  await client.json(`${url}/api/v1/namespaces`, 'POST', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: BENCH_NS },
  });
}

/** Services v6-<from>..v6-<to-1> created `concurrency` at a time; the ms it took. */
export async function createServices(
  client: HttpClient,
  url: string,
  from: number,
  to: number,
  concurrency = 32,
): Promise<number> {
  const t0 = performance.now();
  await inParallel(to - from, concurrency, async (i) => {
    await client.json(`${url}/api/v1/namespaces/${BENCH_NS}/services`, 'POST', v6Service(from + i));
  });
  return performance.now() - t0;
}

/** Deletes v6-<from>..v6-<to-1>. */
export async function deleteServices(client: HttpClient, url: string, from: number, to: number): Promise<void> {
  await inParallel(to - from, 32, async (i) => {
    await client.json(`${url}/api/v1/namespaces/${BENCH_NS}/services/v6-${from + i}`, 'DELETE');
  });
}

/** Waits until `count` Services of the bench namespace have an IP; their IPs. */
export async function waitForIPs(client: HttpClient, url: string, count: number, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await client.json<{ items: ServiceObject[] }>(`${url}/api/v1/namespaces/${BENCH_NS}/services`, 'GET');
    const ips = list.items.flatMap((s) => ingressIP(s) ?? []);
    if (ips.length >= count) return ips;
    if (Date.now() > deadline) throw new Error(`only ${ips.length} of ${count} Services got an IP`);
    await sleep(1_000);
  }
}

/** The router's BIRD, asked over its control socket. */
export function routerControl(lab: Lab): Promise<BirdControl> {
  return BirdControl.connect(birdSocket(lab.dir));
}

export interface SessionTimes {
  /** performance.now() when the router first showed the session Established. */
  readonly establishedAt: number;
  /** performance.now() when the router first counted `want` routes imported. */
  readonly fullAt: number;
}

/**
 * Polls the router's protocols (names) every `stepMs` until each has imported `want` routes; when each first showed
 * Established, and when all were full.
 */
export async function watchImports(
  bird: BirdControl,
  protocols: readonly string[],
  want: number,
  timeoutMs: number,
  stepMs = 5,
): Promise<SessionTimes> {
  const deadline = performance.now() + timeoutMs;
  let establishedAt: number | undefined;
  for (;;) {
    const now = performance.now();
    const states = await Promise.all(protocols.map((p) => bird.session(p)));
    if (establishedAt === undefined && states.some((s) => s.established)) establishedAt = now;
    if (states.every((s) => s.imported >= want)) return { establishedAt: establishedAt ?? now, fullAt: now };
    if (now > deadline) {
      throw new Error(`the router imported ${states.map((s) => s.imported).join(', ')} of ${want} per session`);
    }
    await sleep(stepMs);
  }
}

/**
 * Waits until none of the protocols is Established or holds a route (the advertiser went away). A protocol
 * restart flushes what a graceful restart would keep as stale, so every round starts from an empty table.
 */
export async function waitEmpty(bird: BirdControl, protocols: readonly string[], timeoutMs = 60_000): Promise<void> {
  for (const p of protocols) await bird.query(`restart ${p}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(protocols.map((p) => bird.session(p)));
    if (states.every((s) => !s.established && s.imported === 0)) return;
    if (Date.now() > deadline) {
      const text = await Promise.all(protocols.map((p) => bird.query(`show protocols all ${p}`)));
      throw new Error(`the router kept its sessions or routes:\n${text.join('\n')}`);
    }
    await sleep(50);
  }
}

/** VmRSS of a process, in bytes. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** Checks that `pid` runs the speaker's bin (not a wrapper), so RSS is the speaker's. */
export function assertSpeakerPid(pid: number): void {
  const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  if (!cmd.includes(`${path.sep}ironlb-speaker`)) throw new Error(`pid ${pid} is not the speaker: ${cmd}`);
}

/** A positive integer option `--name N` from a benchmark's arguments, or `fallback`. */
export function intOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer, got ${args[at + 1]}`);
  return n;
}
