import type { EngineSessionSpec, SessionInfo } from './engine';
import { BfdLoop } from './loop';
import type { StateChange } from './session';

// Two loops on loopback, each on its own address with the same BFD port (a random one: no root, and no clash with
// a real bfdd on 3784). Assertions are about states reached; the waits are generous bounds, not measurements.
const PORT = 30000 + Math.floor(Math.random() * 10000);
const ports = { singleHop: PORT, multihop: PORT + 1 };

interface Side {
  readonly loop: BfdLoop;
  readonly changes: { id: number; change: StateChange; info: SessionInfo }[];
  readonly errors: string[];
  readonly drops: string[];
}

const side = (address: string, readTtl = true): Side => {
  const changes: Side['changes'] = [];
  const errors: string[] = [];
  const drops: string[] = [];
  const loop = new BfdLoop(
    { ports, listenAddress: { v4: address }, readTtl },
    {
      onState: (id, change, info) => changes.push({ id, change, info }),
      onDrop: (reason, from) => drops.push(`${reason} ${from}`),
      onError: (m) => errors.push(m),
    },
  );
  return { loop, changes, errors, drops };
};

const spec = (peerAddress: string, localAddress: string): EngineSessionSpec => ({
  peerAddress,
  localAddress,
  multihop: false,
  passive: false,
  echoMode: false,
  minimumTtl: 254,
  desiredMinTxMs: 50,
  requiredMinRxMs: 50,
  detectMultiplier: 3,
});

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('BfdLoop on loopback', () => {
  const sides: Side[] = [];
  afterEach(async () => {
    await Promise.all(sides.splice(0).map((s) => s.loop.close()));
  });

  test('two loops bring their session Up; removing one takes the other Down with diag 3', async () => {
    const a = side('127.0.0.1');
    const b = side('127.0.0.2');
    sides.push(a, b);
    const ia = await a.loop.add(spec('127.0.0.2', '127.0.0.1'));
    const ib = await b.loop.add(spec('127.0.0.1', '127.0.0.2'));
    expect(ia.state).toBe('down');
    await until('both Up', () => a.loop.info(ia.id)?.state === 'up' && b.loop.info(ib.id)?.state === 'up');
    expect(a.changes.at(-1)?.change.to).toBe('up');
    expect(a.loop.info(ia.id)).toMatchObject({ remoteDiscriminator: ib.id, txIntervalMs: 50, detectionTimeMs: 150 });
    await b.loop.remove(ib.id);
    await until('A Down', () => a.loop.info(ia.id)?.state === 'down');
    expect(a.changes.at(-1)).toMatchObject({ id: ia.id, change: { from: 'up', to: 'down', diag: 3 } });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  test('with node:dgram listeners (readTtl false, no TTL to check) sessions still come Up', async () => {
    const a = side('127.0.0.1', false);
    const b = side('127.0.0.2');
    sides.push(a, b);
    const ia = await a.loop.add(spec('127.0.0.2', '127.0.0.1'));
    const ib = await b.loop.add(spec('127.0.0.1', '127.0.0.2'));
    await until('both Up', () => a.loop.info(ia.id)?.state === 'up' && b.loop.info(ib.id)?.state === 'up');
  });

  test('a datagram for no session is dropped and named', async () => {
    const a = side('127.0.0.1');
    const b = side('127.0.0.2');
    sides.push(a, b);
    await a.loop.add(spec('127.0.0.3', '127.0.0.1'));
    await b.loop.add(spec('127.0.0.1', '127.0.0.2'));
    await until('a drop at A', () => a.drops.length > 0);
    expect(a.drops[0]).toBe('noSession 127.0.0.2');
  });

  test('a second session to the same peer is refused and its sender closed', async () => {
    const a = side('127.0.0.1');
    sides.push(a);
    await a.loop.add(spec('127.0.0.2', '127.0.0.1'));
    await expect(a.loop.add(spec('127.0.0.2', '127.0.0.1'))).rejects.toThrow('exists already');
  });

  test('a local address of the other family is refused', async () => {
    const a = side('127.0.0.1');
    sides.push(a);
    await expect(a.loop.add(spec('127.0.0.2', '::1'))).rejects.toThrow('different families');
  });
});
