import { formatIP, mustParseIP } from '@ironlb/shared';
import { endOfRibFamily } from '../codec';
import type { BgpMessage, Capability, CodecOptions, OpenMessage, Prefix } from '../codec/types';
import type { Route } from '../rib/types';
import { BgpPeer, tellsTheMode, type BfdStarter, type EdgeDeps } from './edge';
import { FakeClock, FakeStream, fakeDialer, settle, type PendingDial } from './testDoubles';
import type { PeerSpec, PeerStatus } from './types';

/** 198.51.100.1 (us) and 198.51.100.2 (the router) as BGP Identifiers. */
const OUR_ID = 0xc6336401;
const ROUTER_ID = 0xc6336402;

const SPEC: PeerSpec = {
  name: 'router',
  localAs: 64512,
  peerAs: 64513,
  peerAddress: mustParseIP('198.51.100.2'),
  peerPort: 179,
  routerId: OUR_ID,
  holdTimeSec: 90,
  keepaliveSec: 30,
  connectRetrySec: 4,
  ebgpMultiHop: false,
  gracefulRestart: true,
  families: ['ipv4', 'ipv6'],
};

/** What both sides' capabilities below negotiate: the router decodes our UPDATEs with these. */
const NEG: CodecOptions = { fourOctetAs: true, extendedMessage: true };

const ROUTER_CAPS: readonly Capability[] = [
  { code: 'multiprotocol', family: 'ipv4' },
  { code: 'multiprotocol', family: 'ipv6' },
  { code: 'routeRefresh' },
  { code: 'fourOctetAs', asn: 64513 },
  { code: 'extendedMessage' },
];

function routerOpen(capabilities: readonly Capability[] = ROUTER_CAPS): OpenMessage {
  return { type: 'open', version: 4, myAs: 64513, holdTimeSec: 90, bgpId: ROUTER_ID, capabilities };
}

const KEEPALIVE: BgpMessage = { type: 'keepalive' };

function route(text: string, nextHop: string, communities: number[] = []): Route {
  const ip = mustParseIP(text);
  return {
    prefix: { ip, length: ip.family === 'IPv4' ? 32 : 128 },
    attributes: { nextHop: mustParseIP(nextHop), communities, largeCommunities: [] },
  };
}

const R4 = route('198.51.100.10', '198.51.100.1', [64512 * 65536 + 7]);
const R4B = route('198.51.100.11', '198.51.100.1');
const R6 = route('2001:db8::10', '2001:db8::1');

function p(x: Prefix): string {
  return `${formatIP(x.ip)}/${x.length}`;
}

/** A message in a few words: what a table of expectations can compare. */
function brief(m: BgpMessage): string {
  switch (m.type) {
    case 'open':
    case 'keepalive':
      return m.type;
    case 'notification':
      return `notification ${m.code}/${m.subcode}`;
    case 'routeRefresh':
      return `refresh ${m.family}`;
    case 'update': {
      const eor = endOfRibFamily(m);
      if (eor !== undefined) return `eor ${eor}`;
      const a = m.attributes;
      const plus = [...m.nlri, ...(a.mpReach?.nlri ?? [])].map((x) => `+${p(x)}`);
      const minus = [...m.withdrawn, ...(a.mpUnreach?.withdrawn ?? [])].map((x) => `-${p(x)}`);
      return `update ${[...minus, ...plus].join(' ')}`;
    }
  }
}

interface Harness {
  peer: BgpPeer;
  clock: FakeClock;
  dials: PendingDial[];
  /** The state at each onChange call. */
  changes: (PeerStatus['state'] | 'new')[];
  logs: string[];
}

function start(deps: Partial<EdgeDeps> = {}, spec: PeerSpec = SPEC): Harness {
  const clock = new FakeClock();
  const { dial, dials } = fakeDialer();
  const changes: Harness['changes'] = [];
  const logs: string[] = [];
  const h: Partial<Harness> = { clock, dials, changes, logs };
  // The first change (idle to connect, the first dial) is told from inside the constructor: 'new'.
  h.peer = new BgpPeer(spec, () => changes.push(h.peer?.status().state ?? 'new'), {
    dial,
    clock,
    random: () => 0,
    log: (_fields, message) => logs.push(message),
    ...deps,
  });
  return h as Harness;
}

