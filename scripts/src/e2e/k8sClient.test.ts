/**
 * ironlb's own API client (@ironlb/shared/k8s) against ironlb-kube over HTTPS with the kubeconfig's CA and token:
 * CRUD with the real server's error codes, merge patches, and list+watch. The watch's recovery paths (410, a broken
 * stream, a relist that removes what went away) are tested with a scripted client in shared/src/k8s/watch.test.ts;
 * losing the API server for seconds is tested with the daemons (controller-outage, speaker-l2).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import type { KubernetesObject } from '@kubernetes/client-node';
import { startKubeServer, type KubeServer } from '@ironlb/kube-testserver';
import { fromKubeconfig, KubeClient, statusCodeOf, watchForever, type Watching } from '@ironlb/shared/k8s';

const log = pino({ level: 'silent' });
const cm = (name: string, data: Record<string, string> = {}): unknown => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data,
});
const CMS = '/api/v1/namespaces/default/configmaps';

async function eventually(check: () => boolean, what: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('KubeClient against ironlb-kube over TLS', () => {
  let dir: string;
  let server: KubeServer;
  let client: KubeClient;
  const watches: Watching[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-client-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    server = await startKubeServer({ port: 0, tls: true, kubeconfigOut: kubeconfig, historySize: 5 });
    client = new KubeClient(fromKubeconfig(kubeconfig));
  });

  afterAll(async () => {
    await Promise.all(watches.map((w) => w.stop()));
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates, reads, merge-patches and deletes, with the server’s status codes as errors', async () => {
    await client.post(CMS, cm('a', { k: '1' }));
    await expect(client.post(CMS, cm('a'))).rejects.toMatchObject({ code: 409 });
    await client.mergePatch(`${CMS}/a`, { data: { k: '2', j: '3' } });
    const got = await client.get<{ data: Record<string, string> }>(`${CMS}/a`);
    expect(got.data).toEqual({ k: '2', j: '3' });
    await client.delete(`${CMS}/a`);
    const missing = await client.get(`${CMS}/a`).catch((e: unknown) => e);
    expect(statusCodeOf(missing)).toBe(404);
    expect(String(missing)).toContain('configmaps "a" not found');
  });

  it('lists, then watches, and keeps up through writes beyond the server’s watch history', async () => {
    await client.post(CMS, cm('w1'));
    const cache = new Map<string, KubernetesObject>();
    let synced = 0;
    watches.push(
      watchForever<KubernetesObject>(log, client, 'configmaps', CMS, {
        upsert: (o) => cache.set(o.metadata?.name ?? '', o),
        remove: (o) => cache.delete(o.metadata?.name ?? ''),
        synced: () => synced++,
      }),
    );
    const names = (): string => [...cache.keys()].sort().join(',');
    await eventually(() => synced === 1 && cache.has('w1'), names);
    await client.post(CMS, cm('w2'));
    await client.mergePatch(`${CMS}/w1`, { data: { v: 'x' } });
    await eventually(() => cache.has('w2') && (cache.get('w1') as { data?: { v?: string } }).data?.v === 'x', names);
    await client.delete(`${CMS}/w2`);
    await eventually(() => !cache.has('w2'), names);
    // Many writes beyond the history of 5 events: whatever the watch misses, a relist brings back.
    for (let i = 0; i < 20; i++) await client.post(CMS, cm(`many${i}`));
    await eventually(() => cache.has('many19') && cache.size >= 21, names);
    expect(synced).toBe(1);
  });
});
