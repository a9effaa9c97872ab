import type { BgpMessage, Capability } from '../codec/types';
import { encodeShutdownCommunication, notification } from '../codec';
import { cease } from './notifications';
import { Session } from './session';
import { config, PEER_CAPS, PEER_ID, peerOpen } from './testFixtures';
import type { SessionAction, SessionConfig, SessionEvent, SessionState } from './types';

/** One action in a word or three, so a table can say what a step did. */
function brief(a: SessionAction): string {
  switch (a.type) {
    case 'connect':
    case 'accepted':
    case 'close':
    case 'established':
      return `${a.type} ${a.conn}`;
    case 'send': {
      const m = a.message;
      return `send ${a.conn} ${m.type === 'notification' ? `notification ${m.code}/${m.subcode}` : m.type}`;
    }
    case 'down':
      return `down ${a.reason.kind}${a.wasEstablished ? ' established' : ''}`;
    case 'updateReceived':
      return 'update';
    case 'routeRefreshRequested':
      return `routeRefresh ${a.family}`;
  }
}

const KEEPALIVE: BgpMessage = { type: 'keepalive' };
const UPDATE: BgpMessage = { type: 'update', withdrawn: [], attributes: {}, nlri: [] };
const REFRESH: BgpMessage = { type: 'routeRefresh', family: 'ipv4', subtype: 0 };

/** A session with the jitter at its lowest (factor 0.75), and a step function returning brief actions. */
function harness(over: Partial<SessionConfig> = {}, random = () => 0) {
  const s = new Session(config(over), random);
  const on = (event: SessionEvent, now = 0): string[] => s.handle(event, now).map(brief);
  const msg = (conn: number, message: BgpMessage, now = 0): string[] => on({ type: 'message', conn, message }, now);
  const tick = (now: number): string[] => s.tick(now).map(brief);
  return { s, on, msg, tick };
}

type Setup = 'stopped' | 'connect' | 'active' | 'openSent' | 'openConfirm' | 'established' | 'idleHold';

/** Drives a fresh session (at time 0) to a state with its connection, when it has one, numbered 1. */
function inState(setup: Setup, over: Partial<SessionConfig> = {}) {
  const h = harness(over);
  const steps: Record<Setup, () => void> = {
    stopped: () => undefined,
    connect: () => h.on({ type: 'start' }),
    active: () => (steps.connect(), h.on({ type: 'tcpFailed', conn: 1 })),
    openSent: () => (steps.connect(), h.on({ type: 'tcpConnected', conn: 1 })),
    openConfirm: () => (steps.openSent(), h.msg(1, peerOpen())),
    established: () => (steps.openConfirm(), h.msg(1, KEEPALIVE)),
    idleHold: () => (steps.openSent(), h.msg(1, notification(6, 4))),
  };
  steps[setup]();
  return h;
}

const EVENTS: Record<string, SessionEvent> = {
  start: { type: 'start' },
  stop: { type: 'stop' },
  stopGraceful: { type: 'stop', graceful: true },
  tcpConnected: { type: 'tcpConnected', conn: 1 },
  tcpAccepted: { type: 'tcpAccepted' },
  tcpFailed: { type: 'tcpFailed', conn: 1 },
  tcpClosed: { type: 'tcpClosed', conn: 1 },
  open: { type: 'message', conn: 1, message: peerOpen() },
  keepalive: { type: 'message', conn: 1, message: KEEPALIVE },
  update: { type: 'message', conn: 1, message: UPDATE },
  notification: { type: 'message', conn: 1, message: notification(6, 3) },
  routeRefresh: { type: 'message', conn: 1, message: REFRESH },
  decodeError: { type: 'decodeError', conn: 1, notification: notification(1, 2) },
  bfdDown: { type: 'bfdDown' },
};

type Row = [keyof typeof EVENTS, string[], SessionState];

