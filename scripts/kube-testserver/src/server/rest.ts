/**
 * The generic registry: what every resource does on create, update, patch, delete and list, independent of HTTP.
 * Kind-specific behaviour comes from the StrategyProvider, patch semantics from the Patcher; this file owns
 * resourceVersions and preconditions, the status subresource split, finalizers and deletionTimestamp, namespace
 * admission and termination, CRD establishment, and garbage collection of dependents.
 */
import { randomUUID, randomInt } from 'node:crypto';
import { groupVersion, type ResourceInfo } from '../api/registry';
import { StatusError, alreadyExists, badRequest, conflict, invalid, notFound } from '../errors';
import type { Json, JsonObject, KubeObject } from '../types';
import { ContinueExpired, decodeContinue, encodeContinue } from './continue';
import type { FieldSelector } from './fields';
import { asObject, deepEqual, isObject, rfc3339 } from './json';
import type { LabelSelector } from './labels';
import { ResourceTable, storageKeyOf } from './resources';
import type { Patcher, ServerStrategy, StrategyProvider } from './seams';
import { Store, objectKey } from './store';
import { establishCRD } from '../validation/crd';
import type { WatchHistory } from './watch';
import type { Admission, AdmissionAttributes, AdmissionOperation } from '../admission/types';

/** Who writes, and how: carried from the HTTP request into every write. */
export interface WriteContext {
  /** Field manager for managedFields (fieldManager query parameter, else the User-Agent prefix). */
  manager: string;
  dryRun: boolean;
  now: Date;
  /** Receives the admission webhooks' warnings (the HTTP edge sends them as Warning headers). */
  warn?: (message: string) => void;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
}

export interface ListOptions {
  labels: LabelSelector;
  fields: FieldSelector;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteResult {
  object: KubeObject;
  /** 201 for creates (POST, PUT or apply that created), 200 otherwise. */
  created: boolean;
}

export type DeleteResult = { object: KubeObject } | { status: JsonObject };

const NAMESPACES = { group: '', resource: 'namespaces' };
/** Kinds whose PUT creates a missing object (AllowCreateOnUpdate in their registries). */
const CREATE_ON_UPDATE = new Set([
  '/endpoints',
  '/events',
  'events.k8s.io/events',
  'coordination.k8s.io/leases',
  'discovery.k8s.io/endpointslices',
  'rbac.authorization.k8s.io/roles',
  'rbac.authorization.k8s.io/rolebindings',
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/clusterrolebindings',
]);
/** Kinds whose DELETE answers the deleted object (ReturnDeletedObject); the rest answer a Status. */
const RETURNS_DELETED_OBJECT = new Set(['/pods', '/services', '/namespaces']);
const CRD_STORAGE = 'customresourcedefinitions.apiextensions.k8s.io';
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const clone = <T>(v: T): T => structuredClone(v);
const isCRDs = (info: ResourceInfo): boolean =>
  info.group === 'apiextensions.k8s.io' && info.resource === 'customresourcedefinitions';
const kindKey = (info: ResourceInfo): string => `${info.group}/${info.resource}`;

export interface RegistryOptions {
  store: Store;
  resources: ResourceTable;
  strategies: StrategyProvider;
  patcher: Patcher;
  history: WatchHistory;
  /** Validating admission, called after validation and before storing; absent: nothing to call. */
  admission?: Admission;
}

/**
 * The stored object changed while admission webhooks were being called: the write is redone from the new state, as
 * the real server's storage retries its update function (a resourceVersion in the request then conflicts).
 */
class Stale extends StatusError {}
const MAX_RETRIES = 5;
const STALE_WHY = 'the object has been modified; please apply your changes to the latest version and try again';

export class Registry {
  readonly store: Store;
  readonly resources: ResourceTable;
  private readonly strategies: StrategyProvider;
  private readonly patcher: Patcher;
  private readonly history: WatchHistory;
  private readonly admission?: Admission;
  /** owner uid -> `storage|namespace/name` of the objects that name it in ownerReferences. */
  private readonly dependents = new Map<string, Set<string>>();