/** Dial n connects; the router's OPEN and KEEPALIVE take the session to Established. Returns the router's stream. */
async function establish(h: Harness, caps: readonly Capability[] = ROUTER_CAPS, n = 0): Promise<FakeStream> {
  const stream = h.dials[n].connect();
  await settle();
  expect(stream.take().map(brief)).toEqual(['open']);
  stream.send([routerOpen(caps), KEEPALIVE]);
  expect(h.peer.status().state).toBe('established');
  return stream;
}

/** Dial n was abandoned: its signal aborted, and a stream it yields late is destroyed with nothing written. */
async function expectDialAbandoned(h: Harness, n = 0): Promise<void> {
  expect(h.dials[n].signal.aborted).toBe(true);
  const late = h.dials[n].connect();
  await settle();
  expect(late.destroyed).toBe(true);
  expect(late.take()).toEqual([]);
}

describe('BgpPeer: opening the session', () => {
  it.each([true, false])('dials at once and sends its OPEN (restarted %s)', async (restarted) => {
    const h = start({ restarted, restartTimeSec: 90 });
    expect(h.dials).toHaveLength(1);
    expect(h.dials[0].spec).toBe(SPEC);
    expect(h.peer.status().state).toBe('connect');
    const stream = h.dials[0].connect();
    await settle();
    const [open] = stream.take();
    // The spec's AS, hold time and router id; the rest of the OPEN is the FSM's (negotiate.test.ts).
    expect(open).toMatchObject({ type: 'open', myAs: 64512, holdTimeSec: 90, bgpId: OUR_ID });
    const gr = open.type === 'open' ? open.capabilities.find((c) => c.code === 'gracefulRestart') : undefined;
    expect(gr).toEqual({
      code: 'gracefulRestart',
      restarted,
      notification: false,
      restartTimeSec: 90,
      families: [
        { family: 'ipv4', forwardingPreserved: true },
        { family: 'ipv6', forwardingPreserved: true },
      ],
    });
    expect(h.peer.status().state).toBe('openSent');
  });

  it('sends no graceful restart capability when the spec turns it off, and 120 s by default', async () => {
    const off = start({}, { ...SPEC, gracefulRestart: false });
    const s1 = off.dials[0].connect();
    const on = start();
    const s2 = on.dials[0].connect();
    await settle();
    const caps = (s: FakeStream): Capability[] => [...(s.take()[0] as OpenMessage).capabilities];
    expect(caps(s1).some((c) => c.code === 'gracefulRestart')).toBe(false);
    expect(caps(s2).find((c) => c.code === 'gracefulRestart')).toMatchObject({ restarted: false, restartTimeSec: 120 });
  });

  it("the router's OPEN and KEEPALIVE: KEEPALIVE back, Established, the table, then End-of-RIB per family", async () => {
    const h = start();
    h.peer.setRoutes([R4, R6]);
    const stream = await establish(h);
    const sent = stream.take(NEG);
    expect(sent.map(brief)).toEqual([
      'keepalive',
      'update +198.51.100.10/32',
      'update +2001:db8::10/128',
      'eor ipv4',
      'eor ipv6',
    ]);
    // eBGP: our AS on the path, the route's next hop and communities.
    expect(sent[1]).toMatchObject({
      attributes: {
        origin: 'igp',
        asPath: [{ type: 2, asns: [64512] }],
        nextHop: R4.attributes.nextHop,
        communities: [64512 * 65536 + 7],
      },
    });
    expect(sent[2]).toMatchObject({
      attributes: { mpReach: { family: 'ipv6', nextHops: [R6.attributes.nextHop] } },
    });
    // The handshake steps do not make the speaker replan (10,000 Services cost a plan of a second or two).
    expect(h.changes).toEqual(['established']);
  });

  it('the mode hears of Established only once the table has left Node for the kernel (drain)', async () => {
    const h = start();
    h.peer.setRoutes([R4, R6]);
    const stream = h.dials[0].connect();
    await settle();
    stream.take();
    // net.Socket still holds part of the table: the mode's replan must not run before it is sent.
    stream.writableNeedDrain = true;
    stream.send([routerOpen(ROUTER_CAPS), KEEPALIVE]);
    expect(h.peer.status().state).toBe('established');
    expect(h.changes).toEqual([]);
    stream.drain();
    expect(h.changes).toEqual(['established']);
  });

  it('a router offering IPv4 alone: IPv4 routes and its End-of-RIB only', async () => {
    const h = start();
    h.peer.setRoutes([R4, R6]);
    const stream = await establish(h, [
      { code: 'multiprotocol', family: 'ipv4' },
      { code: 'fourOctetAs', asn: 64513 },
    ]);
    expect(stream.take({ fourOctetAs: true, extendedMessage: false }).map(brief)).toEqual([
      'keepalive',
      'update +198.51.100.10/32',
      'eor ipv4',
    ]);
    expect(h.peer.status().prefixesAdvertised).toBe(1);
  });

  it('an empty table: End-of-RIB alone', async () => {
    const h = start();
    const stream = await establish(h);
    expect(stream.take(NEG).map(brief)).toEqual(['keepalive', 'eor ipv4', 'eor ipv6']);
  });
});

