import { StatusError, invalid } from '../errors';
import { loadCases, type RecordedCase } from '../conformance/cases';
import { compareMasked, type KnownDifference } from '../conformance/masked';
import type { KubeObject } from '../types';
import { customResourceStrategy, type CustomResourceStrategy } from './crd';
import { eventV1ToCore } from './events';
import { clone, isObj, type Obj } from './json';
import { createStrategies } from './strategies';

/**
 * Replays the self-contained requests of the recorded kube-apiserver answers through the strategies, with a minimal
 * stand-in for the server (path parsing, storage by name, merge patch), and compares what the strategies decide with
 * what the real server answered. Server-owned metadata (uid, resourceVersion, timestamps, managedFields) is the
 * server's job and is left out of the comparison.
 */

const cases = new Map(loadCases().map((c) => [c.file.slice(0, 3), c]));
const get = (n: string): RecordedCase => {
  const c = cases.get(n);
  if (!c) throw new Error(`no case ${n}`);
  return c;
};

const SERVER_META: KnownDifference[] = [
  { path: 'metadata.uid', why: 'server-owned' },
  { path: 'metadata.resourceVersion', why: 'server-owned' },
  { path: 'metadata.creationTimestamp', why: 'server-owned' },
  { path: 'metadata.managedFields', why: 'server-owned' },
  { path: 'metadata.namespace', why: 'set from the URL by the server' },
];

interface Route {
  group: string;
  resource: string;
  namespace: string;
  name?: string;
  sub?: string;
}