const TABLE: Record<Setup, { before: SessionState; rows: Row[] }> = {
  stopped: {
    before: 'idle',
    rows: [
      ['start', ['connect 1'], 'connect'],
      ['stop', [], 'idle'],
      ['stopGraceful', [], 'idle'],
      ['tcpConnected', [], 'idle'],
      ['tcpAccepted', ['accepted 1', 'close 1'], 'idle'],
      ['tcpFailed', [], 'idle'],
      ['tcpClosed', [], 'idle'],
      ['open', [], 'idle'],
      ['keepalive', [], 'idle'],
      ['update', [], 'idle'],
      ['notification', [], 'idle'],
      ['routeRefresh', [], 'idle'],
      ['decodeError', [], 'idle'],
      ['bfdDown', [], 'idle'],
    ],
  },
  connect: {
    before: 'connect',
    rows: [
      ['start', [], 'connect'],
      ['stop', ['close 1', 'down stopped'], 'idle'],
      ['stopGraceful', ['close 1', 'down stopped'], 'idle'],
      ['tcpConnected', ['send 1 open'], 'openSent'],
      ['tcpAccepted', ['accepted 2', 'send 2 open'], 'openSent'],
      ['tcpFailed', ['close 1', 'down connectFailed'], 'active'],
      ['tcpClosed', [], 'connect'],
      ['open', [], 'connect'],
      ['keepalive', [], 'connect'],
      ['update', [], 'connect'],
      ['notification', [], 'connect'],
      ['routeRefresh', [], 'connect'],
      ['decodeError', [], 'connect'],
      ['bfdDown', [], 'connect'],
    ],
  },
  active: {
    before: 'active',
    rows: [
      ['start', [], 'active'],
      ['stop', ['down stopped'], 'idle'],
      ['stopGraceful', ['down stopped'], 'idle'],
      ['tcpConnected', [], 'active'],
      ['tcpAccepted', ['accepted 2', 'send 2 open'], 'openSent'],
      ['tcpFailed', [], 'active'],
      ['tcpClosed', [], 'active'],
      ['open', [], 'active'],
      ['keepalive', [], 'active'],
      ['update', [], 'active'],
      ['notification', [], 'active'],
      ['routeRefresh', [], 'active'],
      ['decodeError', [], 'active'],
      ['bfdDown', [], 'active'],
    ],
  },
  openSent: {
    before: 'openSent',
    rows: [
      ['start', [], 'openSent'],
      ['stop', ['send 1 notification 6/2', 'close 1', 'down stopped'], 'idle'],
      ['stopGraceful', ['close 1', 'down stopped'], 'idle'],
      ['tcpConnected', [], 'openSent'],
      ['tcpAccepted', ['accepted 2', 'send 2 open'], 'openSent'],
      ['tcpFailed', [], 'openSent'],
      ['tcpClosed', ['close 1', 'down tcpClosed'], 'active'],
      ['open', ['send 1 keepalive'], 'openConfirm'],
      ['keepalive', ['send 1 notification 5/1', 'close 1', 'down unexpectedMessage'], 'idle'],
      ['update', ['send 1 notification 5/1', 'close 1', 'down unexpectedMessage'], 'idle'],
      ['notification', ['close 1', 'down notificationReceived'], 'idle'],
      ['routeRefresh', ['send 1 notification 5/1', 'close 1', 'down unexpectedMessage'], 'idle'],
      ['decodeError', ['send 1 notification 1/2', 'close 1', 'down decodeError'], 'idle'],
      ['bfdDown', [], 'openSent'],
    ],
  },
  openConfirm: {
    before: 'openConfirm',
    rows: [
      ['start', [], 'openConfirm'],
      ['stop', ['send 1 notification 6/2', 'close 1', 'down stopped'], 'idle'],
      ['stopGraceful', ['close 1', 'down stopped'], 'idle'],
      ['tcpConnected', [], 'openConfirm'],
      ['tcpAccepted', ['accepted 2', 'send 2 open'], 'openConfirm'],
      ['tcpFailed', [], 'openConfirm'],
      ['tcpClosed', ['close 1', 'down tcpClosed'], 'idle'],
      ['open', ['send 1 notification 5/2', 'close 1', 'down unexpectedMessage'], 'idle'],
      ['keepalive', ['established 1'], 'established'],
      ['update', ['send 1 notification 5/2', 'close 1', 'down unexpectedMessage'], 'idle'],
      ['notification', ['close 1', 'down notificationReceived'], 'idle'],
      ['routeRefresh', ['send 1 notification 5/2', 'close 1', 'down unexpectedMessage'], 'idle'],
      ['decodeError', ['send 1 notification 1/2', 'close 1', 'down decodeError'], 'idle'],
      ['bfdDown', [], 'openConfirm'],
    ],
  },
  established: {
    before: 'established',
    rows: [
      ['start', [], 'established'],
      ['stop', ['send 1 notification 6/2', 'close 1', 'down stopped established'], 'idle'],
      ['stopGraceful', ['close 1', 'down stopped established'], 'idle'],
      ['tcpConnected', [], 'established'],
      ['tcpAccepted', ['accepted 2', 'send 2 open'], 'established'],
      ['tcpFailed', [], 'established'],
      ['tcpClosed', ['close 1', 'down tcpClosed established'], 'idle'],
      ['open', ['send 1 notification 5/3', 'close 1', 'down unexpectedMessage established'], 'idle'],
      ['keepalive', [], 'established'],
      ['update', ['update'], 'established'],
      ['notification', ['close 1', 'down notificationReceived established'], 'idle'],
      ['routeRefresh', ['routeRefresh ipv4'], 'established'],
      ['decodeError', ['send 1 notification 1/2', 'close 1', 'down decodeError established'], 'idle'],
      ['bfdDown', ['send 1 notification 6/10', 'close 1', 'down bfdDown established'], 'idle'],
    ],
  },
  idleHold: {
    before: 'idle',
    rows: [
      ['start', [], 'idle'],
      ['stop', ['down stopped'], 'idle'],
      ['stopGraceful', ['down stopped'], 'idle'],
      ['tcpConnected', [], 'idle'],
      ['tcpAccepted', ['accepted 2', 'close 2'], 'idle'],
      ['tcpFailed', [], 'idle'],
      ['tcpClosed', [], 'idle'],
      ['open', [], 'idle'],
      ['keepalive', [], 'idle'],
      ['update', [], 'idle'],
      ['notification', [], 'idle'],
      ['routeRefresh', [], 'idle'],
      ['decodeError', [], 'idle'],
      ['bfdDown', [], 'idle'],
    ],
  },
};

