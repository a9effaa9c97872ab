import pino from 'pino';
import { mustParseIP } from '@ironlb/shared';
import { encodeArp, parseMac, ZERO_MAC } from './codec';
import { L2Announcer, type DesiredIP } from './announcer';
import type { PacketSocket } from './packetSocket';
import { RELEASE_MAX_MS } from './responder';

const ip = mustParseIP;
const OTHER = parseMac('02:00:00:00:00:12') ?? Buffer.alloc(6);
const VIP = ip('198.51.100.200');
const table = [{ name: 'eth0', addresses: [{ ip: ip('198.51.100.11'), prefixLength: 24 }] }];
const want = (...ips: string[]): Map<string, DesiredIP> =>
  new Map(ips.map((t) => [t, { ip: ip(t), interfaces: { names: [], auto: true } }]));

function setup() {
  const sockets: { socket: PacketSocket & { closed: boolean }; onFrames: (f: Buffer[]) => void }[] = [];
  const a = new L2Announcer(
    (ifname, onFrames) => {
      const socket = {
        ifname,
        mac: Buffer.from('020000000011', 'hex'),
        ifindex: 2,
        closed: false,
        setFilter: () => undefined,
        send: () => undefined,
        addMembership: () => undefined,
        dropMembership: () => undefined,
        close() {
          this.closed = true;
        },
      };
      sockets.push({ socket, onFrames });
      return socket;
    },
    { gratuitousCount: 1, gratuitousIntervalMs: 1, probeMs: 20, naSource: 'target' },
    { conflict: () => undefined, answered: () => undefined },
    pino({ level: 'silent' }),
  );
  a.setInterfaces(table);
  return { a, sockets };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('L2Announcer', () => {
  it("keeps an interface's socket open while its last IP is handed over, and closes it after", () => {
    const { a, sockets } = setup();
    a.apply(want('198.51.100.200'));
    jest.advanceTimersByTime(50);
    a.apply(want());
    expect(sockets[0].socket.closed).toBe(false);
    // The new owner probes for it.
    sockets[0].onFrames([
      encodeArp({
        ethDst: Buffer.alloc(6, 0xff),
        ethSrc: OTHER,
        op: 'request',
        senderMac: OTHER,
        senderIP: ip('0.0.0.0'),
        targetMac: ZERO_MAC,
        targetIP: VIP,
      }),
    ]);
    expect(sockets[0].socket.closed).toBe(true);
    // A later IP opens a new socket.
    a.apply(want('198.51.100.201'));
    expect(sockets).toHaveLength(2);
  });

  it('reuses a socket still handing over when the interface gets an IP again; closes when nobody takes one', () => {
    const { a, sockets } = setup();
    a.apply(want('198.51.100.200'));
    jest.advanceTimersByTime(50);
    a.apply(want());
    a.apply(want('198.51.100.201'));
    expect(sockets).toHaveLength(1);
    a.apply(want());
    jest.advanceTimersByTime(RELEASE_MAX_MS);
    expect(sockets[0].socket.closed).toBe(true);
  });

  it('an interface that went away is closed at once; so is everything on close()', () => {
    const { a, sockets } = setup();
    a.apply(want('198.51.100.200'));
    jest.advanceTimersByTime(50);
    a.setInterfaces([]);
    expect(sockets[0].socket.closed).toBe(true);
    a.setInterfaces(table);
    a.apply(want('198.51.100.200'));
    jest.advanceTimersByTime(50);
    a.apply(want());
    a.close();
    expect(sockets[1].socket.closed).toBe(true);
  });

  it('hands everything over on a graceful stop: answers until each new owner probes, ignores later plans', async () => {
    const { a, sockets } = setup();
    a.apply(want('198.51.100.200', '198.51.100.201'));
    jest.advanceTimersByTime(50);
    let done = false;
    const handed = a.handOver().then(() => (done = true));
    expect(a.apply(want('198.51.100.202'))).toEqual(new Map([['198.51.100.202', []]]));
    expect(sockets[0].socket.closed).toBe(false);
    sockets[0].onFrames([
      encodeArp({
        ethDst: Buffer.alloc(6, 0xff),
        ethSrc: OTHER,
        op: 'request',
        senderMac: OTHER,
        senderIP: ip('0.0.0.0'),
        targetMac: ZERO_MAC,
        targetIP: VIP,
      }),
    ]);
    await Promise.resolve();
    expect(done).toBe(false);
    // Nobody takes .201: it is let go after RELEASE_MAX_MS.
    jest.advanceTimersByTime(RELEASE_MAX_MS);
    await handed;
    expect(sockets[0].socket.closed).toBe(true);
    expect(sockets).toHaveLength(1);
  });
});
