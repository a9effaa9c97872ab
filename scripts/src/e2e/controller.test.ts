/**
 * The compiled ironlb-controller against ironlb-kube, driven with the real kubectl: seed 000's split TCP/UDP pair
 * shares one pool IP by its sharing key, seed 003's out-of-pool request stays pending with MetalLB's
 * AllocationFailed Event, and a SIGKILL and restart changes no IP. client-node is ESM-only and jest runs CommonJS,
 * so the controller runs as a child process, as it does in production.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../tools';
import { poolsYaml } from '../testing/ironlbYaml';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import {
  CRDS,
  ingressIPs,
  startController,
  until,
  WATCHING,
  type ControllerProcess,
} from '../testing/controllerProcess';

const SEEDS = path.join(repoRoot, 'scripts', 'fixtures', 'seeds');

const POOL = poolsYaml({ name: 'lab', addresses: ['198.51.100.200-198.51.100.254'] });

let c: TestCluster;
let controller: ControllerProcess | undefined;
const log = (): string => controller?.output() ?? '';
const services = (): ReturnType<typeof ingressIPs> => ingressIPs(c.ok);

const inPool = (ip: string | undefined): boolean => {
  const m = /^198\.51\.100\.(\d+)$/.exec(ip ?? '');
  return m !== null && Number(m[1]) >= 200 && Number(m[1]) <= 254;
};

beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await controller?.kill();
  await c.stop();
});

describe('ironlb-controller', () => {
  it('assigns pool IPs, shares by key, reports a refused request, and keeps every IP across a SIGKILL', async () => {
    for (const f of fs.readdirSync(CRDS)) await c.ok(['apply', '-f', path.join(CRDS, f)]);
    await c.ok(['apply', '-f', '-'], POOL);
    controller = startController(c.kubeconfig);

    // Without loadBalancerIP the pair has only its sharing key to end up on one IP.
    const splitPair = fs
      .readFileSync(path.join(SEEDS, '000-split-pair.yaml'), 'utf8')
      .split('\n')
      .filter((l) => !/^\s*loadBalancerIP:/.test(l))
      .join('\n');
    await c.ok(['apply', '-f', '-'], splitPair);
    await c.ok(['apply', '-f', path.join(SEEDS, '003-requests.yaml')]);

    const tcp = 'acserver/acserver1-service-tcp';
    const udp = 'acserver/acserver1-service-udp';
    const before = await until(
      services,
      (s) => s[tcp]?.length === 1 && s[udp]?.length === 1 && s['default/any-ip']?.length === 1,
      log,
    );
    expect(inPool(before[tcp][0])).toBe(true);
    expect(before[udp]).toEqual(before[tcp]);
    expect(inPool(before['default/any-ip'][0])).toBe(true);
    expect(before['default/any-ip']).not.toEqual(before[tcp]);
    expect(before['default/invalid-request']).toEqual([]);

    const describe = await until(
      () => c.ok(['describe', 'service', 'invalid-request']),
      (text) => /AllocationFailed/.test(text),
      log,
    );
    expect(describe).toMatch(
      /Warning\s+AllocationFailed\s+.*Failed to allocate IP for "default\/invalid-request": "4\.3\.2\.1" is not allowed in config/,
    );

    await controller.kill();
    controller = startController(c.kubeconfig);
    // The restarted controller logs each Service it adopts; once it watches, its first pass is over.
    const restarted = controller;
    await until(
      () => Promise.resolve(restarted.output()),
      (o) => WATCHING.test(o),
      log,
    );
    const after = await services();
    expect(after).toEqual(before);
    expect(restarted.output()).not.toMatch(/not adopted/);
    // Every Service that showed an IP before the kill was adopted rather than assigned afresh.
    const shown = Object.values(before).filter((ips) => ips.length > 0).length;
    expect(shown).toBeGreaterThanOrEqual(3);
    expect(restarted.output().match(/"msg":"adopted"/g)).toHaveLength(shown);
  });
});
