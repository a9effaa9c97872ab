/**
 * The watch machinery without HTTP: a bounded history of store events (what a watch from an older resourceVersion
 * replays), per-storage subscriptions, and how one watcher with selectors sees each event.
 */
import { StatusError } from '../errors';
import type { KubeObject } from '../types';
import type { FieldSelector } from './fields';
import type { LabelSelector } from './labels';
import type { EventType, Store, StoreEvent } from './store';

export class WatchHistory {
  private readonly ring: Array<StoreEvent | undefined>;
  private start = 0;
  private size = 0;
  /** The newest resourceVersion whose events are gone: a watch must start at or after it. */
  private compacted: number;

  constructor(
    readonly capacity: number,
    startResourceVersion: number,
  ) {
    this.ring = new Array<StoreEvent | undefined>(capacity);
    this.compacted = startResourceVersion;
  }

  get compactedResourceVersion(): number {
    return this.compacted;
  }

  push(e: StoreEvent): void {
    if (this.size === this.capacity) {
      const dropped = this.ring[this.start];
      if (dropped) this.compacted = dropped.rv;
      this.ring[this.start] = e;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.ring[(this.start + this.size) % this.capacity] = e;
      this.size++;
    }
  }

  /** Events newer than `rv`, oldest first, or undefined when some of them were already dropped. */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.compacted) return undefined;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.ring[(this.start + mid) % this.capacity];
      if (e && e.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    const out: StoreEvent[] = [];
    for (let i = lo; i < this.size; i++) {
      const e = this.ring[(this.start + i) % this.capacity];
      if (e) out.push(e);
    }
    return out;
  }
}

/** 410 Expired as the real watch cache words it; the watch answers it as an ERROR event. */
export const tooOldResourceVersion = (requested: number, oldest: number): StatusError =>
  new StatusError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

export type Listener = (e: StoreEvent) => void;

/** Records every store event in the history and fans it out to the watchers of that storage. */
export class WatchHub {
  readonly history: WatchHistory;
  private readonly subs = new Map<string, Set<Listener>>();

  constructor(store: Store, historySize: number) {
    this.history = new WatchHistory(historySize, store.resourceVersion);
    store.onEvent((e) => {
      this.history.push(e);
      const set = this.subs.get(e.storage);
      if (set) for (const fn of set) fn(e);
    });
  }

  subscribe(storage: string, fn: Listener): () => void {
    let set = this.subs.get(storage);
    if (!set) this.subs.set(storage, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.subs.delete(storage);
    };
  }

  watcherCount(): number {
    let n = 0;
    for (const s of this.subs.values()) n += s.size;
    return n;
  }
}

export interface WatchFilter {
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
}

export function matchesFilter(o: KubeObject, f: WatchFilter): boolean {
  if (f.namespace !== undefined && (o.metadata.namespace ?? '') !== f.namespace) return false;
  return f.labels.matches(o.metadata.labels) && f.fields.matches(o);
}

/**
 * How one watcher sees an event: objects entering its selection are ADDED, leaving it DELETED (carrying the new
 * state, as the real watch cache sends it), and events outside it are skipped.
 */
export function project(e: StoreEvent, f: WatchFilter): EventType | undefined {
  if (f.namespace !== undefined && e.namespace !== f.namespace) return undefined;
  const now = e.type !== 'DELETED' && matchesFilter(e.object, f);
  const before = e.prev !== undefined && matchesFilter(e.prev, f);
  switch (e.type) {
    case 'ADDED':
      return now ? 'ADDED' : undefined;
    case 'DELETED':
      return before ? 'DELETED' : undefined;
    case 'MODIFIED':
      if (now && before) return 'MODIFIED';
      if (now) return 'ADDED';
      if (before) return 'DELETED';
      return undefined;
  }
}
