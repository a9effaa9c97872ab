import { StatusError } from '../errors';
import type { JsonObject, KubeObject } from '../types';
import { RECORDED_TIME, loadCase, responseObject, unmask, type Recorded } from './conformance-fixtures';
import { recordUpdate, schemaInfoOf } from './managedfields';
import { mergeApplied, parseApplyBody, serverSideApply, type ApplyOptions } from './ssa';
import { builtinSchemaInfo, crdSchemaInfo } from './typeinfo';

const NOW = RECORDED_TIME;
const svcInfo = builtinSchemaInfo('', 'Service');
const opts = (manager: string, force = false, extra: Partial<ApplyOptions> = {}): ApplyOptions => ({
  manager,
  force,
  apiVersion: 'v1',
  now: NOW,
  info: svcInfo,
  ...extra,
});
const applied = (r: Recorded): KubeObject => parseApplyBody(r.request.body as string) as unknown as KubeObject;
const stored = (r: Recorded): KubeObject => unmask(r.response.body) as unknown as KubeObject;
const fields = (o: KubeObject) => (o.metadata.managedFields ?? []).map(({ time: _t, ...rest }) => rest);

function statusOf(f: () => unknown): ReturnType<StatusError['toStatus']> {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e.toStatus();
    throw e;
  }
  throw new Error('no error');
}

describe('server-side apply against the recorded answers (040-043)', () => {
  it('040: apply creates the object; only applied fields are owned', () => {
    const r = loadCase('040');
    const { object, changed } = serverSideApply(undefined, applied(r), opts('helm'));
    expect(changed).toBe(true);
    expect(fields(object)).toEqual(fields(responseObject(r)));
    expect(object.spec).toEqual({
      type: 'LoadBalancer',
      loadBalancerIP: '203.0.113.4',
      selector: { app: 'acserver1' },
      ports: [{ name: 'connection', port: 9610, targetPort: 9610, protocol: 'UDP' }],
    });
    expect(object.metadata.name).toBe('acserver1-service-udp');
  });

  it('041: a second manager changing an owned field conflicts, in the server words', () => {
    const r = loadCase('041');
    const live = stored(loadCase('040'));
    expect(statusOf(() => serverSideApply(live, applied(r), opts('other')))).toEqual(r.response.body);
  });

  it('042: force takes the field over', () => {
    const r = loadCase('042');
    const live = stored(loadCase('040'));
    const { object, changed } = serverSideApply(live, applied(r), opts('other', true));
    expect(changed).toBe(true);
    expect(fields(object)).toEqual(fields(responseObject(r)));
    expect((object.spec as JsonObject).loadBalancerIP).toBe('203.0.113.9');
    // Everything the server added (allocations, defaults) stays.
    expect((object.spec as JsonObject).clusterIP).toBe((live.spec as JsonObject).clusterIP);
  });

  it('043: the same apply again by the same manager is a no-op', () => {
    const r = loadCase('043');
    const live = stored(loadCase('042'));
    const { object, changed } = serverSideApply(live, applied(r), opts('other'));
    expect(changed).toBe(false);
    expect(object).toEqual(live);
  });
});

