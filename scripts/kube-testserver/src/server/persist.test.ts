import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKubeServer } from './index';
import type { ServerStrategy, StrategyProvider } from './seams';
import { call, svc } from './test-helpers';

describe('--data persistence', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-kube-data-'));
  const file = path.join(dir, 'state.json');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps objects, resourceVersions and CRDs across a restart and restores strategies', async () => {
    const first = await startKubeServer({ port: 0, dataFile: file, persistIntervalMs: 10 });
    const created = await call(first.url, 'POST', '/api/v1/namespaces/default/services', svc('kept'));
    await call(first.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      metadata: { name: 'things.example.io' },
      spec: {
        group: 'example.io',
        names: { plural: 'things', singular: 'thing', kind: 'Thing' },
        scope: 'Cluster',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    });
    await call(first.url, 'POST', '/apis/example.io/v1/things', {
      apiVersion: 'example.io/v1',
      kind: 'Thing',
      metadata: { name: 't' },
    });
    const rvBefore = first.store.resourceVersion;
    await first.stop();
    expect(fs.existsSync(file)).toBe(true);

    const restored: string[] = [];
    const base: StrategyProvider = {
      forResource: (): ServerStrategy => ({
        prepareCreate: () => undefined,
        validateCreate: () => [],
        prepareUpdate: () => undefined,
        validateUpdate: () => [],
        release: () => undefined,
        restore: (o) => restored.push(`${o.kind}/${o.metadata.name ?? ''}`),
      }),
    };
    const second = await startKubeServer({ port: 0, dataFile: file, strategies: base });
    try {
      const got = await call(second.url, 'GET', '/api/v1/namespaces/default/services/kept');
      expect(got.body.metadata).toEqual(created.body.metadata);
      expect(second.store.resourceVersion).toBe(rvBefore);
      expect((await call(second.url, 'GET', '/apis/example.io/v1/things/t')).status).toBe(200);
      expect(restored).toEqual(expect.arrayContaining(['Service/kept', 'Thing/t', 'Namespace/default']));
      // Watches from before the restart cannot be replayed: 410, the informer relists.
      const next = await call(second.url, 'POST', '/api/v1/namespaces/default/services', svc('after'));
      expect(Number((next.body.metadata as { resourceVersion: string }).resourceVersion)).toBe(rvBefore + 1);
    } finally {
      await second.stop();
    }
  });
});
