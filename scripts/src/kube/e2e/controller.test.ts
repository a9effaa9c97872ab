/**
 * The compiled ironlb-controller against ironlb-kube, driven with the real kubectl: seed 000's split TCP/UDP pair
 * shares one pool IP by its sharing key, seed 003's out-of-pool request stays pending with MetalLB's
 * AllocationFailed Event, and a SIGKILL and restart changes no IP. client-node is ESM-only and jest runs CommonJS,
 * so the controller runs as a child process, as it does in production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../tools';
import { startTestCluster, type TestCluster } from './cluster';

const CRDS = path.join(repoRoot, 'charts', 'ironlb', 'crds');
const SEEDS = path.join(repoRoot, 'scripts', 'fixtures', 'seeds');
const BIN = path.join(repoRoot, 'controller', 'bin', 'ironlb-controller.js');
const DEADLINE_MS = 30_000;

const POOL = `apiVersion: v1
kind: Namespace
metadata:
  name: ironlb-system
---
apiVersion: ironlb.io/v1beta1
kind: IPAddressPool
metadata:
  name: lab
  namespace: ironlb-system
spec:
  addresses:
    - 198.51.100.200-198.51.100.254
`;

interface ServiceIPs {
  [key: string]: string[];
}

let c: TestCluster;
let controller: ChildProcess | undefined;
let output = '';

function startController(): ChildProcess {
  const child = spawn(process.execPath, [BIN, '--kubeconfig', c.kubeconfig], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return child;
}

function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  });
}

/** Every Service's ingress IPs, by `namespace/name`. */
async function ingressIPs(): Promise<ServiceIPs> {
  const list = JSON.parse(await c.ok(['get', 'services', '-A', '-o', 'json'])) as {
    items: {
      metadata: { namespace: string; name: string };
      status?: { loadBalancer?: { ingress?: { ip: string }[] } };
    }[];
  };
  const out: ServiceIPs = {};
  for (const s of list.items) {
    out[`${s.metadata.namespace}/${s.metadata.name}`] = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
  }
  return out;
}

/** Polls `read` until `done` holds, or fails at the deadline with the last value and the controller's log. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out; last value ${JSON.stringify(v)}\ncontroller log:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const inPool = (ip: string | undefined): boolean => {
  const m = /^198\.51\.100\.(\d+)$/.exec(ip ?? '');
  return m !== null && Number(m[1]) >= 200 && Number(m[1]) <= 254;
};

beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await kill(controller);
  await c.stop();
});

describe('ironlb-controller', () => {
  it('assigns pool IPs, shares by key, reports a refused request, and keeps every IP across a SIGKILL', async () => {
    for (const f of fs.readdirSync(CRDS)) await c.ok(['apply', '-f', path.join(CRDS, f)]);
    await c.ok(['apply', '-f', '-'], POOL);
    controller = startController();

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
      ingressIPs,
      (s) => s[tcp]?.length === 1 && s[udp]?.length === 1 && s['default/any-ip']?.length === 1,
    );
    expect(inPool(before[tcp][0])).toBe(true);
    expect(before[udp]).toEqual(before[tcp]);
    expect(inPool(before['default/any-ip'][0])).toBe(true);
    expect(before['default/any-ip']).not.toEqual(before[tcp]);
    expect(before['default/invalid-request']).toEqual([]);

    const describe = await until(
      () => c.ok(['describe', 'service', 'invalid-request']),
      (text) => /AllocationFailed/.test(text),
    );
    expect(describe).toMatch(
      /Warning\s+AllocationFailed\s+.*Failed to allocate IP for "default\/invalid-request": "4\.3\.2\.1" is not allowed in config/,
    );

    await kill(controller);
    output = '';
    controller = startController();
    // The restarted controller logs each Service it adopts; once it watches, its first pass is over.
    await until(
      () => Promise.resolve(output),
      (o) => /"informer":"services".*"msg":"watching"/.test(o),
    );
    const after = await ingressIPs();
    expect(after).toEqual(before);
    expect(output).not.toMatch(/not adopted/);
    // Every Service that showed an IP before the kill was adopted rather than assigned afresh.
    const shown = Object.values(before).filter((ips) => ips.length > 0).length;
    expect(shown).toBeGreaterThanOrEqual(3);
    expect(output.match(/"msg":"adopted"/g)).toHaveLength(shown);
  });
});
