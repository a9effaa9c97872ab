/**
 * A controller SIGKILLed in the middle of a burst of 2,000 Services, then restarted: every IP it had written stays
 * where it was, and no IP ends up on two Services that may not share it. There are four times more Services than
 * addresses, so most IPs are shared, and the burst mixes Services that may share with ones that must not: the
 * restarted controller has to adopt what the first one wrote before it hands out anything new.
 */
import { httpClient, inParallel, type HttpClient } from '../testing/kubeHttp';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import {
  applyIronlbConfig,
  IngressWatch,
  listServices,
  startController,
  until,
  WATCHING,
  type ControllerProcess,
} from '../testing/controllerProcess';
import { ingressOf, nameOf, sharingViolations } from '../testing/sharingCheck';
import { rng } from '@ironlb/shared';

const NS = 'burst';
const TOTAL = 2_000;
const POOL = ['198.51.100.0/24', '203.0.113.0/24'];
/** The kill comes once this many have IPs, and creation stops at GATE until it has come: always mid-burst. */
const KILL_AT = 300;
const GATE = 1_000;
const DEADLINE_MS = 60_000;

interface Shape {
  name: string;
  key: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  local?: boolean;
  selector: Record<string, string>;
}

/**
 * 150 keys of 12 Services on distinct ports (TCP and UDP of one port number included: they may share), 60 keys of
 * 2 Services on the same TCP port (they may not), and 10 keys of 8 that mix Local and Cluster: 4 Local Services
 * selecting the same pods may share, 2 Local ones selecting other pods and 2 Cluster ones may not join them.
 * 2,000 Services on at most 150 + 120 + 30 = 300 of the pool's 512 addresses.
 */
function shapes(): Shape[] {
  const out: Shape[] = [];
  for (let g = 0; g < 150; g++) {
    for (let j = 0; j < 12; j++) {
      const protocol = j % 2 ? 'UDP' : 'TCP';
      out.push({ name: `grp-${g}-${j}`, key: `grp-${g}`, port: 9000 + (j >> 1), protocol, selector: { app: `g${g}` } });
    }
  }
  for (let p = 0; p < 60; p++) {
    for (const side of ['a', 'b']) {
      out.push({
        name: `clash-${p}-${side}`,
        key: `clash-${p}`,
        port: 80,
        protocol: 'TCP',
        selector: { app: `c${p}` },
      });
    }
  }
  for (let l = 0; l < 10; l++) {
    for (let j = 0; j < 8; j++) {
      const local = j < 6;
      const selector = { app: j < 4 ? `l${l}` : `l${l}-other` };
      out.push({ name: `local-${l}-${j}`, key: `local-${l}`, port: 7000 + j, protocol: 'TCP', local, selector });
    }
  }
  const random = rng(2_000);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const manifest = (s: Shape): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: s.name, namespace: NS, annotations: { 'ironlb.io/allow-shared-ip': s.key } },
  spec: {
    type: 'LoadBalancer',
    // The node-port range holds 2,768 ports, as in a real cluster: 2,000 Services cannot all have them.
    allocateLoadBalancerNodePorts: false,
    externalTrafficPolicy: s.local ? 'Local' : 'Cluster',
    selector: s.selector,
    ports: [{ name: 'p', port: s.port, protocol: s.protocol }],
  },
});

const inPool = (ip: string): boolean => /^(198\.51\.100|203\.0\.113)\.\d+$/.test(ip);

let c: TestCluster;
let client: HttpClient;
let watch: IngressWatch | undefined;
const controllers: ControllerProcess[] = [];
const log = (): string => controllers.map((p) => p.output()).join('\n--- restarted ---\n');

beforeAll(async () => {
  c = await startTestCluster();
  client = httpClient(32);
});
afterAll(async () => {
  watch?.stop();
  for (const p of controllers) await p.kill();
  client?.close();
  await c?.stop();
});

describe('ironlb-controller killed mid-burst', () => {
  it('keeps every IP it wrote and never puts one IP on two incompatible Services', async () => {
    const url = c.server.url;
    await applyIronlbConfig(client, url, POOL);
    await client.json(`${url}/api/v1/namespaces`, 'POST', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS },
    });
    watch = await IngressWatch.start(`${url}/api/v1/namespaces/${NS}/services`);

    const first = startController(c.kubeconfig);
    controllers.push(first);
    await until(
      () => Promise.resolve(first.output()),
      (o) => WATCHING.test(o),
      log,
    );

    let killed: () => void = () => undefined;
    const killDone = new Promise<void>((r) => (killed = r));
    const all = shapes();
    const burst = inParallel(TOTAL, 32, async (i) => {
      if (i >= GATE) await killDone;
      await client.json(`${url}/api/v1/namespaces/${NS}/services`, 'POST', manifest(all[i]));
    });
    // A failed create must fail the test rather than leave the gate waiting for a kill that comes anyway.
    burst.catch(() => undefined);

    await watch.reached(KILL_AT, DEADLINE_MS, log);
    await first.kill();
    // A status write already received before the kill is still handled by the server; let it land first.
    await new Promise((r) => setTimeout(r, 300));
    const snapshot = await listServices(client, url, NS);
    killed();
    await burst;

    const shown = snapshot.filter((s) => ingressOf(s).length > 0);
    expect(shown.length).toBeGreaterThanOrEqual(KILL_AT);
    expect(shown.length).toBeLessThan(TOTAL);
    expect(sharingViolations(snapshot)).toEqual([]);

    const second = startController(c.kubeconfig);
    controllers.push(second);
    await watch.reached(TOTAL, DEADLINE_MS, log);
    // Not a threshold: a pause so that an IP the controller rewrote right after the last assignment would show.
    await new Promise((r) => setTimeout(r, 1_000));
    const final = await listServices(client, url, NS);

    const finalIPs = new Map(final.map((s) => [nameOf(s), ingressOf(s)]));
    const moved = shown
      .filter((s) => JSON.stringify(finalIPs.get(nameOf(s))) !== JSON.stringify(ingressOf(s)))
      .map((s) => `${nameOf(s)}: ${ingressOf(s).join(',')} -> ${finalIPs.get(nameOf(s))?.join(',') ?? 'gone'}`);
    expect(moved).toEqual([]);

    expect(final).toHaveLength(TOTAL);
    const wrong = final.filter((s) => ingressOf(s).length !== 1 || !inPool(ingressOf(s)[0]));
    expect(wrong.map((s) => `${nameOf(s)}: ${ingressOf(s).join(',')}`)).toEqual([]);
    expect(sharingViolations(final)).toEqual([]);
    // More Services than addresses: the IPs must have been shared.
    expect(new Set(final.map((s) => ingressOf(s)[0])).size).toBeLessThan(POOL.length * 256);

    expect(second.output()).not.toMatch(/not adopted/);
    expect(second.output().match(/"msg":"adopted"/g) ?? []).toHaveLength(shown.length);
  }, 120_000);
});
