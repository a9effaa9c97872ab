/**
 * Two ironlb-controller replicas with --leader-elect against ironlb-kube: one holds the Lease and writes, the other
 * stands by and writes nothing; a SIGKILLed leader is replaced once its Lease runs out, a SIGTERMed one hands over
 * at once, and no Service's IP changes across either.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lbServiceYaml, poolsYaml } from '../testing/ironlbYaml';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { CRDS, ingressIPs, startController, until, type ControllerProcess } from '../testing/controllerProcess';

const CONFIG = poolsYaml({ name: 'lab', addresses: ['198.51.100.0/28'] });

const BECAME_LEADER = /"msg":"became leader"/;
const STANDING_BY = /"msg":"standing by"/;

let c: TestCluster;
const replicas: ControllerProcess[] = [];

function replica(extra: string[] = []): ControllerProcess {
  const r = startController(c.kubeconfig, { args: ['--leader-elect', ...extra] });
  replicas.push(r);
  return r;
}

const logs = (): string => replicas.map((r, i) => `--- replica ${i} (pid ${r.pid})\n${r.output()}`).join('\n');

function waitLog(r: ControllerProcess, re: RegExp, ms = 30_000): Promise<number> {
  return until(
    () => Promise.resolve(r.output()),
    (o) => re.test(o),
    logs,
    ms,
  ).then(() => Date.now());
}

async function leaseHolder(): Promise<string> {
  const lease = JSON.parse(await c.ok(['get', 'lease', '-n', 'ironlb-system', 'ironlb-controller', '-o', 'json'])) as {
    spec?: { holderIdentity?: string };
  };
  return lease.spec?.holderIdentity ?? '';
}

const identityOf = (r: ControllerProcess): string =>
  /"identity":"([^"]+)","msg":"became leader"/.exec(r.output())?.[1] ?? '';

beforeAll(async () => {
  c = await startTestCluster();
  for (const f of fs.readdirSync(CRDS)) await c.ok(['apply', '-f', path.join(CRDS, f)]);
  await c.ok(['apply', '-f', '-'], CONFIG);
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.kill()));
  await c?.stop();
});

describe('ironlb-controller --leader-elect', () => {
  it('elects one writer, and a standby takes over from a killed leader with every IP unchanged', async () => {
    const first = replica();
    await waitLog(first, BECAME_LEADER);
    const second = replica();
    await waitLog(second, STANDING_BY);
    expect(await leaseHolder()).toBe(identityOf(first));

    for (const n of ['a', 'b', 'c']) await c.ok(['apply', '-f', '-'], lbServiceYaml(n));
    const before = await until(
      () => ingressIPs(c.ok),
      (s) => ['a', 'b', 'c'].every((n) => s[`default/${n}`]?.length === 1),
      logs,
    );
    expect(second.output()).not.toMatch(/status written|"msg":"adopted"/);

    const killedAt = Date.now();
    await first.kill('SIGKILL');
    const tookOverAt = await waitLog(second, BECAME_LEADER);
    // Not a threshold: the figure the README quotes. The Lease lasts 3 s; the retry period is 0.5 s.
    process.stdout.write(`leader SIGKILLed: standby took over after ${tookOverAt - killedAt} ms\n`);
    expect(await leaseHolder()).toBe(identityOf(second));

    await c.ok(['apply', '-f', '-'], lbServiceYaml('d'));
    const after = await until(
      () => ingressIPs(c.ok),
      (s) => s['default/d']?.length === 1,
      logs,
    );
    for (const n of ['a', 'b', 'c']) expect(after[`default/${n}`]).toEqual(before[`default/${n}`]);
    expect(Object.values(before).flat()).not.toContain(after['default/d'][0]);
    expect(second.output()).not.toMatch(/not adopted/);
  });

  it('hands over at once when the leader is stopped with SIGTERM', async () => {
    // A Lease of 60 s: a standby that takes over before the 30 s deadline of waitLog can only have found it released.
    const long = ['--leader-elect-lease-duration', '60', '--leader-elect-renew-deadline', '40'];
    const third = replica(long);
    await waitLog(third, STANDING_BY);
    await replicas[1].stop();
    expect(await replicas[1].exited).toBe('exit code 0');
    await waitLog(third, BECAME_LEADER);
    const fourth = replica(long);
    await waitLog(fourth, STANDING_BY);
    const stoppedAt = Date.now();
    await third.stop();
    const tookOverAt = await waitLog(fourth, BECAME_LEADER);
    process.stdout.write(`leader SIGTERMed: standby took over after ${tookOverAt - stoppedAt} ms\n`);
    expect(await leaseHolder()).toBe(identityOf(fourth));
  });
});
