import type { StatusCause } from '../types';
import { canonicalSchema, compileSchema, validateStructuralSchema } from './schema';

const lines = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field ?? ''}: ${c.message} (${c.reason})`);

const poolSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['addresses'],
      properties: {
        addresses: { type: 'array', items: { type: 'string' } },
        autoAssign: { type: 'boolean', default: true },
        priority: { type: 'integer', minimum: 0 },
        mode: { type: 'string', enum: ['layer2', 'bgp'] },
      },
    },
    status: { type: 'object', properties: { assignedIPv4: { type: 'integer' } } },
  },
};

describe('compileSchema: validation texts', () => {
  const s = compileSchema({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
          count: { type: 'integer', minimum: 1, maximum: 10, exclusiveMaximum: true },
          ratio: { type: 'number', multipleOf: 0.5 },
          tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
          ip: { type: 'string', format: 'ipv4' },
          net: { type: 'string', format: 'cidr' },
          when: { type: 'string', format: 'date-time' },
          port: { 'x-kubernetes-int-or-string': true },
          opt: { type: 'string', nullable: true },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          level: { type: 'integer', enum: [1, 2] },
        },
      },
    },
  });
  const v = (spec: unknown): string[] => lines(s.validate({ apiVersion: 'x/v1', kind: 'X', metadata: {}, spec }));

  test.each<[string, unknown, string[]]>([
    [
      'valid',
      {
        name: 'abc',
        count: 3,
        ratio: 1.5,
        tags: ['a'],
        ip: '10.0.0.1',
        net: '10.0.0.0/8',
        when: '2026-01-01T00:00:00Z',
        port: 'http',
        opt: null,
      },
      [],
    ],
    ['int-or-string takes integers', { port: 8080 }, []],
    [
      'minLength',
      { name: 'a' },
      ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long (FieldValueInvalid)'],
    ],
    ['maxLength', { name: 'abcdef' }, ['spec.name: Too long: may not be more than 5 bytes (FieldValueTooLong)']],
    [
      'pattern',
      { name: 'AB' },
      ['spec.name: Invalid value: "AB": spec.name in body should match \'^[a-z]+$\' (FieldValueInvalid)'],
    ],
    [
      'exclusive maximum',
      { count: 10 },
      ['spec.count: Invalid value: 10: spec.count in body should be less than 10 (FieldValueInvalid)'],
    ],
    [
      'minimum',
      { count: 0 },
      ['spec.count: Invalid value: 0: spec.count in body should be greater than or equal to 1 (FieldValueInvalid)'],
    ],
    [
      'integer type',
      { count: 1.5 },
      [
        'spec.count: Invalid value: "number": spec.count in body must be of type integer: "number" (FieldValueTypeInvalid)',
      ],
    ],
    [
      'multipleOf',
      { ratio: 0.7 },
      ['spec.ratio: Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5 (FieldValueInvalid)'],
    ],
    [
      'minItems',
      { tags: [] },
      ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items (FieldValueInvalid)'],
    ],
    ['maxItems', { tags: ['a', 'b', 'c'] }, ['spec.tags: Too many: 3: must have at most 2 items (FieldValueTooMany)']],
    [
      'item type',
      { tags: [1] },
      [
        'spec.tags[0]: Invalid value: "integer": spec.tags[0] in body must be of type string: "integer" (FieldValueTypeInvalid)',
      ],
    ],
    [
      'format ipv4',
      { ip: '::1' },
      ['spec.ip: Invalid value: "::1": spec.ip in body must be of type ipv4: "::1" (FieldValueTypeInvalid)'],
    ],
    [
      'format cidr',
      { net: '10.0.0.0' },
      [
        'spec.net: Invalid value: "10.0.0.0": spec.net in body must be of type cidr: "10.0.0.0" (FieldValueTypeInvalid)',
      ],
    ],
    [
      'format date-time',
      { when: 'yesterday' },
      [
        'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday" (FieldValueTypeInvalid)',
      ],
    ],
    [
      'int-or-string refuses booleans',
      { port: true },
      [
        'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean" (FieldValueTypeInvalid)',
      ],
    ],
    [
      'null where not nullable',
      { name: null },
      ['spec.name: Invalid value: "null": spec.name in body must be of type string: "null" (FieldValueTypeInvalid)'],
    ],
    [
      'map values',
      { labels: { a: 1 } },
      [
        'spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer" (FieldValueTypeInvalid)',
      ],
    ],
    ['list-type set', { set: ['a', 'a'] }, ['spec.set[1]: Duplicate value: "a" (FieldValueDuplicate)']],
    [
      'integer enum',
      { level: 3 },
      ['spec.level: Unsupported value: 3: supported values: "1", "2" (FieldValueNotSupported)'],
    ],
  ])('%s', (_n, spec, want) => {
    expect(v(spec)).toEqual(want);
  });

  test('082: the recorded causes (order aside)', () => {
    const pool = compileSchema(poolSchema);
    const got = lines(pool.validate({ spec: { addresses: '203.0.113.0/28', priority: -1, mode: 'x' } })).sort();
    expect(got).toEqual(
      [
        'spec.priority: Invalid value: -1: spec.priority in body should be greater than or equal to 0 (FieldValueInvalid)',
        'spec.addresses: Invalid value: "string": spec.addresses in body must be of type array: "string" (FieldValueTypeInvalid)',
        'spec.mode: Unsupported value: "x": supported values: "layer2", "bgp" (FieldValueNotSupported)',
      ].sort(),
    );
  });

  test('083: required', () => {
    expect(lines(compileSchema(poolSchema).validate({ spec: {} }))).toEqual([
      'spec.addresses: Required value (FieldValueRequired)',
    ]);
  });
});

describe('compileSchema: defaults and pruning', () => {
  test('081/084: defaults inside existing objects, unknown fields dropped, type meta kept', () => {
    const s = compileSchema(poolSchema);
    const obj = {
      apiVersion: 'example.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'p4', x: 1 },
      spec: { addresses: [], bogus: 1 },
      extra: true,
    };
    s.default(obj);
    s.prune(obj);
    expect(obj).toEqual({
      apiVersion: 'example.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'p4', x: 1 },
      spec: { addresses: [], autoAssign: true },
    });
  });

  test('defaults do not create missing parents, but fill nested defaults of defaulted objects', () => {
    const s = compileSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { bgp: { type: 'object', default: {}, properties: { port: { type: 'integer', default: 179 } } } },
        },
        other: { type: 'object', properties: { a: { type: 'string', default: 'x' } } },
      },
    });
    const obj: Record<string, unknown> = { spec: {} };
    s.default(obj);
    expect(obj).toEqual({ spec: { bgp: { port: 179 } } });
  });

  test('non-nullable nulls: defaulted when a default exists, dropped otherwise', () => {
    const s = compileSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            a: { type: 'string', default: 'd' },
            b: { type: 'string' },
            c: { type: 'string', nullable: true },
          },
        },
      },
    });
    const obj = { spec: { a: null, b: null, c: null } };
    s.default(obj);
    expect(obj).toEqual({ spec: { a: 'd', c: null } });
  });

  test('x-kubernetes-preserve-unknown-fields and embedded resources', () => {
    const s = compileSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            free: {
              type: 'object',
              'x-kubernetes-preserve-unknown-fields': true,
              properties: { known: { type: 'object', properties: {} } },
            },
            tmpl: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
            labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
          },
        },
      },
    });
    const obj = {
      spec: {
        free: { anything: 1, known: { dropped: 1 } },
        tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: {}, junk: 1 },
        labels: { a: { v: 'x', w: 'y' } },
      },
    };
    s.prune(obj);
    expect(obj.spec).toEqual({
      free: { anything: 1, known: {} },
      tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: {} },
      labels: { a: { v: 'x' } },
    });
    expect(lines(s.validate({ spec: { tmpl: { spec: {} } } }))).toEqual([
      'spec.tmpl.kind: Required value: must not be empty (FieldValueRequired)',
      'spec.tmpl.apiVersion: Required value: must not be empty (FieldValueRequired)',
    ]);
  });
});

describe('structural schema rules (CRD side)', () => {
  const P = 'spec.versions[0].schema.openAPIV3Schema';
  test.each<[string, unknown, string[]]>([
    ['the 080 schema is structural', poolSchema, []],
    [
      'root must be an object',
      { type: 'array', items: { type: 'string' } },
      [`${P}.type: Invalid value: "array": must be object at the root (FieldValueInvalid)`],
    ],
    [
      'root type required',
      { properties: { spec: { type: 'object' } } },
      [`${P}.type: Required value: must not be empty at the root (FieldValueRequired)`],
    ],
    [
      'field types required',
      { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } },
      [
        `${P}.properties[spec].type: Required value: must not be empty for specified object fields (FieldValueRequired)`,
      ],
    ],
    [
      'array items required',
      { type: 'object', properties: { spec: { type: 'array' } } },
      [`${P}.properties[spec].items: Required value: must be specified (FieldValueRequired)`],
    ],
    [
      'type enum',
      { type: 'object', properties: { a: { type: 'int' } } },
      [
        `${P}.properties[a].type: Unsupported value: "int": supported values: "array", "boolean", "integer", "number", "object", "string" (FieldValueNotSupported)`,
      ],
    ],
    [
      'uniqueItems',
      { type: 'object', properties: { a: { type: 'array', uniqueItems: true, items: { type: 'string' } } } },
      [
        `${P}.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic (FieldValueForbidden)`,
      ],
    ],
    [
      'metadata beyond name',
      { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } },
      [
        `${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified (FieldValueForbidden)`,
      ],
    ],
    ['int-or-string needs no type', { type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true } } }, []],
    [
      'invalid default',
      { type: 'object', properties: { a: { type: 'boolean', default: 'yes' } } },
      [
        `${P}.properties[a].default: Invalid value: "string": default in body must be of type boolean: "string" (FieldValueTypeInvalid)`,
      ],
    ],
  ])('%s', (_n, schema, want) => {
    expect(lines(validateStructuralSchema(schema, P))).toEqual(want);
  });

  test('canonicalSchema sorts properties but not enums', () => {
    expect(JSON.stringify(canonicalSchema({ properties: { b: { enum: ['z', 'a'] }, a: {} } }))).toBe(
      '{"properties":{"a":{},"b":{"enum":["z","a"]}}}',
    );
  });
});
