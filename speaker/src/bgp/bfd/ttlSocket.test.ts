import dgram from 'node:dgram';
import { openTtlSocket, type TtlSocket } from './ttlSocket';

// The addon on loopback: a datagram's TTL / hop limit as sent comes back with it (loopback does not decrement).
describe('UdpTtlSocket', () => {
  const open: (TtlSocket | dgram.Socket)[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  const receiveOne = async (family: 4 | 6, ttl: number): Promise<{ bytes: Buffer; from: string; ttl: number }> => {
    const loopback = family === 4 ? '127.0.0.1' : '::1';
    let resolve!: (v: { bytes: Buffer; from: string; ttl: number }) => void;
    const got = new Promise<{ bytes: Buffer; from: string; ttl: number }>((r) => (resolve = r));
    const r = openTtlSocket(
      family,
      loopback,
      0,
      (bytes, from, t) => resolve({ bytes, from, ttl: t }),
      () => {},
    );
    open.push(r);
    expect(r.port).toBeGreaterThan(0);
    const s = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    open.push(s);
    await new Promise<void>((ok) => s.bind(0, loopback, ok));
    s.setTTL(ttl);
    s.send(Buffer.from([1, 2, 3]), r.port, loopback);
    return got;
  };

  test.each([
    [4, 255],
    [4, 64],
    [6, 255],
    [6, 7],
  ] as const)('IPv%d: a datagram sent with TTL %d is reported with it', async (family, ttl) => {
    const m = await receiveOne(family, ttl);
    expect(m).toEqual({ bytes: Buffer.from([1, 2, 3]), from: family === 4 ? '127.0.0.1' : '::1', ttl });
  });

  test('errors name the errno: a port in use, a bad address', () => {
    const a = openTtlSocket(
      4,
      '127.0.0.1',
      0,
      () => {},
      () => {},
    );
    open.push(a);
    expect(() =>
      openTtlSocket(
        4,
        '127.0.0.1',
        a.port,
        () => {},
        () => {},
      ),
    ).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
    expect(() =>
      openTtlSocket(
        4,
        'nowhere',
        0,
        () => {},
        () => {},
      ),
    ).toThrow(/address nowhere:0: EINVAL/);
    expect(() =>
      openTtlSocket(
        5 as 4,
        '127.0.0.1',
        0,
        () => {},
        () => {},
      ),
    ).toThrow('new UdpTtlSocket(');
  });

  test('close is safe twice', () => {
    const a = openTtlSocket(
      6,
      '::1',
      0,
      () => {},
      () => {},
    );
    a.close();
    expect(() => a.close()).not.toThrow();
  });
});
