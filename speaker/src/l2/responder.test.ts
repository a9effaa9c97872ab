import { mustParseIP, type ParsedIP } from '@ironlb/shared';
import {
  BROADCAST_MAC,
  decodeArp,
  decodeNeighborDiscovery,
  encodeArp,
  encodeNeighborDiscovery,
  gratuitousArp,
  isIgnored,
  multicastMac,
  parseMac,
  solicitedNodeMulticast,
  ZERO_MAC,
} from './codec';
import type { PacketSocket } from './packetSocket';
import { InterfaceResponder, RELEASE_MAX_MS, RELEASE_PROBE_MS } from './responder';

const ip = mustParseIP;
const mac = (t: string): Buffer =>
  parseMac(t) ??
  (() => {
    throw new Error(t);
  })();

const OURS = mac('02:00:00:00:00:11');
const CLIENT = mac('02:00:00:00:01:00');
const OTHER = mac('02:00:00:00:00:12');
const VIP = ip('198.51.100.200');
const VIP6 = ip('2001:db8:1::200');

class FakeSocket implements PacketSocket {
  readonly ifname = 'eth0';
  readonly mac = OURS;
  readonly ifindex = 2;
  sent: Buffer[] = [];
  groups = new Set<string>();
  closed = false;
  filters: Buffer[] = [];
  setFilter(program: Buffer): void {
    this.filters.push(program);
  }
  send(frame: Buffer): void {
    this.sent.push(Buffer.from(frame));
  }
  addMembership(m: Buffer): void {
    this.groups.add(m.toString('hex'));
  }
  dropMembership(m: Buffer): void {
    this.groups.delete(m.toString('hex'));
  }
  close(): void {
    this.closed = true;
  }
}

const arpRequest = (target: ParsedIP, sender = ip('198.51.100.100'), from = CLIENT): Buffer =>
  encodeArp({
    ethDst: BROADCAST_MAC,
    ethSrc: from,
    op: 'request',
    senderMac: from,
    senderIP: sender,
    targetMac: ZERO_MAC,
    targetIP: target,
  });

const ns = (target: ParsedIP): Buffer =>
  encodeNeighborDiscovery({
    kind: 'ns',
    ethDst: multicastMac(solicitedNodeMulticast(target)),
    ethSrc: CLIENT,
    srcIP: ip('2001:db8:1::100'),
    dstIP: solicitedNodeMulticast(target),
    target,
    sourceLinkLayer: CLIENT,
  });

