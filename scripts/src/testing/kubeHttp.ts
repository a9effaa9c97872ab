/**
 * Plain HTTP to ironlb-kube for benchmarks and tests that send thousands of requests: kubectl costs a process per
 * call and client-node is ESM-only (jest runs CommonJS), so both would measure themselves rather than the server.
 */
import * as http from 'node:http';

export interface HttpResult {
  status: number;
  text: string;
}

export interface HttpClient {
  request(url: string, method: string, body?: unknown): Promise<HttpResult>;
  /** The parsed body of an answer with one of `expect`'s codes; any other answer throws with its Status text. */
  json<T>(url: string, method: string, body?: unknown, expect?: readonly number[]): Promise<T>;
  close(): void;
}

/** A keep-alive client; `maxSockets` bounds the connections, so it also bounds what a burst keeps in flight. */
export function httpClient(maxSockets = 32): HttpClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (url: string, method: string, body?: unknown): Promise<HttpResult> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        url,
        {
          method,
          agent,
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': 'ironlb-bench' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  return {
    request,
    json: async <T>(url: string, method: string, body?: unknown, expect: readonly number[] = [200, 201]) => {
      const r = await request(url, method, body);
      if (!expect.includes(r.status)) throw new Error(`${method} ${url}: ${r.status} ${r.text.slice(0, 300)}`);
      return JSON.parse(r.text) as T;
    },
    close: () => agent.destroy(),
  };
}

/**
 * Runs `task(0..count-1)` with at most `concurrency` in flight, in index order; the first failure rejects once the
 * tasks already started have settled, so no request outlives the caller's cleanup.
 */
export async function inParallel(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < count && !failed) {
      const i = next++;
      try {
        await task(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, count) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

export interface WatchEvent {
  type: string;
  object: unknown;
}

export interface RawWatch {
  /** Resolves once the server has answered, i.e. the watch is registered and misses no later change. */
  readonly open: Promise<void>;
  /** Resolves when the stream ends for any reason other than stop(). */
  readonly ended: Promise<string>;
  stop(): void;
}

/**
 * A raw watch (`?watch=1`): one JSON event per line, handed to `onEvent` in order. Without a resourceVersion the
 * server first sends the objects that exist as ADDED, then every change.
 */
export function rawWatch(url: string, onEvent: (e: WatchEvent) => void): RawWatch {
  let stopped = false;
  let req: http.ClientRequest | undefined;
  let opened: () => void = () => undefined;
  let failed: (e: Error) => void = () => undefined;
  const open = new Promise<void>((resolve, reject) => {
    opened = resolve;
    failed = reject;
  });
  const ended = new Promise<string>((resolve) => {
    const sep = url.includes('?') ? '&' : '?';
    req = http.get(`${url}${sep}watch=1`, (res) => {
      if (res.statusCode !== 200) {
        failed(new Error(`watch ${url}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      opened();
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent);
        }
      });
      res.on('close', () => {
        if (!stopped) resolve(`watch ${url} closed by the server`);
      });
    });
    req.on('error', (e) => {
      failed(e);
      if (!stopped) resolve(`watch ${url}: ${e.message}`);
    });
  });
  // An unobserved rejection would be fatal to the runner; callers that care await `open`.
  open.catch(() => undefined);
  return {
    open,
    ended,
    stop: () => {
      stopped = true;
      req?.destroy();
    },
  };
}
