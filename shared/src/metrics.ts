/**
 * The /metrics endpoint a daemon serves on --metrics-port: one prom-client Registry as Prometheus text, 404 for any
 * other path, 500 when collecting fails. A port that cannot be bound is logged, not fatal: the daemon's work does
 * not depend on being scraped. Served registries also carry prom-client's process and Node.js metrics
 * (process_resident_memory_bytes, nodejs_heap_size_used_bytes, event loop lag, ...), which the benchmarks read too;
 * a daemon that is not scraped does not pay for collecting them.
 */
import * as http from 'node:http';
import { collectDefaultMetrics, type Registry } from 'prom-client';

/** What serveMetrics logs through; a pino Logger is one. */
export interface MetricsLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function serveMetrics(registry: Registry, port: number, log: MetricsLog): http.Server {
  collectDefaultMetrics({ register: registry });
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  server.on('error', (e) => log.error({ port, err: e.message }, 'cannot serve metrics'));
  return server.listen(port, () => {
    const address = server.address();
    log.info({ port: typeof address === 'object' && address !== null ? address.port : port }, 'serving metrics');
  });
}
