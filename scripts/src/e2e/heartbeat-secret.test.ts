/**
 * The heartbeat key Secret between the compiled daemons and ironlb-kube: ironlb-controller creates it with a random
 * 256-bit key when it is absent and leaves an existing one alone; ironlb-speaker refuses to start on a Secret without
 * a usable key, saying what to create. (The speaker exits before it binds or creates anything, so no lab is needed;
 * the speaker lab tests run it with the controller's Secret.)
 */
import { spawn } from 'node:child_process';
import { startTestCluster, type TestCluster } from '@ironlb/kube-testserver';
import { poolsYaml } from '../testing/ironlbYaml';
import { CRDS, startController, until, type ControllerProcess } from '../testing/controllerProcess';
import { daemonArgv } from '../testing/daemonCommand';
import { SPEAKER_BIN } from '../testing/speakerLab';

let c: TestCluster;
let controller: ControllerProcess | undefined;
const log = (): string => controller?.output() ?? '';
const keyOf = async (name = 'ironlb-heartbeat-key'): Promise<string> => {
  const r = await c.kubectl(['get', 'secret', '-n', 'ironlb-system', name, '-o', 'jsonpath={.data.key}']);
  return r.code === 0 ? r.stdout : '';
};

beforeAll(async () => {
  c = await startTestCluster();
  await c.ok(['apply', '-f', CRDS]);
  await c.ok(['apply', '-f', '-'], poolsYaml({ name: 'lab', addresses: ['198.51.100.200-198.51.100.254'] }));
});
afterAll(async () => {
  await controller?.kill();
  await c.stop();
});

describe('the heartbeat key Secret', () => {
  it('ironlb-controller creates it with a random 256-bit key, and leaves an existing one as it is', async () => {
    controller = startController(c.kubeconfig);
    const key = await until(
      () => keyOf(),
      (k) => k !== '',
      log,
    );
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(log()).toMatch(/"msg":"heartbeat key Secret created"/);
    await controller.kill();
    controller = startController(c.kubeconfig);
    await until(
      async () => log(),
      (text) => text.includes('"msg":"heartbeat key Secret exists"'),
      log,
    );
    expect(await keyOf()).toBe(key);
  });

  it('ironlb-speaker refuses to start on a Secret without a usable key, and says what to create', async () => {
    await c.ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Secret
metadata:
  name: broken-key
  namespace: ironlb-system
stringData:
  acceptKey: "${'k'.repeat(32)}"
`,
    );
    const [node, ...args] = daemonArgv(SPEAKER_BIN);
    const child = spawn(
      node,
      [...args, '--kubeconfig', c.kubeconfig, '--node-name', 'node1', '--heartbeat-secret', 'broken-key'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('no heartbeat key: Secret ironlb-system/broken-key: has no data key "key".');
    expect(stderr).toContain(
      'kubectl -n ironlb-system create secret generic broken-key --from-literal=key="$(openssl rand -base64 32)"',
    );
    expect(stderr).toContain('--insecure-heartbeats');
  });
});
