/**
 * The daemon's one HTTP port (--metrics-port): Prometheus metrics on /metrics (one prom-client Registry as text, 500
 * when collecting fails) and the kubelet's probes. /healthz answers 200 "ok" whenever it is asked: an answer at all
 * proves the event loop (the daemon's only loop) runs, and a blocked loop answers nothing, which the probe's timeout
 * counts as a failure. /readyz answers 200 "ok" once `notReady` returns undefined, and 503 with its one-line reason
 * before. Any other path is 404. A port that cannot be bound is logged, not fatal: the daemon's work does not depend
 * on being scraped. Served registries also carry prom-client's process and Node.js metrics
 * (process_resident_memory_bytes, nodejs_heap_size_used_bytes, event loop lag, ...), which the benchmarks read too.
 */
import * as http from 'node:http';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

/** What serveDaemonPort logs through; a pino Logger is one. */
export interface MetricsLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Why the daemon is not ready yet (one line), or undefined once it is. */
export type NotReady = () => string | undefined;

function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
}

export function serveDaemonPort(registry: Registry, port: number, log: MetricsLog, notReady: NotReady): http.Server {
  collectDefaultMetrics({ register: registry });
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path === '/healthz') return text(res, 200, 'ok');
    if (path === '/readyz') {
      const why = notReady();
      return why === undefined ? text(res, 200, 'ok') : text(res, 503, why);
    }
    if (path !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.on('error', (e) => log.error({ port, err: e.message }, 'cannot serve metrics and probes'));
  return server.listen(port, () => {
    const address = server.address();
    log.info({ port: typeof address === 'object' && address !== null ? address.port : port }, 'serving metrics');
  });
}

/** What a daemon tells its config gauges after each parse of the config objects. */
export interface ConfigGauges {
  /** A parse of the objects read from the API server; `errors`: how many errors it reported. */
  parsed(errors: number): void;
}

/**
 * MetalLB's two config gauges. ironlb never falls back to an older config: an object with errors is left out whole
 * and the rest is used (see parseConfig). So "loaded" is 1 once the objects read from the API server were parsed
 * (what is used is valid by construction), and "stale" is 1 while the newest parse left any object out.
 */
export function configGauges(registry: Registry): ConfigGauges {
  const loaded = new Gauge({
    name: 'ironlb_k8s_client_config_loaded_bool',
    help: 'Whether a config was loaded from the API server (1) or not yet (0)',
    registers: [registry],
  });
  const stale = new Gauge({
    name: 'ironlb_k8s_client_config_stale_bool',
    help: 'Whether the newest config objects had errors (1: those objects are left out of the config in use) or not (0)',
    registers: [registry],
  });
  loaded.set(0);
  stale.set(0);
  return {
    parsed(errors) {
      loaded.set(1);
      stale.set(errors > 0 ? 1 : 0);
    },
  };
}