describe('BgpPeer: routes once Established', () => {
  it('setRoutes sends only the diff', async () => {
    const h = start();
    h.peer.setRoutes([R4, R6]);
    const stream = await establish(h);
    stream.take(NEG);
    h.peer.setRoutes([R4, R4B]);
    expect(stream.take(NEG).map(brief)).toEqual(['update -2001:db8::10/128', 'update +198.51.100.11/32']);
    h.peer.setRoutes([R4, R4B]);
    expect(stream.take(NEG)).toEqual([]);
  });

  it('ROUTE-REFRESH: the whole table again', async () => {
    const h = start();
    h.peer.setRoutes([R4, R6]);
    const stream = await establish(h);
    stream.take(NEG);
    stream.send([{ type: 'routeRefresh', family: 'ipv4', subtype: 0 }], NEG);
    expect(stream.take(NEG).map(brief)).toEqual(['update +198.51.100.10/32', 'update +2001:db8::10/128']);
  });

  it('status: state, prefixes advertised, UPDATEs sent (End-of-RIB included) and received', async () => {
    const h = start();
    expect(h.peer.status()).toEqual({
      state: 'connect',
      families: [],
      prefixesAdvertised: 0,
      updatesSent: 0,
      updatesReceived: 0,
    });
    h.peer.setRoutes([R4, R6]);
    const stream = await establish(h);
    stream.send([{ type: 'update', withdrawn: [], attributes: {}, nlri: [] }, KEEPALIVE], NEG);
    expect(h.peer.status()).toEqual({
      state: 'established',
      families: ['ipv4', 'ipv6'],
      prefixesAdvertised: 2,
      updatesSent: 4,
      updatesReceived: 1,
    });
  });
});

