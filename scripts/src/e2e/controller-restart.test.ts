/**
 * A controller SIGKILLed in the middle of a burst of 2,000 Services, then restarted: every Service that showed an
 * address keeps exactly the status it showed (every ingress entry, in order, with its ipMode), no Service that had
 * its address gets an AllocationFailed, and no IP ends up on two Services that may not share it. There are more
 * Services than addresses, so most IPs are shared, and the burst mixes Services that may share with ones that must
 * not, Local and Cluster ones, and dual-stack ones of both family orders. Before the burst, Services request
 * addresses (a TCP+UDP pair on one requested IP, a dual-stack request) and fill a pool of their own; mid-burst that
 * pool is edited to drop a range, so some of them keep an address the config no longer allows, with a warning: the
 * restarted controller must give them the answer the first one gave, not refuse them.
 */
import { httpClient, inParallel, type HttpClient } from '../testing/kubeHttp';
import { poolsYaml } from '../testing/ironlbYaml';
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
import { ingressOf, nameOf, sharingViolations, type ServiceObject } from '../testing/sharingCheck';
import { rng } from '@ironlb/shared';

const NS = 'burst';
const TOTAL = 2_000;
const POOL = ['198.51.100.0/24', '203.0.113.0/25', '2001:db8:1::/120'];
/** autoAssign false: only the Services that name it or request its addresses use it. */
const PINNED = ['203.0.113.128/28', '203.0.113.144/28', '2001:db8:2::/124'];
/** The edit mid-burst: the second IPv4 range and the IPv6 range go. */
const PINNED_EDITED = ['203.0.113.128/28'];
const dropped = (ip: string): boolean => /^203\.0\.113\.(14[4-9]|15\d)$/.test(ip) || ip.startsWith('2001:db8:2::');
/** The pool edit comes once this many burst Services have IPs, the kill at KILL_AT; creation stops at GATE until it. */
const EDIT_AT = 150;
const KILL_AT = 300;
const GATE = 1_000;
const DEADLINE_MS = 90_000;

type Family = 'IPv4' | 'IPv6';
interface Shape {
  name: string;
  key?: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  local?: boolean;
  selector: Record<string, string>;
  policy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  families?: Family[];
  requested?: string;
  pool?: string;
}

/**
 * 140 keys of 12 Services on distinct ports (TCP and UDP of one port number included: they may share), 60 keys of
 * 2 Services on the same TCP port (they may not), 10 keys of 8 that mix Local and Cluster (4 Local Services
 * selecting the same pods may share, 2 Local ones selecting other pods and 2 Cluster ones may not join them), and
 * 30 keys of 4 dual-stack or IPv6 Services on TCP and UDP 5353 and 5354: RequireDualStack IPv4 first,
 * PreferDualStack IPv6 first, and IPv6 SingleStack. 2,000 Services, in a shuffled order.
 */
