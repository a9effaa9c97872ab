import {
  dedupe,
  duplicate,
  forbidden,
  goQuote,
  goStringMap,
  goStringSlice,
  invalidValue,
  notSupported,
  renderGoValue,
  required,
  tooLong,
  tooMany,
  typeInvalid,
} from './fielderrors';

describe('Go value printing', () => {
  test.each([
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['tab\there', '"tab\\there"'],
    ['\x01', '"\\x01"'],
    ['ünï', '"ünï"'],
  ])('goQuote(%j) = %s', (input, out) => {
    expect(goQuote(input)).toBe(out);
  });

  test.each([
    [8888, '8888'],
    [-1, '-1'],
    [1.5, '1.5'],
    [true, 'true'],
    [null, 'null'],
    ['x', '"x"'],
  ])('renderGoValue(%j) = %s', (v, out) => {
    expect(renderGoValue(v)).toBe(out);
  });

  test('slices and maps print like %#v', () => {
    expect(goStringSlice(['10.0.0.1', '::1']).text).toBe('[]string{"10.0.0.1", "::1"}');
    expect(goStringSlice(undefined).text).toBe('[]string(nil)');
    expect(goStringMap({ b: '2', a: '1' }).text).toBe('map[string]string{"a":"1", "b":"2"}');
    expect(goStringMap(undefined).text).toBe('map[string]string(nil)');
  });
});

describe('causes', () => {
  test.each([
    [required('spec.ports'), { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' }],
    [
      required('metadata.name', 'name or generateName is required'),
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ],
    [
      invalidValue('spec.ports[0].nodePort', 8888, 'provided port is already allocated'),
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 8888: provided port is already allocated',
        field: 'spec.ports[0].nodePort',
      },
    ],
    [
      notSupported('spec.mode', 'x', ['layer2', 'bgp']),
      {
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "x": supported values: "layer2", "bgp"',
        field: 'spec.mode',
      },
    ],
    [
      duplicate('spec.ports[1].nodePort', 32596),
      { reason: 'FieldValueDuplicate', message: 'Duplicate value: 32596', field: 'spec.ports[1].nodePort' },
    ],
    [forbidden('spec.x', 'nope'), { reason: 'FieldValueForbidden', message: 'Forbidden: nope', field: 'spec.x' }],
    [
      tooLong('spec.s', 5),
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 5 bytes', field: 'spec.s' },
    ],
    [
      tooMany('spec.l', 4, 3),
      { reason: 'FieldValueTooMany', message: 'Too many: 4: must have at most 3 items', field: 'spec.l' },
    ],
    [
      typeInvalid('spec.a', 'string', 'spec.a in body must be of type array: "string"'),
      {
        reason: 'FieldValueTypeInvalid',
        message: 'Invalid value: "string": spec.a in body must be of type array: "string"',
        field: 'spec.a',
      },
    ],
    [tooLong('', 10), { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 10 bytes' }],
  ])('%j', (got, want) => {
    expect(got).toEqual(want);
  });

  test('dedupe keeps the first of identical causes', () => {
    const a = required('x');
    expect(dedupe([a, required('x'), required('y')])).toEqual([a, required('y')]);
  });
});
