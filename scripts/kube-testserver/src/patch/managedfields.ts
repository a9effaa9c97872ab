import { StatusError } from '../errors';
import type { Json, JsonObject, KubeObject, ManagedFieldsEntry } from '../types';
import { FieldSet, fieldPE } from './fieldpath';
import { builtinSchemaInfo, type SchemaInfo } from './typeinfo';
import { compare, isObject, type Comparison } from './typed';

/**
 * managedFields as the real server keeps them (k8s.io/apimachinery managedfields + structured-merge-diff): who owns
 * which field, recorded on every write. Apply entries come from ssa.ts; this file owns the bookkeeping shared by both
 * and the recording of non-apply writes.
 */

/** The longest manager name the server keeps (FieldManagerMaxLength). */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager name of a request: the `fieldManager` query parameter, else the User-Agent up to its first `/`
 * (`kubectl/v1.35.0 (linux/amd64) ...` -> `kubectl`, `helm/v4...` -> `helm`), non-printable characters dropped and
 * cut at 128 characters, as the server's prefixFromUserAgent does.
 */
export function managerFromRequest(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? '').split('/')[0];
  let out = '';
  for (const ch of prefix) {
    if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

/**
 * The patch options check of the real server: apply needs a field manager, `force` is only for apply, and a manager
 * name is at most 128 characters. Answers 422 `PatchOptions.meta.k8s.io "" is invalid: ...`.
 */
export function validatePatchOptions(opts: { apply: boolean; fieldManager?: string; force?: boolean }): void {
  const causes: { field: string; message: string; reason: string }[] = [];
  if (opts.apply && !opts.fieldManager) {
    causes.push({
      field: 'fieldManager',
      reason: 'FieldValueRequired',
      message: 'Required value: is required for apply patch',
    });
  }
  if (!opts.apply && opts.force !== undefined) {
    causes.push({
      field: 'force',
      reason: 'FieldValueForbidden',
      message: 'Forbidden: may not be specified for non-apply patch',
    });
  }
  if (opts.fieldManager && opts.fieldManager.length > FIELD_MANAGER_MAX_LENGTH) {
    causes.push({
      field: 'fieldManager',
      reason: 'FieldValueTooLong',
      message: `Too long: may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes`,
    });
  }
  if (causes.length === 0) return;
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  throw new StatusError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: ${joined}`, {
    group: 'meta.k8s.io',
    kind: 'PatchOptions',
    causes,
  });
}

/** One decoded managedFields entry. */
export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** Entries by identity: manager+operation+subresource, plus apiVersion for Update (BuildManagerIdentifier). */
export type Managed = Map<string, ManagerEntry>;

export function managerId(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // Same field order as Go's ManagedFieldsEntry JSON, so sorting identifiers sorts like the server.
  const o: JsonObject = { manager: e.manager, operation: e.operation };
  if (e.operation === 'Update' && e.apiVersion) o.apiVersion = e.apiVersion;
  if (e.subresource) o.subresource = e.subresource;
  return JSON.stringify(o);
}

/** How conflict messages name a manager: `"helm"`, `"kubectl" using v1`, `"x" with subresource "status"`. */
export function printManager(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s = `${s} with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s = `${s} using ${e.apiVersion}`;
  return s;
}

export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  const m: Managed = new Map();
  for (const e of entries ?? []) {
    if (!e || (e.operation !== 'Apply' && e.operation !== 'Update') || typeof e.manager !== 'string') continue;
    const entry: ManagerEntry = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion ?? '',
      ...(e.time ? { time: e.time } : {}),
      ...(e.subresource ? { subresource: e.subresource } : {}),
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    };
    const id = managerId(entry);
    const prev = m.get(id);
    if (prev) prev.set = prev.set.union(entry.set);
    else m.set(id, entry);
  }
  return m;
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The entries in the server's order: Apply before Update, then by time (seconds), manager, apiVersion, subresource. */
export function encodeManagedFields(m: Managed): ManagedFieldsEntry[] {
  const entries = [...m.values()].filter((e) => !e.set.isEmpty());
  entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return entries.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time ?? '',
    fieldsType: 'FieldsV1',
    fieldsV1: e.set.toFieldsV1(),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

/** The server keeps at most this many Update entries; older ones fold into `ancient-changes` (capManagersManager). */
export const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

export function capUpdateManagers(m: Managed): void {
  const updaters = [...m.entries()].filter(([, e]) => e.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([, a], [, b]) => seconds(a.time) - seconds(b.time));
  let length = updaters.length;
  for (const [id, e] of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    if (e.manager === ANCIENT_CHANGES) continue;
    const bucket: ManagerEntry = {
      manager: ANCIENT_CHANGES,
      operation: 'Update',
      apiVersion: e.apiVersion,
      set: e.set,
    };
    const bid = managerId(bucket);
    const prev = m.get(bid);
    m.delete(id);
    length--;
    if (prev) {
      prev.set = prev.set.union(e.set);
      if (!prev.time || (e.time && seconds(e.time) < seconds(prev.time))) prev.time = e.time;
    } else {
      m.set(bid, { ...bucket, ...(e.time ? { time: e.time } : {}) });
      length++;
    }
  }
}

/**
 * Paths never owned (stripMetaManager): identity and bookkeeping of the object. Removed as exact paths, so
 * `metadata.labels` under `metadata` stays.
 */
export const STRIPPED = FieldSet.of(
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f) => ['f:metadata', fieldPE(f)]),
);