describe('BgpPeer: going down and coming back', () => {
  it('hold timer expiry: keepalives meanwhile, then NOTIFICATION 4/0, down, and a new dial after the idle hold', async () => {
    const h = start();
    const stream = await establish(h);
    stream.take(NEG);
    h.clock.advance(60_000);
    expect(stream.take(NEG).map(brief)).toEqual(['keepalive', 'keepalive']);
    h.clock.advance(30_000);
    // The hold timer and the third keepalive are due together: the hold timer wins, no keepalive goes out.
    expect(stream.take(NEG).map(brief)).toEqual(['notification 4/0']);
    expect(stream.ended).toBe(true);
    expect(h.peer.status()).toMatchObject({
      state: 'idle',
      lastDown: expect.stringContaining('hold time in established') as unknown,
      prefixesAdvertised: 0,
    });
    expect(h.dials).toHaveLength(1);
    h.clock.advance(999);
    expect(h.dials).toHaveLength(1);
    h.clock.advance(1);
    expect(h.dials).toHaveLength(2);
    expect(h.peer.status().state).toBe('connect');
  });

  it('keepalives from the router keep the session up past the hold time', async () => {
    const h = start();
    const stream = await establish(h);
    for (let i = 0; i < 5; i++) {
      h.clock.advance(60_000);
      stream.send([KEEPALIVE], NEG);
    }
    expect(h.peer.status().state).toBe('established');
    expect(stream.take(NEG).map(brief)).not.toContain('notification 4/0');
  });

  it("a malformed message: the codec's NOTIFICATION, then the connection is closed", async () => {
    const h = start();
    const stream = await establish(h);
    stream.take(NEG);
    const bad = new Uint8Array(19).fill(0xff);
    bad[0] = 0; // not the all-ones marker: Connection Not Synchronized
    stream.sendBytes(bad);
    expect(stream.take(NEG).map(brief)).toEqual(['notification 1/1']);
    expect(stream.ended).toBe(true);
    expect(h.peer.status().state).toBe('idle');
    expect(h.peer.status().lastDown).toContain("could not decode the peer's message");
  });

  it('a malformed UPDATE: UPDATE Message Error and close', async () => {
    const h = start();
    const stream = await establish(h);
    stream.take(NEG);
    // An UPDATE whose withdrawn routes length (5) runs past its 4-byte body.
    stream.sendBytes(new Uint8Array([...new Array<number>(16).fill(0xff), 0, 23, 2, 0, 5, 0, 0]));
    const [n] = stream.take(NEG);
    expect(n).toMatchObject({ type: 'notification', code: 3 });
    expect(stream.ended).toBe(true);
  });

  it("the router's NOTIFICATION: down with its words", async () => {
    const h = start();
    const stream = await establish(h);
    stream.send([{ type: 'notification', code: 6, subcode: 3, data: new Uint8Array(0) }], NEG);
    expect(h.peer.status()).toMatchObject({ state: 'idle', lastDown: 'the peer sent Cease/Peer De-configured (6/3)' });
  });

  it("the stream's 'close' (the router or the network closed TCP): down, then a new dial", async () => {
    const h = start();
    h.peer.setRoutes([R4]);
    const stream = await establish(h);
    stream.emitClose();
    await settle();
    expect(h.peer.status()).toMatchObject({
      state: 'idle',
      lastDown: 'the peer closed the TCP connection in established',
      prefixesAdvertised: 0,
    });
    h.clock.advance(1000);
    expect(h.dials).toHaveLength(2);
    // The table goes out again on the new session.
    const again = await establish(h, ROUTER_CAPS, 1);
    expect(again.take(NEG).map(brief)).toEqual(['keepalive', 'update +198.51.100.10/32', 'eor ipv4', 'eor ipv6']);
  });

  it('a dial failure: down in Active, and a retry after the connect retry backoff', async () => {
    const h = start();
    h.dials[0].fail();
    await settle();
    expect(h.peer.status()).toMatchObject({ state: 'active', lastDown: 'could not connect to the peer' });
    expect(h.logs).toContain('BGP connect failed');
    // connectRetrySec 4 with the jitter at its lowest (0.75): 3 s.
    h.clock.advance(2999);
    expect(h.dials).toHaveLength(1);
    h.clock.advance(1);
    expect(h.dials).toHaveLength(2);
    // The next wait doubles: 6 s.
    h.dials[1].fail();
    await settle();
    h.clock.advance(5999);
    expect(h.dials).toHaveLength(2);
    h.clock.advance(1);
    expect(h.dials).toHaveLength(3);
  });

  it('a dial that hangs past the connect retry time is aborted and dialled again', async () => {
    const h = start();
    h.clock.advance(3000);
    expect(h.dials).toHaveLength(2);
    await expectDialAbandoned(h);
  });
});

describe('BgpPeer: close', () => {
  it('close(true) sends no NOTIFICATION, ends the stream and keeps no timer', async () => {
    const h = start();
    h.peer.setRoutes([R4]);
    const stream = await establish(h);
    stream.take(NEG);
    await h.peer.close(true);
    expect(stream.take(NEG)).toEqual([]);
    expect(stream.ended).toBe(true);
    // Nothing armed: not the session's timers, nor the fallback that destroys a stream whose peer never closes.
    expect(h.clock.pending).toBe(0);
    h.clock.advance(1000);
    expect(stream.destroyed).toBe(false);
    expect(h.peer.status()).toMatchObject({
      state: 'idle',
      lastDown: 'stopped gracefully (TCP closed without a NOTIFICATION, for graceful restart)',
    });
    h.clock.advance(600_000);
    expect(h.dials).toHaveLength(1);
  });

  it('close(false) sends Cease 6/2', async () => {
    const onClosing = jest.fn();
    const h = start({ onClosing });
    const stream = await establish(h);
    stream.take(NEG);
    await h.peer.close(false);
    expect(stream.take(NEG).map(brief)).toEqual(['notification 6/2']);
    expect(stream.ended).toBe(true);
    expect(onClosing).toHaveBeenCalledTimes(1);
    expect(h.peer.status().lastDown).toBe('stopped, sent Cease/Administrative Shutdown (6/2)');
    // Twice is harmless.
    await h.peer.close(false);
    expect(onClosing).toHaveBeenCalledTimes(1);
  });

  it('close while dialling aborts the dial', async () => {
    const h = start();
    await h.peer.close(false);
    await expectDialAbandoned(h);
  });

  it('a router that never closes its side: close() still ends after a second, destroying the stream', async () => {
    const h = start();
    const stream = h.dials[0].connect(new FakeStream(false));
    await settle();
    stream.send([routerOpen(), KEEPALIVE]);
    let done = false;
    const closing = h.peer.close(false).then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    expect(stream.destroyed).toBe(false);
    h.clock.advance(1000);
    await closing;
    expect(stream.destroyed).toBe(true);
  });
});