function shapes(): Shape[] {
  const out: Shape[] = [];
  for (let g = 0; g < 140; g++) {
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
  const stacks = [
    { policy: 'RequireDualStack', families: ['IPv4', 'IPv6'] },
    { policy: 'PreferDualStack', families: ['IPv6', 'IPv4'] },
    { policy: 'SingleStack', families: ['IPv6'] },
  ] as const;
  for (let d = 0; d < 30; d++) {
    for (let j = 0; j < 4; j++) {
      const { policy, families } = stacks[d % 3];
      out.push({
        name: `dual-${d}-${j}`,
        key: `dual-${d}`,
        port: 5353 + (j >> 1),
        protocol: j % 2 ? 'UDP' : 'TCP',
        selector: { app: `d${d}` },
        policy,
        families: [...families],
      });
    }
  }
  const random = rng(2_000);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Before the burst: requests in the pinned pool (one that stays, a TCP+UDP pair sharing one requested address and a
 * dual-stack request, both in the ranges the edit drops), then 29 Services naming the pool, which fill it.
 */
const REQUESTS: Shape[] = [
  { name: 'req-stay', port: 80, protocol: 'TCP', selector: { app: 'stay' }, requested: '203.0.113.140' },
  { name: 'req-dns-tcp', key: 'dns', port: 53, protocol: 'TCP', selector: { app: 'dns' }, requested: '203.0.113.158' },
  { name: 'req-dns-udp', key: 'dns', port: 53, protocol: 'UDP', selector: { app: 'dns' }, requested: '203.0.113.158' },
  {
    name: 'req-dual',
    port: 443,
    protocol: 'TCP',
    selector: { app: 'dual' },
    policy: 'RequireDualStack',
    families: ['IPv6', 'IPv4'],
    requested: '2001:db8:2::9,203.0.113.159',
  },
];
const PINS: Shape[] = Array.from({ length: 29 }, (_, i) => ({
  name: `pin-${String(i).padStart(2, '0')}`,
  port: 80,
  protocol: 'TCP' as const,
  selector: { app: 'pin' },
  pool: 'pinned',
}));
/** Created once the pinned pool is full: it waits, before and after the restart. */
const WAITING: Shape = { name: 'pin-wait', port: 80, protocol: 'TCP', selector: { app: 'pin' }, pool: 'pinned' };
const BEFORE_BURST = REQUESTS.length + PINS.length;

const manifest = (s: Shape): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: s.name,
    namespace: NS,
    annotations: {
      ...(s.key ? { 'ironlb.io/allow-shared-ip': s.key } : {}),
      ...(s.requested ? { 'ironlb.io/loadBalancerIPs': s.requested } : {}),
      ...(s.pool ? { 'ironlb.io/address-pool': s.pool } : {}),
    },
  },
  spec: {
    type: 'LoadBalancer',
    // The node-port range holds 2,768 ports, as in a real cluster: 2,000 Services cannot all have them.
    allocateLoadBalancerNodePorts: false,
    externalTrafficPolicy: s.local ? 'Local' : 'Cluster',
    ...(s.policy ? { ipFamilyPolicy: s.policy, ipFamilies: s.families } : {}),
    selector: s.selector,
    ports: [{ name: 'p', port: s.port, protocol: s.protocol }],
  },
});

const inPool = (ip: string, family: Family): boolean =>
  family === 'IPv4'
    ? /^198\.51\.100\.\d+$/.test(ip) || /^203\.0\.113\.(\d|[1-9]\d|1[01]\d|12[0-7])$/.test(ip)
    : /^2001:db8:1::([0-9a-f]{1,2})?$/.test(ip);

/** What a burst Service must end with: one address per family it gets, in its ipFamilies order. */
const familiesOf = (s: Shape): Family[] => (s.policy === undefined ? ['IPv4'] : (s.families ?? ['IPv4']));

interface EventObject {
  involvedObject: { name?: string };
  reason?: string;
  message?: string;
}
/** Every Service's Events in NS by name: `Reason: message`, in the server's order. */
async function eventsByService(client: HttpClient, url: string): Promise<Map<string, string[]>> {
  const list = await client.json<{ items: EventObject[] }>(`${url}/api/v1/namespaces/${NS}/events`, 'GET');
  const out = new Map<string, string[]>();
  for (const e of list.items) {
    const name = `${NS}/${e.involvedObject.name ?? ''}`;
    out.set(name, [...(out.get(name) ?? []), `${e.reason ?? ''}: ${e.message ?? ''}`]);
  }
  return out;
}
/**
 * What a Service shows of its addresses: status.loadBalancer (its ironlb.io/IPAllocated condition may be written by
 * the restarted controller after the ingress the killed one wrote; the addresses are what must not move).
 */
const statusOf = (s: ServiceObject): unknown => (s as { status?: { loadBalancer?: unknown } }).status?.loadBalancer;

let c: TestCluster;
let client: HttpClient;
let watch: IngressWatch | undefined;
const controllers: ControllerProcess[] = [];
const log = (): string => controllers.map((p) => p.output()).join('\n--- restarted ---\n');

