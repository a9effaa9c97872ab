/**
 * A @kubernetes/client-node informer (list, then watch from the list's resourceVersion) against ironlb-kube.
 * client-node 1.3 is ESM-only and jest runs CommonJS here, so the informer runs in a child node process that prints
 * one line per event; the test drives the changes with kubectl.
 */
import { spawn } from 'node:child_process';
import { packageRoot } from '../paths';
import { startTestCluster, waitFor, type TestCluster } from '../testing/cluster';

const INFORMER_SCRIPT = `
import { KubeConfig, makeInformer, CoreV1Api } from '@kubernetes/client-node';
const kc = new KubeConfig();
kc.loadFromFile(process.argv[1]);
const api = kc.makeApiClient(CoreV1Api);
const informer = makeInformer(kc, '/api/v1/namespaces/default/services', () => api.listNamespacedService({ namespace: 'default' }));
for (const verb of ['add', 'update', 'delete']) {
  informer.on(verb, (s) => console.log(verb + ' ' + s.metadata.name + ' ' + (s.metadata.labels?.v ?? '-')));
}
informer.on('error', (e) => console.log('error ' + e));
await informer.start();
console.log('started');
`;

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await c.stop();
});

describe('@kubernetes/client-node informer', () => {
  it('sees add, update and delete of Services in order', async () => {
    await c.ok(['create', 'service', 'clusterip', 'before', '--tcp', '80']);
    const child = spawn(process.execPath, ['--input-type=module', '-e', INFORMER_SCRIPT, c.kubeconfig], {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out, /^started$/m);
      await c.ok(['create', 'service', 'clusterip', 'inf', '--tcp', '80']);
      await waitFor(() => out, /^add inf -$/m);
      await c.ok(['label', 'svc', 'inf', 'v=2']);
      await waitFor(() => out, /^update inf 2$/m);
      await c.ok(['delete', 'svc', 'inf']);
      await waitFor(() => out, /^delete inf 2$/m);
    } finally {
      child.kill();
    }
    expect(out.split('\n').filter((l) => /^(add|update|delete|error) /.test(l))).toEqual([
      'add before -',
      'add kubernetes -',
      'add inf -',
      'update inf 2',
      'delete inf 2',
    ]);
  });
});