describe('every state × every event', () => {
  for (const [setup, { before, rows }] of Object.entries(TABLE) as [Setup, (typeof TABLE)[Setup]][]) {
    describe(setup, () => {
      it('covers every event once', () => {
        expect(rows.map((r) => r[0]).sort()).toEqual(Object.keys(EVENTS).sort());
        expect(inState(setup).s.state).toBe(before);
      });
      it.each(rows)('%s -> %j, then %s', (event, actions, after) => {
        const h = inState(setup);
        expect(h.on(EVENTS[event], 1000)).toEqual(actions);
        expect(h.s.state).toBe(after);
        // Stopping from anywhere leaves no timer behind.
        h.on({ type: 'stop' }, 2000);
        expect(h.s.nextDeadline()).toBeUndefined();
        expect(h.s.state).toBe('idle');
      });
    });
  }
});

describe('connect retry', () => {
  it('dials again after the jittered backoff, doubling, abandoning a dial that hangs', () => {
    const h = harness();
    expect(h.on({ type: 'start' }, 0)).toEqual(['connect 1']);
    expect(h.s.nextDeadline()).toBe(3750);
    expect(h.tick(3749)).toEqual([]);
    expect(h.tick(3750)).toEqual(['close 1', 'down connectTimeout', 'connect 2']);
    expect(h.s.nextDeadline()).toBe(3750 + 7500);
    // A failed dial waits out its interval.
    expect(h.on({ type: 'tcpFailed', conn: 2 }, 4000)).toEqual(['close 2', 'down connectFailed']);
    expect(h.s.state).toBe('active');
    expect(h.s.nextDeadline()).toBe(11250);
    expect(h.tick(11250)).toEqual(['connect 3']);
    expect(h.s.nextDeadline()).toBe(11250 + 15000);
  });

  it('draws the jitter from the injected random and honours the configured interval', () => {
    const h = harness({ connectRetrySec: 2 }, () => 0.5);
    h.on({ type: 'start' }, 0);
    expect(h.s.nextDeadline()).toBe(1750);
  });

  it('stops once TCP is up, and retries from Active when it closes in OpenSent', () => {
    const h = inState('openSent');
    expect(h.s.nextDeadline()).toBe(240_000);
    expect(h.on({ type: 'tcpClosed', conn: 1 }, 1000)).toEqual(['close 1', 'down tcpClosed']);
    expect(h.s.nextDeadline()).toBe(1000 + 7500);
    expect(h.tick(8500)).toEqual(['connect 2']);
  });

  it('resets the backoff once Established', () => {
    const h = harness();
    h.on({ type: 'start' }, 0);
    h.tick(3750);
    h.tick(3750 + 7500);
    h.on({ type: 'tcpConnected', conn: 3 }, 12_000);
    h.msg(3, peerOpen(), 12_000);
    h.msg(3, KEEPALIVE, 12_000);
    h.on({ type: 'tcpClosed', conn: 3 }, 100_000);
    h.tick(101_000);
    expect(h.s.nextDeadline()).toBe(101_000 + 3750);
  });

  it('never dials when passive, and arms no timer while waiting', () => {
    const h = harness({ passive: true });
    expect(h.on({ type: 'start' }, 0)).toEqual([]);
    expect(h.s.state).toBe('active');
    expect(h.s.nextDeadline()).toBeUndefined();
    expect(h.on({ type: 'tcpAccepted' }, 10)).toEqual(['accepted 1', 'send 1 open']);
    expect(h.on({ type: 'tcpClosed', conn: 1 }, 20)).toEqual(['close 1', 'down tcpClosed']);
    expect(h.s.state).toBe('active');
    expect(h.s.nextDeadline()).toBeUndefined();
    h.on({ type: 'tcpAccepted' }, 30);
    h.msg(2, notification(6, 2), 40);
    expect(h.tick(1040)).toEqual([]);
    expect(h.s.state).toBe('active');
  });
});

