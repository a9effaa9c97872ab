/**
 * A list+watch that never gives up, as client-go's reflector: list, then watch from the list's resourceVersion,
 * again from the last version seen when the server ends the stream, and a fresh list after an error or a 410 Gone.
 * A relist delivers every object again as an upsert and removes those that went away meanwhile, so a lost API server
 * is survived and the handlers' caches end up exact.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ApiError, type KubeClient } from './client';
import { stripBookkeeping } from './trim';
import { errorText } from './values';

export const RESTART_MS = 2_000;
/** The server ends a watch after this long (client-go asks for 5-10 min); the next starts where it left off. */
const WATCH_TIMEOUT_S = 300;

/** A running watch; stop() ends it for good. */
export interface Watching {
  stop(): Promise<void>;
}

export interface WatchHandlers<T> {
  upsert(obj: T): void;
  remove(obj: T): void;
  /** Once, after the first list has been delivered: the cache is complete from here on. */
  synced?(): void;
}

interface ListBody<T> {
  readonly items?: T[];
  readonly metadata?: { readonly resourceVersion?: string };
}

const keyOf = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

class Gone extends Error {}

/** What a watch needs of the client; tests script it. */
export type WatchClient = Pick<KubeClient, 'get' | 'watch'>;

export interface WatchOptions {
  /** Wait after a failed list or watch before the next try. */
  readonly restartMs?: number;
  /**
   * What is kept of each object before the handlers (and the watch's own memory of what exists) see it;
   * stripBookkeeping unless told (see trim.ts).
   */
  readonly trim?: (o: KubernetesObject) => KubernetesObject;
}

export function watchForever<T extends KubernetesObject>(
  log: Pick<Logger, 'info' | 'error'>,
  client: WatchClient,
  name: string,
  path: string,
  handlers: WatchHandlers<T>,
  { restartMs = RESTART_MS, trim = stripBookkeeping }: WatchOptions = {},
): Watching {
  const kept = (o: T): T => trim(o) as T;
  let stopped = false;
  let synced = false;
  let stream: { stop(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const known = new Map<string, T>();
  let finished: () => void = () => undefined;
  const ended = new Promise<void>((r) => (finished = r));

  const list = async (): Promise<string> => {
    const body = await client.get<ListBody<T>>(path);
    const items = body.items ?? [];
    const seen = new Set<string>();
    for (const raw of items) {
      const o = kept(raw);
      const k = keyOf(o);
      seen.add(k);
      known.set(k, o);
      handlers.upsert(o);
    }
    for (const [k, o] of [...known]) {
      if (seen.has(k)) continue;
      known.delete(k);
      handlers.remove(o);
    }
    return body.metadata?.resourceVersion ?? '';
  };

  const watch = async (from: string): Promise<void> => {
    let version = from;
    while (!stopped) {
      let gone = false;
      const s = client.watch(
        path,
        { resourceVersion: version, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_S },
        (e) => {
          if (e.type === 'ERROR') {
            const code = (e.object as { code?: unknown } | undefined)?.code;
            s.stop();
            gone = code === 410;
            return;
          }
          const raw = e.object as T | undefined;
          const rv = raw?.metadata?.resourceVersion;
          if (rv) version = rv;
          if (raw === undefined) return;
          const o = kept(raw);
          if (e.type === 'ADDED' || e.type === 'MODIFIED') {
            known.set(keyOf(o), o);
            handlers.upsert(o);
          } else if (e.type === 'DELETED') {
            known.delete(keyOf(o));
            handlers.remove(o);
          }
        },
      );
      stream = s;
      await s.done;
      if (gone) throw new Gone(`watch ${path}: resourceVersion ${version} is too old`);
    }
  };

  const run = (): void => {
    if (stopped) return;
    list()
      .then((version) => {
        if (!synced) {
          synced = true;
          log.info({ informer: name }, 'watching');
          handlers.synced?.();
        }
        return watch(version);
      })
      .then(finished, (e: unknown) => {
        if (stopped) return finished();
        const gone = e instanceof Gone || (e instanceof ApiError && e.code === 410);
        if (gone) {
          log.info({ informer: name }, 'watch expired; relisting');
          run();
          return;
        }
        log.error({ informer: name, err: errorText(e) }, 'watch failed; restarting');
        timer = setTimeout(run, restartMs);
      });
  };
  run();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.stop();
      // A list in flight ends on its own; stop() waits for it a second at most, and that wait holds no process open.
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise((r) => (bound = setTimeout(r, 1_000).unref()))]);
      clearTimeout(bound);
    },
  };
}
