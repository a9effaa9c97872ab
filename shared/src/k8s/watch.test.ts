import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiError, type RequestOptions, type WatchEvent, type WatchStream } from './client';
import { watchForever, type WatchClient } from './watch';

const obj = (name: string, rv: string): KubernetesObject => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv },
});
const list = (rv: string, ...items: KubernetesObject[]) => ({ metadata: { resourceVersion: rv }, items });

/** A watch session as the server plays it: events, then the stream ends (`close`), breaks, or stays open. */
type Session = { events: WatchEvent[]; end: 'close' | 'open' | Error };

/** A client that answers lists and watches from scripts, recording what was asked. */
function scripted(lists: (unknown | Error)[], sessions: Session[]) {
  const asked: { watchFrom: unknown[] } = { watchFrom: [] };
  const client: WatchClient = {
    get: <T>(): Promise<T> => {
      const next = lists.shift();
      if (next === undefined) return new Promise<T>(() => undefined);
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next as T);
    },
    watch: (_path: string, query: RequestOptions['query'], onEvent: (e: WatchEvent) => void): WatchStream => {
      asked.watchFrom.push(query?.resourceVersion);
      const session = sessions.shift() ?? { events: [], end: 'open' };
      let stopped = false;
      let finish: (e?: Error) => void = () => undefined;
      const done = new Promise<void>((resolve, reject) => {
        finish = (e) => (e && !stopped ? reject(e) : resolve());
      });
      setImmediate(() => {
        for (const e of session.events) if (!stopped) onEvent(e);
        if (session.end === 'close') finish();
        else if (session.end instanceof Error) finish(session.end);
      });
      return { done, stop: () => ((stopped = true), finish()) };
    },
  };
  return { client, asked };
}

const quiet = { info: () => undefined, error: () => undefined };

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error('never happened');
}

function recorder() {
  const cache = new Map<string, string>();
  const log: string[] = [];
  let synced = 0;
  return {
    cache,
    log,
    synced: () => synced,
    handlers: {
      upsert: (o: KubernetesObject) => {
        cache.set(o.metadata?.name ?? '', o.metadata?.resourceVersion ?? '');
        log.push(`+${o.metadata?.name}`);
      },
      remove: (o: KubernetesObject) => {
        cache.delete(o.metadata?.name ?? '');
        log.push(`-${o.metadata?.name}`);
      },
      synced: () => synced++,
    },
  };
}

describe('watchForever', () => {
  it('lists, watches from the list, goes on from the last version, and relists after 410 removing what went away', async () => {
    const { client, asked } = scripted(
      [list('10', obj('a', '5'), obj('b', '6')), list('40', obj('a', '31'), obj('d', '35'))],
      [
        {
          events: [
            { type: 'ADDED', object: obj('c', '11') },
            { type: 'MODIFIED', object: obj('a', '12') },
            { type: 'DELETED', object: obj('b', '13') },
            { type: 'BOOKMARK', object: obj('', '20') },
          ],
          end: 'close',
        },
        { events: [{ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } }], end: 'open' },
      ],
    );
    const r = recorder();
    const w = watchForever(quiet, client, 'things', '/things', r.handlers, { restartMs: 0 });
    await until(() => r.cache.has('d'));
    expect(asked.watchFrom.slice(0, 3)).toEqual(['10', '20', '40']);
    expect(r.log).toEqual(['+a', '+b', '+c', '+a', '-b', '+a', '+d', '-c']);
    expect(Object.fromEntries(r.cache)).toEqual({ a: '31', d: '35' });
    expect(r.synced()).toBe(1);
    await w.stop();
  });

  it('retries a failed list, and relists after a broken stream', async () => {
    const { client, asked } = scripted(
      [new ApiError(503, undefined, 'unavailable'), list('1', obj('a', '1')), list('9', obj('b', '8'))],
      [{ events: [{ type: 'ADDED', object: obj('x', '2') }], end: new Error('connection reset') }],
    );
    const r = recorder();
    const w = watchForever(quiet, client, 'things', '/things', r.handlers, { restartMs: 0 });
    await until(() => r.cache.has('b'));
    expect(r.log).toEqual(['+a', '+x', '+b', '-a', '-x']);
    expect(asked.watchFrom).toEqual(['1', '9']);
    expect(r.synced()).toBe(1);
    await w.stop();
  });

  it('stop() ends it: no list or watch after, and nothing delivered', async () => {
    const { client, asked } = scripted([list('1', obj('a', '1'))], [{ events: [], end: 'open' }]);
    const r = recorder();
    const w = watchForever(quiet, client, 'things', '/things', r.handlers, { restartMs: 0 });
    await until(() => asked.watchFrom.length === 1);
    await w.stop();
    const seen = r.log.length;
    await new Promise((res) => setTimeout(res, 10));
    expect(asked.watchFrom).toHaveLength(1);
    expect(r.log).toHaveLength(seen);
  });

  it('hands the handlers trimmed objects, from the list and from the watch: managedFields dropped unless told', async () => {
    const fat = (name: string, rv: string) => ({
      metadata: { name, namespace: 'ns', resourceVersion: rv, managedFields: [{ manager: 'm' }] },
      spec: { big: 'x', small: 1 },
    });
    const seen = (trim?: (o: KubernetesObject) => KubernetesObject) => async () => {
      const { client } = scripted(
        [list('1', fat('a', '1'))],
        [{ events: [{ type: 'ADDED', object: fat('b', '2') }], end: 'open' }],
      );
      const got: unknown[] = [];
      const w = watchForever(
        quiet,
        client,
        'things',
        '/things',
        { upsert: (o) => got.push(o), remove: () => undefined },
        {
          restartMs: 0,
          trim,
        },
      );
      await until(() => got.length === 2);
      await w.stop();
      return got;
    };
    const meta = (name: string, rv: string) => ({ name, namespace: 'ns', resourceVersion: rv });
    expect(await seen()()).toEqual([
      { metadata: meta('a', '1'), spec: { big: 'x', small: 1 } },
      { metadata: meta('b', '2'), spec: { big: 'x', small: 1 } },
    ]);
    const small = (o: KubernetesObject): KubernetesObject =>
      ({ metadata: o.metadata, spec: { small: 1 } }) as KubernetesObject;
    const got = await seen(small)();
    expect(got.map((o) => (o as { spec: unknown }).spec)).toEqual([{ small: 1 }, { small: 1 }]);
  });
});