describe('BgpPeer: dialler errors', () => {
  it('a dialler that throws instead of rejecting: a failed dial, retried like any other', async () => {
    let calls = 0;
    const h = start({
      dial: () => {
        calls++;
        throw new Error('bad option');
      },
    });
    expect(calls).toBe(1);
    await settle();
    expect(h.peer.status()).toMatchObject({ state: 'active', lastDown: 'could not connect to the peer' });
    h.clock.advance(3000);
    expect(calls).toBe(2);
  });
});

describe('BgpPeer: accepted connections', () => {
  it('a collision: the connection of the higher BGP Identifier (the router) stays, ours gets Cease 6/7', async () => {
    const h = start();
    const dialled = h.dials[0].connect();
    await settle();
    const inbound = new FakeStream();
    h.peer.accept(inbound);
    expect(dialled.take().map(brief)).toEqual(['open']);
    expect(inbound.take().map(brief)).toEqual(['open']);
    dialled.send([routerOpen()]);
    inbound.send([routerOpen()]);
    // Resolved on the first OPEN: both connections lead to the same router, whose identifier is the higher.
    expect(dialled.take().map(brief)).toEqual(['notification 6/7']);
    expect(dialled.ended).toBe(true);
    inbound.send([KEEPALIVE]);
    expect(h.peer.status().state).toBe('established');
    expect(inbound.take(NEG).map(brief)).toEqual(['keepalive', 'eor ipv4', 'eor ipv6']);
  });

  it('a graceful-restart router dialling in while Established: the old connection closes, the table goes out on the new', async () => {
    const h = start();
    h.peer.setRoutes([R4]);
    const caps: Capability[] = [
      ...ROUTER_CAPS,
      { code: 'gracefulRestart', restarted: false, notification: false, restartTimeSec: 120, families: [] },
    ];
    const old = await establish(h, caps);
    old.take(NEG);
    const inbound = new FakeStream();
    h.peer.accept(inbound);
    inbound.send([routerOpen(caps)]);
    expect(old.take(NEG)).toEqual([]);
    expect(old.ended).toBe(true);
    expect(h.peer.status().lastDown).toBe(
      'the peer reconnected while Established (it restarted; graceful restart keeps its routes)',
    );
    inbound.send([KEEPALIVE]);
    expect(inbound.take(NEG).map(brief)).toEqual([
      'open',
      'keepalive',
      'update +198.51.100.10/32',
      'eor ipv4',
      'eor ipv6',
    ]);
  });

  it("accept(): OPEN on the router's connection, Established on it, the pending dial abandoned", async () => {
    const h = start();
    h.peer.setRoutes([R4]);
    const inbound = new FakeStream();
    h.peer.accept(inbound);
    expect(inbound.take().map(brief)).toEqual(['open']);
    inbound.send([routerOpen(), KEEPALIVE]);
    expect(h.peer.status().state).toBe('established');
    expect(inbound.take(NEG).map(brief)).toEqual(['keepalive', 'update +198.51.100.10/32', 'eor ipv4', 'eor ipv6']);
    await expectDialAbandoned(h);
  });

  it('accept() after close(): the stream is destroyed', async () => {
    const h = start();
    await h.peer.close(true);
    const inbound = new FakeStream();
    h.peer.accept(inbound);
    expect(inbound.destroyed).toBe(true);
    expect(inbound.take()).toEqual([]);
  });

  it('accept() during the idle hold: closed without an OPEN', async () => {
    const h = start();
    const stream = await establish(h);
    stream.send([{ type: 'notification', code: 6, subcode: 4, data: new Uint8Array(0) }], NEG);
    expect(h.peer.status().state).toBe('idle');
    const inbound = new FakeStream();
    h.peer.accept(inbound);
    expect(inbound.take()).toEqual([]);
    expect(inbound.ended || inbound.destroyed).toBe(true);
  });
});