  constructor(opts: RegistryOptions) {
    this.store = opts.store;
    this.resources = opts.resources;
    this.strategies = opts.strategies;
    this.patcher = opts.patcher;
    this.history = opts.history;
    this.admission = opts.admission;
    for (const { storage, object } of this.store.entries()) this.indexOwners(storage, undefined, object);
    this.store.onEvent((e) => this.indexOwners(e.storage, e.prev, e.type === 'DELETED' ? undefined : e.object));
  }

  // ---- reads ----

  get(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(storageKeyOf(info), ns(info, namespace), name);
    if (!obj) throw notFound(info, name);
    return this.present(info, obj);
  }

  list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions): ListResult {
    const storage = storageKeyOf(info);
    let rv = this.store.resourceVersion;
    let start: string | undefined;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      start = token.start;
      if (token.rv < this.history.compactedResourceVersion) {
        throw new ContinueExpired(encodeContinue(rv, token.start.replace(/\u0000$/, '')));
      }
      rv = token.rv;
    }
    const filtered = !opts.labels.empty || !opts.fields.empty;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: KubeObject[] = [];
    let lastKey = '';
    let more = false;
    const namespaceFilter = ns(info, namespace);
    for (const [key, obj] of this.store.list(storage, namespaceFilter, start)) {
      // Field selectors name this API's fields (regarding.name for events.k8s.io), so they read what it shows.
      const shown = this.present(info, obj);
      if (filtered && !(opts.labels.matches(obj.metadata.labels) && opts.fields.matches(shown))) continue;
      if (items.length >= limit) {
        more = true;
        break;
      }
      items.push(shown);
      lastKey = key;
    }
    const result: ListResult = { items, resourceVersion: String(rv) };
    if (more) {
      result.continue = encodeContinue(rv, lastKey);
      if (!filtered) result.remainingItemCount = this.remaining(storage, namespaceFilter, lastKey);
    }
    return result;
  }

  /** Objects after `lastKey` in the list's range (remainingItemCount). */
  private remaining(storage: string, namespace: string | undefined, lastKey: string): number {
    let n = 0;
    for (const _ of this.store.list(storage, namespace, `${lastKey}\u0000`)) n++;
    return n;
  }

  // ---- writes ----

  async create(
    info: ResourceInfo,
    namespace: string | undefined,
    body: KubeObject,
    ctx: WriteContext,
  ): Promise<WriteResult> {
    return { object: await this.createObject(info, namespace, body, ctx, true), created: true };
  }

  /** PUT on the main resource or /status. */
  update(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    ctx: WriteContext,
    subresource?: 'status',
  ): Promise<WriteResult> {
    return this.retrying(() => this.updateOnce(info, namespace, name, structuredClone(body), ctx, subresource));
  }

  private async updateOnce(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    ctx: WriteContext,
    subresource?: 'status',
  ): Promise<WriteResult> {
    const bodyName = body.metadata?.name;
    if (bodyName !== undefined && bodyName !== '' && bodyName !== name) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    const old = this.store.get(storageKeyOf(info), ns(info, namespace), name);
    if (!old) {
      if (subresource || !CREATE_ON_UPDATE.has(kindKey(info))) throw notFound(info, name);
      body.metadata = { ...body.metadata, name };
      return { object: await this.createObject(info, namespace, body, ctx, true), created: true };
    }
    return { object: await this.updateObject(info, old, body, ctx, subresource, true), created: false };
  }

  patch(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: Json | string,
    ctx: WriteContext & { force: boolean },
    subresource?: 'status',
  ): Promise<WriteResult> {
    return this.retrying(() => this.patchOnce(info, namespace, name, type, patch, ctx, subresource));
  }

  private async patchOnce(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: Json | string,
    ctx: WriteContext & { force: boolean },
    subresource?: 'status',
  ): Promise<WriteResult> {
    const storage = storageKeyOf(info);
    const old = this.store.get(storage, ns(info, namespace), name);
    const crd = this.crdOf(info);
    if (type === 'apply') {
      const text = typeof patch === 'string' ? patch : JSON.stringify(patch);
      const live = old ? this.present(info, old) : undefined;
      const out = this.patcher.apply(live, text, {
        manager: ctx.manager,
        force: ctx.force,
        apiVersion: groupVersion(info),
        subresource,
        now: rfc3339(ctx.now),
        info,
        crd,
      });
      if (!old) {
        if (subresource) throw notFound(info, name);
        const body = out.object;
        body.metadata = { ...body.metadata, name, ...(info.namespaced && namespace ? { namespace } : {}) };
        return { object: await this.createObject(info, namespace, body, ctx, false), created: true };
      }
      if (!out.changed) return { object: this.present(info, old), created: false };
      return { object: await this.updateObject(info, old, out.object, ctx, subresource, false), created: false };
    }
    if (!old) throw notFound(info, name);
    if (typeof patch === 'string') throw badRequest('the patch body must be JSON');
    const base = clone(this.present(info, old)) as unknown as JsonObject;
    let patched: JsonObject;
    if (type === 'merge') patched = this.patcher.merge(base, patch);
    else if (type === 'json') patched = this.patcher.json(base, patch);
    else patched = this.patcher.strategic(base, patch, info, crd);
    const body = toKubeObject(patched);
    if (body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    return { object: await this.updateObject(info, old, body, ctx, subresource, true), created: false };
  }

  /** A patch applied to a value that is not stored as such (the /scale view of an object). */
  patchValue(type: 'merge' | 'json' | 'strategic', target: JsonObject, patch: Json, info: ResourceInfo): JsonObject {
    if (type === 'merge') return this.patcher.merge(target, patch);
    if (type === 'json') return this.patcher.json(target, patch);
    return this.patcher.strategic(target, patch, info, this.crdOf(info));
  }

  delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
    ctx: WriteContext,
  ): Promise<DeleteResult> {
    return this.retrying(() => this.deleteOnce(info, namespace, name, opts, ctx));
  }

  private async deleteOnce(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
    ctx: WriteContext,
  ): Promise<DeleteResult> {
    const storage = storageKeyOf(info);
    const old = this.store.get(storage, ns(info, namespace), name);
    if (!old) throw notFound(info, name);
    checkPreconditions(info, old, opts);
    const pending = this.admit(info, 'DELETE', '', undefined, this.present(info, old), ctx, deleteOptions(opts, ctx));
    if (pending) {
      await pending;
      this.checkUnchanged(info, storage, old);
    }
    if (ctx.dryRun) return { object: this.present(info, old) };
    if (old.metadata.deletionTimestamp) return { object: this.present(info, old) };
    if (info.group === '' && info.resource === 'namespaces') {
      return { object: this.present(info, this.terminateNamespace(old, ctx.now)) };
    }
    // Foreground and Background both collect dependents after the owner is gone (no foregroundDeletion wait).
    const finalizers = old.metadata.finalizers ?? [];
    if (finalizers.length > 0) {
      const next = clone(old);
      next.metadata.deletionTimestamp = rfc3339(ctx.now);
      next.metadata.deletionGracePeriodSeconds = 0;
      if (next.metadata.generation !== undefined) next.metadata.generation++;
      return { object: this.present(info, this.store.update(storage, next, old)) };
    }
    this.removeObject(info, old, opts.propagationPolicy);
    if (RETURNS_DELETED_OBJECT.has(kindKey(info)) || info.crd) return { object: this.present(info, old) };
    return {
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name,
          ...(info.group ? { group: info.group } : {}),
          kind: info.resource,
          uid: old.metadata.uid ?? '',
        },
      },
    };
  }

  async deleteCollection(
    info: ResourceInfo,
    namespace: string | undefined,
    list: ListOptions,
    opts: DeleteOptions,
    ctx: WriteContext,
  ): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for (const obj of this.list(info, namespace, { ...list, limit: undefined, continue: undefined }).items) {
      const r = await this.delete(info, obj.metadata.namespace, obj.metadata.name ?? '', opts, ctx);
      out.push('object' in r ? r.object : obj);
    }
    return out;
  }

  // ---- the write paths ----

  private async createObject(
    info: ResourceInfo,
    namespace: string | undefined,
    body: KubeObject,
    ctx: WriteContext,
    record: boolean,
  ): Promise<KubeObject> {
    const storage = storageKeyOf(info);
    let obj = body;
    obj.apiVersion = obj.apiVersion || groupVersion(info);
    obj.kind = obj.kind || info.kind;
    obj.metadata = { ...(obj.metadata ?? {}) };
    const meta = obj.metadata;
    if (info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
    } else delete meta.namespace;
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && meta.generateName) meta.name = this.generateName(storage, meta.namespace, meta.generateName);
    if (info.namespaced && meta.namespace) this.admitNamespace(meta.namespace);
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(ctx.now);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.generation;
    const crd = this.crdOf(info);
    const strategy = this.strategy(info);
    strategy.decodeDefaults?.(obj);
    if (record)
      obj = this.patcher.recordUpdate(
        undefined,
        obj,
        ctx.manager,
        groupVersion(info),
        undefined,
        rfc3339(ctx.now),
        info,
        crd,
      );
    strategy.prepareCreate(obj);
    const causes = strategy.validateCreate(obj);
    if (causes.length > 0) {
      strategy.release(obj);
      throw invalid(info.kind, info.group, obj.metadata.name ?? '', causes);
    }
    const name = obj.metadata.name ?? '';
    const pending = this.admit(
      info,
      'CREATE',
      '',
      this.present(info, obj),
      undefined,
      ctx,
      writeOptions('CreateOptions', ctx),
    );
    if (pending) {
      try {
        await pending;
      } catch (e) {
        strategy.release(obj);
        throw e;
      }
      if (info.namespaced && obj.metadata.namespace) this.admitNamespace(obj.metadata.namespace);
    }
    if (this.store.get(storage, obj.metadata.namespace, name)) {
      strategy.release(obj);
      throw alreadyExists(info, name);
    }
    if (ctx.dryRun) {
      strategy.release(obj);
      return this.present(info, obj);
    }
    const stored = this.store.create(storage, this.toStorage(info, obj));
    if (isCRDs(info)) this.establish(stored, ctx.now);
    return this.present(info, stored);
  }

  private async updateObject(
    info: ResourceInfo,
    stored: KubeObject,
    body: KubeObject,
    ctx: WriteContext,
    subresource: 'status' | undefined,
    record: boolean,
  ): Promise<KubeObject> {
    const storage = storageKeyOf(info);
    // The write is decided in this API's form; storage may keep another one (events.k8s.io Events are core Events).
    const old = this.present(info, stored);
    const bodyMeta = body.metadata ?? {};
    if (bodyMeta.resourceVersion && bodyMeta.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        info,
        old.metadata.name ?? '',
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    if (bodyMeta.uid && bodyMeta.uid !== old.metadata.uid) {
      throw conflict(
        info,
        old.metadata.name ?? '',
        `Precondition failed: UID in precondition: ${bodyMeta.uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
      );
    }
    let next: KubeObject;
    if (subresource === 'status') {
      // A status write changes status only; metadata (labels, finalizers...) stays as stored.
      next = clone(old);
      if (body.status === undefined) delete next.status;
      else next.status = clone(body.status);
      if (bodyMeta.managedFields) next.metadata.managedFields = bodyMeta.managedFields;
    } else {
      next = body;
      next.metadata = { ...bodyMeta };
      if (info.subresources.includes('status')) {
        // The main resource ignores status when the kind has a status subresource (023).
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
    }
    next.apiVersion = next.apiVersion || groupVersion(info);
    next.kind = next.kind || info.kind;
    const m = next.metadata;
    m.name = old.metadata.name;
    if (old.metadata.namespace) m.namespace = old.metadata.namespace;
    else delete m.namespace;
    m.uid = old.metadata.uid;
    m.creationTimestamp = old.metadata.creationTimestamp;
    m.resourceVersion = old.metadata.resourceVersion;
    setOrDelete(m, 'deletionTimestamp', old.metadata.deletionTimestamp);
    setOrDelete(m, 'deletionGracePeriodSeconds', old.metadata.deletionGracePeriodSeconds);
    setOrDelete(m, 'generation', old.metadata.generation);
    const crd = this.crdOf(info);
    const strategy = this.strategy(info);
    strategy.decodeDefaults?.(next);
    if (record) {
      next = this.patcher.recordUpdate(
        old,
        next,
        ctx.manager,
        groupVersion(info),
        subresource,
        rfc3339(ctx.now),
        info,
        crd,
      );
    }
    const oldCopy = clone(old);
    if (subresource === 'status') strategy.prepareStatusUpdate?.(next, oldCopy);
    else strategy.prepareUpdate(next, oldCopy);
    const causes =
      subresource === 'status'
        ? (strategy.validateStatusUpdate?.(next, oldCopy) ?? [])
        : strategy.validateUpdate(next, oldCopy);
    if (causes.length > 0) throw invalid(info.kind, info.group, old.metadata.name ?? '', causes);
    const pending = this.admit(info, 'UPDATE', subresource ?? '', next, old, ctx, writeOptions('UpdateOptions', ctx));
    if (pending) {
      await pending;
      this.checkUnchanged(info, storage, stored);
    }
    if (deepEqual(next, old)) return old;
    if (ctx.dryRun) return this.present(info, next);
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length) {
      // The last finalizer is gone from an object being deleted: it goes now.
      this.removeObject(info, stored, undefined);
      return this.present(info, next);
    }
    const written = this.store.update(storage, this.toStorage(info, next), stored);
    if (isCRDs(info) && !deepEqual(written.spec, old.spec)) this.establish(written, ctx.now);
    return this.present(info, written);
  }

  /** Removes an object for good and runs what follows: allocations freed, dependents collected, CRDs cleaned up. */
  private removeObject(info: ResourceInfo, obj: KubeObject, propagation: DeleteOptions['propagationPolicy']): void {
    const storage = storageKeyOf(info);
    const removed = this.store.remove(storage, obj);
    this.strategy(info).release(removed);
    if (isCRDs(info)) this.removeCRD(removed);
    const uid = removed.metadata.uid;
    if (uid && propagation !== 'Orphan') this.collectDependents(uid);
    const namespace = removed.metadata.namespace;
    if (namespace) this.maybeFinishNamespace(namespace);
  }

  // ---- namespaces ----

  /** Creating in a missing namespace answers 404, in a terminating one 403 (NamespaceLifecycle admission). */
  private admitNamespace(namespace: string): void {
    const n = this.store.get('namespaces', undefined, namespace);
    if (!n) throw notFound(NAMESPACES, namespace);
    if (n.metadata.deletionTimestamp) {
      throw new StatusError(
        403,
        'Forbidden',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        { name: namespace, kind: 'namespaces' },
      );
    }
  }

  private terminateNamespace(old: KubeObject, now: Date): KubeObject {
    const next = clone(old);
    next.metadata.deletionTimestamp = rfc3339(now);
    next.status = { ...(asObject(next.status) ?? {}), phase: 'Terminating' };
    const stored = this.store.update('namespaces', next, old);
    // The namespace controller's work, done right away: delete the content, then the namespace once empty.
    setImmediate(() => void this.sweepNamespace(old.metadata.name ?? ''));
    return stored;
  }

  private async sweepNamespace(namespace: string): Promise<void> {
    for (const storage of this.store.storages()) {
      const info = this.resources.byStorage(storage);
      if (!info || !info.namespaced) continue;
      for (const [, obj] of [...this.store.list(storage, namespace)]) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          await this.delete(info, namespace, obj.metadata.name ?? '', {}, this.systemContext());
        } catch {
          // gone meanwhile
        }
      }
    }
    this.maybeFinishNamespace(namespace);
  }

  private maybeFinishNamespace(namespace: string): void {
    const n = this.store.get('namespaces', undefined, namespace);
    if (!n?.metadata.deletionTimestamp) return;
    for (const storage of this.store.storages()) {
      if (!this.store.list(storage, namespace).next().done) return;
    }
    if ((n.metadata.finalizers ?? []).length > 0) return;
    const info = this.resources.lookup('', 'v1', 'namespaces');
    if (info) this.removeObject(info, n, undefined);
  }

  // ---- CRDs ----

  /** Registers the CRD's served versions and writes Established/NamesAccepted as the CRD controllers would. */
  private establish(crd: KubeObject, now: Date): void {
    this.resources.registerCRD(crd);
    this.strategies.crdChanged?.(crd, false);
    const next = clone(crd);
    establishCRD(next, now);
    if (!deepEqual(next.status, crd.status)) this.store.update(CRD_STORAGE, next, crd);
  }

  private removeCRD(crd: KubeObject): void {
    const infos = this.resources.unregisterCRD(crd.metadata.name ?? '');
    const info = infos[0];
    if (info) {
      const storage = storageKeyOf(info);
      for (const [, obj] of [...this.store.list(storage)]) {
        const removed = this.store.remove(storage, obj);
        this.strategy(info).release(removed);
      }
    }
    this.strategies.crdChanged?.(crd, true);
  }

  /** Re-registers every stored CRD (after a restart). */
  registerStoredCRDs(): void {
    for (const [, crd] of this.store.list(CRD_STORAGE)) {
      this.resources.registerCRD(crd);
      this.strategies.crdChanged?.(crd, false);
    }
  }

  /** The CRD that defines a custom resource. */
  crdOf(info: ResourceInfo): KubeObject | undefined {
    return info.crd ? this.store.get(CRD_STORAGE, undefined, info.crd) : undefined;
  }

  crds(): KubeObject[] {
    return [...this.store.list(CRD_STORAGE)].map(([, o]) => o);
  }

  /** Calls strategy.restore for every stored object (allocators learn what is taken). */
  restoreAll(): void {
    for (const { storage, object } of this.store.entries()) {
      const info = this.resources.byStorage(storage);
      if (info) this.strategy(info).restore(object);
    }
  }

  // ---- garbage collection ----

  private indexOwners(storage: string, prev: KubeObject | undefined, next: KubeObject | undefined): void {
    const ref = (o: KubeObject): string => `${storage}|${objectKey(o.metadata.namespace, o.metadata.name ?? '')}`;
    for (const uid of ownerUids(prev)) this.dependents.get(uid)?.delete(ref(prev as KubeObject));
    for (const uid of ownerUids(next)) {
      let set = this.dependents.get(uid);
      if (!set) this.dependents.set(uid, (set = new Set()));
      set.add(ref(next as KubeObject));
    }
  }

  /** Background deletion of the objects an owner leaves behind (the garbage collector's job). */
  private collectDependents(uid: string): void {
    const refs = this.dependents.get(uid);
    if (!refs || refs.size === 0) return;
    setImmediate(async () => {
      for (const ref of [...refs]) {
        const [storage, key] = ref.split('|');
        const info = this.resources.byStorage(storage);
        if (!info) continue;
        const slash = key.indexOf('/');
        const namespace = slash >= 0 ? key.slice(0, slash) : undefined;
        const name = slash >= 0 ? key.slice(slash + 1) : key;
        const obj = this.store.get(storage, namespace, name);
        if (!obj || obj.metadata.deletionTimestamp) continue;
        const stillOwned = (obj.metadata.ownerReferences ?? []).some((r) => r.uid !== uid && this.ownerExists(r));
        if (stillOwned) continue;
        try {
          await this.delete(info, namespace, name, { propagationPolicy: 'Background' }, this.systemContext());
        } catch {
          // gone meanwhile
        }
      }
      this.dependents.delete(uid);
    });
  }

  private ownerExists(ref: JsonObject): boolean {
    return typeof ref.uid === 'string' && this.uidExists(ref.uid);
  }

  private uidExists(uid: string): boolean {
    for (const { object } of this.store.entries()) if (object.metadata.uid === uid) return true;
    return false;
  }

  // ---- admission ----

  /** The admission step of a write: undefined when no webhook is to be called (the write goes on in this tick). */
  private admit(
    info: ResourceInfo,
    operation: AdmissionOperation,
    subresource: string,
    object: KubeObject | undefined,
    oldObject: KubeObject | undefined,
    ctx: WriteContext,
    options: JsonObject,
  ): Promise<void> | undefined {
    if (!this.admission) return undefined;
    const meta = (object ?? oldObject)?.metadata ?? {};
    const isNamespace = info.group === '' && info.resource === 'namespaces';
    const attrs: AdmissionAttributes = {
      operation,
      group: info.group,
      version: info.version,
      resource: info.resource,
      subresource,
      kind: info.kind,
      namespace: isNamespace ? (meta.name ?? '') : info.namespaced ? (meta.namespace ?? '') : '',
      name: meta.name ?? '',
      object: object && clone(object),
      oldObject: oldObject && clone(oldObject),
      dryRun: ctx.dryRun,
      options,
    };
    return this.admission.validate(attrs, ctx.warn ?? (() => undefined));
  }

  /** After admission's wait: the stored object must be the one the write was decided on. */
  private checkUnchanged(info: ResourceInfo, storage: string, stored: KubeObject): void {
    const now = this.store.get(storage, stored.metadata.namespace, stored.metadata.name ?? '');
    if (!now) throw notFound(info, stored.metadata.name ?? '');
    if (now.metadata.resourceVersion !== stored.metadata.resourceVersion) {
      // After the retries, the caller sees the real server's conflict.
      const c = conflict(info, stored.metadata.name ?? '', STALE_WHY);
      throw new Stale(c.code, c.reason, c.message, c.details);
    }
  }

  private async retrying<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (e) {
        if (!(e instanceof Stale) || attempt >= MAX_RETRIES) throw e;
      }
    }
  }

  // ---- helpers ----

  strategy(info: ResourceInfo): ServerStrategy {
    return this.strategies.forResource(info.group, info.resource, info);
  }

  private systemContext(): WriteContext {
    return { manager: 'kube-controller-manager', dryRun: false, now: new Date() };
  }

  private generateName(storage: string, namespace: string | undefined, prefix: string): string {
    const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
    for (let attempt = 0; attempt < 8; attempt++) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
      if (!this.store.get(storage, namespace, base + suffix)) return base + suffix;
    }
    return base + randomUUID().slice(0, 5);
  }

  /**
   * The object as the requested version shows it: custom resources served in several versions change apiVersion,
   * kinds stored in another API's form are converted (a core Event read through events.k8s.io).
   */
  present(info: ResourceInfo, obj: KubeObject): KubeObject {
    const gv = groupVersion(info);
    if (obj.apiVersion === gv) return obj;
    if (info.crd) return { ...obj, apiVersion: gv };
    return this.strategy(info).fromStorage?.(obj) ?? obj;
  }

  /** The form storage keeps for an object written through `info`'s API. */
  private toStorage(info: ResourceInfo, obj: KubeObject): KubeObject {
    return this.strategy(info).toStorage?.(obj) ?? obj;
  }
}

/** CreateOptions / UpdateOptions as the AdmissionReview's options carry them. */
function writeOptions(kind: 'CreateOptions' | 'UpdateOptions', ctx: WriteContext): JsonObject {
  return {
    kind,
    apiVersion: 'meta.k8s.io/v1',
    ...(ctx.dryRun ? { dryRun: ['All'] } : {}),
    ...(ctx.manager ? { fieldManager: ctx.manager } : {}),
  };
}

function deleteOptions(opts: DeleteOptions, ctx: WriteContext): JsonObject {
  return {
    kind: 'DeleteOptions',
    apiVersion: 'meta.k8s.io/v1',
    ...(ctx.dryRun ? { dryRun: ['All'] } : {}),
    ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
    ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
  };
}

const ns = (info: ResourceInfo, namespace: string | undefined): string | undefined =>
  info.namespaced ? namespace : undefined;

function setOrDelete<K extends 'deletionTimestamp' | 'deletionGracePeriodSeconds' | 'generation'>(
  m: KubeObject['metadata'],
  key: K,
  value: KubeObject['metadata'][K],
): void {
  if (value === undefined) delete m[key];
  else m[key] = value;
}

function ownerUids(o: KubeObject | undefined): string[] {
  if (!o) return [];
  const out: string[] = [];
  for (const r of o.metadata.ownerReferences ?? []) if (typeof r.uid === 'string') out.push(r.uid);
  return out;
}

function checkPreconditions(info: ResourceInfo, old: KubeObject, opts: DeleteOptions): void {
  const p = opts.preconditions;
  const name = old.metadata.name ?? '';
  if (p?.uid && p.uid !== old.metadata.uid) {
    throw conflict(
      info,
      name,
      `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
    );
  }
  if (p?.resourceVersion && p.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(
      info,
      name,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`,
    );
  }
}

/** A patched JSON object as a KubeObject (metadata must stay an object). */
export function toKubeObject(o: JsonObject): KubeObject {
  const meta = o.metadata;
  if (meta !== undefined && meta !== null && !isObject(meta)) {
    throw badRequest('metadata must be an object');
  }
  return { ...o, metadata: (meta ?? {}) as KubeObject['metadata'] } as unknown as KubeObject;
}
