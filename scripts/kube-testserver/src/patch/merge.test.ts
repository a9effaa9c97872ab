import type { Json } from '../types';
import { loadCase } from './conformance-fixtures';
import { jsonMergePatch } from './merge';

describe('jsonMergePatch (RFC 7386 appendix A)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, want) => {
    const before = structuredClone(target);
    expect(jsonMergePatch(target as Json, patch as Json)).toEqual(want);
    expect(target).toEqual(before);
  });

  it('027: adds the annotation to the recorded object', () => {
    const before = loadCase('025').response.body;
    const got = jsonMergePatch(before, loadCase('027').request.body) as { metadata: { annotations: unknown } };
    expect(got.metadata.annotations).toEqual({ 'metallb.universe.tf/allow-shared-ip': 'acserver-service' });
  });
});
