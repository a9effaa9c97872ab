import { StatusError } from '../errors';
import type { Json, JsonObject } from '../types';
import { loadCase, unmask } from './conformance-fixtures';
import { goFormat, strategicMergePatch } from './strategic';
import { builtinSchemaInfo, crdSchemaInfo } from './typeinfo';

const svc = builtinSchemaInfo('', 'Service');
const pod = builtinSchemaInfo('', 'Pod');
const deploy = builtinSchemaInfo('apps', 'Deployment');
const node = builtinSchemaInfo('', 'Node');

function statusOf(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e.toStatus();
    throw e;
  }
  throw new Error('no error');
}

/** Ports without the node ports, whose masks are numbered per file. */
const ports = (o: Json) =>
  (((o as JsonObject).spec as JsonObject).ports as JsonObject[]).map(({ nodePort: _n, ...p }) => p);

describe('strategic merge patch: recorded Service answers', () => {
  it.each([
    ['029', '028'],
    ['030', '029'],
  ])('%s applied to the object of %s gives the recorded spec (ports merged on port, order included)', (id, prev) => {
    const before = unmask(loadCase(prev).response.body) as JsonObject;
    const want = unmask(loadCase(id).response.body) as JsonObject;
    const got = strategicMergePatch(before, loadCase(id).request.body, svc);
    expect(ports(got)).toEqual(ports(want));
    const { ports: _a, ...rest } = got.spec as JsonObject;
    const { ports: _b, ...wantRest } = want.spec as JsonObject;
    expect(rest).toEqual(wantRest);
  });
});

type Case = [string, JsonObject, Json, JsonObject];
const sPort = (port: number, protocol = 'TCP', extra: JsonObject = {}): JsonObject => ({ port, protocol, ...extra });

describe('strategic merge patch semantics', () => {
  const cases: [string, typeof svc, ...Case][] = [
    [
      'maps merge and null deletes',
      svc,
      'x',
      { metadata: { labels: { a: '1', b: '2' } } },
      { metadata: { labels: { b: null, c: '3' } } },
      { metadata: { labels: { a: '1', c: '3' } } },
    ],
    ['null for a missing key is ignored', svc, 'x', { spec: {} }, { spec: { x: null } }, { spec: {} }],
    [
      'lists without merge key are replaced',
      svc,
      'x',
      { spec: { externalIPs: ['1.1.1.1'] } },
      { spec: { externalIPs: ['2.2.2.2'] } },
      { spec: { externalIPs: ['2.2.2.2'] } },
    ],
    [
      'merge-key lists merge items',
      svc,
      'x',
      { spec: { ports: [sPort(80, 'TCP', { name: 'a' })] } },
      { spec: { ports: [{ port: 80, name: 'b' }] } },
      { spec: { ports: [sPort(80, 'TCP', { name: 'b' })] } },
    ],
    [
      'a new item is put first (patch order before server order)',
      svc,
      'x',
      { spec: { ports: [sPort(80)] } },
      { spec: { ports: [sPort(81)] } },
      { spec: { ports: [sPort(81), sPort(80)] } },
    ],
    [
      '$patch: replace on a list',
      svc,
      'x',
      { spec: { ports: [sPort(80), sPort(81)] } },
      { spec: { ports: [sPort(82), { $patch: 'replace' }] } },
      { spec: { ports: [sPort(82)] } },
    ],
    [
      '$patch: delete on a list item',
      svc,
      'x',
      { spec: { ports: [sPort(80), sPort(81)] } },
      { spec: { ports: [{ $patch: 'delete', port: 80 }] } },
      { spec: { ports: [sPort(81)] } },
    ],
    [
      '$patch: replace on a map',
      svc,
      'x',
      { metadata: { labels: { a: '1' } } },
      { metadata: { labels: { b: '2', $patch: 'replace' } } },
      { metadata: { labels: { b: '2' } } },
    ],
    [
      '$patch: delete on a map empties it',
      svc,
      'x',
      { metadata: { labels: { a: '1' } } },
      { metadata: { labels: { $patch: 'delete' } } },
      { metadata: { labels: {} } },
    ],
    [
      'finalizers merge as a set',
      svc,
      'x',
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { finalizers: ['b', 'c'] } },
      { metadata: { finalizers: ['a', 'b', 'c'] } },
    ],
    [
      '$deleteFromPrimitiveList',
      svc,
      'x',
      { metadata: { finalizers: ['a', 'b', 'c'] } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      { metadata: { finalizers: ['a', 'c'] } },
    ],
    [
      '$deleteFromPrimitiveList on a missing list is ignored',
      svc,
      'x',
      { metadata: {} },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      { metadata: {} },
    ],
    [
      '$setElementOrder orders a primitive list',
      svc,
      'x',
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { '$setElementOrder/finalizers': ['b', 'c', 'a'], finalizers: ['c'] } },
      { metadata: { finalizers: ['b', 'c', 'a'] } },
    ],
    [
      'env merges by name and keeps order by $setElementOrder',
      pod,
      'x',
      {
        spec: {
          containers: [
            {
              name: 'c',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
          ],
        },
      },
      {
        spec: {
          containers: [
            {
              name: 'c',
              '$setElementOrder/env': [{ name: 'B' }, { name: 'C' }, { name: 'A' }],
              env: [{ name: 'C', value: '3' }],
            },
          ],
          '$setElementOrder/containers': [{ name: 'c' }],
        },
      },
      {
        spec: {
          containers: [
            {
              name: 'c',
              env: [
                { name: 'B', value: '2' },
                { name: 'C', value: '3' },
                { name: 'A', value: '1' },
              ],
            },
          ],
        },
      },
    ],
    [
      'a new container keeps no directives',
      pod,
      'x',
      { spec: { containers: [{ name: 'a' }] } },
      {
        spec: {
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
          containers: [{ name: 'b', '$setElementOrder/env': [{ name: 'X' }], env: [{ name: 'X', value: '1' }] }],
        },
      },
      { spec: { containers: [{ name: 'a' }, { name: 'b', env: [{ name: 'X', value: '1' }] }] } },
    ],
    [
      'tolerations are replaced',
      pod,
      'x',
      { spec: { tolerations: [{ key: 'a' }] } },
      { spec: { tolerations: [{ key: 'b' }] } },
      { spec: { tolerations: [{ key: 'b' }] } },
    ],
    [
      'volumes: retainKeys drops the other volume source',
      pod,
      'x',
      { spec: { volumes: [{ name: 'v', emptyDir: {} }] } },
      { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] } },
      { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' } }] } },
    ],
    [
      'deployment strategy retainKeys',
      deploy,
      'x',
      { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      { spec: { strategy: { type: 'Recreate', $retainKeys: ['type'] } } },
      { spec: { strategy: { type: 'Recreate' } } },
    ],
    [
      'node addresses merge by type',
      node,
      'x',
      {
        status: {
          addresses: [
            { type: 'InternalIP', address: '1.1.1.1' },
            { type: 'Hostname', address: 'n1' },
          ],
        },
      },
      { status: { addresses: [{ type: 'InternalIP', address: '2.2.2.2' }] } },
      {
        status: {
          addresses: [
            { type: 'InternalIP', address: '2.2.2.2' },
            { type: 'Hostname', address: 'n1' },
          ],
        },
      },
    ],
    ['type change replaces', svc, 'x', { spec: { a: { b: 1 } } }, { spec: { a: 'x' } }, { spec: { a: 'x' } }],
  ];
  it.each(cases)('%s', (_name, info, _x, original, patch, want) => {
    expect(strategicMergePatch(original, patch, info)).toEqual(want);
  });

  it('does not modify its arguments', () => {
    const o = { metadata: { labels: { a: '1' } } };
    const p = { metadata: { labels: { a: null } } };
    strategicMergePatch(o, p, svc);
    expect(o).toEqual({ metadata: { labels: { a: '1' } } });
    expect(p).toEqual({ metadata: { labels: { a: null } } });
  });
});