describe('hold and keepalive timers', () => {
  it('OpenSent waits 240 s for the OPEN, then sends 4/0 and holds in Idle', () => {
    const h = inState('openSent');
    expect(h.tick(239_999)).toEqual([]);
    expect(h.tick(240_000)).toEqual(['send 1 notification 4/0', 'close 1', 'down holdTimerExpired']);
    expect(h.s.state).toBe('idle');
    expect(h.s.nextDeadline()).toBe(241_000);
    expect(h.tick(241_000)).toEqual(['connect 2']);
  });

  it('OpenConfirm and Established use the negotiated hold, keepalives at a third', () => {
    const h = inState('openConfirm');
    expect(h.s.nextDeadline()).toBe(30_000);
    expect(h.tick(30_000)).toEqual(['send 1 keepalive']);
    expect(h.tick(60_000)).toEqual(['send 1 keepalive']);
    expect(h.tick(90_000)).toEqual(['send 1 notification 4/0', 'close 1', 'down holdTimerExpired']);
  });

  it('KEEPALIVE, UPDATE and ROUTE-REFRESH restart the hold timer in Established', () => {
    const h = inState('established');
    h.msg(1, KEEPALIVE, 80_000);
    h.msg(1, UPDATE, 160_000);
    h.msg(1, REFRESH, 240_000);
    const actions = h.tick(329_999);
    expect(actions.filter((a) => a !== 'send 1 keepalive')).toEqual([]);
    expect(h.tick(330_000)).toEqual(['send 1 notification 4/0', 'close 1', 'down holdTimerExpired established']);
  });

  it('a peer with a shorter hold time scales a configured keepalive', () => {
    const g = harness({ keepaliveSec: 30 });
    g.on({ type: 'start' });
    g.on({ type: 'tcpConnected', conn: 1 });
    g.msg(1, peerOpen({ holdTimeSec: 9 }));
    expect(g.s.nextDeadline()).toBe(3000);
  });

  it('hold time 0: no hold timer and never a keepalive', () => {
    const h = inState('established', { holdTimeSec: 0 });
    expect(h.s.negotiated?.holdTimeSec).toBe(0);
    expect(h.s.nextDeadline()).toBeUndefined();
    expect(h.tick(10_000_000)).toEqual([]);
  });
});

