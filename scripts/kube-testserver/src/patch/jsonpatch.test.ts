import { StatusError } from '../errors';
import type { Json, JsonObject } from '../types';
import { loadCase } from './conformance-fixtures';
import { applyJsonPatch } from './jsonpatch';

function statusOf(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e.toStatus();
    throw e;
  }
  throw new Error('no error');
}

describe('applyJsonPatch', () => {
  it('028: replaces the second port number of the recorded object', () => {
    const before = loadCase('027').response.body as JsonObject;
    const got = applyJsonPatch(before, loadCase('028').request.body) as JsonObject;
    expect((got.spec as JsonObject).ports).toEqual(
      ((loadCase('028').response.body as JsonObject).spec as JsonObject).ports,
    );
    expect(((before.spec as JsonObject).ports as JsonObject[])[1].port).toBe(8085);
  });

  it.each([
    ['add', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }], { a: 1, b: 2 }],
    ['add to array end', { a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }], { a: [1, 2] }],
    ['remove', { a: 1, b: 2 }, [{ op: 'remove', path: '/b' }], { a: 1 }],
    ['replace', { a: 1 }, [{ op: 'replace', path: '/a', value: 3 }], { a: 3 }],
    ['move', { a: 1 }, [{ op: 'move', from: '/a', path: '/b' }], { b: 1 }],
    ['copy', { a: { x: 1 } }, [{ op: 'copy', from: '/a', path: '/b' }], { a: { x: 1 }, b: { x: 1 } }],
    [
      'test then replace',
      { a: 1 },
      [
        { op: 'test', path: '/a', value: 1 },
        { op: 'replace', path: '/a', value: 2 },
      ],
      { a: 2 },
    ],
    [
      'escaped keys',
      { metadata: { labels: { 'a/b': 'x' } } },
      [{ op: 'remove', path: '/metadata/labels/a~1b' }],
      { metadata: { labels: {} } },
    ],
    ['empty patch', { a: 1 }, [], { a: 1 }],
  ])('%s', (_n, doc, patch, want) => {
    expect(applyJsonPatch(doc as Json, patch as Json)).toEqual(want);
  });

  it.each([
    ['failed test', [{ op: 'test', path: '/a', value: 2 }], 'testing value /a failed: test failed'],
    [
      'replace missing',
      [{ op: 'replace', path: '/b', value: 1 }],
      'replace operation does not apply: doc is missing key: /b: missing value',
    ],
    [
      'remove missing',
      [{ op: 'remove', path: '/b' }],
      'remove operation does not apply: doc is missing path: "/b": missing value',
    ],
    [
      'add under missing parent',
      [{ op: 'add', path: '/x/y', value: 1 }],
      'add operation does not apply: doc is missing path: "/x/y": missing value',
    ],
    [
      'index out of range',
      [{ op: 'add', path: '/l/5', value: 1 }],
      'Unable to access invalid index: 5: invalid index referenced',
    ],
    [
      'move from missing',
      [{ op: 'move', from: '/q', path: '/r' }],
      'move operation does not apply: doc is missing from path: /q: missing value',
    ],
    ['unknown op', [{ op: 'frob', path: '/a' }], 'Unexpected kind: frob'],
  ])('%s answers the server 422', (_n, patch, cause) => {
    expect(statusOf(() => applyJsonPatch({ a: 1, l: [1] }, patch as Json))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: { causes: [{ reason: 'UnexpectedServerResponse', message: cause }] },
      code: 422,
    });
  });

  it.each([
    [{ op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['x', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    [[1], 'json: cannot unmarshal array into Go value of type jsonpatch.Operation'],
  ])('a body that is no patch (%j) answers 400', (patch, message) => {
    expect(statusOf(() => applyJsonPatch({}, patch as Json))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message,
    });
  });

  it('refuses more than 10000 operations', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 }));
    expect(statusOf(() => applyJsonPatch({ a: 1 }, ops))).toMatchObject({ code: 413 });
  });
});
