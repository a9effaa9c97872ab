import * as net from 'node:net';
import { startKubeServer, type KubeServer } from './index';
import { call, svc, WatchStream } from './test-helpers';

let server: KubeServer;
let base: string;
// Not `default`: it holds the apiserver's own `kubernetes` Service.
const NS = '/api/v1/namespaces/w/services';
const streams: WatchStream[] = [];

const open = (path: string): WatchStream => {
  const s = new WatchStream(base + path);
  streams.push(s);
  return s;
};

beforeAll(async () => {
  server = await startKubeServer({ port: 0, historySize: 50, bookmarkIntervalMs: 50 });
  base = server.url;
  await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: 'w' } });
});
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
});
afterAll(() => server.stop());

const rvOf = (b: { metadata?: unknown }): string => (b.metadata as { resourceVersion: string }).resourceVersion;
const brief = (e: { type: string; object: { metadata: Record<string, unknown> } } | undefined): string =>
  e ? `${e.type} ${String(e.object.metadata.name)}` : 'end';

describe('watch', () => {
  it('starts with synthetic ADDED events when no resourceVersion is given', async () => {
    await call(base, 'POST', NS, svc('w0'));
    const s = open(`${NS}?watch=true`);
    expect(brief(await s.next())).toBe('ADDED w0');
    await call(base, 'POST', NS, svc('w1'));
    const e = await s.next();
    expect(brief(e)).toBe('ADDED w1');
    expect(e?.object.kind).toBe('Service');
  });

  it('replays events after a list resourceVersion (100)', async () => {
    const list = await call(base, 'GET', NS);
    await call(base, 'PATCH', `${NS}/w0`, { metadata: { labels: { x: 'y' } } }, 'application/merge-patch+json');
    const del = await call(base, 'DELETE', `${NS}/w1`);
    await call(base, 'POST', NS, svc('w2'));
    const s = open(`${NS}?watch=1&allowWatchBookmarks=true&resourceVersion=${rvOf(list.body)}`);
    const events = await s.take(3);
    expect(events.map(brief)).toEqual(['MODIFIED w0', 'DELETED w1', 'ADDED w2']);
    // A DELETED event carries the deletion's resourceVersion, newer than the object's last one.
    expect(Number(events[1].object.metadata.resourceVersion)).toBeGreaterThan(Number(rvOf(del.body)));
  });

  it('answers an ERROR event with 410 Expired for a compacted resourceVersion', async () => {
    for (let i = 0; i < 60; i++)
      await call(base, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `c${i}` } });
    const s = open(`${NS}?watch=1&resourceVersion=2`);
    const e = await s.next();
    expect(s.status).toBe(200);
    expect(e?.type).toBe('ERROR');
    expect(e?.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(String(e?.object.message)).toMatch(/^too old resource version: 2 \(\d+\)$/);
    expect(await s.next()).toBeUndefined();
  });

  it('sends periodic bookmarks and the initial-events-end bookmark', async () => {
    const s = open(`${NS}?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`);
    let e = await s.next();
    while (e && e.type === 'ADDED') e = await s.next();
    expect(e?.type).toBe('BOOKMARK');
    expect(e?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    const next = await s.next();
    expect(next?.type).toBe('BOOKMARK');
    expect(next?.object.metadata.resourceVersion).toBe(String(server.store.resourceVersion));
  });

  it('turns objects leaving and entering a label selector into DELETED and ADDED', async () => {
    await call(base, 'POST', NS, svc('sel', { team: 'a' }));
    const s = open(`${NS}?watch=1&labelSelector=team%3Da`);
    expect(brief(await s.next())).toBe('ADDED sel');
    await call(base, 'PATCH', `${NS}/sel`, { metadata: { labels: { team: 'b' } } }, 'application/merge-patch+json');
    const left = await s.next();
    expect(brief(left)).toBe('DELETED sel');
    expect(left?.object.metadata.labels).toEqual({ team: 'b' });
    await call(base, 'PATCH', `${NS}/sel`, { metadata: { labels: { team: 'a' } } }, 'application/merge-patch+json');
    expect(brief(await s.next())).toBe('ADDED sel');
  });

  it('serves the legacy /watch/ paths and field selectors on one name', async () => {
    const s = open('/api/v1/watch/namespaces/w/services/sel');
    expect(brief(await s.next())).toBe('ADDED sel');
    await call(base, 'POST', NS, svc('other'));
    await call(base, 'DELETE', `${NS}/sel`);
    expect(brief(await s.next())).toBe('DELETED sel');
  });

  it('ends at timeoutSeconds', async () => {
    const s = open(`${NS}?watch=1&resourceVersion=${server.store.resourceVersion}&timeoutSeconds=1`);
    expect(await s.next()).toBeUndefined();
  });

  it('sends Tables with column definitions only in the first event', async () => {
    // kubectl get -w asks for Tables; WatchStream cannot set Accept, so read this one with fetch.
    const res = await fetch(`${base}${NS}?watch=1&fieldSelector=metadata.name%3Dother`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const reader = res.body!.getReader();
    let text = '';
    await call(base, 'PATCH', `${NS}/other`, { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json');
    while ((text.match(/\n/g) ?? []).length < 2) {
      const { value } = await reader.read();
      text += Buffer.from(value!).toString('utf8');
    }
    await reader.cancel();
    const [first, second] = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { object: { kind: string; columnDefinitions: unknown } });
    expect(first.object.kind).toBe('Table');
    expect(Array.isArray(first.object.columnDefinitions)).toBe(true);
    expect(second.object.columnDefinitions).toBeNull();
  });

  it('drops a watcher that does not read instead of buffering without bound', async () => {
    const tiny = await startKubeServer({ port: 0, maxWatchBufferBytes: 256 * 1024 });
    const socket = net.connect(tiny.port, '127.0.0.1');
    try {
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.write('GET /api/v1/namespaces/default/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n');
      socket.pause(); // never reads: the server's socket buffer fills up
      while (tiny.watchers() === 0) await new Promise((r) => setTimeout(r, 5));
      const big = 'x'.repeat(200_000);
      for (let i = 0; i < 100 && tiny.watchers() > 0; i++) {
        await call(tiny.url, 'POST', '/api/v1/namespaces/default/configmaps', {
          metadata: { name: `big${i}` },
          data: { big },
        });
      }
      expect(tiny.watchers()).toBe(0);
      expect((await call(tiny.url, 'GET', '/api/v1/namespaces/default/configmaps?limit=1')).status).toBe(200);
    } finally {
      socket.destroy();
      await tiny.stop();
    }
  });
});
