import type { KubeObject } from '../types';
import {
  NAME_SUFFIX_ALPHABET,
  ensureNamespace,
  generateName,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
  pathSegmentName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './meta';

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('name formats', () => {
  test.each([
    ['my-name', []],
    ['Bad_Name', [DNS1035]],
    ['1abc', [DNS1035]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ])('DNS-1035 %s', (v, errs) => {
    expect(isDNS1035Label(v)).toEqual(errs);
  });

  test.each([
    ['a.b', ['must not contain dots']],
    ['ok-1', []],
  ])('DNS-1123 label %s', (v, errs) => {
    expect(isDNS1123Label(v)).toEqual(errs);
  });

  test.each([
    ['example.com', []],
    ['Example.com', [SUBDOMAIN]],
  ])('DNS-1123 subdomain %s', (v, errs) => {
    expect(isDNS1123Subdomain(v)).toEqual(errs);
  });

  test.each([
    ['app', 0],
    ['example.com/app', 0],
    ['kubernetes.io/metadata.name', 0],
    ['/app', 1],
    ['a/b/c', 1],
    ['Example.com/app', 1],
    ['-app', 1],
  ])('qualified name %s', (v, n) => {
    expect(isQualifiedName(v)).toHaveLength(n);
  });

  test('label values', () => {
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('my_value.1')).toEqual([]);
    expect(isValidLabelValue('-x')[0]).toMatch(/^a valid label must be an empty string/);
    expect(isValidLabelValue('a'.repeat(64))[0]).toBe('must be no more than 63 characters');
  });

  test('generateName prefixes may end in a dash', () => {
    expect(nameIsDNS1035Label('web-', true)).toEqual([]);
    expect(nameIsDNS1035Label('web-', false)).toEqual([DNS1035]);
    expect(nameIsDNSSubdomain('x-', true)).toEqual([]);
  });

  test.each([
    ['system:controller:x', false, []],
    ['..', false, ["may not be '..'"]],
    ['a/b', false, ["may not contain '/'"]],
    ['a%b', true, ["may not contain '%'"]],
  ])('path segment %s', (v, prefix, errs) => {
    expect(pathSegmentName(v, prefix)).toEqual(errs);
  });
});

describe('generateName', () => {
  test('five characters from the unambiguous alphabet', () => {
    const name = generateName('web-');
    expect(name).toMatch(new RegExp(`^web-[${NAME_SUFFIX_ALPHABET}]{5}$`));
  });
  test('long bases are cut to 58 characters', () => {
    expect(generateName('a'.repeat(80), () => 0)).toBe(`${'a'.repeat(58)}bbbbb`);
  });
});

describe('validateObjectMeta', () => {
  const rules = { namespaced: true, name: nameIsDNS1035Label };
  test.each([
    [{ name: 'ok', namespace: 'conf' }, []],
    [{ namespace: 'conf' }, [['metadata.name', 'Required value: name or generateName is required']]],
    [
      { generateName: 'x-', namespace: 'conf' },
      [['metadata.name', 'Required value: name or generateName is required']],
    ],
    [{ name: 'ok' }, [['metadata.namespace', 'Required value']]],
    [{ name: 'Bad_Name', namespace: 'conf' }, [['metadata.name', `Invalid value: "Bad_Name": ${DNS1035}`]]],
    [
      { name: 'ok', namespace: 'conf', labels: { 'a/b/c': 'x' } },
      [
        [
          'metadata.labels',
          `Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        ],
      ],
    ],
    [{ name: 'ok', namespace: 'conf', annotations: { 'Example.COM/Key': 'v' } }, []],
    [
      { name: 'ok', namespace: 'conf', finalizers: ['orphan', 'foregroundDeletion'] },
      [
        [
          'metadata.finalizers',
          'Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
        ],
      ],
    ],
    [
      { name: 'ok', namespace: 'conf', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'y' }] },
      [['metadata.ownerReferences.uid', 'Invalid value: "": must not be empty']],
    ],
  ])('%j', (meta, want) => {
    expect(validateObjectMeta(meta, rules).map((c) => [c.field, c.message])).toEqual(want);
  });

  test('cluster-scoped objects may not carry a namespace', () => {
    expect(validateObjectMeta({ name: 'n1', namespace: 'x' }, { namespaced: false, name: nameIsDNSSubdomain })).toEqual(
      [{ reason: 'FieldValueForbidden', message: 'Forbidden: not allowed on this type', field: 'metadata.namespace' }],
    );
  });

  test('updates: name, namespace, uid are immutable', () => {
    const causes = validateObjectMetaUpdate(
      { name: 'b', namespace: 'y', uid: '2', generation: 1 },
      { name: 'a', namespace: 'x', uid: '1', generation: 2 },
    );
    expect(causes.map((c) => c.message)).toEqual([
      'Invalid value: 1: must not be decremented',
      'Invalid value: "b": field is immutable',
      'Invalid value: "y": field is immutable',
      'Invalid value: "2": field is immutable',
    ]);
  });

  test('no new finalizers while deleting', () => {
    const causes = validateObjectMetaUpdate(
      { name: 'a', finalizers: ['x/y'] },
      { name: 'a', deletionTimestamp: '2026-01-01T00:00:00Z' },
    );
    expect(causes[0].field).toBe('metadata.finalizers');
  });
});

describe('ensureNamespace', () => {
  const obj = (ns?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'X',
    metadata: ns ? { name: 'a', namespace: ns } : { name: 'a' },
  });
  test('fills, clears and refuses', () => {
    const a = obj();
    ensureNamespace(a, 'conf', true);
    expect(a.metadata.namespace).toBe('conf');
    const b = obj('x');
    ensureNamespace(b, '', false);
    expect(b.metadata.namespace).toBeUndefined();
    expect(() => ensureNamespace(obj('other'), 'conf', true)).toThrow(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  });
});
