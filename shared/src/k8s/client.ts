/**
 * The daemons' HTTP client to the API server: JSON in and out over one keep-alive agent, a bearer token or a client
 * certificate from the ClusterAccess, and watches read as a stream of JSON lines. Small on purpose: the calls ironlb
 * makes are a dozen REST verbs on a handful of paths, and client-node's generated clients cost most of a speaker's
 * memory budget just by being loaded (see kubeconfig.ts).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClusterAccess } from './kubeconfig';

/** Requests beyond this wait for a free connection instead of opening more (watches hold one each). */
const MAX_SOCKETS = 32;
/** A call that has not answered by then has failed (the caller retries); watches are exempt. */
const REQUEST_TIMEOUT_MS = 30_000;

export const MERGE_PATCH = 'application/merge-patch+json';

/** A call the API server answered with an error status: `code` is the HTTP status, `status` its Status object. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: unknown,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Content-Type of the body; JSON unless a patch says otherwise. */
  readonly contentType?: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** One event of a watch stream (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) with its object. */
export interface WatchEvent {
  readonly type: string;
  readonly object: unknown;
}

export interface WatchStream {
  /** Resolves when the server ends the stream (a timeout, a restart); rejects on a broken connection or status. */
  readonly done: Promise<void>;
  /** Ends it from our side; `done` then resolves. */
  stop(): void;
}

function messageOf(status: unknown, fallback: string): string {
  const m = typeof status === 'object' && status !== null ? (status as { message?: unknown }).message : undefined;
  return typeof m === 'string' && m !== '' ? m : fallback;
}

export class KubeClient {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(readonly access: ClusterAccess) {
    this.base = new URL(access.server);
    this.agent =
      this.base.protocol === 'http:'
        ? new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS })
        : new https.Agent({
            keepAlive: true,
            maxSockets: MAX_SOCKETS,
            ca: access.ca,
            cert: access.cert,
            key: access.key,
            rejectUnauthorized: !access.insecure,
          });
  }

  get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, opts);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  /** A JSON merge patch (RFC 7386), the one patch type ironlb writes with. */
  mergePatch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body, contentType: MERGE_PATCH });
  }

  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, { body });
  }

  request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
      const req = this.open(method, path, opts.query, {
        ...(payload ? { 'Content-Type': opts.contentType ?? 'application/json' } : {}),
        ...(payload ? { 'Content-Length': String(payload.length) } : {}),
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(new Error(`${method} ${path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = text;
          }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve(parsed as T);
          else
            reject(new ApiError(code, parsed, `${method} ${path}: ${code} ${messageOf(parsed, text.slice(0, 200))}`));
        });
      });
      req.end(payload);
    });
  }

  /** Streams `path?watch=1&...` as events until the server ends it, the connection breaks, or stop() is called. */
  watch(path: string, query: RequestOptions['query'], onEvent: (e: WatchEvent) => void): WatchStream {
    let stopped = false;
    let req: http.ClientRequest | undefined;
    const done = new Promise<void>((resolve, reject) => {
      req = this.open('GET', path, { ...query, watch: true }, {});
      const fail = (e: Error): void => (stopped ? resolve() : reject(e));
      req.on('error', fail);
      req.on('response', (res) => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => fail(new ApiError(code, undefined, `watch ${path}: ${code} ${Buffer.concat(chunks)}`)));
          return;
        }
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (line === '') continue;
            let event: unknown;
            try {
              event = JSON.parse(line);
            } catch {
              res.destroy(new Error(`watch ${path}: a line that is not JSON: ${line.slice(0, 100)}`));
              return;
            }
            const e = event as { type?: unknown; object?: unknown };
            if (!stopped && typeof e.type === 'string') onEvent({ type: e.type, object: e.object });
          }
        });
        res.on('error', fail);
        res.on('close', () =>
          res.complete || stopped ? resolve() : fail(new Error(`watch ${path}: connection lost`)),
        );
      });
      req.end();
    });
    return {
      done,
      stop: () => {
        stopped = true;
        req?.destroy();
      },
    };
  }

  private open(
    method: string,
    path: string,
    query: RequestOptions['query'],
    headers: Record<string, string>,
  ): http.ClientRequest {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const token = this.access.token?.();
    const options: https.RequestOptions = {
      method,
      agent: this.agent,
      headers: { Accept: 'application/json', ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    };
    return url.protocol === 'http:' ? http.request(url, options) : https.request(url, options);
  }
}
