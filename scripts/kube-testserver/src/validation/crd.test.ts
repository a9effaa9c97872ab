import type { KubeObject, StatusCause } from '../types';
import { crdStrategy, customResourceStrategy, establishCRD } from './crd';
import { clone, type Obj } from './json';

const lines = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);

function crd(mut: (spec: Obj) => void = () => {}): KubeObject {
  const spec: Obj = {
    group: 'example.io',
    scope: 'Namespaced',
    names: { plural: 'pools', kind: 'Pool' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 1 } } } },
          },
        },
      },
    ],
  };
  mut(spec);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'pools.example.io' },
    spec,
  };
}

describe('CustomResourceDefinition', () => {
  const s = crdStrategy();

  test('defaults and the create-time status (080)', () => {
    const obj = crd();
    s.prepareCreate(obj);
    expect(s.validateCreate(obj)).toEqual([]);
    const spec = obj.spec as Obj;
    expect(spec.names).toEqual({ plural: 'pools', kind: 'Pool', singular: 'pool', listKind: 'PoolList' });
    expect(spec.conversion).toEqual({ strategy: 'None' });
    expect(obj.status).toEqual({ conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1'] });
    expect(obj.metadata.generation).toBe(1);
  });

  test('establishCRD accepts the names and sets the conditions', () => {
    const obj = crd();
    s.prepareCreate(obj);
    establishCRD(obj, new Date('2026-01-01T00:00:00Z'));
    const status = obj.status as Obj;
    expect(status.acceptedNames).toEqual((obj.spec as Obj).names);
    expect((status.conditions as Obj[]).map((c) => [c.type, c.status, c.reason])).toEqual([
      ['NamesAccepted', 'True', 'NoConflicts'],
      ['Established', 'True', 'InitialNamesAccepted'],
    ]);
  });

  test.each<[string, (spec: Obj) => void, string[]]>([
    [
      'name must match',
      (sp) => (sp.group = 'other.io'),
      ['metadata.name: Invalid value: "pools.example.io": must be spec.names.plural+"."+spec.group'],
    ],
    [
      'group needs a dot',
      (sp) => (sp.group = 'example'),
      [
        'metadata.name: Invalid value: "pools.example.io": must be spec.names.plural+"."+spec.group',
        'spec.group: Invalid value: "example": should be a domain with at least one dot',
      ],
    ],
    [
      'scope enum',
      (sp) => (sp.scope = 'Global'),
      ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'],
    ],
    [
      'schema required',
      (sp) => delete ((sp.versions as Obj[])[0] as Obj).schema,
      ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required'],
    ],
    [
      'one storage version',
      (sp) => (sp.versions as Obj[]).push({ ...clone((sp.versions as Obj[])[0]), name: 'v2' }),
      [
        'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{{Name:"v1", ...}, {Name:"v2", ...}}: must have exactly one version marked as storage version',
      ],
    ],
    [
      'kind required',
      (sp) => (sp.names = { plural: 'pools' }),
      ['spec.names.singular: Required value', 'spec.names.kind: Required value', 'spec.names.listKind: Required value'],
    ],
    [
      'conversion strategy',
      (sp) => (sp.conversion = { strategy: 'Magic' }),
      ['spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"'],
    ],
    [
      'printer column type',
      (sp) =>
        (((sp.versions as Obj[])[0] as Obj).additionalPrinterColumns = [
          { name: 'A', type: 'map', jsonPath: '.spec.a' },
        ]),
      [
        'spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: "map": supported values: "boolean", "date", "integer", "number", "string"',
      ],
    ],
  ])('%s', (_n, mut, want) => {
    const obj = crd(mut);
    s.prepareCreate(obj);
    expect(lines(s.validateCreate(obj))).toEqual(want);
  });

  test('updates: group and plural immutable, generation and storedVersions follow', () => {
    const old = crd();
    s.prepareCreate(old);
    const next = clone(old);
    const versions = (next.spec as Obj).versions as Obj[];
    versions[0].storage = false;
    versions.push({ ...clone(versions[0]), name: 'v2', storage: true });
    s.prepareUpdate(next, old);
    expect(s.validateUpdate(next, old)).toEqual([]);
    expect(next.metadata.generation).toBe(2);
    expect((next.status as Obj).storedVersions).toEqual(['v1', 'v2']);
    const bad = clone(old);
    (bad.spec as Obj).group = 'x.io';
    s.prepareUpdate(bad, old);
    expect(lines(s.validateUpdate(bad, old))).toContain('spec.group: Invalid value: "x.io": field is immutable');
  });
});

describe('custom resources', () => {
  const def = crd();
  crdStrategy().prepareCreate(def);
  const s = customResourceStrategy(def, 'v1');
  const cr = (spec: unknown, extra: Obj = {}): KubeObject =>
    ({
      apiVersion: 'example.io/v1',
      kind: 'Pool',
      metadata: { name: 'p', namespace: 'conf' },
      spec,
      ...extra,
    }) as KubeObject;

  test('create: defaults, pruning, no status, generation 1', () => {
    const obj = cr({ junk: 1 }, { status: { x: 1 } });
    s.prepareCreate(obj);
    expect(s.validateCreate(obj)).toEqual([]);
    expect(obj).toEqual({
      apiVersion: 'example.io/v1',
      kind: 'Pool',
      metadata: { name: 'p', namespace: 'conf', generation: 1 },
      spec: { size: 1 },
    });
  });

  test('type meta and schema errors', () => {
    const obj = cr({ size: 'big' });
    s.prepareCreate(obj);
    expect(lines(s.validateCreate(obj))).toEqual([
      'spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    ]);
    const wrong = cr({}, { kind: 'Other' });
    s.prepareCreate(wrong);
    expect(lines(s.validateCreate(wrong))).toEqual(['kind: Invalid value: "Other": must be Pool']);
  });

  test('generation moves with spec, not with status', () => {
    const old = cr({ size: 1 });
    s.prepareCreate(old);
    const same = cr({ size: 1 }, { metadata: { ...old.metadata, labels: { a: 'b' } } });
    s.prepareUpdate(same, old);
    expect(same.metadata.generation).toBe(1);
    const changed = cr({ size: 2 }, { metadata: clone(old.metadata) });
    s.prepareUpdate(changed, old);
    expect(changed.metadata.generation).toBe(2);
    expect(s.validateUpdate(changed, old)).toEqual([]);
  });

  test('readFromStorage applies new defaults to old objects', () => {
    const stored = cr({});
    s.readFromStorage(stored);
    expect(stored.spec).toEqual({ size: 1 });
  });
});
