/**
 * The API server goes away and comes back (same port, same persisted state): the controller must not crash, must
 * keep every IP, and must serve a Service created after the return. A second case feeds it pools and Services it
 * cannot use and checks that it names each bad object and field and keeps serving the rest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKubeServer, type KubeServer } from '@ironlb/kube-testserver';
import { kubeTools } from '@ironlb/kube-testserver';
import { lbServiceYaml, poolsYaml } from '../testing/ironlbYaml';
import { CRDS, ingressIPs, startController, until, type ControllerProcess } from '../testing/controllerProcess';

const CONFIG = poolsYaml({ name: 'lab', addresses: ['198.51.100.0/28'] });

let dir: string;
let server: KubeServer | undefined;
let controller: ControllerProcess | undefined;
let kubeconfig: string;
let dataFile: string;

async function serve(port = 0): Promise<KubeServer> {
  return startKubeServer({ port, kubeconfigOut: kubeconfig, dataFile });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await kubeTools(kubeconfig).kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const log = (): string => controller?.output() ?? '';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-outage-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  dataFile = path.join(dir, 'state.json');
  server = await serve();
  for (const f of fs.readdirSync(CRDS)) await ok(['apply', '-f', path.join(CRDS, f)]);
  await ok(['apply', '-f', '-'], CONFIG);
  controller = startController(kubeconfig);
});
afterAll(async () => {
  await controller?.kill();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ironlb-controller faults', () => {
  it('survives the API server going away and coming back, keeping every IP', async () => {
    for (const n of ['a', 'b']) await ok(['apply', '-f', '-'], lbServiceYaml(n));
    const before = await until(
      () => ingressIPs(ok),
      (s) => s['default/a']?.length === 1 && s['default/b']?.length === 1,
      log,
    );
    const port = server?.port ?? 0;
    await server?.stop();
    server = undefined;
    await until(
      () => Promise.resolve(log()),
      (o) => /watch failed; restarting|informer start failed/.test(o),
      log,
    );
    server = await serve(port);
    await ok(['apply', '-f', '-'], lbServiceYaml('c'));
    const after = await until(
      () => ingressIPs(ok),
      (s) => s['default/c']?.length === 1,
      log,
    );
    expect(controller?.running()).toBe(true);
    expect(after['default/a']).toEqual(before['default/a']);
    expect(after['default/b']).toEqual(before['default/b']);
    expect([...before['default/a'], ...before['default/b']]).not.toContain(after['default/c'][0]);
  });

  it('names each bad pool and Service field, and keeps serving the rest', async () => {
    const badPools = `apiVersion: ironlb.io/v1beta1
kind: IPAddressPool
metadata:
  name: reversed
  namespace: ironlb-system
spec:
  addresses:
    - 203.0.113.20-203.0.113.10
---
apiVersion: ironlb.io/v1beta1
kind: IPAddressPool
metadata:
  name: overlapping
  namespace: ironlb-system
spec:
  addresses:
    - 198.51.100.8/29
`;
    await ok(['apply', '-f', '-'], badPools);
    await ok(
      ['apply', '-f', '-'],
      lbServiceYaml('garbage', { annotations: { 'ironlb.io/loadBalancerIPs': '198.51.100.3,not-an-ip' } }),
    );
    await ok(['apply', '-f', '-'], lbServiceYaml('after-garbage'));
    const s = await until(
      () => ingressIPs(ok),
      (v) => v['default/after-garbage']?.length === 1,
      log,
    );
    expect(s['default/garbage']).toEqual([]);
    const described = await until(
      () => ok(['describe', 'service', 'garbage']),
      (text) => /InvalidService/.test(text),
      log,
    );
    expect(described).toMatch(
      /Warning\s+InvalidService\s+.*metadata\.annotations\[ironlb\.io\/loadBalancerIPs\]: "not-an-ip" is not an IP address/,
    );
    expect(log()).toMatch(/IPAddressPool ironlb-system\/reversed.*spec\.addresses\[0\]/);
    expect(log()).toMatch(/IPAddressPool ironlb-system\/overlapping.*overlaps.*IPAddressPool ironlb-system\/lab/);
    expect(controller?.running()).toBe(true);
  });
});
