import type { RecordedCase } from './cases';

/** What our server answered to one replayed request. */
export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
  events?: Array<{ type: string; object: unknown }>;
}

interface Obj {
  metadata?: Record<string, unknown>;
  spec?: { clusterIP?: unknown; clusterIPs?: unknown; ports?: Array<Record<string, unknown>> };
}

/**
 * Replays recorded requests in order against one server, carrying what the real client carried from answer to
 * answer (the current resourceVersion on PUT, the continue token of the previous page).
 */
export class Replayer {
  private lastContinue: string | undefined;

  constructor(private readonly baseUrl: string) {}

  async send(
    method: string,
    path: string,
    opts: { contentType?: string; accept?: string; body?: unknown } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      // managedFields name the manager after the client; the recording was made with python-requests.
      'User-Agent': 'python-requests/2.31.0',
      Accept: opts.accept ?? 'application/json',
    };
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
    const body =
      opts.body === undefined || opts.body === null
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body);
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: compared as text
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
  }

  async replay(c: RecordedCase): Promise<Answer> {
    if (c.response.events) return this.replayWatch(c);
    let path = c.request.path;
    if (path.includes('continue=') && this.lastContinue) {
      path = path.replace(/continue=[^&]*/, `continue=${encodeURIComponent(this.lastContinue)}`);
    }
    let body = c.request.body;
    if (c.request.method === 'PUT' && body && typeof body === 'object' && !c.name.includes('stale')) {
      body = await this.withCurrentServerValues(path, body as Obj);
    }
    const answer = await this.send(c.request.method, path, {
      contentType: c.request.contentType ?? undefined,
      accept: c.request.accept ?? undefined,
      body,
    });
    const meta = (answer.body as { metadata?: { continue?: string } } | null)?.metadata;
    if (meta?.continue) this.lastContinue = meta.continue;
    return answer;
  }

  /** The recorded PUT bodies carry the recording server's uid, resourceVersion, cluster IP and node ports. */
  private async withCurrentServerValues(path: string, body: Obj): Promise<Obj> {
    const current = (await this.send('GET', path.replace(/\/status$/, ''))).body as Obj;
    const next: Obj = JSON.parse(JSON.stringify(body));
    for (const key of ['uid', 'resourceVersion', 'creationTimestamp'] as const) {
      if (next.metadata && current.metadata?.[key] !== undefined) next.metadata[key] = current.metadata[key];
    }
    if (next.spec && current.spec) {
      if (next.spec.clusterIP !== undefined) next.spec.clusterIP = current.spec.clusterIP;
      if (next.spec.clusterIPs !== undefined) next.spec.clusterIPs = current.spec.clusterIPs;
      for (const port of next.spec.ports ?? []) {
        const same = current.spec.ports?.find(
          (p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
        );
        if (port.nodePort !== undefined && same?.nodePort !== undefined) port.nodePort = same.nodePort;
      }
    }
    return next;
  }

  /**
   * 100: a watch from the list's resourceVersion, then the changes the recording made while it ran
   * (a label patch, a delete, a create), collected until all three arrived.
   */
  private async replayWatch(c: RecordedCase): Promise<Answer> {
    const base = c.request.path.split('?')[0];
    const list = (await this.send('GET', base)).body as { metadata: { resourceVersion: string } };
    const controller = new AbortController();
    const res = await fetch(
      `${this.baseUrl}${base}?watch=1&allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion}`,
      { signal: controller.signal, headers: { 'User-Agent': 'python-requests/2.31.0' } },
    );
    const events: Array<{ type: string; object: unknown }> = [];
    const wanted = c.response.events?.length ?? 0;
    const reading = (async () => {
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of res.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line) as { type: string; object: unknown };
          if (ev.type !== 'BOOKMARK') events.push(ev);
          if (events.length >= wanted) return;
        }
      }
    })();
    await this.send('PATCH', `${base}/acserver4-service`, {
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { x: 'y' } } },
    });
    await this.send('DELETE', `${base}/sample-nodeport`);
    await this.send('POST', base, {
      contentType: 'application/json',
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'w', labels: { app: 'acserver1' } },
        spec: { type: 'LoadBalancer', selector: { app: 'acserver1' }, ports: [{ port: 81 }] },
      },
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
    await Promise.race([reading, timeout]);
    controller.abort();
    await reading.catch(() => undefined);
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: undefined, events };
  }
}
