import { startKubeServer, type KubeServer } from './index';
import { call, svc } from './test-helpers';

let server: KubeServer;
let base: string;
const NS = '/api/v1/namespaces/conf';

beforeAll(async () => {
  server = await startKubeServer({ port: 0 });
  base = server.url;
  await call(base, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'conf' } });
});
afterAll(() => server.stop());

const meta = (o: { metadata?: unknown }): Record<string, unknown> => o.metadata as Record<string, unknown>;

describe('resourceVersion, uid and creation', () => {
  it('stamps a growing resourceVersion, a uid and a creationTimestamp', async () => {
    const a = await call(base, 'POST', `${NS}/services`, svc('rv-a'));
    const b = await call(base, 'POST', `${NS}/services`, svc('rv-b'));
    expect(a.status).toBe(201);
    expect(a.contentType).toBe('application/json');
    expect(Number(meta(b.body).resourceVersion)).toBeGreaterThan(Number(meta(a.body).resourceVersion));
    expect(meta(a.body).uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta(a.body).creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('answers 409 AlreadyExists for a second create', async () => {
    const r = await call(base, 'POST', `${NS}/services`, svc('rv-a'));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ reason: 'AlreadyExists', message: 'services "rv-a" already exists' });
  });

  it('generates names from generateName', async () => {
    const r = await call(base, 'POST', `${NS}/configmaps`, { metadata: { generateName: 'gen-' }, data: { a: 'b' } });
    expect(r.status).toBe(201);
    expect(meta(r.body).name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('refuses creates in a missing namespace with 404 namespaces "x" not found', async () => {
    const r = await call(base, 'POST', '/api/v1/namespaces/nope/events', {
      metadata: { name: 'e1' },
      involvedObject: { kind: 'Service', name: 'x' },
    });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "nope" not found' });
  });

  it('answers 404 with details as the real server (021)', async () => {
    const r = await call(base, 'GET', `${NS}/services/nosuch`);
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'services "nosuch" not found',
      reason: 'NotFound',
      details: { name: 'nosuch', kind: 'services' },
      code: 404,
    });
  });

  it('answers malformed JSON with the decoder message (032)', async () => {
    const r = await call(base, 'POST', `${NS}/services`, '{"apiVersion": "v1", "kind": "Service", "metadata": {');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(
      'the object provided is unrecognized (must be of type Service): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion": "v1", "kind": " ...)',
    );
  });

  it('refuses unknown patch content types with 415 (031)', async () => {
    const r = await call(base, 'PATCH', `${NS}/services/rv-a`, { x: 1 });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({
      reason: 'UnsupportedMediaType',
      message: '415: Unsupported Media Type',
      details: {},
    });
  });
});

describe('optimistic concurrency', () => {
  it('answers 409 with the real message for a stale resourceVersion (022)', async () => {
    const created = await call(base, 'POST', `${NS}/services`, svc('occ'));
    const stale = { ...created.body, metadata: { ...meta(created.body), labels: { a: 'b' } } };
    expect((await call(base, 'PUT', `${NS}/services/occ`, stale)).status).toBe(200);
    const r = await call(base, 'PUT', `${NS}/services/occ`, stale);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on services "occ": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'occ', kind: 'services' },
    });
  });

  it('checks a resourceVersion sent in a merge patch', async () => {
    const r = await call(
      base,
      'PATCH',
      `${NS}/services/occ`,
      { metadata: { resourceVersion: '1' } },
      'application/merge-patch+json',
    );
    expect(r.status).toBe(409);
  });

  it('does not bump the resourceVersion for a no-op update', async () => {
    const cur = await call(base, 'GET', `${NS}/services/occ`);
    const again = await call(base, 'PUT', `${NS}/services/occ`, cur.body);
    expect(meta(again.body).resourceVersion).toBe(meta(cur.body).resourceVersion);
  });

  it('answers 404 for PUT of a missing Service or ConfigMap, creates a missing Lease', async () => {
    expect((await call(base, 'PUT', `${NS}/services/ghost`, svc('ghost'))).status).toBe(404);
    expect((await call(base, 'PUT', `${NS}/configmaps/ghost`, { metadata: { name: 'ghost' } })).status).toBe(404);
    const lease = await call(base, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/conf/leases/l1', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l1' },
      spec: { holderIdentity: 'a' },
    });
    expect(lease.status).toBe(201);
  });

  it('refuses a name that differs from the URL', async () => {
    const r = await call(base, 'PUT', `${NS}/services/occ`, svc('other'));
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('the name of the object (other) does not match the name on the URL (occ)');
  });
});

