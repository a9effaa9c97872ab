import { parseDocument } from 'yaml';
import { StatusError, badRequest } from '../errors';
import type { Json, JsonObject, KubeObject, StatusCause } from '../types';
import { FieldSet, pathString, type PathElement } from './fieldpath';
import {
  STRIPPED,
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  filterComparison,
  managerId,
  printManager,
  resetFields,
  withoutManagedFields,
  type Managed,
  type ManagerEntry,
} from './managedfields';
import { fieldType, type SchemaInfo, type TypeNode } from './typeinfo';
import {
  compare,
  deepEqual,
  ensureNamedFieldsAreMembers,
  indexItems,
  isObject,
  itemPE,
  removeItems,
  toFieldSet,
} from './typed';
import { view } from './typeinfo';

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`), after structured-merge-diff's Updater.Apply:
 * merge the applied configuration into the live object, prune what this manager applied before and dropped, check
 * ownership conflicts, and record the manager's Apply entry.
 */

export interface ApplyOptions {
  manager: string;
  force: boolean;
  /** The apiVersion of the endpoint (`v1`, `apps/v1`, `example.io/v1beta1`); the body must carry the same. */
  apiVersion: string;
  subresource?: string;
  now: string;
  info: SchemaInfo;
}

export interface ApplyResult {
  /** The merged object with its managedFields; the server defaults and validates it next. */
  object: KubeObject;
  /** false when neither the object nor its managedFields changed: the server skips the write (043). */
  changed: boolean;
}

/** The manager that owns everything of an object that predates managedFields, on its first apply. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Go's yaml.v2 wording for the errors kubectl users actually hit. */
const GO_YAML_TEXT: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: 'mapping values are not allowed in this context',
  MULTILINE_IMPLICIT_KEY: 'mapping values are not allowed in this context',
  BAD_INDENT: 'did not find expected key',
  MISSING_CHAR: 'did not find expected node content',
  TAB_AS_INDENT: 'found character that cannot start any token',
  UNEXPECTED_TOKEN: 'did not find expected key',
};

/**
 * Parses an apply body (YAML or JSON, YAML 1.1 like sigs.k8s.io/yaml, timestamps kept as strings). Malformed input
 * answers 400 `error decoding YAML: error converting YAML to JSON: yaml: line N: ...` as the server does; a body that
 * is not a mapping answers the server's unmarshal error.
 */
export function parseApplyBody(text: string): JsonObject {
  const doc = parseDocument(text, {
    version: '1.1',
    customTags: (tags) =>
      tags.filter((t) => typeof t === 'string' || !/timestamp|int$|float$/.test(t.tag) || /:(int|float)$/.test(t.tag)),
    uniqueKeys: false,
  });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? 1;
    const text2 = GO_YAML_TEXT[err.code] ?? err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw badRequest(`error decoding YAML: error converting YAML to JSON: yaml: line ${line}: ${text2}`);
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (value === null || value === undefined) return {};
  if (!isObject(value)) {
    const what = Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : typeof value;
    throw badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`,
    );
  }
  return normalise(value) as JsonObject;
}

/** YAML may yield non-JSON values (Dates from explicit tags, undefined); make it plain JSON. */
function normalise(v: unknown): Json {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  if (Array.isArray(v)) return v.map(normalise);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[String(k)] = normalise(x);
    return out;
  }
  return v as Json;
}

