import type { AddressInfo } from 'node:net';
import type * as http from 'node:http';
import { Counter, Registry } from 'prom-client';
import { serveDaemonPort, type MetricsLog } from './metrics';

function logged(): MetricsLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (fields, message) => lines.push(`info ${message} ${JSON.stringify(fields)}`),
    error: (fields, message) => lines.push(`error ${message} ${JSON.stringify(fields)}`),
  };
}

const listening = (server: http.Server): Promise<number> =>
  new Promise((resolve) => server.once('listening', () => resolve((server.address() as AddressInfo).port)));
const closed = (server: http.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

test('serves the registry and the process metrics on /metrics, and nothing else', async () => {
  const registry = new Registry();
  new Counter({ name: 'ironlb_test_total', help: 'A test counter', registers: [registry] }).inc(3);
  const log = logged();
  const server = serveDaemonPort(registry, 0, log, () => undefined);
  const port = await listening(server);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    const text = await res.text();
    expect(text).toContain(
      '# HELP ironlb_test_total A test counter\n# TYPE ironlb_test_total counter\nironlb_test_total 3\n',
    );
    // The process's own figures come along: the benchmarks read memory from them.
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]\d*$/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes [1-9]\d*$/m);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics/x`)).status).toBe(404);
    expect(log.lines).toEqual([`info serving metrics {"port":${port}}`]);
  } finally {
    await closed(server);
  }
});

test('a port already in use is logged, not thrown', async () => {
  const first = serveDaemonPort(new Registry(), 0, logged(), () => undefined);
  const port = await listening(first);
  const log = logged();
  const second = serveDaemonPort(new Registry(), port, log, () => undefined);
  await new Promise((resolve) => second.once('error', resolve));
  expect(log.lines).toEqual([
    expect.stringMatching(/^error cannot serve metrics and probes \{"port":\d+,"err":".*EADDRINUSE/),
  ]);
  await closed(first);
});
