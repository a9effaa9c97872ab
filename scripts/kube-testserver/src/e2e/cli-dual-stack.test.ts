/**
 * `ironlb-kube serve --dual-stack`, the command as a person runs it (its own process, from the package's bin): the
 * real kubectl creates a RequireDualStack Service and reads back a cluster IP of each family.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { IRONLB_KUBE_BIN } from '../index';
import { kubectlPath } from '../paths';

const run = promisify(execFile);

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: both
spec:
  ipFamilyPolicy: RequireDualStack
  selector:
    app: both
  ports:
    - port: 80
`;

let dir: string;
let kubeconfig: string;
let server: { child: ChildProcess & { pid: number }; exited: Promise<void> } | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-kube-cli-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    [IRONLB_KUBE_BIN, 'serve', '--port', '0', '--kubeconfig-out', kubeconfig, '--dual-stack'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (child.pid === undefined) throw new Error(`${IRONLB_KUBE_BIN} did not start`);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  server = { child: child as ChildProcess & { pid: number }, exited };
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ironlb-kube not ready after 15 s:\n${out}`)), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`ironlb-kube exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out}`));
    });
  });
});

afterAll(async () => {
  // Even when a test or beforeAll failed: the server we started, by its pid.
  const s = server;
  if (s && s.child.exitCode === null && s.child.signalCode === null) {
    process.kill(s.child.pid, 'SIGTERM');
    const timer = setTimeout(() => s.child.kill('SIGKILL'), 5_000);
    await s.exited;
    clearTimeout(timer);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ironlb-kube serve --dual-stack', () => {
  it('gives a RequireDualStack Service an IPv4 and an IPv6 cluster IP', async () => {
    const file = path.join(dir, 'service.yaml');
    fs.writeFileSync(file, SERVICE);
    const kubectl = async (...args: string[]): Promise<string> =>
      (await run(kubectlPath(), ['--kubeconfig', kubeconfig, ...args])).stdout;

    expect(await kubectl('apply', '-f', file)).toBe('service/both created\n');
    const svc = JSON.parse(await kubectl('get', 'service', 'both', '-o', 'json')) as {
      spec: { ipFamilyPolicy: string; ipFamilies: string[]; clusterIP: string; clusterIPs: string[] };
    };
    expect(svc.spec.ipFamilyPolicy).toBe('RequireDualStack');
    expect(svc.spec.ipFamilies).toEqual(['IPv4', 'IPv6']);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP, expect.stringMatching(/^2001:db8:fff::[0-9a-f:]+$/)]);
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d{1,3}\.\d{1,3}$/);
  });
});
