/**
 * One watch over HTTP: newline-delimited JSON events on a chunked 200 response. Initial state or history replay
 * and the live subscription are set up in the same tick, so no event falls between them. Events are written as
 * they happen; a consumer whose socket buffer grows past the limit is dropped instead of growing memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo } from '../api/registry';
import { badRequest } from '../errors';
import type { KubeObject } from '../types';
import type { Representation } from './negotiate';
import type { Registry } from './rest';
import { storageKeyOf } from './resources';
import type { Presenter } from './seams';
import type { EventType, StoreEvent } from './store';
import { type WatchFilter, type WatchHub, matchesFilter, project, tooOldResourceVersion } from './watch';

export interface WatchSettings {
  /** How often a watch that allows bookmarks gets one. */
  bookmarkIntervalMs: number;
  /** Bytes queued on one watch's socket before the watch is dropped. */
  maxBufferedBytes: number;
}

export interface WatchRequest {
  info: ResourceInfo;
  filter: WatchFilter;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  representation: Representation;
  includeObject: 'None' | 'Metadata' | 'Object';
  accept?: string;
}

/** Serialized objects, shared by every watcher (stored objects are immutable, so the cache never goes stale). */
const jsonCache = new WeakMap<KubeObject, string>();

function cachedJson(o: KubeObject): string {
  let s = jsonCache.get(o);
  if (s === undefined) jsonCache.set(o, (s = JSON.stringify(o)));
  return s;
}

const DEFAULT_TIMEOUT_SECONDS = (): number => 1800 + Math.floor(Math.random() * 1800);

export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  w: WatchRequest,
  deps: { registry: Registry; hub: WatchHub; presenter: Presenter; settings: WatchSettings },
): void {
  const { registry, hub, presenter, settings } = deps;
  const storage = storageKeyOf(w.info);
  let requested: number | undefined;
  if (w.resourceVersion !== undefined && w.resourceVersion !== '' && w.resourceVersion !== '0') {
    if (!/^\d+$/.test(w.resourceVersion)) {
      throw badRequest(
        `resourceVersion: Invalid value: "${w.resourceVersion}": strconv.ParseUint: parsing "${w.resourceVersion}": invalid syntax`,
      );
    }
    requested = Number(w.resourceVersion);
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  let headersSent = false;
  let closed = false;
  const render = (o: KubeObject): string => {
    const obj = registry.present(w.info, o);
    switch (w.representation.kind) {
      case 'table': {
        const t = presenter.table(w.info, [obj], {
          includeObject: w.includeObject,
          noHeaders: headersSent,
          now: new Date(),
          resourceVersion: obj.metadata.resourceVersion,
          crd: registry.crdOf(w.info),
          accept: w.accept,
        });
        headersSent = true;
        return JSON.stringify(t);
      }
      case 'metadata':
        return JSON.stringify({
          kind: 'PartialObjectMetadata',
          apiVersion: `meta.k8s.io/${w.representation.version}`,
          metadata: obj.metadata,
        });
      default:
        return obj === o ? cachedJson(o) : JSON.stringify(obj);
    }
  };
  const write = (line: string): void => {
    if (closed) return;
    res.write(line);
    if (res.writableLength > settings.maxBufferedBytes) {
      // A consumer this far behind would hold unbounded memory; the real server drops it the same way.
      stop();
      res.destroy();
    }
  };
  const send = (type: EventType, o: KubeObject): void => write(`{"type":"${type}","object":${render(o)}}\n`);
  const bookmark = (initialEventsEnd: boolean): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(registry.store.resourceVersion) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const gv = w.info.group ? `${w.info.group}/${w.info.version}` : w.info.version;
    write(`{"type":"BOOKMARK","object":${JSON.stringify({ kind: w.info.kind, apiVersion: gv, metadata })}}\n`);
  };

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: () => void = () => undefined;
  const stop = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  };
  req.on('close', stop);
  res.on('close', stop);

  // Initial state or replay, then live events: all in this tick.
  const initial = w.sendInitialEvents ?? requested === undefined;
  if (initial) {
    for (const [, o] of registry.store.list(storage, w.info.namespaced ? w.filter.namespace : undefined)) {
      if (matchesFilter(o, w.filter)) send('ADDED', o);
    }
    if (w.sendInitialEvents && w.allowBookmarks) bookmark(true);
  } else if (requested !== undefined) {
    const events = hub.history.since(requested);
    if (!events) {
      const status = tooOldResourceVersion(requested, hub.history.compactedResourceVersion).toStatus();
      res.end(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      stop();
      return;
    }
    for (const e of events) if (e.storage === storage) deliver(e);
  }
  unsubscribe = hub.subscribe(storage, deliver);

  function deliver(e: StoreEvent): void {
    const type = project(e, w.filter);
    if (type) send(type, e.object);
  }

  if (w.allowBookmarks) {
    const tick = (): void => {
      bookmark(false);
      timers[0] = setTimeout(tick, settings.bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, settings.bookmarkIntervalMs);
  }
  const timeout = (w.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS()) * 1000;
  timers.push(
    setTimeout(() => {
      stop();
      res.end();
    }, timeout),
  );
}