describe('BgpPeer: BFD', () => {
  function bfdHarness() {
    let onDown: (() => void) | undefined;
    let bfdChange: (() => void) | undefined;
    let state: 'down' | 'up' = 'down';
    const watch = { state: () => state, close: jest.fn() };
    const bfd: BfdStarter = (_spec, down, change) => {
      onDown = down;
      bfdChange = change;
      return watch;
    };
    const spec: PeerSpec = {
      ...SPEC,
      bfd: {
        receiveIntervalMs: 300,
        transmitIntervalMs: 300,
        detectMultiplier: 3,
        passiveMode: false,
        minimumTtl: 254,
      },
    };
    const h = start({ bfd }, spec);
    return {
      h,
      watch,
      down: () => onDown?.(),
      up: () => {
        state = 'up';
        bfdChange?.();
      },
    };
  }

  it('BFD Down in Established: Cease 6/10 and close', async () => {
    const b = bfdHarness();
    const stream = await establish(b.h);
    stream.take(NEG);
    b.up();
    expect(b.h.peer.status().bfd).toBe('up');
    expect(b.h.changes.at(-1)).toBe('established');
    b.down();
    expect(stream.take(NEG).map(brief)).toEqual(['notification 6/10']);
    expect(stream.ended).toBe(true);
    expect(b.h.peer.status()).toMatchObject({ state: 'idle', lastDown: 'BFD went down, sent Cease/BFD Down (6/10)' });
  });

  it('BFD Down before Established changes nothing; close() closes the watch', async () => {
    const b = bfdHarness();
    const stream = b.h.dials[0].connect();
    await settle();
    b.down();
    expect(b.h.peer.status().state).toBe('openSent');
    expect(stream.take().map(brief)).toEqual(['open']);
    await b.h.peer.close(true);
    expect(b.watch.close).toHaveBeenCalledTimes(1);
  });

  it('close(true) ends BFD only after the router has closed the TCP session too', async () => {
    const b = bfdHarness();
    const stream = b.h.dials[0].connect(new FakeStream(false));
    await settle();
    stream.send([routerOpen(ROUTER_CAPS), KEEPALIVE]);
    b.up();
    const closed = b.h.peer.close(true);
    await settle();
    expect(stream.ended).toBe(true);
    expect(b.watch.close).not.toHaveBeenCalled();
    stream.emitClose();
    await closed;
    expect(b.watch.close).toHaveBeenCalledTimes(1);
  });

  it('close(true) ends BFD after the 1 s wait when the router never closes its side', async () => {
    const b = bfdHarness();
    const stream = b.h.dials[0].connect(new FakeStream(false));
    await settle();
    stream.send([routerOpen(ROUTER_CAPS), KEEPALIVE]);
    const closed = b.h.peer.close(true);
    await settle();
    b.h.clock.advance(999);
    await settle();
    expect(b.watch.close).not.toHaveBeenCalled();
    b.h.clock.advance(1);
    await closed;
    expect(stream.destroyed).toBe(true);
    expect(b.watch.close).toHaveBeenCalledTimes(1);
  });

  it('close(false) ends BFD at once, before the TCP session', async () => {
    const b = bfdHarness();
    const stream = b.h.dials[0].connect(new FakeStream(false));
    await settle();
    stream.send([routerOpen(ROUTER_CAPS), KEEPALIVE]);
    const closed = b.h.peer.close(false);
    expect(b.watch.close).toHaveBeenCalledTimes(1);
    stream.emitClose();
    await closed;
  });

  it('no BFD starter, or no BFD in the spec: no bfd field', () => {
    expect(start().peer.status().bfd).toBeUndefined();
    expect(start({ bfd: () => ({ state: () => 'up', close: () => undefined }) }).peer.status().bfd).toBeUndefined();
  });
});

describe('which session state changes the mode hears of', () => {
  test('entering or leaving Established, and falling to Idle', () => {
    expect(tellsTheMode('openConfirm', 'established')).toBe(true);
    expect(tellsTheMode('established', 'idle')).toBe(true);
    expect(tellsTheMode('established', 'active')).toBe(true);
    expect(tellsTheMode('connect', 'idle')).toBe(true);
  });

  test('not the handshake steps between', () => {
    expect(tellsTheMode('idle', 'connect')).toBe(false);
    expect(tellsTheMode('connect', 'openSent')).toBe(false);
    expect(tellsTheMode('openSent', 'openConfirm')).toBe(false);
    expect(tellsTheMode('active', 'openSent')).toBe(false);
  });
});