describe('idle hold after errors', () => {
  /** Refuses the peer's OPEN (2/2) at `now`, then returns when the session will dial again. */
  function refuse(h: ReturnType<typeof harness>, conn: number, now: number): number | undefined {
    h.on({ type: 'tcpConnected', conn }, now);
    h.msg(conn, peerOpen({ myAs: 1, capabilities: [] }), now);
    return h.s.nextDeadline();
  }

  it('grows while errors repeat: 1 s, 2 s, 4 s', () => {
    const h = harness();
    h.on({ type: 'start' }, 0);
    expect(refuse(h, 1, 0)).toBe(1000);
    expect(h.tick(1000)).toEqual(['connect 2']);
    expect(refuse(h, 2, 1000)).toBe(3000);
    h.tick(3000);
    expect(refuse(h, 3, 3000)).toBe(7000);
  });

  it('refused OPEN: sends the check result, closes, reports it', () => {
    const h = inState('openSent');
    expect(h.s.handle({ type: 'message', conn: 1, message: peerOpen({ bgpId: 0 }) }, 5)).toEqual([
      { type: 'send', conn: 1, message: notification(2, 3) },
      { type: 'close', conn: 1 },
      { type: 'down', reason: { kind: 'openRejected', error: { code: 'badBgpId', bgpId: 0 } }, wasEstablished: false },
    ]);
  });

  it('goes back to 1 s after a session that stayed up 60 s, and keeps growing after a short one', () => {
    const h = harness();
    h.on({ type: 'start' }, 0);
    refuse(h, 1, 0);
    h.tick(1000);
    const up = (conn: number, now: number) => {
      h.on({ type: 'tcpConnected', conn }, now);
      h.msg(conn, peerOpen(), now);
      h.msg(conn, KEEPALIVE, now);
    };
    up(2, 1000);
    h.msg(2, notification(6, 4), 1000 + 59_999);
    expect(h.s.nextDeadline()).toBe(1000 + 59_999 + 2000);
    h.tick(62_999);
    up(3, 63_000);
    h.msg(3, notification(6, 4), 63_000 + 60_000);
    expect(h.s.nextDeadline()).toBe(123_000 + 1000);
  });
});

describe('collisions (RFC 4271 6.8)', () => {
  /** We dialled 1 (up, OpenSent) and the peer dialled in as 2 (OpenSent). */
  function both(over: Partial<SessionConfig> = {}) {
    const h = inState('openSent', over);
    expect(h.on({ type: 'tcpAccepted' }, 10)).toEqual(['accepted 2', 'send 2 open']);
    return h;
  }

  it('the peer has the higher identifier: its connection stays, whichever OPEN comes first', () => {
    const a = both();
    expect(a.msg(2, peerOpen(), 20)).toEqual(['send 1 notification 6/7', 'close 1', 'send 2 keepalive']);
    expect(a.msg(2, KEEPALIVE, 30)).toEqual(['established 2']);
    const b = both();
    expect(b.msg(1, peerOpen(), 20)).toEqual(['send 1 notification 6/7', 'close 1']);
    expect(b.s.state).toBe('openSent');
    expect(b.msg(2, peerOpen(), 30)).toEqual(['send 2 keepalive']);
  });

  it('we have the higher identifier: ours stays', () => {
    const h = both({ routerId: PEER_ID + 1 });
    expect(h.msg(1, peerOpen(), 20)).toEqual(['send 2 notification 6/7', 'close 2', 'send 1 keepalive']);
    const g = both({ routerId: PEER_ID + 1 });
    expect(g.msg(2, peerOpen(), 20)).toEqual(['send 2 notification 6/7', 'close 2']);
  });

  it('equal identifiers (eBGP): the larger AS keeps its connection (RFC 6286)', () => {
    const low = both({ routerId: PEER_ID });
    expect(low.msg(2, peerOpen(), 20)).toEqual(['send 1 notification 6/7', 'close 1', 'send 2 keepalive']);
    const high = both({ routerId: PEER_ID, localAs: 64514 });
    expect(high.msg(2, peerOpen(), 20)).toEqual(['send 2 notification 6/7', 'close 2']);
  });

  it('resolves against a connection in OpenConfirm too', () => {
    const h = inState('openConfirm');
    h.on({ type: 'tcpAccepted' }, 10);
    expect(h.msg(2, peerOpen(), 20)).toEqual(['send 1 notification 6/7', 'close 1', 'send 2 keepalive']);
    expect(h.s.state).toBe('openConfirm');
  });

  it('losing one of two connections does not take the session down', () => {
    const h = both();
    expect(h.on({ type: 'tcpClosed', conn: 1 }, 20)).toEqual(['close 1']);
    expect(h.s.state).toBe('openSent');
    expect(h.msg(2, notification(6, 7), 30)).toEqual(['close 2', 'down notificationReceived']);
  });

  it('Established closes the dial still pending and every other connection', () => {
    const h = harness();
    h.on({ type: 'start' }, 0);
    h.on({ type: 'tcpAccepted' }, 1);
    h.msg(2, peerOpen(), 2);
    expect(h.msg(2, KEEPALIVE, 3)).toEqual(['close 1', 'established 2']);
    expect(h.on({ type: 'tcpConnected', conn: 1 }, 4)).toEqual([]);
  });

  it('a new connection from the peer replaces its earlier one that did not get Established', () => {
    const h = inState('active');
    h.on({ type: 'tcpAccepted' }, 1);
    expect(h.on({ type: 'tcpAccepted' }, 2)).toEqual([
      'accepted 3',
      'send 2 notification 6/7',
      'close 2',
      'send 3 open',
    ]);
  });

  it('an OPEN on a new connection while Established: Cease 6/7 on the new one', () => {
    const h = inState('established');
    h.on({ type: 'tcpAccepted' }, 10);
    expect(h.msg(2, peerOpen(), 20)).toEqual(['send 2 notification 6/7', 'close 2']);
    expect(h.s.state).toBe('established');
  });

  it('...unless the peer does graceful restart: then the old session is gone (RFC 4724 4.2)', () => {
    const gr: Capability = {
      code: 'gracefulRestart',
      restarted: true,
      notification: false,
      restartTimeSec: 120,
      families: [],
    };
    const h = inState('openSent');
    h.msg(1, peerOpen({ capabilities: [...PEER_CAPS, gr] }));
    h.msg(1, KEEPALIVE);
    h.on({ type: 'tcpAccepted' }, 10);
    expect(h.msg(2, peerOpen({ capabilities: [...PEER_CAPS, gr] }), 20)).toEqual([
      'close 1',
      'down peerRestarted established',
      'send 2 keepalive',
    ]);
    expect(h.msg(2, KEEPALIVE, 30)).toEqual(['established 2']);
  });
});

