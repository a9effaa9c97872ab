/** The real helm v4 (server-side apply by default) installs, upgrades and uninstalls a chart on ironlb-kube. */
import * as path from 'node:path';
import { packageRoot } from '../paths';
import { startTestCluster, type TestCluster } from '../testing/cluster';

const CHART = path.join(packageRoot, 'fixtures', 'charts', 'hello');

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await c.stop();
});

describe('helm against ironlb-kube', () => {
  it('installs, upgrades, lists and uninstalls a chart with a Deployment, a Service and a ConfigMap', async () => {
    const install = await c.helmOk([
      'install',
      'hi',
      CHART,
      '--namespace',
      'apps',
      '--create-namespace',
      '--wait=false',
    ]);
    expect(install).toMatch(/^NAME: hi$/m);
    expect(install).toMatch(/^STATUS: deployed$/m);
    expect(install).toMatch(/^REVISION: 1$/m);
    const objects = await c.ok(['get', 'deploy,svc,cm', '-n', 'apps', '-o', 'name']);
    expect(objects.split('\n').filter(Boolean).sort()).toEqual([
      'configmap/hi-config',
      'deployment.apps/hi-web',
      'service/hi-svc',
    ]);
    expect(await c.ok(['get', 'cm', 'hi-config', '-n', 'apps', '-o', 'jsonpath={.data.greeting}'])).toBe('hello');

    const upgrade = await c.helmOk([
      'upgrade',
      'hi',
      CHART,
      '--namespace',
      'apps',
      '--set',
      'greeting=bonjour',
      '--set',
      'servicePort=9090',
    ]);
    expect(upgrade).toMatch(/^REVISION: 2$/m);
    expect(await c.ok(['get', 'cm', 'hi-config', '-n', 'apps', '-o', 'jsonpath={.data.greeting}'])).toBe('bonjour');
    expect(await c.ok(['get', 'svc', 'hi-svc', '-n', 'apps', '-o', 'jsonpath={.spec.ports[0].port}'])).toBe('9090');
    const managers = await c.ok([
      'get',
      'cm',
      'hi-config',
      '-n',
      'apps',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    expect(managers).toContain('helm');

    const list = await c.helmOk(['list', '--namespace', 'apps']);
    expect(list).toMatch(/^hi\s+apps\s+2\s+.+\s+deployed\s+hello-0\.1\.0\s+1\.0\s*$/m);

    expect(await c.helmOk(['uninstall', 'hi', '--namespace', 'apps'])).toBe('release "hi" uninstalled\n');
    expect(await c.ok(['get', 'deploy,svc,cm', '-n', 'apps', '-o', 'name'])).toBe('');
    expect(await c.helmOk(['list', '--namespace', 'apps', '-q'])).toBe('');
  });
});