describe('status subresource', () => {
  const ingress = { loadBalancer: { ingress: [{ ip: '203.0.113.4' }] } };

  it('ignores status on the main resource (023)', async () => {
    // Ingress status is only allowed on LoadBalancer Services.
    const created = await call(
      base,
      'POST',
      `${NS}/services`,
      svc('st', {}, { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } }),
    );
    const r = await call(base, 'PUT', `${NS}/services/st`, { ...created.body, status: ingress });
    expect(r.body.status).toEqual(created.body.status);
    const p = await call(base, 'PATCH', `${NS}/services/st`, { status: ingress }, 'application/merge-patch+json');
    expect(p.body.status).toEqual(created.body.status);
  });

  it('changes only status through /status (024, 025)', async () => {
    const cur = await call(base, 'GET', `${NS}/services/st`);
    const body = {
      ...cur.body,
      metadata: { ...meta(cur.body), labels: { changed: 'yes' } },
      spec: { ports: [] },
      status: ingress,
    };
    const r = await call(base, 'PUT', `${NS}/services/st/status`, body);
    expect(r.status).toBe(200);
    // 1.35 defaults ipMode to VIP (1.26 had no such field).
    expect(r.body.status).toEqual({ loadBalancer: { ingress: [{ ip: '203.0.113.4', ipMode: 'VIP' }] } });
    expect(r.body.spec).toEqual(cur.body.spec);
    expect(meta(r.body).labels).toEqual(meta(cur.body).labels);
    const p = await call(
      base,
      'PATCH',
      `${NS}/services/st/status`,
      { status: { loadBalancer: { ingress: null } }, spec: { x: 1 } },
      'application/merge-patch+json',
    );
    expect(p.body.status).toEqual({ loadBalancer: {} });
    expect(p.body.spec).toEqual(cur.body.spec);
  });

  it('does the same for custom resources that declare the subresource', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'pools.example.io' },
      spec: {
        group: 'example.io',
        names: { plural: 'pools', singular: 'pool', kind: 'Pool', listKind: 'PoolList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    expect((await call(base, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    const got = await call(base, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/pools.example.io');
    const conditions = (got.body.status as { conditions: Array<{ type: string; status: string }> }).conditions;
    expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['NamesAccepted=True', 'Established=True']);

    const path = '/apis/example.io/v1/namespaces/conf/pools';
    const c = await call(base, 'POST', path, {
      apiVersion: 'example.io/v1',
      kind: 'Pool',
      metadata: { name: 'p1' },
      spec: { a: 1 },
      status: { n: 1 },
    });
    expect(c.status).toBe(201);
    expect(c.body.status).toBeUndefined();
    expect(meta(c.body).generation).toBe(1);
    const s = await call(base, 'PATCH', `${path}/p1/status`, { status: { n: 2 } }, 'application/merge-patch+json');
    expect(s.body.status).toEqual({ n: 2 });
    const m = await call(
      base,
      'PATCH',
      `${path}/p1`,
      { spec: { a: 2 }, status: { n: 3 } },
      'application/merge-patch+json',
    );
    expect(m.body.status).toEqual({ n: 2 });
    expect(meta(m.body).generation).toBe(2);

    const list = await call(base, 'GET', '/apis/example.io/v1/pools');
    expect(list.body.kind).toBe('PoolList');
    expect((list.body.items as unknown[]).length).toBe(1);

    // Deleting the CRD removes its objects and its routes.
    await call(base, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/pools.example.io');
    const gone = await call(base, 'GET', `${path}/p1`);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('the server could not find the requested resource');
  });
});

