/**
 * The /metrics endpoint a daemon serves on --metrics-port: one prom-client Registry as Prometheus text, 404 for any
 * other path, 500 when collecting fails. A port that cannot be bound is logged, not fatal: the daemon's work does
 * not depend on being scraped.
 */
import * as http from 'node:http';
import type { Registry } from 'prom-client';

/** What serveMetrics logs through; a pino Logger is one. */
export interface MetricsLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function serveMetrics(registry: Registry, port: number, log: MetricsLog): http.Server {
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
