import { BUILTIN_RESOURCES } from '../api/registry';
import { decodeContinue } from './continue';
import { parseFieldSelector } from './fields';
import { startKubeServer, type KubeServer } from './index';
import { parseLabelSelector } from './labels';
import { call, svc } from './test-helpers';

const services = BUILTIN_RESOURCES.find((r) => r.resource === 'services' && r.group === '')!;
const events = BUILTIN_RESOURCES.find((r) => r.resource === 'events' && r.group === '')!;

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (web,api)', true],
    ['app notin (web,api)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=web,tier=back', false],
    ['n>3', true],
    ['n<3', false],
    ['missing!=x', true],
  ])('%s -> %s', (sel, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });

  it('refuses a malformed selector with 400', () => {
    expect(() => parseLabelSelector('a in b')).toThrow(/unable to parse requirement/);
  });
});

describe('field selectors', () => {
  it('answers the real message for an unknown Service field (052)', () => {
    expect(() => parseFieldSelector('spec.type=LoadBalancer', services)).toThrow(
      '"spec.type" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it('selects events by involvedObject (061)', () => {
    const sel = parseFieldSelector('involvedObject.name=x,involvedObject.kind=Service', events);
    const ev = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e' },
      involvedObject: { kind: 'Service', name },
    });
    expect(sel.matches(ev('x'))).toBe(true);
    expect(sel.matches(ev('y'))).toBe(false);
  });
});

describe('lists over HTTP', () => {
  let server: KubeServer;
  let base: string;

  beforeAll(async () => {
    server = await startKubeServer({ port: 0 });
    base = server.url;
    for (const ns of ['b-ns', 'a-ns', 'a']) await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: ns } });
    for (const [ns, name, labels] of [
      ['b-ns', 'zz', { app: 'web' }],
      ['b-ns', 'aa', { app: 'api' }],
      ['a-ns', 'mm', { app: 'web' }],
      ['a', 'x', {}],
    ] as const) {
      await call(base, 'POST', `/api/v1/namespaces/${ns}/services`, svc(name, labels));
    }
  });
  afterAll(() => server.stop());

  const names = (body: { items?: unknown }): string[] =>
    (body.items as Array<{ metadata: { namespace: string; name: string } }>).map(
      (i) => `${i.metadata.namespace}/${i.metadata.name}`,
    );

  it('lists across namespaces in etcd key order, items without kind', async () => {
    const r = await call(base, 'GET', '/api/v1/services');
    expect(r.body.kind).toBe('ServiceList');
    expect(r.body.apiVersion).toBe('v1');
    // default/kubernetes is the apiserver's own Service, there from the start.
    expect(names(r.body)).toEqual(['a-ns/mm', 'a/x', 'b-ns/aa', 'b-ns/zz', 'default/kubernetes']);
    expect((r.body.items as Array<Record<string, unknown>>)[0].kind).toBeUndefined();
    expect((r.body.metadata as { resourceVersion: string }).resourceVersion).toBe(String(server.store.resourceVersion));
  });

  it('filters by label and field selectors', async () => {
    expect(names((await call(base, 'GET', '/api/v1/services?labelSelector=app%3Dweb')).body)).toEqual([
      'a-ns/mm',
      'b-ns/zz',
    ]);
    expect(
      names((await call(base, 'GET', '/api/v1/namespaces/b-ns/services?fieldSelector=metadata.name%3Daa')).body),
    ).toEqual(['b-ns/aa']);
    expect(names((await call(base, 'GET', '/api/v1/services?fieldSelector=metadata.namespace!%3Db-ns')).body)).toEqual([
      'a-ns/mm',
      'a/x',
      'default/kubernetes',
    ]);
    const bad = await call(base, 'GET', '/api/v1/namespaces/b-ns/services?fieldSelector=spec.type%3DLoadBalancer');
    expect(bad.status).toBe(400);
  });

  it('pages with limit and continue (053, 054)', async () => {
    const p1 = await call(base, 'GET', '/api/v1/services?limit=3');
    const m1 = p1.body.metadata as { continue: string; remainingItemCount: number; resourceVersion: string };
    expect(names(p1.body)).toEqual(['a-ns/mm', 'a/x', 'b-ns/aa']);
    expect(m1.remainingItemCount).toBe(2);
    expect(decodeContinue(m1.continue)).toEqual({ rv: Number(m1.resourceVersion), start: 'b-ns/aa\u0000' });
    // A write between pages does not change the pages' resourceVersion.
    await call(base, 'POST', '/api/v1/namespaces/a/services', svc('later'));
    const p2 = await call(base, 'GET', `/api/v1/services?limit=3&continue=${encodeURIComponent(m1.continue)}`);
    expect(names(p2.body)).toEqual(['b-ns/zz', 'default/kubernetes']);
    const m2 = p2.body.metadata as Record<string, unknown>;
    expect(m2.continue).toBeUndefined();
    expect(m2.resourceVersion).toBe(m1.resourceVersion);

    const ns1 = await call(base, 'GET', '/api/v1/namespaces/b-ns/services?limit=1');
    expect(decodeContinue((ns1.body.metadata as { continue: string }).continue).start).toBe('aa\u0000');
  });

  it('answers 410 Expired for a continue token older than the history', async () => {
    const small = await startKubeServer({ port: 0, historySize: 2 });
    try {
      await call(small.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'a' } });
      await call(small.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'b' } });
      const p1 = await call(small.url, 'GET', '/api/v1/namespaces/default/configmaps?limit=1');
      for (const n of ['c', 'd', 'e']) {
        await call(small.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: n } });
      }
      const token = (p1.body.metadata as { continue: string }).continue;
      const p2 = await call(small.url, 'GET', `/api/v1/namespaces/default/configmaps?limit=1&continue=${token}`);
      expect(p2.status).toBe(410);
      expect(p2.body.reason).toBe('Expired');
      expect((p2.body.metadata as { continue?: string }).continue).toBeDefined();
    } finally {
      await small.stop();
    }
  });

  it('answers Tables for kubectl', async () => {
    const r = await call(base, 'GET', '/api/v1/namespaces/b-ns/services', undefined, undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    expect(r.body.kind).toBe('Table');
    expect((r.body.rows as Array<{ cells: unknown[] }>).map((row) => row.cells[0])).toEqual(['aa', 'zz']);
  });

  it('deletes a collection by label', async () => {
    const r = await call(base, 'DELETE', '/api/v1/namespaces/b-ns/services?labelSelector=app%3Dapi');
    expect(r.status).toBe(200);
    expect(names((await call(base, 'GET', '/api/v1/namespaces/b-ns/services')).body)).toEqual(['b-ns/zz']);
  });
});