/** Conflicts raise 409 in the real server's words, with one FieldManagerConflict cause per path. */
export function conflictError(conflicts: { manager: ManagerEntry; path: PathElement[] }[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, { entry: ManagerEntry; paths: PathElement[][] }>();
    for (const c of conflicts) {
      const id = managerId(c.manager);
      const g = byManager.get(id) ?? { entry: c.manager, paths: [] };
      g.paths.push(c.path);
      byManager.set(id, g);
    }
    const lines: string[] = [];
    for (const id of [...byManager.keys()].sort()) {
      const g = byManager.get(id)!;
      lines.push(`conflicts with ${printManager(g.entry)}:`);
      for (const p of g.paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/**
 * The typed merge of an applied configuration into the live object: fields merge, atomic values and scalars are
 * replaced, list-map and set items merge by key in structured-merge-diff's order (live order, applied items placed
 * where the applied list puts them relative to shared items). A null in the configuration clears a scalar.
 */
export function mergeApplied(lhs: Json | undefined, rhs: Json | undefined, node: TypeNode): Json | undefined {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return structuredClone(rhs);
  const sample = rhs !== null ? rhs : lhs;
  const lv = lhs === null ? undefined : view(node, lhs);
  const v = sample === null ? ({ kind: 'leaf' } as const) : view(node, sample);
  if (v.kind === 'leaf' || (lv && lv.kind !== v.kind)) return structuredClone(rhs);
  if (v.kind === 'fields') {
    const lm = isObject(lhs) ? lhs : {};
    const rm = isObject(rhs) ? rhs : {};
    if (Object.keys(lm).length === 0 && Object.keys(rm).length === 0) return structuredClone(rhs);
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(lm)) {
      const merged = k in rm ? mergeApplied(x, rm[k], fieldType(v.node, k)) : x;
      // A typed decode turns null into an absent field; schema-less data drops non-nullable nulls the same way.
      if (merged === null && rm[k] === null) continue;
      if (merged !== undefined) out[k] = merged;
    }
    for (const [k, x] of Object.entries(rm)) if (!(k in lm) && x !== null) out[k] = structuredClone(x);
    return out;
  }
  const ll = Array.isArray(lhs) ? lhs : [];
  const rl = Array.isArray(rhs) ? rhs : [];
  if (ll.length === 0 && rl.length === 0) return structuredClone(rhs);
  const lPEs = ll.map((x, i) => itemPE(v.list, x, i));
  const rPEs = rl.map((x, i) => itemPE(v.list, x, i));
  const lItems = indexItems(v.list, ll);
  const rItems = indexItems(v.list, rl);
  const shared = rPEs.filter((pe) => lItems.has(pe));
  let nextShared = shared.shift();
  const done = new Set<PathElement>();
  const out: Json[] = [];
  const push = (pe: PathElement, l: Json | undefined, r: Json | undefined) => {
    const m = mergeApplied(l, r, v.items);
    if (m !== undefined) out.push(m);
    void pe;
  };
  let li = 0;
  let ri = 0;
  while (li < lPEs.length || ri < rPEs.length) {
    if (li < lPEs.length && ri < rPEs.length) {
      const pe = lPEs[li];
      if (pe === rPEs[ri]) {
        done.add(pe);
        push(pe, lItems.get(pe), rItems.get(pe));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rItems.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < lPEs.length) {
      const pe = lPEs[li];
      if (!rItems.has(pe)) {
        push(pe, ll[li], undefined);
        li++;
        continue;
      } else if (done.has(pe)) {
        li++;
        continue;
      }
    }
    if (ri < rPEs.length) {
      const pe = rPEs[ri];
      if (!done.has(pe)) {
        done.add(pe);
        push(pe, lItems.get(pe), rItems.get(pe));
      }
      ri++;
      if (nextShared !== undefined && nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

/**
 * Prune (structured-merge-diff's prune + addBackOwnedItems + addBackDanglingItems): what the manager applied last
 * time and not this time goes, unless some manager (this one's new set included) still owns it.
 */
function prune(merged: Json, lastSet: FieldSet, managed: Managed, node: TypeNode): Json {
  if (lastSet.isEmpty()) return merged;
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, node).difference(STRIPPED);
  let owned = new FieldSet();
  for (const e of managed.values()) owned = owned.union(e.set);
  const last = named(lastSet);
  const first = removeItems(merged, last, node);
  const mergedSet = named(toFieldSet(merged, node));
  const prunedSet = named(toFieldSet(first, node));
  const addBack = removeItems(merged, mergedSet.difference(prunedSet.union(named(owned))), node);
  const addBackSet = named(toFieldSet(addBack, node));
  return removeItems(merged, mergedSet.difference(addBackSet).intersection(last), node);
}

/**
 * Applies `applied` (already parsed, see parseApplyBody) to `live` (undefined: the object does not exist and apply
 * creates it). Throws 400 for a wrong apiVersion or managedFields in the body, 409 for conflicts unless `force`.
 * The caller then runs defaulting, validation and storage on `object`, and skips the write when `changed` is false.
 */
export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): ApplyResult {
  const { info } = opts;
  const appliedVersion = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  if (appliedVersion !== opts.apiVersion) {
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${appliedVersion}, expected: ${opts.apiVersion}`,
    );
  }
  if (applied.metadata && applied.metadata.managedFields !== undefined) {
    throw badRequest('metadata.managedFields must be nil');
  }

  const managed = decodeManagedFields(live?.metadata?.managedFields);
  const liveBody: JsonObject | undefined = live ? withoutManagedFields(live) : undefined;
  const reset = resetFields(applied as unknown as Json, info, opts.subresource);
  if (liveBody && managed.size === 0) {
    // An object that was never tracked: everything in it belongs to one Update manager, so apply can conflict.
    const set = toFieldSet(liveBody, info.root).recursiveDifference(reset).difference(STRIPPED);
    const e: ManagerEntry = { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: opts.apiVersion, set };
    if (!set.isEmpty()) managed.set(managerId(e), e);
  }

  const config = removeItems(applied as unknown as JsonObject, reset, info.root) as JsonObject;
  const merged = mergeApplied(liveBody ?? {}, config, info.root) as JsonObject;

  const key = {
    manager: opts.manager,
    operation: 'Apply' as const,
    apiVersion: opts.apiVersion,
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  };
  const id = managerId(key);
  const previous = managed.get(id);
  const lastSet = previous?.set ?? new FieldSet();
  const set = toFieldSet(config, info.root).recursiveDifference(reset).difference(STRIPPED);
  managed.set(id, { ...key, ...(previous?.time ? { time: previous.time } : {}), set });

  const result = prune(merged, lastSet, managed, info.root) as JsonObject;

  // Ownership: what this apply changes must not belong to anyone else, unless forced.
  const before = liveBody ?? info.emptyObject();
  const c = filterComparison(compare(before, result, info.root), reset);
  const touched = c.added.union(c.modified);
  const conflicts: { manager: ManagerEntry; path: PathElement[] }[] = [];
  const ids = [...managed.keys()].filter((k) => k !== id).sort();
  for (const other of ids) {
    const e = managed.get(other)!;
    for (const p of e.set.intersection(touched).paths()) conflicts.push({ manager: e, path: p });
  }
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts);
  for (const other of ids) {
    const e = managed.get(other)!;
    e.set = e.set.difference(touched).difference(c.removed);
  }
  for (const [k, e] of managed) if (e.set.isEmpty()) managed.delete(k);

  const objectChanged = !liveBody || !deepEqual(liveBody, result);
  const mine = managed.get(id);
  if (mine && (objectChanged || !mine.time)) mine.time = opts.now;
  capUpdateManagers(managed);

  const encoded = encodeManagedFields(managed);
  const object = structuredClone(result) as unknown as KubeObject;
  object.metadata = { ...(isObject(result.metadata) ? (result.metadata as KubeObject['metadata']) : {}) };
  if (encoded.length > 0) object.metadata.managedFields = encoded;
  const changed = objectChanged || !deepEqual(live?.metadata?.managedFields ?? [], encoded);
  return { object, changed };
}
