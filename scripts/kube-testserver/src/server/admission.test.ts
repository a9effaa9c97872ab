/**
 * The registry's admission step, in process with a stand-in Admission: what it is shown, that a refusal stores nothing
 * and frees what validation allocated, and that a write whose object changed during the wait is redone (or conflicts
 * when the request named a resourceVersion), as the real server's storage retries.
 */
import type { Admission, AdmissionAttributes } from '../admission/types';
import { StatusError } from '../errors';
import type { KubeObject } from '../types';
import { ResourceTable } from './resources';
import { Registry, type WriteContext } from './rest';
import { Store } from './store';
import { WatchHub } from './watch';
import { fullPatcher, fullStrategyProvider } from './wiring';

type Step = (attrs: AdmissionAttributes) => Promise<void> | undefined;

function setup(step: Step): { registry: Registry; seen: AdmissionAttributes[]; resources: ResourceTable } {
  const store = new Store();
  const resources = new ResourceTable();
  const seen: AdmissionAttributes[] = [];
  const admission: Admission = {
    validate: (attrs) => {
      seen.push(attrs);
      return step(attrs);
    },
  };
  const registry = new Registry({
    store,
    resources,
    strategies: fullStrategyProvider(),
    patcher: fullPatcher(),
    history: new WatchHub(store, 100).history,
    admission,
  });
  return { registry, seen, resources };
}

const ctx = (): WriteContext => ({ manager: 'tester', dryRun: false, now: new Date(0) });
const cm = (name: string, data: Record<string, string>, rv?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...(rv ? { resourceVersion: rv } : {}) },
  data,
});

async function boot(registry: Registry, resources: ResourceTable): Promise<void> {
  const ns = resources.lookup('', 'v1', 'namespaces');
  if (!ns) throw new Error('no namespaces');
  await registry.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx());
}

describe('the admission step of writes', () => {
  it('sees CREATE, UPDATE and DELETE with the object and the old one', async () => {
    const { registry, seen, resources } = setup(() => undefined);
    await boot(registry, resources);
    const info = resources.lookup('', 'v1', 'configmaps');
    if (!info) throw new Error('no configmaps');
    await registry.create(info, 'default', cm('a', { k: '1' }), ctx());
    await registry.update(info, 'default', 'a', cm('a', { k: '2' }), ctx());
    await registry.delete(info, 'default', 'a', {}, ctx());
    const mine = seen.filter((s) => s.resource === 'configmaps');
    expect(mine.map((s) => s.operation)).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    expect(mine[0]).toMatchObject({ namespace: 'default', name: 'a', oldObject: undefined });
    expect(mine[0].object?.data).toEqual({ k: '1' });
    expect(mine[1].oldObject?.data).toEqual({ k: '1' });
    expect(mine[1].object?.data).toEqual({ k: '2' });
    expect(mine[2].object).toBeUndefined();
    expect(mine[2].oldObject?.data).toEqual({ k: '2' });
    // A Namespace's own name is its namespace, as the real server sets it.
    expect(seen[0]).toMatchObject({ resource: 'namespaces', namespace: 'default', name: 'default' });
  });

  it('stores nothing that is refused, and frees the cluster IP validation took', async () => {
    const refusal = new StatusError(403, 'Forbidden', 'no');
    let refuse = true;
    const { registry, resources } = setup((a) =>
      a.resource === 'services' && refuse ? Promise.reject(refusal) : undefined,
    );
    await boot(registry, resources);
    const info = resources.lookup('', 'v1', 'services');
    if (!info) throw new Error('no services');
    const svc = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { clusterIP: '10.96.0.50', ports: [{ port: 80 }] },
    });
    await expect(registry.create(info, 'default', svc('a'), ctx())).rejects.toBe(refusal);
    expect(() => registry.get(info, 'default', 'a')).toThrow('services "a" not found');
    refuse = false;
    const out = await registry.create(info, 'default', svc('b'), ctx());
    expect((out.object.spec as { clusterIP: string }).clusterIP).toBe('10.96.0.50');
  });

  it('redoes an update whose object changed during the wait; conflicts if the request named a resourceVersion', async () => {
    let interfere: (() => Promise<unknown>) | undefined;
    const { registry, resources, seen } = setup((a) => {
      if (a.operation !== 'UPDATE' || !interfere) return undefined;
      const once = interfere;
      interfere = undefined;
      // Another writer gets in while the webhook is being called.
      return once().then(() => undefined);
    });
    await boot(registry, resources);
    const info = resources.lookup('', 'v1', 'configmaps');
    if (!info) throw new Error('no configmaps');
    const created = await registry.create(info, 'default', cm('a', { k: '1' }), ctx());
    const rv = created.object.metadata.resourceVersion;
    interfere = () =>
      registry.patch(info, 'default', 'a', 'merge', { data: { other: 'x' } }, { ...ctx(), force: false });
    const out = await registry.patch(info, 'default', 'a', 'merge', { data: { k: '2' } }, { ...ctx(), force: false });
    expect(out.object.data).toEqual({ k: '2', other: 'x' });
    expect(seen.filter((s) => s.operation === 'UPDATE')).toHaveLength(3);

    const now = registry.get(info, 'default', 'a').metadata.resourceVersion;
    interfere = () =>
      registry.patch(info, 'default', 'a', 'merge', { data: { more: 'y' } }, { ...ctx(), force: false });
    await expect(registry.update(info, 'default', 'a', cm('a', { k: '3' }, now), ctx())).rejects.toMatchObject({
      code: 409,
      message:
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect(rv).not.toBe(now);
  });
});
