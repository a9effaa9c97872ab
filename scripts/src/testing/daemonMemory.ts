/**
 * A daemon's memory as its own /metrics shows it (prom-client's process and Node.js metrics, served with
 * --metrics-port): resident set and V8 heap side by side, so a benchmark can tell objects the daemon keeps from
 * memory the runtime holds.
 */
import * as net from 'node:net';

export interface DaemonMemory {
  readonly rssBytes: number;
  /** Live and not yet collected objects on the V8 heap. */
  readonly heapUsedBytes: number;
  /** What V8 has reserved for its heap. */
  readonly heapTotalBytes: number;
}

/** A TCP port free on 127.0.0.1 right now, for a daemon's --metrics-port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The value of an unlabelled sample in Prometheus text, or an error naming the metric. */
export function sampleOf(text: string, metric: string): number {
  const m = new RegExp(`^${metric} (\\S+)$`, 'm').exec(text);
  const value = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(value)) throw new Error(`/metrics has no ${metric}`);
  return value;
}

/** Scrapes http://`host`:`port`/metrics (host defaults to 127.0.0.1). */
export async function daemonMemory(port: number, host = '127.0.0.1'): Promise<DaemonMemory> {
  const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics on ${host}:${port}: ${res.status}`);
  return memoryOfMetrics(await res.text());
}

/** The memory figures of a /metrics text. */
export function memoryOfMetrics(text: string): DaemonMemory {
  return {
    rssBytes: sampleOf(text, 'process_resident_memory_bytes'),
    heapUsedBytes: sampleOf(text, 'nodejs_heap_size_used_bytes'),
    heapTotalBytes: sampleOf(text, 'nodejs_heap_size_total_bytes'),
  };
}
