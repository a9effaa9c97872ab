import pino from 'pino';
import { mustParseIP } from '@ironlb/shared';
import { parseConfig } from '@ironlb/shared/config';
import type { ServiceEvent } from '@ironlb/shared/k8s';
import type { SpeakerView } from '../mode/view';
import { encodeArp, parseMac } from './codec';
import type { SocketOpener } from './announcer';
import { L2_STATUS, Layer2Mode, type L2Applied } from './mode';
import type { PacketSocket } from './packetSocket';
import type { Chooser } from './plan';

const ip = mustParseIP;

const { config } = parseConfig({
  ipAddressPools: [{ metadata: { name: 'lab' }, spec: { addresses: ['198.51.100.200-198.51.100.254'] } }],
  l2Advertisements: [{ metadata: { name: 'all' } }],
});

/** node-a wins .200, node-b wins .201: the plan is about the split, not the hash. */
const byIP: Chooser = (target, eligible) =>
  target.value === ip('198.51.100.200').value
    ? eligible.find((n) => n === 'node-a')
    : eligible.find((n) => n === 'node-b');

const view = (self: string): SpeakerView => ({
  self,
  config,
  nodes: new Map(['node-a', 'node-b'].map((name) => [name, { name, labels: {}, unschedulable: false }])),
  services: [
    { key: 'default/web', ips: [ip('198.51.100.200')], local: false },
    { key: 'default/dns', ips: [ip('198.51.100.201')], local: false },
    { key: 'default/far', ips: [ip('203.0.113.7')], local: false },
  ],
  endpointNodes: new Map(),
  live: new Set(['node-a', 'node-b']),
});

function mode(self: string, events: { service: string; event: ServiceEvent }[] = []): Layer2Mode {
  const never = (): never => {
    throw new Error('planning opens no socket');
  };
  return new Layer2Mode(
    self,
    never,
    { gratuitousCount: 1, gratuitousIntervalMs: 1, probeMs: 0, naSource: 'target' },
    byIP,
    { emit: (service, event) => events.push({ service, event }) },
    { answered: () => undefined, requested: () => undefined, gratuitous: () => undefined, conflict: () => undefined },
    () => undefined,
    pino({ level: 'silent' }),
  );
}

describe('Layer2Mode', () => {
  it("plans this node's rows and gives every other IP its reason: another owner, or the IP's own", () => {
    const a = mode('node-a').plan(view('node-a'));
    expect([...a.announce.keys()]).toEqual(['198.51.100.200']);
    expect(a.announce.get('198.51.100.200')).toEqual({
      ip: ip('198.51.100.200'),
      services: ['default/web'],
      interfaces: { names: [], auto: true },
    });
    expect(Object.fromEntries(a.skip)).toEqual({
      '198.51.100.201': { services: ['default/dns'], reason: { code: 'notOwner', owner: 'node-b' } },
      '203.0.113.7': { services: ['default/far'], reason: { code: 'notInAnyPool', ip: ip('203.0.113.7') } },
    });
    const b = mode('node-b').plan(view('node-b'));
    expect([...b.announce.keys()]).toEqual(['198.51.100.201']);
    expect(b.skip.get('198.51.100.200')?.reason).toEqual({ code: 'notOwner', owner: 'node-a' });
  });

  it('IPs of one Service go to one node; when no node may take them all, each names the owner and the group', () => {
    const dual = (nodeSelectorsOf: (pool: string) => unknown[]): SpeakerView => ({
      ...view('node-a'),
      config: parseConfig({
        ipAddressPools: [
          { metadata: { name: 'v4' }, spec: { addresses: ['198.51.100.200-198.51.100.254'] } },
          { metadata: { name: 'v6' }, spec: { addresses: ['2001:db8:1::200-2001:db8:1::2ff'] } },
        ],
        l2Advertisements: ['v4', 'v6'].map((pool) => ({
          metadata: { name: pool },
          spec: { ipAddressPools: [pool], nodeSelectors: nodeSelectorsOf(pool) },
        })),
      }).config,
      nodes: new Map(['node-a', 'node-b'].map((name) => [name, { name, labels: { name }, unschedulable: false }])),
      services: [{ key: 'default/dual', ips: [ip('2001:db8:1::201'), ip('198.51.100.200')], local: false }],
    });
    // The group's key is its lowest IP by text, 198.51.100.200, which byIP gives node-a: both families there.
    const together = mode('node-a').plan(dual(() => []));
    expect([...together.announce.keys()]).toEqual(['198.51.100.200', '2001:db8:1::201']);
    // IPv4 only from node-a, IPv6 only from node-b: placed apart, and the reason says why.
    const apart = mode('node-a').plan(dual((pool) => [{ matchLabels: { name: pool === 'v4' ? 'node-a' : 'node-b' } }]));
    expect([...apart.announce.keys()]).toEqual(['198.51.100.200']);
    expect(apart.skip.get('2001:db8:1::201')?.reason).toEqual({
      code: 'groupSplit',
      owner: 'node-b',
      ips: [ip('198.51.100.200'), ip('2001:db8:1::201')],
    });
  });

  it('is active only when the config has an L2Advertisement', () => {
    expect(mode('node-a').active(config)).toBe(true);
    expect(mode('node-a').active({ ...config, l2Advertisements: [] })).toBe(false);
  });

  it('applies the empty set without opening a socket, and reports nothing', () => {
    expect(mode('node-a').apply(new Map()).size).toBe(0);
  });

  it('once closed (a stopping speaker), answers nothing again: a late plan opens no socket', () => {
    const opened: string[] = [];
    const m = new Layer2Mode(
      'node-a',
      (name) => {
        opened.push(name);
        throw new Error('no packet sockets here');
      },
      { gratuitousCount: 1, gratuitousIntervalMs: 1, probeMs: 0, naSource: 'target' },
      byIP,
      { emit: () => undefined },
      { answered: () => undefined, requested: () => undefined, gratuitous: () => undefined, conflict: () => undefined },
      () => undefined,
      pino({ level: 'silent' }),
    );
    m.setInterfaces([{ name: 'eth0', addresses: [{ ip: ip('198.51.100.11'), prefixLength: 24 }] }]);
    const { announce } = m.plan(view('node-a'));
    m.apply(announce);
    expect(opened).toEqual(['eth0']);
    m.close();
    expect([...m.apply(announce).values()].map((a) => a.answeredOn)).toEqual([[]]);
    m.setInterfaces([{ name: 'eth1', addresses: [{ ip: ip('198.51.100.12'), prefixLength: 24 }] }]);
    expect(opened).toEqual(['eth0']);
  });
});