describe('server-side apply rules', () => {
  const cmInfo = builtinSchemaInfo('', 'ConfigMap');
  const cm = (data: Record<string, string>, labels?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', ...(labels ? { labels } : {}) },
    data,
  });
  const cmOpts = (manager: string, force = false) => opts(manager, force, { info: cmInfo });
  const owners = (o: KubeObject) =>
    Object.fromEntries((o.metadata.managedFields ?? []).map((e) => [`${e.manager}/${e.operation}`, e.fieldsV1]));

  it('removes fields the manager applied before and dropped, unless someone else owns them', () => {
    const one = serverSideApply(undefined, cm({ a: '1', b: '2', c: '3' }), cmOpts('a')).object;
    const two = serverSideApply(one, cm({ b: '2' }), cmOpts('b')).object;
    const three = serverSideApply(two, cm({ a: '1' }), cmOpts('a')).object;
    expect(three.data).toEqual({ a: '1', b: '2' });
    expect(owners(three)).toEqual({ 'a/Apply': { 'f:data': { 'f:a': {} } }, 'b/Apply': { 'f:data': { 'f:b': {} } } });
  });

  it('keeps fields an Update manager set after the apply', () => {
    const one = serverSideApply(undefined, cm({ a: '1' }), cmOpts('a')).object;
    const upd = recordUpdate(one, { ...one, data: { a: '1', z: '26' } }, 'kubectl-edit', 'v1', undefined, NOW, cmInfo);
    const two = serverSideApply(upd, cm({ a: '2' }), cmOpts('a')).object;
    expect(two.data).toEqual({ a: '2', z: '26' });
  });

  it('conflicts with an Update manager name it with its apiVersion', () => {
    const created = recordUpdate(undefined, cm({ a: '1', b: '1' }), 'kubectl-create', 'v1', undefined, NOW, cmInfo);
    const s = statusOf(() => serverSideApply(created, cm({ a: '2', b: '2' }), cmOpts('helm')));
    expect(s).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 2 conflicts: conflicts with "kubectl-create" using v1:\n- .data.a\n- .data.b',
      reason: 'Conflict',
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using v1', field: '.data.a' },
          { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using v1', field: '.data.b' },
        ],
      },
      code: 409,
    });
  });

  it('groups several managers in the message, sorted', () => {
    let o = serverSideApply(undefined, cm({ a: '1' }), cmOpts('zed')).object;
    o = serverSideApply(o, cm({ b: '1' }), cmOpts('amy')).object;
    const s = statusOf(() => serverSideApply(o, cm({ a: '2', b: '2' }), cmOpts('me')));
    expect(s.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "amy":\n- .data.b\nconflicts with "zed":\n- .data.a',
    );
  });

  it('does not conflict when the value stays the same; both then own it', () => {
    const one = serverSideApply(undefined, cm({ a: '1' }), cmOpts('x')).object;
    const two = serverSideApply(one, cm({ a: '1' }), cmOpts('y')).object;
    expect(Object.keys(owners(two))).toEqual(['x/Apply', 'y/Apply']);
  });

  it('names list-map items by key in conflict paths', () => {
    const live = serverSideApply(undefined, applied(loadCase('040')), opts('helm')).object;
    const body = applied(loadCase('040'));
    ((body.spec as JsonObject).ports as JsonObject[])[0].targetPort = 9999;
    const s = statusOf(() => serverSideApply(live, body, opts('other')));
    expect(s.message).toBe(
      'Apply failed with 1 conflict: conflict with "helm": .spec.ports[port=9610,protocol="UDP"].targetPort',
    );
  });

  it('ignores status on the main resource and everything but status on the status subresource', () => {
    const body = applied(loadCase('040'));
    body.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
    const { object } = serverSideApply(undefined, body, opts('helm'));
    expect(object.status).toBeUndefined();
    const st = serverSideApply(
      object,
      { ...body, spec: { type: 'ClusterIP' } },
      opts('lb', false, { subresource: 'status' }),
    );
    expect((st.object.spec as JsonObject).type).toBe('LoadBalancer');
    expect(st.object.metadata.managedFields!.find((e) => e.manager === 'lb')).toMatchObject({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } },
    });
  });

  it('seeds before-first-apply for an object without managedFields', () => {
    const live = { ...cm({ a: '1' }), metadata: { name: 'c', resourceVersion: '5' } };
    const s = statusOf(() => serverSideApply(live, cm({ a: '2' }), cmOpts('helm')));
    expect(s.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
  });

  it('refuses a body of another apiVersion and one with managedFields', () => {
    expect(statusOf(() => serverSideApply(undefined, { ...cm({}), apiVersion: 'v2' }, cmOpts('x'))).message).toBe(
      'Incorrect version specified in apply patch. Specified patch version: v2, expected: v1',
    );
    const withMf = cm({});
    withMf.metadata.managedFields = [];
    expect(statusOf(() => serverSideApply(undefined, withMf, cmOpts('x')))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'metadata.managedFields must be nil',
    });
  });

  it('applies custom resources with schema list types', () => {
    const info = crdSchemaInfo(
      {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              peers: {
                type: 'array',
                'x-kubernetes-list-type': 'map',
                'x-kubernetes-list-map-keys': ['name'],
                items: { type: 'object', properties: { name: { type: 'string' }, asn: { type: 'integer' } } },
              },
              addresses: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
      true,
    );
    const cr = (peers: JsonObject[], addresses: string[]): KubeObject => ({
      apiVersion: 'ironlb.io/v1',
      kind: 'BGPPeer',
      metadata: { name: 'p' },
      spec: { peers, addresses },
    });
    const o = { manager: 'a', force: false, apiVersion: 'ironlb.io/v1', now: NOW, info };
    const one = serverSideApply(undefined, cr([{ name: 'x', asn: 1 }], ['10.0.0.0/24']), o).object;
    expect(one.metadata.managedFields![0].fieldsV1).toEqual({
      'f:spec': { 'f:addresses': {}, 'f:peers': { 'k:{"name":"x"}': { '.': {}, 'f:asn': {}, 'f:name': {} } } },
    });
    const two = serverSideApply(one, cr([{ name: 'y', asn: 2 }], ['10.0.1.0/24']), {
      ...o,
      manager: 'b',
      force: true,
    }).object;
    expect((two.spec as JsonObject).peers).toEqual([
      { name: 'x', asn: 1 },
      { name: 'y', asn: 2 },
    ]);
    expect((two.spec as JsonObject).addresses).toEqual(['10.0.1.0/24']);
  });
});

