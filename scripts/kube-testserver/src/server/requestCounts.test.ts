import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKubeServer, type KubeServer } from './index';

let dir: string;
let server: KubeServer;
let socketPath: string;

/** One GET, over TCP (the server's URL) or the Unix socket; resolves with the status once the body is read. */
const get = (p: string, via: 'tcp' | 'unix'): Promise<number> =>
  new Promise((resolve, reject) => {
    const u = new URL(p, server.url);
    const target = via === 'tcp' ? { host: u.hostname, port: u.port } : { socketPath };
    const req = http.get({ ...target, path: p, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-kube-counts-'));
  socketPath = path.join(dir, 'kube.sock');
  server = await startKubeServer({ port: 0, socketPath });
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('requestCounts', () => {
  it('counts requests per listener, answered or not', async () => {
    const before = server.requestCounts();
    expect(await get('/api/v1/namespaces', 'tcp')).toBe(200);
    expect(await get('/api/v1/namespaces', 'unix')).toBe(200);
    expect(await get('/api/v1/namespaces/nope', 'unix')).toBe(404);
    expect(await get('/version', 'unix')).toBe(200);
    expect(server.requestCounts()).toEqual({ tcp: before.tcp + 1, unix: before.unix + 3 });
  });

  it('returns a copy: a snapshot does not move with later requests', async () => {
    const snap = server.requestCounts();
    const copy = { ...snap };
    await get('/version', 'tcp');
    expect(snap).toEqual(copy);
    expect(server.requestCounts().tcp).toBe(copy.tcp + 1);
  });

  it('is zero on the Unix side for a server without a socket', async () => {
    const plain = await startKubeServer({ port: 0 });
    try {
      const r = await new Promise<number>((resolve, reject) => {
        http
          .get(new URL('/version', plain.url), { agent: false }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
      expect(r).toBe(200);
      expect(plain.requestCounts()).toEqual({ tcp: 1, unix: 0 });
    } finally {
      await plain.stop();
    }
  });
});
