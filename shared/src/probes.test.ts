import type { AddressInfo } from 'node:net';
import type * as http from 'node:http';
import { Gauge, Registry } from 'prom-client';
import { serveDaemonPort } from './metrics';

const quiet = { info: (): void => undefined, error: (): void => undefined };
const listening = (server: http.Server): Promise<number> =>
  new Promise((resolve) => server.once('listening', () => resolve((server.address() as AddressInfo).port)));
const closed = (server: http.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

test('/healthz answers ok; /readyz 503 with the reason until ready, then ok; /metrics the registry; else 404', async () => {
  const registry = new Registry();
  new Gauge({ name: 'ironlb_test_gauge', help: 'A test gauge', registers: [registry] }).set(4);
  let why: string | undefined = 'listing Services';
  const server = serveDaemonPort(registry, 0, quiet, () => why);
  const port = await listening(server);
  const get = async (path: string): Promise<[number, string]> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return [res.status, await res.text()];
  };
  try {
    expect(await get('/healthz')).toEqual([200, 'ok\n']);
    expect(await get('/readyz')).toEqual([503, 'listing Services\n']);
    why = undefined;
    expect(await get('/readyz')).toEqual([200, 'ok\n']);
    expect(await get('/readyz?verbose')).toEqual([200, 'ok\n']);
    const [status, text] = await get('/metrics');
    expect(status).toBe(200);
    expect(text).toContain('# TYPE ironlb_test_gauge gauge\nironlb_test_gauge 4\n');
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]\d*$/m);
    expect((await get('/'))[0]).toBe(404);
    expect((await get('/healthz/x'))[0]).toBe(404);
  } finally {
    await closed(server);
  }
});