beforeAll(async () => {
  c = await startTestCluster({ dualStack: true });
  client = httpClient(32);
});
afterAll(async () => {
  watch?.stop();
  for (const p of controllers) await p.kill();
  client?.close();
  await c?.stop();
});

describe('ironlb-controller killed mid-burst', () => {
  it('keeps every status it wrote, kept addresses included, and never puts one IP on two incompatible Services', async () => {
    const url = c.server.url;
    const create = (s: Shape): Promise<unknown> =>
      client.json(`${url}/api/v1/namespaces/${NS}/services`, 'POST', manifest(s));
    const pinnedPool = (addresses: string[]): string =>
      poolsYaml({ name: 'pinned', addresses, extraSpec: '  autoAssign: false\n' });
    await applyIronlbConfig(client, url, POOL);
    await c.ok(['apply', '-f', '-'], pinnedPool(PINNED));
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

    // The requests first, so that the Services naming the pool fill what is left of it.
    for (const s of REQUESTS) await create(s);
    await watch.reached(REQUESTS.length, DEADLINE_MS, log);
    await inParallel(PINS.length, 8, (i) => create(PINS[i]).then(() => undefined));
    await watch.reached(BEFORE_BURST, DEADLINE_MS, log);
    await create(WAITING);
    const pinned = (await listServices(client, url, NS)).filter((s) => ingressOf(s).length > 0);
    expect(pinned).toHaveLength(BEFORE_BURST);
    const kept = pinned.filter((s) => ingressOf(s).some(dropped)).map(nameOf);
    // The pair on its requested 203.0.113.158, the dual-stack request, and the 14 named ones on .144-.157.
    expect(kept).toHaveLength(17);
    expect(kept).toEqual(expect.arrayContaining([`${NS}/req-dns-tcp`, `${NS}/req-dns-udp`, `${NS}/req-dual`]));

    let killed: () => void = () => undefined;
    const killDone = new Promise<void>((r) => (killed = r));
    const all = shapes();
    const burst = inParallel(TOTAL, 32, async (i) => {
      if (i >= GATE) await killDone;
      await create(all[i]);
    });
    // A failed create must fail the test rather than leave the gate waiting for a kill that comes anyway.
    burst.catch(() => undefined);

    // Mid-burst, the pinned pool loses a range: those on it keep their addresses, each with a warning.
    await watch.reached(BEFORE_BURST + EDIT_AT, DEADLINE_MS, log);
    await c.ok(['apply', '-f', '-'], pinnedPool(PINNED_EDITED));
    const warned = await until(
      () => eventsByService(client, url),
      (events) => kept.every((k) => (events.get(k) ?? []).some((e) => e.startsWith('AllocationWarning: '))),
      log,
      DEADLINE_MS,
    );
    const warningsOf = (events: Map<string, string[]>, key: string): string[] => [
      ...new Set((events.get(key) ?? []).filter((e) => e.startsWith('AllocationWarning: '))),
    ];
    for (const k of kept) {
      const why = k.includes('/req-') ? 'because it requested it' : 'until another address is free';
      expect([k, warningsOf(warned, k)]).toEqual([
        k,
        expect.arrayContaining([
          expect.stringMatching(`is no longer in a pool this service may use; the service keeps it ${why}$`),
        ]),
      ]);
    }

    await watch.reached(BEFORE_BURST + KILL_AT, DEADLINE_MS, log);
    await first.kill();
    // A status write already received before the kill is still handled by the server; let it land first.
    await new Promise((r) => setTimeout(r, 300));
    const snapshot = await listServices(client, url, NS);
    const eventsBefore = await eventsByService(client, url);
    killed();
    await burst;

    const shown = snapshot.filter((s) => ingressOf(s).length > 0);
    expect(shown.length).toBeGreaterThanOrEqual(BEFORE_BURST + KILL_AT);
    expect(shown.length).toBeLessThan(BEFORE_BURST + TOTAL);
    expect(sharingViolations(snapshot)).toEqual([]);
    // Nothing moved off the dropped range before the kill: the pool had no other address for them.
    expect(shown.filter((s) => ingressOf(s).some(dropped)).map(nameOf)).toEqual(kept);

    const second = startController(c.kubeconfig);
    controllers.push(second);
    await watch.reached(BEFORE_BURST + TOTAL, DEADLINE_MS, log);
    await until(
      () => Promise.resolve(second.output()),
      (o) => WATCHING.test(o),
      log,
      DEADLINE_MS,
    );
    // Not a threshold: a pause so that a status the controller rewrote right after the last assignment would show.
    await new Promise((r) => setTimeout(r, 1_000));
    const final = await listServices(client, url, NS);
    const eventsAfter = await eventsByService(client, url);

    // Every status field of every Service that showed one: ingress list, order, ipMode.
    const finalStatus = new Map(final.map((s) => [nameOf(s), statusOf(s)]));
    const changed = shown
      .filter((s) => JSON.stringify(finalStatus.get(nameOf(s))) !== JSON.stringify(statusOf(s)))
      .map((s) => `${nameOf(s)}: ${JSON.stringify(statusOf(s))} -> ${JSON.stringify(finalStatus.get(nameOf(s)))}`);
    expect(changed).toEqual([]);
    expect(shown.map((s) => [nameOf(s), finalStatus.get(nameOf(s))])).toEqual(
      shown.map((s) => [nameOf(s), statusOf(s)]),
    );

    // No Service that had its address was ever refused, before the kill or after the restart.
    const failed = (events: Map<string, string[]>): string[] =>
      shown.flatMap((s) =>
        (events.get(nameOf(s)) ?? [])
          .filter((e) => e.startsWith('AllocationFailed: '))
          .map((e) => `${nameOf(s)}: ${e}`),
      );
    expect(failed(eventsBefore)).toEqual([]);
    expect(failed(eventsAfter)).toEqual([]);
    // The kept ones are told the same thing as before the kill.
    expect(kept.map((k) => [k, warningsOf(eventsAfter, k)])).toEqual(kept.map((k) => [k, warningsOf(eventsBefore, k)]));

    expect(final).toHaveLength(BEFORE_BURST + 1 + TOTAL);
    const byName = new Map(all.map((s) => [`${NS}/${s.name}`, s]));
    const wrong = final.flatMap((s) => {
      const shape = byName.get(nameOf(s));
      if (!shape) return [];
      const ips = ingressOf(s);
      const families = familiesOf(shape);
      const ok = ips.length === families.length && ips.every((ip, i) => inPool(ip, families[i]));
      return ok ? [] : [`${nameOf(s)} (${families.join(',')}): ${ips.join(',')}`];
    });
    expect(wrong).toEqual([]);
    expect(sharingViolations(final)).toEqual([]);
    // More Services than addresses: the IPs must have been shared.
    expect(new Set(final.flatMap(ingressOf)).size).toBeLessThan(TOTAL / 2);

    // The one waiting for the full pinned pool still waits, for the same reason.
    const waiting = `${NS}/${WAITING.name}`;
    expect(ingressOf(final.find((s) => nameOf(s) === waiting) ?? { metadata: {} })).toEqual([]);
    expect(new Set(eventsAfter.get(waiting))).toEqual(
      new Set([`AllocationFailed: Failed to allocate IP for "${waiting}": no available IPv4 address in "pinned"`]),
    );

    expect(second.output()).not.toMatch(/not adopted/);
    expect(second.output().match(/"msg":"adopted"/g) ?? []).toHaveLength(shown.length);

    // What a user sees of a kept Service, through the real kubectl.
    const describe = await c.ok(['describe', 'service', '-n', NS, 'req-dual']);
    expect(describe).toMatch(/LoadBalancer Ingress:\s+2001:db8:2::9 \(VIP\), 203\.0\.113\.159 \(VIP\)/);
    expect(describe).toMatch(
      /Warning\s+AllocationWarning\s+.*2001:db8:2::9 is no longer in a pool this service may use; the service keeps it because it requested it/,
    );
    expect(describe).not.toMatch(/AllocationFailed/);
  }, 240_000);
});