function route(path: string): Route {
  const parts = path.split('?')[0].split('/').filter(Boolean);
  let i = parts[0] === 'api' ? 2 : 3;
  const group = parts[0] === 'api' ? '' : parts[1];
  let namespace = '';
  if (parts[i] === 'namespaces' && parts.length > i + 2) {
    namespace = parts[i + 1];
    i += 2;
  }
  return { group, resource: parts[i], namespace, name: parts[i + 1], sub: parts[i + 2] };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

class MiniServer {
  readonly strategies = createStrategies();
  readonly store = new Map<string, KubeObject>();
  crs = new Map<string, CustomResourceStrategy>();

  private strategy(r: Route) {
    const cr = this.crs.get(`${r.group}/${r.resource}`);
    return cr ?? this.strategies.forResource(r.group, r.resource);
  }

  private kindOf(r: Route, obj: KubeObject): { kind: string; group: string } {
    return { kind: obj.kind, group: r.group };
  }

  /** Returns [status, body] the way the server would answer. */
  handle(c: RecordedCase): [number, unknown] {
    const r = route(c.request.path);
    const key = (name: string): string => `${r.group}/${r.resource}/${r.namespace}/${name}`;
    const s = this.strategy(r);
    try {
      if (c.request.method === 'POST') {
        const obj = clone(c.request.body) as KubeObject;
        if (r.namespace) obj.metadata.namespace = r.namespace;
        s.prepareCreate(obj);
        const causes = s.validateCreate(obj);
        const { kind, group } = this.kindOf(r, obj);
        if (causes.length) throw invalid(kind, group, obj.metadata.name ?? '', causes);
        if (this.store.has(key(obj.metadata.name ?? ''))) {
          s.release(obj);
          return [409, undefined];
        }
        this.store.set(key(obj.metadata.name ?? ''), obj);
        if (r.group === 'events.k8s.io')
          this.store.set(`/events/${r.namespace}/${obj.metadata.name}`, eventV1ToCore(obj));
        return [201, obj];
      }
      const old = this.store.get(key(r.name ?? ''));
      if (!old) return [404, undefined];
      let next: KubeObject;
      if (c.request.method === 'PATCH') next = mergePatch(clone(old), c.request.body) as KubeObject;
      else next = clone(c.request.body) as KubeObject;
      const { kind, group } = this.kindOf(r, old);
      if (r.sub === 'status') {
        const merged = clone(old) as unknown as Obj;
        merged.status = (next as unknown as Obj).status;
        const obj = merged as unknown as KubeObject;
        s.prepareStatusUpdate(obj, old);
        const causes = s.validateStatusUpdate(obj, old);
        if (causes.length) throw invalid(kind, group, old.metadata.name ?? '', causes);
        this.store.set(key(r.name ?? ''), obj);
        return [200, obj];
      }
      (next as unknown as Obj).status = clone((old as unknown as Obj).status);
      s.prepareUpdate(next, old);
      const causes = s.validateUpdate(next, old);
      if (causes.length) throw invalid(kind, group, old.metadata.name ?? '', causes);
      this.store.set(key(r.name ?? ''), next);
      return [200, next];
    } catch (e) {
      if (e instanceof StatusError) return [e.code, e.toStatus()];
      throw e;
    }
  }
}

function check(server: MiniServer, file: string, known: KnownDifference[] = []): unknown {
  const c = get(file);
  const [status, body] = server.handle(c);
  expect(status).toBe(c.response.status);
  if (body !== undefined) {
    const diffs = compareMasked(c.response.body, body, new Map(), [...SERVER_META, ...known]);
    expect(diffs).toEqual([]);
  }
  return body;
}

describe('recorded kube-apiserver answers', () => {
  const server = new MiniServer();

  test('000 namespace create: finalizer, phase and name label', () => {
    check(server, '000');
  });

  test('010 mixed-protocol LoadBalancer: defaults, one node port for TCP and UDP 9610', () => {
    const svc = check(server, '010') as Obj;
    const ports = ((svc.spec as Obj).ports as Obj[]).map((p) => p.nodePort);
    expect(ports[0]).toBe(ports[2]);
    expect(ports[0]).not.toBe(ports[1]);
  });

  test('011 already exists: allocations of the refused create are given back', () => {
    const before = server.strategies.service.nodePorts.used;
    const [status] = server.handle(get('011'));
    expect(status).toBe(409);
    expect(server.strategies.service.nodePorts.used).toBe(before);
  });

  test.each(['012', '013', '014', '016', '017', '018', '019'])('%s', (file) => {
    check(server, file);
  });

  test('015 duplicate port+protocol: the allocated node port shows in the message', () => {
    const c = get('015');
    const [status, body] = server.handle(c);
    expect(status).toBe(422);
    const port = /Duplicate value: (\d+)/.exec(JSON.stringify(body))?.[1];
    expect(port).toBeDefined();
    const expected = JSON.parse(
      JSON.stringify(c.response.body)
        .split('32596')
        .join(port ?? ''),
    );
    expect(compareMasked(expected, body, new Map())).toEqual([]);
  });

  test('023 main-resource PUT keeps status; 024/025 status writes (1.35 defaults ipMode VIP)', () => {
    // The recorded bodies carry the recorded run's cluster IP and node ports; put ours in their place.
    const stored = server.store.get('/services/conf/acserver4-service') as unknown as Obj;
    for (const n of ['023', '024']) {
      const b = get(n).request.body as Obj;
      b.spec = clone(stored.spec);
      delete (b.metadata as Obj).uid;
      delete (b.metadata as Obj).creationTimestamp;
    }
    check(server, '023');
    // 1.26 had no ipMode; 1.35 defaults it to VIP for every ingress IP.
    const vip: KnownDifference[] = [{ path: 'status.loadBalancer.ingress[0].ipMode', why: '1.35 defaults ipMode VIP' }];
    const b24 = check(server, '024', vip) as Obj;
    expect(((b24.status as Obj).loadBalancer as Obj).ingress).toEqual([{ ip: '203.0.113.4', ipMode: 'VIP' }]);
    check(server, '025', vip);
  });

  test('026 invalid ingress IP: 1.35 wording carries the examples', () => {
    const [status, body] = server.handle(get('026'));
    expect(status).toBe(422);
    const causes = ((body as Obj).details as Obj).causes;
    expect(causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'status.loadBalancer.ingress[0].ip',
        message: 'Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      },
    ]);
  });

  test('060 core event: zero values as Go prints them', () => {
    check(server, '060');
  });

  test('062/063 events.k8s.io event and its core view', () => {
    check(server, '062');
    const core = server.store.get('/events/conf/web.2');
    const expected = (get('063').response.body as Obj).items as Obj[];
    expect(compareMasked({ ...expected[0], kind: 'Event', apiVersion: 'v1' }, core, new Map(), SERVER_META)).toEqual(
      [],
    );
  });

  test.each(['070', '071', '073', '074'])('%s', (file) => {
    check(server, file);
  });

  test('080 CRD create, then 081-085 custom resources', () => {
    const crd = check(server, '080') as KubeObject;
    server.crs.set('example.io/ipaddresspools', customResourceStrategy(crd, 'v1beta1'));
    check(server, '081');
    check(server, '083');
    check(server, '084');
    check(server, '085');
  });

  test('082 invalid custom resource: same causes (the real order follows Go map iteration)', () => {
    const c = get('082');
    const [status, body] = server.handle(c);
    expect(status).toBe(422);
    const byField = (b: unknown): unknown[] =>
      [...(((b as Obj).details as Obj).causes as Obj[])].sort((x, y) => String(x.field).localeCompare(String(y.field)));
    expect(byField(body)).toEqual(byField(c.response.body));
  });
});