describe('delete, finalizers and namespaces', () => {
  it('returns the deleted Service (110) and 404 after (111)', async () => {
    await call(base, 'POST', `${NS}/services`, svc('w'));
    const r = await call(base, 'DELETE', `${NS}/services/w`);
    expect(r.status).toBe(200);
    expect(r.body.kind).toBe('Service');
    const again = await call(base, 'DELETE', `${NS}/services/w`);
    expect(again.body).toMatchObject({
      code: 404,
      message: 'services "w" not found',
      details: { name: 'w', kind: 'services' },
    });
  });

  it('answers a Success Status for kinds that do not return the object', async () => {
    await call(base, 'POST', `${NS}/configmaps`, { metadata: { name: 'gone' } });
    const r = await call(base, 'DELETE', `${NS}/configmaps/gone`);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'gone', kind: 'configmaps' } });
  });

  it('keeps an object with finalizers until an update empties them', async () => {
    await call(base, 'POST', `${NS}/configmaps`, { metadata: { name: 'fin', finalizers: ['example.io/hold'] } });
    const d = await call(base, 'DELETE', `${NS}/configmaps/fin`);
    expect(meta(d.body).deletionTimestamp).toBeDefined();
    const still = await call(base, 'GET', `${NS}/configmaps/fin`);
    expect(still.status).toBe(200);
    const p = await call(
      base,
      'PATCH',
      `${NS}/configmaps/fin`,
      [{ op: 'remove', path: '/metadata/finalizers' }],
      'application/json-patch+json',
    );
    expect(p.status).toBe(200);
    expect((await call(base, 'GET', `${NS}/configmaps/fin`)).status).toBe(404);
  });

  it('checks delete preconditions', async () => {
    await call(base, 'POST', `${NS}/configmaps`, { metadata: { name: 'pre' } });
    const r = await call(base, 'DELETE', `${NS}/configmaps/pre`, { preconditions: { uid: 'x' } });
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(
      /^Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: x/,
    );
  });

  it('removes a namespace and everything in it', async () => {
    await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await call(base, 'POST', '/api/v1/namespaces/doomed/services', svc('a'));
    await call(base, 'POST', '/api/v1/namespaces/doomed/configmaps', {
      metadata: { name: 'b', finalizers: ['x/hold'] },
    });
    const d = await call(base, 'DELETE', '/api/v1/namespaces/doomed');
    expect(d.body.status).toEqual({ phase: 'Terminating' });
    const refused = await call(base, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'c' } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      'unable to create new content in namespace doomed because it is being terminated',
    );
    // The finalizer holds the ConfigMap, which holds the namespace.
    expect((await call(base, 'GET', '/api/v1/namespaces/doomed')).status).toBe(200);
    await call(
      base,
      'PATCH',
      '/api/v1/namespaces/doomed/configmaps/b',
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    for (let i = 0; i < 50 && (await call(base, 'GET', '/api/v1/namespaces/doomed')).status === 200; i++) {
      await new Promise((r) => setImmediate(r));
    }
    expect((await call(base, 'GET', '/api/v1/namespaces/doomed')).status).toBe(404);
    expect((await call(base, 'GET', '/api/v1/namespaces/doomed/services/a')).status).toBe(404);
  });

  it('collects dependents of a deleted owner', async () => {
    const owner = await call(base, 'POST', `${NS}/configmaps`, { metadata: { name: 'owner' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: meta(owner.body).uid };
    await call(base, 'POST', `${NS}/configmaps`, { metadata: { name: 'dependent', ownerReferences: [ref] } });
    await call(base, 'DELETE', `${NS}/configmaps/owner`);
    for (let i = 0; i < 50 && (await call(base, 'GET', `${NS}/configmaps/dependent`)).status === 200; i++) {
      await new Promise((r) => setImmediate(r));
    }
    expect((await call(base, 'GET', `${NS}/configmaps/dependent`)).status).toBe(404);
  });
});

describe('dry run and misc endpoints', () => {
  it('validates without storing on dryRun=All', async () => {
    const r = await call(base, 'POST', `${NS}/services?dryRun=All`, svc('dry'));
    expect(r.status).toBe(201);
    expect((await call(base, 'GET', `${NS}/services/dry`)).status).toBe(404);
  });

  it('serves /version and health', async () => {
    expect((await call(base, 'GET', '/version')).body).toMatchObject({
      major: '1',
      minor: '35',
      gitVersion: 'v1.35.0',
    });
    expect(await (await fetch(`${base}/readyz`)).text()).toBe('ok');
  });

  it('serves the deployment scale subresource', async () => {
    const path = '/apis/apps/v1/namespaces/conf/deployments';
    await call(base, 'POST', path, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    const s = await call(base, 'GET', `${path}/d/scale`);
    expect(s.body).toMatchObject({ kind: 'Scale', spec: { replicas: 1 }, status: { selector: 'app=d' } });
    const p = await call(base, 'PATCH', `${path}/d/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    expect(p.body).toMatchObject({ spec: { replicas: 3 } });
    expect(((await call(base, 'GET', `${path}/d`)).body.spec as { replicas: number }).replicas).toBe(3);
  });
});
