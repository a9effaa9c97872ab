/**
 * `npm run bench -- bgp-burst`: 1,000 IPv6 Services created in a burst (32 requests in flight) with 3 nodes in BGP
 * mode, each speaker peering with the lab router's BIRD over IPv6: the time until the router holds all 1,000 with
 * three next hops each (every node's session imported 1,000 routes), then the speakers' API requests per second once
 * quiet; then 900 of them deleted (time until every session is down to 100) and the rate again. Target, as in
 * layer 2: the steady request rate does not depend on the number of Services (ratio 1,000 / 100 near 1).
 */
import { httpClient } from '../testing/kubeHttp';
import { startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';
import type { BirdControl } from '../lab/birdControl';
import {
  applyBgpConfig,
  assertSpeakerPid,
  createServices,
  deleteServices,
  routerControl,
  rssOf,
  waitForIPs,
  watchImports,
} from './bgpCommon';
import { fmt, mib } from './stats';

const SERVICES = 1_000;
const KEPT = 100;
/** Quiet time before the idle rate is measured. */
const QUIET_MS = 10_000;
const RATE_WINDOW_MS = 20_000;
const progress = (text: string): void => void process.stderr.write(`[bgp-burst] ${text}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The speakers' requests per second on the API server's Unix socket (the nodes' way in) over `ms`. */
async function apiRate(l: SpeakerLab, ms: number): Promise<number> {
  const c0 = l.server.requestCounts().unix;
  const t0 = performance.now();
  await sleep(ms);
  return ((l.server.requestCounts().unix - c0) * 1000) / (performance.now() - t0);
}

/**
 * Waits (up to 90 s) until a 2 s window's request rate is back near `idle`: the speakers' status writes and deletes
 * after a burst are done, so what follows is the steady rate.
 */
async function waitQuiet(l: SpeakerLab, idle: number): Promise<void> {
  const deadline = performance.now() + 90_000;
  while ((await apiRate(l, 2_000)) > Math.max(2 * idle, idle + 3) && performance.now() < deadline);
}

/** Polls until every protocol holds at most `max` routes; when that was first seen. */
async function watchDown(bird: BirdControl, protocols: readonly string[], max: number): Promise<number> {
  const deadline = performance.now() + 120_000;
  for (;;) {
    const states = await Promise.all(protocols.map((p) => bird.session(p)));
    if (states.every((s) => s.imported <= max)) return performance.now();
    if (performance.now() > deadline) throw new Error(`routes left: ${states.map((s) => s.imported).join(', ')}`);
    await sleep(5);
  }
}

export async function benchBgpBurst(): Promise<void> {
  progress('starting the lab (3 nodes, BIRD router), ironlb-kube, the controller and 3 speakers');
  const l = await startSpeakerLab({ prefix: 'ilbbenchbb', nodes: 3 });
  const client = httpClient(32);
  let bird: BirdControl | undefined;
  try {
    await applyBgpConfig(client, l.server.url, l.lab);
    bird = await routerControl(l.lab);
    const protocols = l.nodes.map((n) => `${n}_v6`);
    // Every session up before the burst, so the time is the speakers' and not a session's start.
    const upBy = Date.now() + 60_000;
    const router = bird;
    while (!(await Promise.all(protocols.map((p) => router.session(p)))).every((s) => s.established)) {
      if (Date.now() > upBy) throw new Error(`not every session came up:\n${l.logs().slice(-4000)}`);
      await sleep(100);
    }
    await sleep(QUIET_MS);
    const idleRate = await apiRate(l, RATE_WINDOW_MS);

    progress(`a burst of ${SERVICES} IPv6 Services`);
    const c0 = l.server.requestCounts().unix;
    const t0 = performance.now();
    const createdMs = await createServices(client, l.server.url, 0, SERVICES);
    const full = await watchImports(bird, protocols, SERVICES, 120_000);
    const allRoutesMs = full.fullAt - t0;
    await waitForIPs(client, l.server.url, SERVICES, 10_000);
    await waitQuiet(l, idleRate);
    const burstRequests = l.server.requestCounts().unix - c0;
    const rateMany = await apiRate(l, RATE_WINDOW_MS);
    const rss = new Map(
      l.nodes.map((n) => {
        const pid = l.speakers.get(n)?.child.pid ?? 0;
        assertSpeakerPid(pid);
        return [n, rssOf(pid)];
      }),
    );

    progress(`deleting ${SERVICES - KEPT} of them`);
    const t1 = performance.now();
    await deleteServices(client, l.server.url, KEPT, SERVICES);
    const withdrawnMs = (await watchDown(bird, protocols, KEPT)) - t1;
    await waitQuiet(l, idleRate);
    const rateFew = await apiRate(l, RATE_WINDOW_MS);

    console.log(
      `BGP burst, in the lab: 3 nodes, each speaker peering with the router's BIRD over IPv6 (eBGP); ironlb-kube in process, ironlb-controller`,
    );
    console.log(
      `  ${SERVICES} IPv6 Services created in ${fmt(createdMs / 1000, 1)} s (32 requests in flight); the router held all ${SERVICES} with 3 next hops each (every node's session imported ${SERVICES}) ${fmt(allRoutesMs / 1000, 2)} s after the first request`,
    );
    console.log(
      `  ${SERVICES - KEPT} deleted: every session down to ${KEPT} routes ${fmt(withdrawnMs / 1000, 2)} s after the first delete`,
    );
    console.log(
      `  speakers' API requests (Unix socket, all 3 nodes), measured over ${RATE_WINDOW_MS / 1000} s once a 2 s window is back near the idle rate: no Service ${fmt(idleRate, 2)}/s; ${SERVICES} Services ${fmt(rateMany, 2)}/s; ${KEPT} Services ${fmt(rateFew, 2)}/s; ratio ${SERVICES} / ${KEPT}: ${fmt(rateMany / rateFew, 2)} (target: independent of the number of Services); ${burstRequests} requests from the burst's start until quiet`,
    );
    console.log(
      `  speaker RSS with ${SERVICES} Services: ${l.nodes.map((n) => `${n} ${mib(rss.get(n) ?? 0)}`).join(', ')}`,
    );
    console.log('  reproduce: npm run bench -- bgp-burst (root: it builds the network lab)');
  } finally {
    bird?.close();
    client.close();
    await l.stop();
  }
}
