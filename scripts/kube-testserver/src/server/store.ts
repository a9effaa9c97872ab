/**
 * In-memory object storage: one table per group-resource keyed `namespace/name` (or `name`), a global
 * monotonically increasing resourceVersion stamped on every write, and a listener for every change (the watch
 * history). Stored objects are never mutated after they are written, so events, lists and responses can share
 * them; writers always hand in a fresh object.
 */
import type { KubeObject } from '../types';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  rv: number;
  storage: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  /** The object as of this event; a DELETED event carries the last state stamped with the deletion's version. */
  object: KubeObject;
  /** The state before (MODIFIED, DELETED): watchers with selectors need it to see objects leave. */
  prev?: KubeObject;
  /** Cached JSON of `object`, shared by every watcher that sends it unchanged. */
  json?: string;
}

class Table {
  readonly objects = new Map<string, KubeObject>();
  /** Keys in etcd order; rebuilt lazily after inserts and removals so a write stays O(1). */
  private sorted: string[] | null = [];

  keys(): string[] {
    if (!this.sorted) this.sorted = [...this.objects.keys()].sort(compareKeys);
    return this.sorted;
  }

  set(key: string, obj: KubeObject): void {
    if (!this.objects.has(key)) this.sorted = null;
    this.objects.set(key, obj);
  }

  delete(key: string): void {
    if (this.objects.delete(key)) this.sorted = null;
  }
}

/** Byte order of the keys, as etcd returns ranges (names are ASCII, so code units order the same). */
const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** First index whose key is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const objectKey = (namespace: string | undefined, name: string): string =>
  namespace ? `${namespace}/${name}` : name;

export interface StoredEntry {
  storage: string;
  object: KubeObject;
}

export class Store {
  private rv: number;
  private readonly tables = new Map<string, Table>();
  private readonly listeners: Array<(e: StoreEvent) => void> = [];

  constructor(initialResourceVersion = 1) {
    this.rv = initialResourceVersion;
  }

  /** The resourceVersion of the latest write (what a list answers as metadata.resourceVersion). */
  get resourceVersion(): number {
    return this.rv;
  }

  onEvent(fn: (e: StoreEvent) => void): void {
    this.listeners.push(fn);
  }

  get(storage: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.tables.get(storage)?.objects.get(objectKey(namespace, name));
  }

  /**
   * Objects of one storage in etcd order: all of them, or one namespace's; from `startKey` (relative to the
   * namespace when one is given, inclusive) on.
   */
  *list(storage: string, namespace?: string, startKey?: string): Generator<[string, KubeObject]> {
    const table = this.tables.get(storage);
    if (!table) return;
    const keys = table.keys();
    const prefix = namespace ? `${namespace}/` : '';
    let i = lowerBound(keys, prefix + (startKey ?? ''));
    for (; i < keys.length; i++) {
      const key = keys[i];
      if (prefix && !key.startsWith(prefix)) break;
      const obj = table.objects.get(key);
      if (obj) yield [key.slice(prefix.length), obj];
    }
  }

  /** Number of objects (in a namespace); O(n) for a namespace, O(1) otherwise. */
  count(storage: string, namespace?: string): number {
    const table = this.tables.get(storage);
    if (!table) return 0;
    if (!namespace) return table.objects.size;
    let n = 0;
    for (const _ of this.list(storage, namespace)) n++;
    return n;
  }

  storages(): string[] {
    return [...this.tables.keys()];
  }

  /** Stores a new object: stamps the next resourceVersion, emits ADDED. */
  create(storage: string, obj: KubeObject): KubeObject {
    return this.write(storage, obj, 'ADDED', undefined);
  }

  /** Replaces a stored object: stamps the next resourceVersion, emits MODIFIED. */
  update(storage: string, obj: KubeObject, prev: KubeObject): KubeObject {
    return this.write(storage, obj, 'MODIFIED', prev);
  }

  /** Removes a stored object; the DELETED event (and the answer) carry the deletion's resourceVersion. */
  remove(storage: string, obj: KubeObject): KubeObject {
    const table = this.tables.get(storage);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const prev = table?.objects.get(key);
    if (!table || !prev) return obj;
    table.delete(key);
    this.rv++;
    const gone: KubeObject = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(this.rv) } };
    this.emit({ type: 'DELETED', rv: this.rv, storage, namespace: prev.metadata.namespace ?? '', object: gone, prev });
    return gone;
  }

  /** Every stored object (persistence). */
  *entries(): Generator<StoredEntry> {
    for (const [storage, table] of this.tables) for (const object of table.objects.values()) yield { storage, object };
  }

  /** Loads persisted state without events (before anyone watches). */
  load(resourceVersion: number, entries: Iterable<StoredEntry>): void {
    for (const { storage, object } of entries) {
      this.table(storage).set(objectKey(object.metadata.namespace, object.metadata.name ?? ''), object);
    }
    this.rv = Math.max(this.rv, resourceVersion);
  }

  private write(storage: string, obj: KubeObject, type: EventType, prev: KubeObject | undefined): KubeObject {
    this.rv++;
    obj.metadata = { ...obj.metadata, resourceVersion: String(this.rv) };
    const namespace = obj.metadata.namespace ?? '';
    this.table(storage).set(objectKey(namespace, obj.metadata.name ?? ''), obj);
    this.emit({ type, rv: this.rv, storage, namespace, object: obj, prev });
    return obj;
  }

  private table(storage: string): Table {
    let t = this.tables.get(storage);
    if (!t) this.tables.set(storage, (t = new Table()));
    return t;
  }

  private emit(e: StoreEvent): void {
    for (const fn of this.listeners) fn(e);
  }
}
