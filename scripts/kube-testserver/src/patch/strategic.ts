import { StatusError, badRequest } from '../errors';
import type { Json, JsonObject } from '../types';
import { fieldType, itemType, listInfo, type PatchStrategy, type SchemaInfo, type TypeNode } from './typeinfo';
import { deepEqual, isObject } from './typed';

/**
 * Strategic merge patch as the server applies it (apimachinery strategicpatch with MergeParallelList and
 * IgnoreUnmatchedNulls, which is what kubectl apply / kubectl patch bodies are written for):
 * maps merge, null deletes, lists with a merge key merge item by item, other lists are replaced, and the directives
 * `$patch` (replace/delete/merge), `$retainKeys`, `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>` are honoured.
 *
 * The list order follows the server exactly, including its quirk of looking items up by the first item with the
 * same merge key: Service ports merge on `port` alone, so TCP and UDP 9610 sort together (029, 030).
 */

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

/** The texts of apimachinery's mergepatch errors. */
export const SMP_ERRORS = {
  badJSONDoc: 'invalid JSON document',
  noListOfLists: 'lists of lists are not supported',
  badPrimitiveList: 'invalid patch format of primitive list',
  badRetainKeys: 'invalid patch format of retainKeys',
  badSetElementOrder: 'invalid patch format of setElementOrder list',
  notMatchRetainKeys: "patch content doesn't match retainKeys list",
};

/** The 422 the server gives for lists of lists and retainKeys mismatches (a generic server response). */
function unprocessable(message: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });
}

/** Go's `%v` of a decoded JSON value, for error texts: `map[port:7777 protocol:TCP]`. */
export function goFormat(v: Json | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

interface Meta {
  node: TypeNode;
}

/** Merge key and strategy of a field as the Go struct tags give them. */
function fieldStrategy(parent: TypeNode, key: string): { node: TypeNode; mergeKey?: string; strategy: PatchStrategy } {
  const node = fieldType(parent, key);
  if (node.t === 'list') {
    const l = listInfo(node);
    return { node, mergeKey: l.mergeKey, strategy: l.patchStrategy ?? 'replace' };
  }
  if (node.t === 'struct' || node.t === 'map') return { node, strategy: node.patchStrategy ?? 'merge' };
  return { node, strategy: 'merge' };
}

const hasMerge = (s: PatchStrategy) => s === 'merge' || s === 'merge,retainKeys';

/**
 * Applies a strategic merge patch to `original` (not modified). `info.strategicMerge` false (custom resources) answers
 * 415 as the server does. Malformed directives answer 400 with apimachinery's texts.
 */
export function strategicMergePatch(original: JsonObject, patch: Json, info: SchemaInfo): JsonObject {
  if (!info.strategicMerge) {
    throw new StatusError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
  }
  if (!isObject(patch))
    throw badRequest(`json: cannot unmarshal ${describe(patch)} into Go value of type map[string]interface {}`);
  return mergeMap(structuredClone(original), structuredClone(patch), { node: info.root });
}

function describe(v: Json): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'bool';
}

function mergeMap(original: JsonObject, patch: JsonObject, meta: Meta): JsonObject {
  if (DIRECTIVE in patch) {
    const d = patch[DIRECTIVE];
    if (d === 'replace') {
      delete patch[DIRECTIVE];
      return stripDirectives(patch) as JsonObject;
    }
    if (d === 'delete') return {};
    throw badRequest(`unknown patch type: ${goFormat(d)} in map: ${goFormat(patch)}`);
  }
  applyRetainKeys(original, patch);
  mergeSetElementOrder(original, patch, meta);

  for (const k of Object.keys(patch)) {
    let key = k;
    const patchV = patch[k];
    let isDeleteList = false;
    if (k.startsWith(DELETE_PRIMITIVE)) {
      key = k.slice(DELETE_PRIMITIVE.length);
      isDeleteList = true;
    } else if (k.startsWith('$')) {
      continue;
    }
    if (patchV === null) {
      delete original[key];
      continue;
    }
    if (!(key in original)) {
      if (!isDeleteList) original[key] = stripDirectives(discardNulls(patchV));
      continue;
    }
    const origV = original[key];
    const sameType =
      (isObject(origV) && isObject(patchV)) ||
      (Array.isArray(origV) && Array.isArray(patchV)) ||
      (!isObject(origV) && !Array.isArray(origV) && !isObject(patchV) && !Array.isArray(patchV));
    if (!sameType || origV === null) {
      if (!isDeleteList) original[key] = stripDirectives(discardNulls(patchV));
      continue;
    }
    const fs = fieldStrategy(meta.node, key);
    if (isObject(origV) && isObject(patchV)) {
      original[key] =
        fs.strategy === 'replace'
          ? (stripDirectives(patchV) as JsonObject)
          : mergeMap(origV, patchV, { node: fs.node });
    } else if (Array.isArray(origV) && Array.isArray(patchV)) {
      if (hasMerge(fs.strategy) || isDeleteList) {
        original[key] = mergeSlice(origV, patchV, itemType(fs.node), fs.mergeKey, isDeleteList);
      } else {
        original[key] = stripDirectives(patchV) as Json[];
      }
    } else {
      original[key] = patchV;
    }
  }
  return original;
}

