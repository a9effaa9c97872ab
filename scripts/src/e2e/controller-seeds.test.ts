/**
 * Every seed document's Services, applied with the real kubectl as the users wrote them (their LAN addresses
 * swapped for the lab's, nothing else), each with the outcome and the Event `kubectl describe service` must show.
 * The pools are the ones the seeds name: seed 003 asks for `doc-example`, MetalLB's documentation pool.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../tools';
import { poolsYaml } from '../testing/ironlbYaml';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { CRDS, ingressIPs, startController, until, type ControllerProcess } from '../testing/controllerProcess';

const SEEDS = path.join(repoRoot, 'scripts', 'fixtures', 'seeds');
const LAB_ADDRESSES: [string, string][] = [
  ['192.168.1.144', '198.51.100.244'],
  ['192.168.1.200', '198.51.100.200'],
  ['172.31.249.7', '198.51.100.247'],
];

const POOLS = poolsYaml(
  { name: 'default-pool', addresses: ['198.51.100.200-198.51.100.239'] },
  { name: 'doc-example', addresses: ['198.51.100.240-198.51.100.254'] },
);

const inRange = (lo: number, hi: number) => (ip: string | undefined) => {
  const m = /^198\.51\.100\.(\d+)$/.exec(ip ?? '');
  return m !== null && Number(m[1]) >= lo && Number(m[1]) <= hi;
};
const defaultPool = inRange(200, 239);
const docExample = inRange(240, 254);

interface Expected {
  service: string;
  /** The single ingress IP, or undefined when the Service must stay pending. */
  ip: (ip: string | undefined) => boolean;
  event: RegExp;
}

const assigned = (ip: string): RegExp =>
  new RegExp(`Normal\\s+IPAllocated\\s+.*Assigned IP \\["${ip.replace(/\./g, '\\.')}"\\]`);
const pending = (ip: string | undefined): boolean => ip === undefined;

const EXPECTED: Expected[] = [
  { service: 'acserver/acserver4-service', ip: (ip) => ip === '198.51.100.200', event: assigned('198.51.100.200') },
  { service: 'acserver/acserver1-service-tcp', ip: (ip) => ip === '198.51.100.244', event: assigned('198.51.100.244') },
  { service: 'acserver/acserver1-service-udp', ip: (ip) => ip === '198.51.100.244', event: assigned('198.51.100.244') },
  {
    service: 'default/sample-lb',
    ip: defaultPool,
    event: /Normal\s+IPAllocated\s+.*Assigned IP \["198\.51\.100\.2[0-3]\d"\]/,
  },
  {
    service: 'default/invalid-request',
    ip: pending,
    event:
      /Warning\s+AllocationFailed\s+.*Failed to allocate IP for "default\/invalid-request": "4\.3\.2\.1" is not allowed in config/,
  },
  {
    service: 'default/pool-request',
    ip: docExample,
    event: /Normal\s+IPAllocated\s+.*Assigned IP \["198\.51\.100\.2[45]\d"\]/,
  },
  {
    service: 'default/any-ip',
    ip: defaultPool,
    event: /Normal\s+IPAllocated\s+.*Assigned IP \["198\.51\.100\.2[0-3]\d"\]/,
  },
  { service: 'default/service-http', ip: (ip) => ip === '198.51.100.247', event: assigned('198.51.100.247') },
  { service: 'default/service-https', ip: (ip) => ip === '198.51.100.247', event: assigned('198.51.100.247') },
];

let c: TestCluster;
let controller: ControllerProcess | undefined;

beforeAll(async () => {
  c = await startTestCluster();
  for (const f of fs.readdirSync(CRDS)) await c.ok(['apply', '-f', path.join(CRDS, f)]);
  await c.ok(['apply', '-f', '-'], POOLS);
  controller = startController(c.kubeconfig);
  for (const file of fs.readdirSync(SEEDS).filter((f) => f.endsWith('.yaml'))) {
    const text = LAB_ADDRESSES.reduce(
      (t, [from, to]) => t.replaceAll(from, to),
      fs.readFileSync(path.join(SEEDS, file), 'utf8'),
    );
    await c.ok(['apply', '-f', '-'], text);
  }
});
afterAll(async () => {
  await controller?.kill();
  await c?.stop();
});

describe("the seeds' Services under ironlb-controller", () => {
  const log = (): string => controller?.output() ?? '';

  it('settles: every Service that can be served has its one IP, the others stay pending', async () => {
    const ips = await until(
      () => ingressIPs(c.ok),
      (s) => EXPECTED.every((e) => (s[e.service]?.length ?? 0) === (e.ip(undefined) ? 0 : 1)),
      log,
    );
    for (const e of EXPECTED) expect([e.service, e.ip(ips[e.service][0])]).toEqual([e.service, true]);
    // NodePort Services are not the controller's business.
    expect(ips['default/sample-nodeport']).toEqual([]);
    expect(ips['default/sample-nodeport-local']).toEqual([]);
  });

  it.each(EXPECTED.map((e) => [e.service, e.event] as const))(
    'kubectl describe service %s shows its Event',
    async (key, event) => {
      const [ns, name] = key.split('/');
      const text = await until(
        () => c.ok(['describe', 'service', '-n', ns, name]),
        (t) => event.test(t),
        log,
      );
      expect(text).toMatch(/From\s+Message/);
      // The same verdict reached again (informer relists, unrelated updates) is not repeated as a second Event.
      expect(text.match(/ironlb-controller/g)?.length).toBe(1);
    },
  );
});
