import { applyPatch, JsonPatchError, type Operation } from 'fast-json-patch';
import { StatusError, badRequest } from '../errors';
import type { Json } from '../types';

/** The server refuses JSON patches longer than this (maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * A patch that does not apply: the server answers with a generic 422 whose cause carries the json-patch library's
 * text (kubectl prints `The request is invalid: the server rejected our request due to an error in our request`).
 */
function rejected(message: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Decoding as evanphx/json-patch does: an array of objects, each with a string `op`. */
function decode(patch: Json): Operation[] {
  if (!Array.isArray(patch)) {
    const what =
      patch === null
        ? 'null'
        : typeof patch === 'object'
          ? 'object'
          : typeof patch === 'string'
            ? 'string'
            : typeof patch === 'number'
              ? 'number'
              : 'bool';
    throw badRequest(`json: cannot unmarshal ${what} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) {
      throw badRequest('json: cannot unmarshal array into Go value of type jsonpatch.Operation');
    }
  }
  return patch as unknown as Operation[];
}

/** evanphx/json-patch v4 wording for an operation that does not apply. */
function describeFailure(op: Operation, e: JsonPatchError): string {
  const path = op.path;
  switch (e.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `Unable to access invalid index: ${path.split('/').pop() ?? ''}: invalid index referenced`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op.op} operation does not apply: doc is missing from path: ${(op as { from?: string }).from ?? ''}: missing value`;
    case 'OPERATION_PATH_CANNOT_ADD':
      return `add operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_PATH_UNRESOLVABLE':
      if (op.op === 'replace') return `replace operation does not apply: doc is missing key: ${path}: missing value`;
      if (op.op === 'remove') return `remove operation does not apply: doc is missing path: "${path}": missing value`;
      return `${op.op} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${String(op.op)}`;
    case 'OPERATION_VALUE_REQUIRED':
      return `${op.op} operation: missing value`;
    case 'OPERATION_PATH_INVALID':
    case 'OPERATION_FROM_REQUIRED':
      return `${op.op} operation does not apply: doc is missing path: "${path ?? ''}": missing value`;
    default:
      return e.message.split('\n')[0];
  }
}

/**
 * RFC 6902 JSON patch (`application/json-patch+json`) applied to `doc` (not modified). A body that is not a patch
 * answers 400; an operation that does not apply answers the server's 422 with the library text as the cause; more than
 * 10000 operations answer 413 like the server.
 */
export function applyJsonPatch(doc: Json, patch: Json): Json {
  const ops = decode(patch);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(
      413,
      'BadRequest',
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  let current = structuredClone(doc);
  for (const op of ops) {
    if (!OPS.has(String(op.op))) throw rejected(`Unexpected kind: ${String(op.op)}`);
    try {
      current = applyPatch(current, [op], true, true).newDocument as Json;
    } catch (e) {
      if (e instanceof JsonPatchError) throw rejected(describeFailure(op, e));
      throw rejected(e instanceof Error ? e.message : String(e));
    }
  }
  return current;
}
