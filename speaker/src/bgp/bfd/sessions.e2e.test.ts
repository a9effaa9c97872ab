// BfdSessions with its real worker thread (the compiled speaker/dist/bgp/bfd/worker.js: `npx tsc -b` first), two
// instances on loopback addresses with a random BFD port (no root, no clash with a bfdd on 3784). The waits are
// generous bounds on outcomes, not measurements.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BFDProfile } from '@ironlb/shared/config';
import type { SessionInfo } from './engine';
import type { StateChange } from './session';
import { BfdSessions } from './sessions';

const PORT = 40000 + Math.floor(Math.random() * 9000);
const ports = { singleHop: PORT, multihop: PORT + 1 };
const profile: BFDProfile = {
  name: 'fast',
  receiveIntervalMs: 50,
  transmitIntervalMs: 50,
  detectMultiplier: 3,
  echoIntervalMs: 50,
  echoMode: false,
  passiveMode: false,
  minimumTtl: 254,
};

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('BfdSessions (worker thread)', () => {
  const open: BfdSessions[] = [];
  const tmp: string[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    for (const d of tmp.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const start = (address: string, errors: string[] = []): BfdSessions => {
    const s = BfdSessions.start({ ports, listenAddress: { v4: address }, onError: (m) => errors.push(m) });
    open.push(s);
    return s;
  };

  test('two managers bring a session Up, follow a profile change, and removal takes the peer Down (diag 3)', async () => {
    const errors: string[] = [];
    const a = start('127.0.0.1', errors);
    const b = start('127.0.0.2', errors);
    const ha = await a.add({ peerAddress: '127.0.0.2', localAddress: '127.0.0.1', profile, multihop: false });
    const hb = await b.add({
      peerAddress: '127.0.0.1',
      localAddress: '127.0.0.2',
      profile: { ...profile, echoMode: true },
      multihop: false,
    });
    expect(ha.echoRefusal).toBeUndefined();
    expect(hb.echoRefusal).toMatch(/echo mode is not implemented/);
    const seen: StateChange[] = [];
    ha.onStateChange((c) => seen.push(c));
    await until('both Up', () => ha.state === 'up' && hb.state === 'up');
    expect(a.sessions()).toEqual([ha]);
    expect(await ha.refresh()).toMatchObject({ remoteDiscriminator: hb.id, txIntervalMs: 50, detectionTimeMs: 150 });

    hb.setProfile({ ...profile, receiveIntervalMs: 200 });
    await until('A sends at B’s new RX interval', async () => (await ha.refresh()).txIntervalMs === 200);
    expect(ha.state).toBe('up');

    await hb.remove();
    await hb.remove();
    await expect(hb.refresh()).rejects.toThrow('was removed');
    await until('A Down', () => ha.state === 'down');
    expect(seen.at(-1)).toEqual({ from: 'up', to: 'down', diag: 3 });
    expect(errors).toEqual([]);
  });

  test('a refused add rejects with the reason', async () => {
    const a = start('127.0.0.1');
    await a.add({ peerAddress: '127.0.0.2', profile, multihop: false });
    await expect(a.add({ peerAddress: '127.0.0.2', profile, multihop: false })).rejects.toThrow('exists already');
    await expect(a.add({ peerAddress: 'nowhere', profile, multihop: false })).rejects.toThrow('not an IP address');
  });

  test('a worker that dies takes every Up session Down for its listeners', async () => {
    // A stand-in worker: answers one add as Up, then exits.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-bfd-'));
    tmp.push(dir);
    const workerPath = path.join(dir, 'dying.js');
    fs.writeFileSync(
      workerPath,
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', (m) => {
         if (m.type !== 'add') return;
         parentPort.postMessage({ type: 'added', ref: m.ref, info: { id: 5, state: 'up', diag: 0,
           remoteDiscriminator: 9, txIntervalMs: 50, detectionTimeMs: 150 } });
         setTimeout(() => process.exit(3), 50);
       });`,
    );
    const errors: string[] = [];
    const s = BfdSessions.start({ workerPath, onError: (m) => errors.push(m) });
    open.push(s);
    const h = await s.add({ peerAddress: '127.0.0.2', profile, multihop: false });
    const got: { change: StateChange; info: SessionInfo }[] = [];
    h.onStateChange((change, info) => got.push({ change, info }));
    await until('the Down', () => got.length > 0);
    expect(got[0]).toMatchObject({ change: { from: 'up', to: 'down', diag: 0 }, info: { state: 'down', id: 5 } });
    expect(errors.join('\n')).toContain('exited unexpectedly (code 3)');
    await expect(s.add({ peerAddress: '127.0.0.3', profile, multihop: false })).rejects.toThrow('has exited');
    await expect(h.remove()).resolves.toBeUndefined();
  });
});