describe('mergeApplied list order', () => {
  const node = schemaInfoOf({ apiVersion: 'v1', kind: 'Pod' }).nodeAt(['spec', 'containers']);
  const names = (v: unknown) => (v as JsonObject[]).map((c) => c.name);
  it.each([
    [
      ['a', 'b', 'c'],
      ['b', 'd'],
      ['a', 'b', 'c', 'd'],
    ],
    [
      ['a', 'b'],
      ['x', 'b', 'y'],
      ['a', 'x', 'b', 'y'],
    ],
    [
      ['a', 'b', 'c'],
      ['c', 'a'],
      ['b', 'c', 'a'],
    ],
    [['a'], ['x', 'y'], ['a', 'x', 'y']],
    [[], ['x'], ['x']],
  ])('live %j + applied %j -> %j', (l, r, want) => {
    const lv = l.map((name) => ({ name }));
    const rv = r.map((name) => ({ name }));
    expect(names(mergeApplied(lv, rv, node))).toEqual(want);
  });
});

describe('parseApplyBody', () => {
  it('reads YAML and JSON bodies', () => {
    expect(parseApplyBody('apiVersion: v1\nkind: ConfigMap\ndata: {a: "1"}\n')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { a: '1' },
    });
    expect(parseApplyBody('{"apiVersion":"v1","kind":"ConfigMap"}')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap' });
  });
  it('keeps timestamps as strings and reads YAML 1.1 booleans, keys too, as go-yaml v2 does', () => {
    expect(parseApplyBody('t: 2026-11-22T10:00:00Z\nd: 2026-11-22\nb: yes\nnum: 3\nn: 1\n')).toEqual({
      t: '2026-11-22T10:00:00Z',
      d: '2026-11-22',
      b: true,
      num: 3,
      false: 1,
    });
  });
  it.each([
    [
      'a: b: c\n',
      'error decoding YAML: error converting YAML to JSON: yaml: line 1: mapping values are not allowed in this context',
    ],
    [
      '- a\n- b\n',
      'error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}',
    ],
  ])('%j -> 400 %s', (body, message) => {
    expect(statusOf(() => parseApplyBody(body))).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });
  it('treats an empty body as an empty object', () => {
    expect(parseApplyBody('')).toEqual({});
  });
});