describe('messages in Established', () => {
  it('ignores route refresh for a family not negotiated, when not negotiated, and RFC 7313 markers', () => {
    const v4 = inState('established', { families: ['ipv4'] });
    expect(v4.msg(1, { type: 'routeRefresh', family: 'ipv6', subtype: 0 })).toEqual([]);
    expect(v4.msg(1, { type: 'routeRefresh', family: 'ipv4', subtype: 1 })).toEqual([]);
    expect(v4.msg(1, { type: 'routeRefresh', family: 'ipv4', subtype: 0 })).toEqual(['routeRefresh ipv4']);
    const h = inState('openSent');
    h.msg(1, peerOpen({ capabilities: [{ code: 'multiprotocol', family: 'ipv4' }] }));
    h.msg(1, KEEPALIVE);
    expect(h.s.negotiated?.routeRefresh).toBe(false);
    expect(h.msg(1, REFRESH)).toEqual([]);
  });

  it('hands the UPDATE over as it came', () => {
    const h = inState('established');
    expect(h.s.handle({ type: 'message', conn: 1, message: UPDATE }, 1)).toEqual([
      { type: 'updateReceived', update: UPDATE },
    ]);
  });

  it('reports what was negotiated with established', () => {
    const h = inState('openConfirm');
    const [est] = h.s.handle({ type: 'message', conn: 1, message: KEEPALIVE }, 1);
    expect(est).toMatchObject({
      type: 'established',
      conn: 1,
      negotiated: { families: ['ipv4', 'ipv6'], peerBgpId: PEER_ID },
    });
    expect(h.s.negotiated).toEqual(est.type === 'established' ? est.negotiated : undefined);
  });
});

describe('stop and NOTIFICATIONs with words', () => {
  it('sends Cease with the subcode and RFC 9003 text, and reports both', () => {
    const h = inState('established');
    const actions = h.s.handle({ type: 'stop', subcode: 4, shutdownText: 'node drained' }, 1);
    expect(actions).toEqual([
      { type: 'send', conn: 1, message: cease(4, 'node drained') },
      { type: 'close', conn: 1 },
      {
        type: 'down',
        reason: { kind: 'stopped', graceful: false, subcode: 4, shutdownText: 'node drained' },
        wasEstablished: true,
      },
    ]);
  });

  it('keeps the shutdown text of a received Cease', () => {
    const h = inState('established');
    const [, down] = h.s.handle(
      { type: 'message', conn: 1, message: notification(6, 2, encodeShutdownCommunication('bye')) },
      1,
    );
    expect(down).toEqual({
      type: 'down',
      reason: { kind: 'notificationReceived', notification: { code: 6, subcode: 2 }, shutdownText: 'bye' },
      wasEstablished: true,
    });
  });

  it('starts again after a stop', () => {
    const h = inState('established');
    h.on({ type: 'stop', graceful: true }, 1);
    expect(h.on({ type: 'start' }, 2)).toEqual(['connect 2']);
    expect(h.s.nextDeadline()).toBe(2 + 3750);
  });
});
