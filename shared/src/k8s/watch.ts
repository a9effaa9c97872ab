import { makeInformer, type KubeConfig, type KubernetesObject, type ListPromise } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { errorText } from './errors';

const RESTART_MS = 2_000;

/** A running watch; stop() ends it for good (the abort it causes is not an error to recover from). */
export interface Watching {
  stop(): Promise<void>;
}

export interface WatchHandlers<T> {
  upsert(obj: T): void;
  remove(obj: T): void;
  /** Once, after the first list has been delivered: the cache is complete from here on. */
  synced?(): void;
}

/**
 * A list+watch that never gives up: client-node's informer stops on a watch error, so it is started again after a
 * pause, which is how a lost API server is survived. Its relist delivers every object again as add or update.
 */
export function watchForever<T extends KubernetesObject>(
  log: Logger,
  kc: KubeConfig,
  name: string,
  path: string,
  list: ListPromise<T>,
  handlers: WatchHandlers<T>,
): Watching {
  let stopped = false;
  let synced = false;
  const informer = makeInformer<T>(kc, path, list);
  informer.on('add', (o: T) => handlers.upsert(o));
  informer.on('update', (o: T) => handlers.upsert(o));
  informer.on('delete', (o: T) => handlers.remove(o));
  const start = (): void => {
    if (stopped) return;
    informer.start().then(
      () => {
        log.info({ informer: name }, 'watching');
        if (!synced) handlers.synced?.();
        synced = true;
      },
      (e: unknown) => {
        if (stopped) return;
        log.error({ informer: name, err: errorText(e) }, 'informer start failed; retrying');
        setTimeout(start, RESTART_MS);
      },
    );
  };
  informer.on('error', (e: unknown) => {
    if (stopped) return;
    log.error({ informer: name, err: errorText(e) }, 'watch failed; restarting');
    setTimeout(start, RESTART_MS);
  });
  start();
  return {
    stop: async () => {
      stopped = true;
      await informer.stop();
    },
  };
}