describe('Layer2Mode reports only what is answered on the wire', () => {
  const OURS = parseMac('02:00:00:00:00:0a') ?? Buffer.alloc(6);
  const OTHER = parseMac('02:00:00:00:00:0b') ?? Buffer.alloc(6);
  const VIP = ip('198.51.100.200');

  /** One interface's socket: what the responder sends, and a way to hand it frames as the kernel would. */
  class FakeSocket implements PacketSocket {
    readonly mac = OURS;
    readonly ifindex = 2;
    constructor(
      readonly ifname: string,
      readonly deliver: (frames: Buffer[]) => void,
    ) {}
    send(): void {}
    addMembership(): void {}
    dropMembership(): void {}
    setFilter(): void {}
    close(): void {}
  }

  /** The other node's reply to our probe for the VIP: it still answers for it. */
  const probeReply = encodeArp({
    ethDst: OURS,
    ethSrc: OTHER,
    op: 'reply',
    senderMac: OTHER,
    senderIP: VIP,
    targetMac: OURS,
    targetIP: ip('0.0.0.0'),
  });

  function setup() {
    const sockets: FakeSocket[] = [];
    const open: SocketOpener = (ifname, onFrames) => {
      const s = new FakeSocket(ifname, onFrames);
      sockets.push(s);
      return s;
    };
    let changes = 0;
    const m = new Layer2Mode(
      'node-a',
      open,
      { gratuitousCount: 1, gratuitousIntervalMs: 250, probeMs: 20, naSource: 'target' },
      byIP,
      { emit: () => undefined },
      { answered: () => undefined, requested: () => undefined, gratuitous: () => undefined, conflict: () => undefined },
      () => changes++,
      pino({ level: 'silent' }),
    );
    m.setInterfaces([{ name: 'eth0', addresses: [{ ip: ip('198.51.100.11'), prefixLength: 24 }] }]);
    const desired = m.plan(view('node-a')).announce;
    const answeredOn = (): Record<string, readonly string[]> =>
      Object.fromEntries([...m.apply(desired)].map(([key, a]) => [key, a.answeredOn]));
    return { m, sockets, desired, answeredOn, changes: () => changes };
  }

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('an IP is live on an interface once the responder answers it there, and the loop is asked to report then', () => {
    const { sockets, answeredOn, changes } = setup();
    expect(answeredOn()).toEqual({ '198.51.100.200': [] }); // opened and probing: nothing on the wire yet
    expect(sockets.map((s) => s.ifname)).toEqual(['eth0']);
    jest.advanceTimersByTime(0); // the filter is narrowed, the probe goes out
    sockets[0].deliver([probeReply]); // the current owner still answers: defer
    jest.advanceTimersByTime(20);
    expect(answeredOn()).toEqual({ '198.51.100.200': [] });
    expect(changes()).toBe(0);
    jest.advanceTimersByTime(20); // a probe window in silence: answering now
    expect(changes()).toBe(1);
    expect(answeredOn()).toEqual({ '198.51.100.200': ['eth0'] });
    expect(changes()).toBe(1); // the same set again changes nothing
  });

  it('an IP withdrawn while it defers to the owner was never live: nothing to report (a link just back up)', () => {
    const { m, sockets, answeredOn, changes } = setup();
    expect(answeredOn()).toEqual({ '198.51.100.200': [] });
    jest.advanceTimersByTime(0);
    sockets[0].deliver([probeReply]);
    jest.advanceTimersByTime(20);
    expect(m.apply(new Map()).size).toBe(0); // its peers heard again: the plan gives the IP back
    jest.advanceTimersByTime(2_000);
    expect(changes()).toBe(0);
  });
});

describe('ServiceL2Status fields', () => {
  const applied = (answeredOn: string[]): L2Applied => ({ ip: ip('198.51.100.200'), services: ['s/a'], answeredOn });

  it('the union of the interfaces the Service is answered on, sorted; none means no status', () => {
    expect(L2_STATUS.fields([applied(['eth1']), applied(['eth0', 'eth1'])])).toEqual({
      interfaces: [{ name: 'eth0' }, { name: 'eth1' }],
    });
    expect(L2_STATUS.fields([applied([]), applied([])])).toBeUndefined();
    expect(L2_STATUS.fields([])).toBeUndefined();
  });
});
