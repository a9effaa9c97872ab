/** Helpers for the server's tests: JSON requests and line-by-line watch streams against a running server. */
import * as http from 'node:http';
import type { JsonObject } from '../types';

export interface Reply {
  status: number;
  contentType: string;
  body: JsonObject;
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': contentType } : {}), 'User-Agent': 'tester/1.0', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    body: JSON.parse(text) as JsonObject,
  };
}

export interface WatchEventLine {
  type: string;
  object: JsonObject & { metadata: JsonObject };
}

/** A watch stream: `next()` resolves with the next event, `close()` aborts the request. */
export class WatchStream {
  private readonly lines: WatchEventLine[] = [];
  private waiters: Array<(e: WatchEventLine | undefined) => void> = [];
  private buffer = '';
  private ended = false;
  private readonly req: http.ClientRequest;
  status = 0;

  constructor(url: string) {
    this.req = http.get(url, (res) => {
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        this.buffer += chunk;
        let i: number;
        while ((i = this.buffer.indexOf('\n')) >= 0) {
          const line = this.buffer.slice(0, i);
          this.buffer = this.buffer.slice(i + 1);
          if (line.trim()) this.push(JSON.parse(line) as WatchEventLine);
        }
      });
      res.on('end', () => this.finish());
      res.on('error', () => this.finish());
    });
    this.req.on('error', () => this.finish());
  }

  private push(e: WatchEventLine): void {
    const w = this.waiters.shift();
    if (w) w(e);
    else this.lines.push(e);
  }

  private finish(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** The next event, or undefined once the stream ended. */
  next(): Promise<WatchEventLine | undefined> {
    const e = this.lines.shift();
    if (e) return Promise.resolve(e);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next `n` events. */
  async take(n: number): Promise<WatchEventLine[]> {
    const out: WatchEventLine[] = [];
    while (out.length < n) {
      const e = await this.next();
      if (!e) break;
      out.push(e);
    }
    return out;
  }

  close(): void {
    this.req.destroy();
  }
}

export const svc = (name: string, labels: Record<string, string> = {}, extra: JsonObject = {}): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels },
  spec: { ports: [{ port: 80 }], selector: { app: name } },
  ...extra,
});