/** `$retainKeys`: keys of the original not listed go; every patch key must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS in patch)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw badRequest(SMP_ERRORS.badRetainKeys);
  const keep = new Set(retain.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))));
  for (const k of Object.keys(patch)) {
    if (k.startsWith('$')) continue;
    if (!keep.has(k)) throw unprocessable(SMP_ERRORS.notMatchRetainKeys);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** Merges each `$setElementOrder/<f>` list with its patch list and orders the result by it. */
function mergeSetElementOrder(original: JsonObject, patch: JsonObject, meta: Meta): void {
  for (const k of Object.keys(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const order = patch[k];
    delete patch[k];
    if (!Array.isArray(order)) throw badRequest(SMP_ERRORS.badSetElementOrder);
    const key = k.slice(SET_ORDER.length);
    const fs = fieldStrategy(meta.node, key);
    const origList = original[key];
    const patchList = patch[key];
    const foundOriginal = key in original;
    const foundPatch = key in patch;
    if (foundOriginal && !Array.isArray(origList)) throw badRequest(SMP_ERRORS.badSetElementOrder);
    if (foundPatch && !Array.isArray(patchList)) throw badRequest(SMP_ERRORS.badSetElementOrder);
    const o = (origList ?? []) as Json[];
    const p = (patchList ?? []) as Json[];
    validateOrder(p, order, fs.mergeKey);
    let merged: Json[];
    if (foundOriginal && !foundPatch) merged = o;
    else if (!foundOriginal && foundPatch)
      merged = p.filter((x) => !(isObject(x) && x[DIRECTIVE] === 'delete')).map((x) => stripDirectives(x));
    else if (foundOriginal && foundPatch) {
      merged = hasMerge(fs.strategy)
        ? mergeSlice(o, p, itemType(fs.node), fs.mergeKey, false)
        : (stripDirectives(p) as Json[]);
    } else continue;
    const isMap = [...o, ...p].some(isObject);
    const [patchItems, serverOnly] = partition(merged, order, fs.mergeKey, isMap);
    original[key] = normalizeElementOrder(patchItems, serverOnly, order, o, fs.mergeKey, isMap);
    delete patch[key];
  }
}

/** Every non-deleted patch item must appear in `$setElementOrder`, in the same relative order. */
function validateOrder(patchList: Json[], order: Json[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((x) => !(isObject(x) && x[DIRECTIVE] === 'delete')) : patchList;
  let pi = 0;
  for (let oi = 0; oi < order.length && pi < items.length; oi++) {
    if (deepEqual(mergeValue(items[pi], mergeKey), mergeValue(order[oi], mergeKey))) pi++;
  }
  if (pi < items.length) {
    throw badRequest(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`,
    );
  }
}

const mergeValue = (item: Json, mergeKey: string | undefined): Json | undefined =>
  mergeKey ? (isObject(item) ? item[mergeKey] : undefined) : item;

/** Go's `index()`: position of the first item whose merge key value (or value) equals the item's; -1 if none. */
function indexOf(list: Json[], item: Json, mergeKey: string | undefined, isMap: boolean): number {
  const v = isMap ? mergeValue(item, mergeKey) : item;
  return list.findIndex((x) => {
    const xv = isMap ? mergeValue(x, mergeKey) : x;
    return xv !== undefined && v !== undefined && !isObject(xv) && !Array.isArray(xv) && xv === v;
  });
}

function partition(merged: Json[], order: Json[], mergeKey: string | undefined, isMap: boolean): [Json[], Json[]] {
  const inOrder: Json[] = [];
  const serverOnly: Json[] = [];
  for (const item of merged) (indexOf(order, item, mergeKey, isMap) >= 0 ? inOrder : serverOnly).push(item);
  return [inOrder, serverOnly];
}

/** Go's sort.SliceStable for short lists is an insertion sort; the server's `less` is not a strict order, so mimic it. */
function stableSortBy(items: Json[], less: (a: Json, b: Json) => boolean): Json[] {
  const out = [...items];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j], out[j - 1]); j--) [out[j], out[j - 1]] = [out[j - 1], out[j]];
  }
  return out;
}

function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string | undefined, isMap: boolean): Json[] {
  let keep = toSort;
  let toDelete: Json[] = [];
  if (isMap) {
    for (const x of [...toSort, ...order]) {
      if (!isObject(x) || mergeKey === undefined || !(mergeKey in x)) {
        throw badRequest(`map: ${goFormat(x)} does not contain declared merge key: ${mergeKey ?? ''}`);
      }
    }
    keep = toSort.filter((x) => !(isObject(x) && x[DIRECTIVE] === 'delete'));
    toDelete = toSort.filter((x) => isObject(x) && x[DIRECTIVE] === 'delete');
  }
  const sorted = stableSortBy(keep, (a, b) => {
    const ia = indexOf(order, a, mergeKey, isMap);
    if (ia >= 0) {
      const ib = indexOf(order, b, mergeKey, isMap);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...sorted, ...toDelete];
}

/**
 * Patch items in the patch's order, server-only items in the live order, then interleaved: each server-only item
 * goes before the first patch item that the live list places after it (mergeSortedSlice).
 */
function normalizeElementOrder(
  patchItems: Json[],
  serverOnly: Json[],
  patchOrder: Json[],
  serverOrder: Json[],
  mergeKey: string | undefined,
  isMap: boolean,
): Json[] {
  const right = normalizeSliceOrder(patchItems, patchOrder, mergeKey, isMap);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, isMap);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey, isMap);
      const ri = indexOf(serverOrder, right[j], mergeKey, isMap);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function mergeSlice(
  original: Json[],
  patch: Json[],
  items: TypeNode,
  mergeKey: string | undefined,
  isDeleteList: boolean,
): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const all = [...original, ...patch];
  if (all.some(Array.isArray)) throw unprocessable(SMP_ERRORS.noListOfLists);
  const isMap = all.some(isObject);
  let merged: Json[];
  let o = original;
  let p = patch;
  if (!isMap) {
    if (isDeleteList) return original.filter((x) => !patch.some((d) => deepEqual(d, x)));
    merged = deduplicateScalars(all);
  } else {
    if (!mergeKey) throw badRequest(`cannot merge lists without merge key for ${items.t}`);
    [o, p] = withSpecialElements(original, patch, mergeKey);
    merged = withoutSpecialElements(o, p, mergeKey, items);
  }
  const [patchItems, serverOnly] = partition(merged, p, mergeKey, isMap);
  return normalizeElementOrder(patchItems, serverOnly, p, o, mergeKey, isMap);
}

/** Go's deduplicateScalars: a duplicate is overwritten by the last item (the order is normalised afterwards). */
function deduplicateScalars(items: Json[]): Json[] {
  const s = [...items];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (deepEqual(s[i], s[j])) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/** `$patch: delete` items remove their matches from the original; `$patch: replace` makes the patch the list. */
function withSpecialElements(original: Json[], patch: Json[], mergeKey: string): [Json[], Json[]] {
  const plain: Json[] = [];
  let replace = false;
  let o = original;
  for (const v of patch) {
    if (!isObject(v) || !(DIRECTIVE in v)) {
      plain.push(v);
      continue;
    }
    const d = v[DIRECTIVE];
    if (d === 'delete') {
      if (!(mergeKey in v)) throw badRequest(`map: ${goFormat(v)} does not contain declared merge key: ${mergeKey}`);
      o = o.filter((x) => !(isObject(x) && deepEqual(x[mergeKey], v[mergeKey])));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw badRequest('merging lists cannot yet be specified in the patch');
    } else {
      throw badRequest(`unknown patch type: ${goFormat(d)} in map: ${goFormat(v)}`);
    }
  }
  return replace ? [plain.map((x) => stripDirectives(x)), []] : [o, plain];
}

function withoutSpecialElements(original: Json[], patch: Json[], mergeKey: string, items: TypeNode): Json[] {
  const out = [...original];
  for (const v of patch) {
    if (!isObject(v) || !(mergeKey in v)) {
      throw badRequest(`map: ${goFormat(v)} does not contain declared merge key: ${mergeKey}`);
    }
    const i = out.findIndex((x) => isObject(x) && deepEqual(x[mergeKey], v[mergeKey]));
    if (i >= 0) out[i] = mergeMap(out[i] as JsonObject, v, { node: items });
    else out.push(stripDirectives(v));
  }
  return out;
}

/** IgnoreUnmatchedNulls: nulls inside a value that had nothing to delete are dropped. */
function discardNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(discardNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = discardNulls(x);
    return out;
  }
  return v;
}

/**
 * Directives left in a value taken whole (a new container with `$setElementOrder/env`) are dropped; the real server
 * leaves them for the typed decoder to discard, which comes to the same stored object.
 */
function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && x[DIRECTIVE] === 'delete')).map(stripDirectives);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
    return out;
  }
  return v;
}