/**
 * The subtrees a write may not touch (the strategies' reset fields): the main resource of a kind with a status
 * subresource ignores `status`; the status subresource ignores everything but `status` and `metadata`.
 */
export function resetFields(obj: Json | undefined, info: SchemaInfo, subresource: string | undefined): FieldSet {
  if (subresource === 'status') {
    const keys = new Set<string>(['spec', ...(isObject(obj) ? Object.keys(obj) : [])]);
    const s = new FieldSet();
    for (const k of keys) if (!['status', 'metadata', 'apiVersion', 'kind'].includes(k)) s.members.add(fieldPE(k));
    return s;
  }
  return info.statusSubresource ? FieldSet.of(['f:status']) : new FieldSet();
}

/** A comparison without stripped paths and reset subtrees. */
export function filterComparison(c: Comparison, reset: FieldSet): Comparison {
  const f = (s: FieldSet) => s.recursiveDifference(reset).difference(STRIPPED);
  return { added: f(c.added), modified: f(c.modified), removed: f(c.removed) };
}

/** The object without metadata.managedFields (the diff never looks at them). */
export function withoutManagedFields(obj: KubeObject): JsonObject {
  const copy = structuredClone(obj) as unknown as JsonObject;
  const md = copy.metadata;
  if (isObject(md)) delete md.managedFields;
  return copy;
}

/** isResetManagedFields: `managedFields: []` or `[{}]` in a request clears them. */
function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && isObject(entries[0]) && Object.keys(entries[0]).length === 0;
}

/**
 * Records a non-apply write (create, update, any patch type, status writes) in `metadata.managedFields` and returns
 * the object to store (a copy of `newObj`).
 *
 * Call it on the object as decoded and defaulted (Service sessionAffinity, CR schema defaults...) but before the
 * storage strategy allocates (clusterIP, nodePorts, ipFamilies): the real server attributes decoding defaults to the
 * writer and allocations to nobody (010). For a create pass `oldObj` undefined.
 *
 * The writer's Update entry gains every path added or changed; those paths leave every other entry, removed paths
 * leave every entry, empty entries are dropped. A write that changes nothing leaves the entries (and times) alone.
 * managedFields sent in the request replace the live ones when non-empty (`[]` or `[{}]` clears them), except on a
 * subresource, where the live ones are always used.
 */
export function recordUpdate(
  oldObj: KubeObject | undefined,
  newObj: KubeObject,
  manager: string,
  apiVersion: string,
  subresource: string | undefined,
  now: string,
  info: SchemaInfo = schemaInfoOf(newObj),
): KubeObject {
  const requested = newObj.metadata?.managedFields as unknown;
  let managed: Managed;
  if (subresource) managed = decodeManagedFields(oldObj?.metadata?.managedFields);
  else if (isReset(requested)) managed = new Map();
  else {
    managed = decodeManagedFields(Array.isArray(requested) ? (requested as ManagedFieldsEntry[]) : undefined);
    if (managed.size === 0) managed = decodeManagedFields(oldObj?.metadata?.managedFields);
  }

  const lhs: JsonObject = oldObj ? withoutManagedFields(oldObj) : info.emptyObject();
  const rhs = withoutManagedFields(newObj);
  const c = filterComparison(compare(lhs, rhs, info.root), resetFields(rhs, info, subresource));
  const touched = c.added.union(c.modified);

  // Every entry, the writer's own included, loses what was removed and what this write set (force semantics).
  for (const e of managed.values()) e.set = e.set.difference(c.removed).difference(touched);
  if (!touched.isEmpty()) {
    const key = { manager, operation: 'Update' as const, apiVersion, ...(subresource ? { subresource } : {}) };
    const id = managerId(key);
    const prev = managed.get(id);
    managed.set(id, { ...key, time: now, set: prev ? prev.set.union(touched) : touched });
  }
  for (const [id, e] of managed) if (e.set.isEmpty()) managed.delete(id);
  capUpdateManagers(managed);

  const out = structuredClone(newObj);
  out.metadata = { ...out.metadata };
  const encoded = encodeManagedFields(managed);
  if (encoded.length > 0) out.metadata.managedFields = encoded;
  else delete out.metadata.managedFields;
  return out;
}

/** SchemaInfo of a built-in kind from the object's apiVersion and kind (custom resources need crdSchemaInfo). */
export function schemaInfoOf(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): SchemaInfo {
  const av = obj.apiVersion ?? '';
  const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
  return builtinSchemaInfo(group, obj.kind);
}