function setup(naSource: 'target' | 'link-local' = 'link-local') {
  const socket = new FakeSocket();
  const conflicts: string[] = [];
  const warnings: string[] = [];
  const started: string[] = [];
  const idle: number[] = [];
  /** Per-IP counts, as `kind ip` lines in the order reported. */
  const counted: string[] = [];
  const r = new InterfaceResponder(
    socket,
    ip('fe80::11'),
    { gratuitousCount: 3, gratuitousIntervalMs: 250, probeMs: 20, naSource },
    {
      conflict: (i, m, n) => conflicts.push(`${i.value} ${m} ${n}`),
      answered: (i) => counted.push(`answered ${i.value}`),
      requested: (i) => counted.push(`requested ${i.value}`),
      gratuitous: (i) => counted.push(`gratuitous ${i.value}`),
      answering: (i, n) => started.push(`${i.value} ${n}`),
      warn: (m) => warnings.push(m),
      idle: () => idle.push(Date.now()),
    },
  );
  return { socket, r, conflicts, warnings, started, idle, counted };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('InterfaceResponder, IPv4', () => {
  it('probes, then answers requests for its IP with its MAC and announces three times', () => {
    const { socket, r } = setup();
    r.add(VIP);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    const probe = decodeArp(socket.sent[0]);
    expect(!isIgnored(probe) && probe.senderIP.value).toBe(0n);
    r.onFrames([arpRequest(VIP)]);
    expect(socket.sent).toHaveLength(1); // still probing: not answered yet
    jest.advanceTimersByTime(20);
    r.onFrames([arpRequest(VIP)]);
    const frames = socket.sent.slice(1).map((f) => decodeArp(f));
    expect(frames.map((f) => !isIgnored(f) && f.op)).toEqual(['request', 'reply']);
    const reply = frames[1];
    if (isIgnored(reply)) throw new Error('reply');
    expect(reply.senderMac.equals(OURS) && reply.ethDst.equals(CLIENT)).toBe(true);
    expect(reply.senderIP).toEqual(VIP);
    jest.advanceTimersByTime(500);
    const garps = socket.sent
      .map((f) => decodeArp(f))
      .filter((f) => !isIgnored(f) && f.op === 'request' && f.senderIP.value === VIP.value);
    expect(garps).toHaveLength(3);
  });

  it('counts per IP: every request heard, those answered (not while probing), each gratuitous ARP sent', () => {
    const { r, counted } = setup();
    r.add(VIP);
    jest.advanceTimersByTime(0);
    r.onFrames([arpRequest(VIP), arpRequest(ip('198.51.100.201'))]); // probing: heard, not answered; not ours
    jest.advanceTimersByTime(20);
    r.onFrames([arpRequest(VIP)]);
    jest.advanceTimersByTime(500);
    const v = VIP.value;
    expect(counted).toEqual([
      `requested ${v}`,
      `gratuitous ${v}`,
      `requested ${v}`,
      `answered ${v}`,
      `gratuitous ${v}`,
      `gratuitous ${v}`,
    ]);
  });

  it('ignores requests for other addresses, and reports another MAC announcing its IP', () => {
    const { socket, r, conflicts } = setup();
    r.add(VIP);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    jest.advanceTimersByTime(1000);
    const before = socket.sent.length;
    r.onFrames([
      arpRequest(ip('198.51.100.201')),
      Buffer.alloc(10),
      Buffer.from('garbage garbage garbage garbage garbage garbage'),
    ]);
    expect(socket.sent).toHaveLength(before);
    r.onFrames([encodeArp(gratuitousArp(OTHER, VIP))]);
    expect(conflicts).toEqual([`${VIP.value} 02:00:00:00:00:12 eth0`]);
  });

  it('stops answering once removed', () => {
    const { socket, r } = setup();
    r.add(VIP);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    jest.advanceTimersByTime(1000);
    r.remove(VIP);
    const before = socket.sent.length;
    r.onFrames([arpRequest(VIP)]);
    expect(socket.sent).toHaveLength(before);
  });
});

describe('InterfaceResponder, IPv6', () => {
  it('joins the solicited-node group, answers an NS from its link-local, leaves on removal', () => {
    const { socket, r } = setup();
    r.add(VIP6);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    expect(socket.groups).toEqual(new Set(['3333ff000200']));
    jest.advanceTimersByTime(20);
    socket.sent = [];
    r.onFrames([ns(VIP6)]);
    expect(socket.sent).toHaveLength(1);
    const na = decodeNeighborDiscovery(socket.sent[0]);
    if (isIgnored(na) || na.kind !== 'na') throw new Error('no NA');
    expect(na).toMatchObject({ solicited: true, override: true, router: false, target: VIP6, srcIP: ip('fe80::11') });
    expect(na.targetLinkLayer?.equals(OURS)).toBe(true);
    r.remove(VIP6);
    expect(socket.groups.size).toBe(0);
  });

  it('answers from the VIP itself by default (what ndisc6 accepts)', () => {
    const { socket, r } = setup('target');
    r.add(VIP6);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    jest.advanceTimersByTime(20);
    socket.sent = [];
    r.onFrames([ns(VIP6)]);
    const na = decodeNeighborDiscovery(socket.sent[0]);
    if (isIgnored(na) || na.kind !== 'na') throw new Error('no NA');
    expect(na.srcIP).toEqual(VIP6);
  });

  it('counts per IP: NSs heard (also while probing), NAs sent in answer, unsolicited NAs sent', () => {
    const { r, counted } = setup();
    r.add(VIP6);
    jest.advanceTimersByTime(0);
    r.onFrames([ns(VIP6)]); // probing: heard, not answered
    jest.advanceTimersByTime(20);
    r.onFrames([ns(VIP6)]);
    const v = VIP6.value;
    expect(counted).toEqual([`requested ${v}`, `gratuitous ${v}`, `requested ${v}`, `answered ${v}`]);
  });
});

describe('InterfaceResponder, probing for another owner', () => {
  /** Another host's reply to our probe: it holds the VIP. */
  const probeReply = (from = OTHER): Buffer =>
    encodeArp({
      ethDst: OURS,
      ethSrc: from,
      op: 'reply',
      senderMac: from,
      senderIP: VIP,
      targetMac: OURS,
      targetIP: ip('0.0.0.0'),
    });
  const probesFor = (socket: FakeSocket, target: ParsedIP): number =>
    socket.sent
      .map((f) => decodeArp(f))
      .filter(
        (f) => !isIgnored(f) && f.op === 'request' && f.senderIP.value === 0n && f.targetIP.value === target.value,
      ).length;
  const answersTo = (socket: FakeSocket, r: InterfaceResponder): boolean => {
    const before = socket.sent.length;
    r.onFrames([arpRequest(VIP)]);
    return socket.sent.length > before;
  };

  it('waits while the current owner answers its probes, then answers once a window passes in silence', () => {
    const { socket, r, conflicts } = setup();
    r.add(VIP);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    r.onFrames([probeReply()]);
    jest.advanceTimersByTime(20);
    expect(answersTo(socket, r)).toBe(false);
    expect(probesFor(socket, VIP)).toBe(2); // a second probe, another 20 ms window
    r.onFrames([probeReply()]);
    jest.advanceTimersByTime(20);
    expect(answersTo(socket, r)).toBe(false);
    expect(probesFor(socket, VIP)).toBe(3); // the owner let go: this window stays silent
    jest.advanceTimersByTime(19);
    expect(answersTo(socket, r)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(answersTo(socket, r)).toBe(true);
    expect(conflicts).toEqual([]);
  });

  it('answers anyway after PROBE_DEFER_MAX_MS of another MAC, and reports it then', () => {
    const { socket, r, conflicts } = setup();
    const start = Date.now();
    r.add(VIP);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    for (let t = 0; t < 1200 && !answersTo(socket, r); t += 10) {
      r.onFrames([probeReply()]);
      jest.advanceTimersByTime(10);
    }
    expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - start).toBeLessThanOrEqual(1110);
    expect(conflicts).toEqual([`${VIP.value} 02:00:00:00:00:12 eth0`]);
    // 20 ms windows for 200 ms, then 40, 80 and 100 ms ones: a bounded number of probes.
    expect(probesFor(socket, VIP)).toBeLessThanOrEqual(20);
  });

  it('says when it starts answering, and only then: not while it probes or defers', () => {
    const { r, started } = setup();
    r.add(VIP);
    expect(r.answering(VIP)).toBe(false);
    jest.advanceTimersByTime(0);
    r.onFrames([probeReply()]);
    jest.advanceTimersByTime(20);
    expect([r.has(VIP), r.answering(VIP), started]).toEqual([true, false, []]);
    jest.advanceTimersByTime(20);
    expect([r.answering(VIP), started]).toEqual([true, [`${VIP.value} eth0`]]);
    r.remove(VIP);
    expect(r.answering(VIP)).toBe(false);
  });

  it('stops probing once removed while deferring', () => {
    const { socket, r } = setup();
    r.add(VIP);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    r.onFrames([probeReply()]);
    r.remove(VIP);
    jest.advanceTimersByTime(2000);
    expect(probesFor(socket, VIP)).toBe(1);
  });

  it('its own frames do not defer it (the socket never delivers them, but a looped-back one would not count)', () => {
    const { socket, r } = setup();
    r.add(VIP);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    r.onFrames([encodeArp(gratuitousArp(OURS, VIP))]);
    jest.advanceTimersByTime(20);
    expect(answersTo(socket, r)).toBe(true);
  });

  it('IPv6: sends a DAD probe, and an NA from another MAC defers answering', () => {
    const { socket, r, conflicts } = setup('target');
    r.add(VIP6);
    jest.advanceTimersByTime(0); // the filter is narrowed, then the probe goes out
    const probe = decodeNeighborDiscovery(socket.sent[0]);
    if (isIgnored(probe) || probe.kind !== 'ns') throw new Error('no DAD probe');
    expect(probe).toMatchObject({ srcIP: { value: 0n }, dstIP: solicitedNodeMulticast(VIP6), target: VIP6 });
    expect(probe.sourceLinkLayer).toBeUndefined();
    expect(probe.ethDst.equals(multicastMac(solicitedNodeMulticast(VIP6)))).toBe(true);
    const na = encodeNeighborDiscovery({
      kind: 'na',
      ethDst: multicastMac(ip('ff02::1')),
      ethSrc: OTHER,
      srcIP: VIP6,
      dstIP: ip('ff02::1'),
      target: VIP6,
      router: false,
      solicited: false,
      override: true,
      targetLinkLayer: OTHER,
    });
    r.onFrames([na]);
    jest.advanceTimersByTime(20);
    socket.sent = [];
    r.onFrames([ns(VIP6)]);
    expect(socket.sent.map((f) => decodeNeighborDiscovery(f)).filter((m) => !isIgnored(m) && m.kind === 'na')).toEqual(
      [],
    );
    jest.advanceTimersByTime(40);
    socket.sent = [];
    r.onFrames([ns(VIP6)]);
    expect(socket.sent).toHaveLength(1);
    expect(conflicts).toEqual([]);
  });
});

describe('InterfaceResponder, handing an IP over (release)', () => {
  /** The new owner's ARP probe (RFC 5227: sender IP 0.0.0.0) for the VIP. */
  const probeFrom = (from = OTHER): Buffer =>
    encodeArp({
      ethDst: BROADCAST_MAC,
      ethSrc: from,
      op: 'request',
      senderMac: from,
      senderIP: ip('0.0.0.0'),
      targetMac: ZERO_MAC,
      targetIP: VIP,
    });
  const answering = (): ReturnType<typeof setup> => {
    const x = setup();
    x.r.add(VIP);
    jest.advanceTimersByTime(0);
    jest.advanceTimersByTime(20); // answering now; gratuitous ARPs at 0, 250 and 500 ms
    return x;
  };
  const answersTo = (socket: FakeSocket, r: InterfaceResponder, frame = arpRequest(VIP)): boolean => {
    const before = socket.sent.length;
    r.onFrames([frame]);
    return socket.sent.length > before;
  };

  it('answers a released IP until the new owner probes for it, and leaves that probe unanswered', () => {
    const { socket, r, idle } = answering();
    r.release(VIP);
    jest.advanceTimersByTime(100);
    expect(answersTo(socket, r)).toBe(true);
    expect(answersTo(socket, r, probeFrom())).toBe(false);
    expect(answersTo(socket, r)).toBe(false);
    expect(r.has(VIP)).toBe(false);
    expect(idle).toHaveLength(1);
  });

  it('sends no more gratuitous ARPs once released: they would pull clients back from the new owner', () => {
    const { socket, r } = answering();
    const garps = (): number =>
      socket.sent
        .map((f) => decodeArp(f))
        .filter((f) => !isIgnored(f) && f.op === 'request' && f.senderIP.value === VIP.value).length;
    expect(garps()).toBe(1);
    r.release(VIP);
    jest.advanceTimersByTime(600);
    expect(garps()).toBe(1);
  });

  it("stops at the new owner's announcement, or after RELEASE_MAX_MS when nobody takes it", () => {
    const a = answering();
    a.r.release(VIP);
    a.r.onFrames([encodeArp(gratuitousArp(OTHER, VIP))]);
    expect(answersTo(a.socket, a.r)).toBe(false);
    expect(a.conflicts).toEqual([]);
    const b = answering();
    b.r.release(VIP);
    jest.advanceTimersByTime(RELEASE_MAX_MS - 1);
    expect(answersTo(b.socket, b.r)).toBe(true);
    jest.advanceTimersByTime(1);
    expect(answersTo(b.socket, b.r)).toBe(false);
  });

  it('an IP still probing is dropped at once; one taken back while released is answered on without a new probe', () => {
    const { socket, r } = setup();
    r.add(VIP);
    jest.advanceTimersByTime(0);
    r.release(VIP);
    expect(r.has(VIP)).toBe(false);
    const x = answering();
    x.r.release(VIP);
    const sent = x.socket.sent.length;
    x.r.add(VIP);
    jest.advanceTimersByTime(RELEASE_MAX_MS + 100);
    expect(x.socket.sent).toHaveLength(sent); // no probe, no announcement
    expect(answersTo(x.socket, x.r)).toBe(true);
    expect(socket.closed).toBe(false);
  });

  it('probes a released IP itself: an owner already answering for it (say, it never stopped) ends the release at once', () => {
    const { socket, r, conflicts } = answering();
    socket.sent = [];
    r.release(VIP);
    const probes = (): number =>
      socket.sent
        .map((f) => decodeArp(f))
        .filter((f) => !isIgnored(f) && f.op === 'request' && f.senderIP.value === 0n && f.targetIP.value === VIP.value)
        .length;
    expect(probes()).toBe(1);
    jest.advanceTimersByTime(RELEASE_PROBE_MS);
    expect(probes()).toBe(2);
    expect(answersTo(socket, r)).toBe(true);
    r.onFrames([
      encodeArp({
        ethDst: OURS,
        ethSrc: OTHER,
        op: 'reply',
        senderMac: OTHER,
        senderIP: VIP,
        targetMac: OURS,
        targetIP: ip('0.0.0.0'),
      }),
    ]);
    expect(answersTo(socket, r)).toBe(false);
    expect(conflicts).toEqual([]);
    jest.advanceTimersByTime(RELEASE_MAX_MS);
    expect(probes()).toBe(2);
  });

  it("IPv6: answered until the new owner's DAD probe", () => {
    const { socket, r } = setup('target');
    r.add(VIP6);
    jest.advanceTimersByTime(20);
    r.release(VIP6);
    socket.sent = [];
    r.onFrames([ns(VIP6)]);
    expect(socket.sent).toHaveLength(1);
    const dad = encodeNeighborDiscovery({
      kind: 'ns',
      ethDst: multicastMac(solicitedNodeMulticast(VIP6)),
      ethSrc: OTHER,
      srcIP: ip('::'),
      dstIP: solicitedNodeMulticast(VIP6),
      target: VIP6,
    });
    socket.sent = [];
    r.onFrames([dad, ns(VIP6)]);
    expect(socket.sent).toEqual([]);
    expect(socket.groups.size).toBe(0);
  });
});

describe('InterfaceResponder, kernel filter', () => {
  it('narrows the filter once per batch of adds, before probing, and again on removal', () => {
    const { socket, r } = setup();
    r.add(VIP);
    r.add(VIP6);
    expect(socket.filters).toHaveLength(0);
    expect(socket.sent).toHaveLength(0);
    jest.advanceTimersByTime(0);
    expect(socket.filters).toHaveLength(1);
    expect(socket.sent).toHaveLength(2); // the ARP probe and the DAD probe, after the filter
    r.remove(VIP);
    jest.advanceTimersByTime(0);
    expect(socket.filters).toHaveLength(2);
    expect(socket.filters[1].length).toBeLessThan(socket.filters[0].length);
  });
});

describe('InterfaceResponder, a filter the kernel refuses', () => {
  it('falls back to the broad filter rather than keep a stale narrow one', () => {
    const { socket, r, warnings } = setup();
    let refuse = true;
    const accepted: Buffer[] = [];
    socket.setFilter = (program: Buffer) => {
      if (refuse) {
        refuse = false;
        throw new Error('setFilter eth0: ENOMEM (Cannot allocate memory)');
      }
      accepted.push(program);
    };
    r.add(VIP);
    jest.advanceTimersByTime(0);
    expect(warnings).toEqual(['kernel filter not narrowed: setFilter eth0: ENOMEM (Cannot allocate memory)']);
    expect(accepted).toHaveLength(1);
    expect(accepted[0].length / 8).toBe(10); // the broad program
  });
});