describe('strategic merge patch refusals', () => {
  it('answers 415 for custom resources, as 031 words it', () => {
    expect(statusOf(() => strategicMergePatch({}, {}, crdSchemaInfo(undefined, false)))).toEqual(
      loadCase('031').response.body,
    );
  });
  it.each([
    [
      'unknown $patch',
      { metadata: { labels: { $patch: 'bogus' } } },
      400,
      'unknown patch type: bogus in map: map[$patch:bogus]',
    ],
    [
      'delete without merge key',
      { spec: { ports: [{ $patch: 'delete', name: 'x' }] } },
      400,
      'map: map[$patch:delete name:x] does not contain declared merge key: port',
    ],
    [
      'item without merge key',
      { spec: { ports: [{ name: 'x' }] } },
      400,
      'map: map[name:x] does not contain declared merge key: port',
    ],
    ['$retainKeys not a list', { spec: { $retainKeys: 'x' } }, 400, 'invalid patch format of retainKeys'],
    [
      '$setElementOrder not a list',
      { spec: { '$setElementOrder/ports': 1 } },
      400,
      'invalid patch format of setElementOrder list',
    ],
    ['patch not an object', [1], 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ])('%s', (_n, patch, code, message) => {
    const original = { spec: { ports: [{ port: 80, protocol: 'TCP' }] }, metadata: { labels: { a: '1' } } };
    expect(statusOf(() => strategicMergePatch(original, patch as Json, svc))).toMatchObject({ code, message });
  });
  it('answers 422 when patch keys are missing from $retainKeys', () => {
    const s = statusOf(() => strategicMergePatch({ spec: {} }, { spec: { a: 1, $retainKeys: ['b'] } }, svc));
    expect(s).toMatchObject({
      code: 422,
      reason: 'Invalid',
      details: { causes: [{ message: "patch content doesn't match retainKeys list" }] },
    });
  });
});

describe('goFormat', () => {
  it.each([
    [{ b: 1, a: 'x' }, 'map[a:x b:1]'],
    [[1, 'a'], '[1 a]'],
    [null, '<nil>'],
    [true, 'true'],
  ])('%j -> %s', (v, want) => expect(goFormat(v as Json)).toBe(want));
});
