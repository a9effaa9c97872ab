import { Diag, type ControlPacket } from './codec';
import { BfdSession, ECHO_REFUSAL, SLOW_TX_MS, type BfdSessionConfig } from './session';

const cfg: BfdSessionConfig = {
  localDiscriminator: 100,
  desiredMinTxMs: 100,
  requiredMinRxMs: 200,
  detectMultiplier: 3,
  passive: false,
};

/** A peer's packet: Down from discriminator 7, 300 ms both ways, multiplier 5. */
const peer = (over: Partial<ControlPacket> = {}): ControlPacket => ({
  diag: 0,
  state: 'down',
  poll: false,
  final: false,
  cpi: false,
  demand: false,
  detectMult: 5,
  myDiscriminator: 7,
  yourDiscriminator: 0,
  desiredMinTxUs: 300_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 0,
  ...over,
});

/** random() = 1 - tiny: jitter factor ~1; random() = 0: the largest reduction. */
const maxRandom = (): number => 0.999999;
const make = (over: Partial<BfdSessionConfig> = {}, random: () => number = () => 0, now = 0): BfdSession =>
  new BfdSession({ ...cfg, ...over }, random, now);

/** Brings a session Up: Down -> Init on the peer's Down, Up on its Up. */
const up = (s: BfdSession, now = 0): void => {
  s.handle(peer({ state: 'down' }), now);
  s.handle(peer({ state: 'up', yourDiscriminator: 100 }), now);
  expect(s.state).toBe('up');
};

describe('BfdSession: the handshake (RFC 5880 6.8.6)', () => {
  test('starts Down, sends at once, slow (1 s) and with no peer discriminator', () => {
    const s = make();
    expect(s.state).toBe('down');
    expect(s.nextDeadline()).toBe(0);
    const out = s.tick(0);
    expect(out.stateChange).toBeUndefined();
    expect(out.send).toEqual({
      diag: 0,
      state: 'down',
      poll: false,
      final: false,
      cpi: false,
      demand: false,
      detectMult: 3,
      myDiscriminator: 100,
      yourDiscriminator: 0,
      desiredMinTxUs: 1_000_000,
      requiredMinRxUs: 200_000,
      requiredMinEchoRxUs: 0,
    });
    // random 0: the interval is cut by 25%.
    expect(s.nextDeadline()).toBe(750);
    expect(s.tick(749)).toEqual({});
    expect(s.tick(750).send?.state).toBe('down');
  });

  test('Down + peer Down -> Init, told at once with the peer discriminator', () => {
    const s = make();
    const out = s.handle(peer(), 10);
    expect(out.stateChange).toEqual({ from: 'down', to: 'init', diag: Diag.none });
    expect(out.send).toMatchObject({ state: 'init', yourDiscriminator: 7, final: false, poll: false });
    expect(s.remoteDiscriminator).toBe(7);
    expect(s.remoteState).toBe('down');
  });

  test('Down + peer Init -> Up straight away', () => {
    const s = make();
    const out = s.handle(peer({ state: 'init', yourDiscriminator: 100 }), 0);
    expect(out.stateChange).toEqual({ from: 'down', to: 'up', diag: Diag.none });
    expect(out.send?.state).toBe('up');
  });

  test('Down + peer Up stays Down (the peer must see us first)', () => {
    const s = make();
    expect(s.handle(peer({ state: 'up', yourDiscriminator: 100 }), 0)).toEqual({});
    expect(s.state).toBe('down');
  });

  test('Init + peer Init or Up -> Up; Init + peer Down stays Init', () => {
    for (const st of ['init', 'up'] as const) {
      const s = make();
      s.handle(peer(), 0);
      expect(s.handle(peer({ state: st, yourDiscriminator: 100 }), 1).stateChange).toEqual({
        from: 'init',
        to: 'up',
        diag: 0,
      });
    }
    const s = make();
    s.handle(peer(), 0);
    expect(s.handle(peer(), 1)).toEqual({});
    expect(s.state).toBe('init');
  });

  test('Up + peer Down -> Down with diag 3 (neighbor signaled session down)', () => {
    const s = make();
    up(s);
    const out = s.handle(peer({ state: 'down', diag: Diag.controlDetectionTimeExpired }), 5);
    expect(out.stateChange).toEqual({ from: 'up', to: 'down', diag: Diag.neighborSignaledSessionDown });
    expect(out.send).toMatchObject({ state: 'down', diag: 3 });
    expect(s.diag).toBe(3);
  });

  test('Up + peer Init or Up stays Up', () => {
    const s = make();
    up(s);
    expect(s.handle(peer({ state: 'init', yourDiscriminator: 100 }), 1).stateChange).toBeUndefined();
    expect(s.handle(peer({ state: 'up', yourDiscriminator: 100 }), 2).stateChange).toBeUndefined();
    expect(s.state).toBe('up');
  });

  test('peer AdminDown takes Init and Up down with diag 3, and leaves Down alone', () => {
    for (const before of ['init', 'up'] as const) {
      const s = make();
      s.handle(peer(), 0);
      if (before === 'up') s.handle(peer({ state: 'up', yourDiscriminator: 100 }), 0);
      expect(s.handle(peer({ state: 'adminDown' }), 1).stateChange).toEqual({ from: before, to: 'down', diag: 3 });
    }
    const s = make();
    expect(s.handle(peer({ state: 'adminDown' }), 1)).toEqual({});
    expect(s.state).toBe('down');
  });
});

describe('BfdSession: timers', () => {
  test('negotiated TX = max(our desired min TX, their required min RX); 1 s while not Up (6.8.3)', () => {
    const s = make();
    s.handle(peer({ requiredMinRxUs: 50_000 }), 0);
    expect(s.state).toBe('init');
    expect(s.txIntervalMs).toBe(SLOW_TX_MS);
    s.handle(peer({ state: 'up', yourDiscriminator: 100, requiredMinRxUs: 50_000 }), 0);
    expect(s.txIntervalMs).toBe(100);
    s.handle(peer({ state: 'up', yourDiscriminator: 100, requiredMinRxUs: 400_000 }), 0);
    expect(s.txIntervalMs).toBe(400);
  });

  test('a configured TX above 1 s is kept while not Up', () => {
    const s = make({ desiredMinTxMs: 2500 });
    expect(s.tick(0).send?.desiredMinTxUs).toBe(2_500_000);
  });

  test('detection time = their multiplier x max(our required min RX, their desired min TX)', () => {
    const s = make();
    expect(s.detectionTimeMs).toBe(0);
    s.handle(peer({ desiredMinTxUs: 50_000 }), 0);
    expect(s.detectionTimeMs).toBe(5 * 200);
    s.handle(peer({ desiredMinTxUs: 300_000, detectMult: 2 }), 0);
    expect(s.detectionTimeMs).toBe(2 * 300);
  });

  test('Up expires to Down with diag 1 after the detection time, tells the peer, and forgets it', () => {
    const s = make();
    up(s, 1000);
    // Detection: 5 x max(200, 300) = 1500 ms after the last packet.
    expect(s.nextDeadline()).toBeLessThanOrEqual(2500);
    let t = 1000;
    while (s.nextDeadline() < 2500) {
      t = s.nextDeadline();
      expect(s.tick(t).stateChange).toBeUndefined();
    }
    expect(s.nextDeadline()).toBe(2500);
    expect(s.tick(2499).stateChange).toBeUndefined();
    const out = s.tick(2500);
    expect(out.stateChange).toEqual({ from: 'up', to: 'down', diag: Diag.controlDetectionTimeExpired });
    expect(out.send).toMatchObject({ state: 'down', diag: 1, yourDiscriminator: 0, desiredMinTxUs: 1_000_000 });
    expect(s.remoteDiscriminator).toBe(0);
    expect(s.detectionTimeMs).toBe(0);
    expect(s.txIntervalMs).toBe(SLOW_TX_MS);
  });

  test('Init expires too; Down only forgets the peer', () => {
    const s = make();
    s.handle(peer(), 0);
    expect(s.tick(1500).stateChange).toEqual({ from: 'init', to: 'down', diag: 1 });
    const d = make();
    d.handle(peer({ state: 'up', yourDiscriminator: 100 }), 0);
    expect(d.remoteDiscriminator).toBe(7);
    expect(d.tick(1500).stateChange).toBeUndefined();
    expect(d.remoteDiscriminator).toBe(0);
  });

  test('each packet received restarts detection', () => {
    const s = make();
    up(s, 0);
    s.handle(peer({ state: 'up', yourDiscriminator: 100 }), 1000);
    expect(s.tick(1500).stateChange).toBeUndefined();
    expect(s.tick(2500).stateChange?.to).toBe('down');
  });

  test('jitter: 75-100% of the interval, 75-90% with multiplier 1 (6.8.7)', () => {
    const at = (random: number, detectMultiplier: number): number => {
      const s = make({ detectMultiplier }, () => random);
      s.tick(0);
      return s.nextDeadline();
    };
    expect(at(0, 3)).toBe(750);
    expect(at(0.5, 3)).toBe(875);
    expect(at(maxRandom(), 3)).toBeCloseTo(1000, 1);
    expect(at(0, 1)).toBe(750);
    expect(at(maxRandom(), 1)).toBeCloseTo(900, 1);
  });

  test('a changed interval re-times the pending send with the same jitter', () => {
    const s = make({}, () => 0.5);
    up(s, 0);
    // Sent at 0 on becoming Up; TX now max(100, 300) x 0.875.
    expect(s.nextDeadline()).toBe(262.5);
    s.handle(peer({ state: 'up', yourDiscriminator: 100, requiredMinRxUs: 1_000_000 }), 10);
    expect(s.nextDeadline()).toBe(875);
  });

  test('a peer asking for no packets (required min RX 0) gets none', () => {
    const s = make();
    s.handle(peer({ requiredMinRxUs: 0 }), 0);
    expect(s.txIntervalMs).toBe(0);
    // Periodic sending stops (6.8.7); detection (5 x 300 ms) still runs.
    expect(s.nextDeadline()).toBe(1500);
    expect(s.tick(1499)).toEqual({});
    // Once the peer is forgotten, its RX interval is 1 us again and sending resumes.
    expect(s.tick(1500)).toMatchObject({ stateChange: { to: 'down' }, send: { state: 'down' } });
  });
});

describe('BfdSession: poll sequence (RFC 5880 6.5, 6.8.3)', () => {
  test('becoming Up starts a poll for the faster TX; packets carry P until the peer answers with F', () => {
    const s = make();
    s.handle(peer(), 0);
    const out = s.handle(peer({ state: 'up', yourDiscriminator: 100 }), 0);
    expect(out.send).toMatchObject({ state: 'up', poll: true, desiredMinTxUs: 100_000 });
    expect(s.pollInProgress).toBe(true);
    expect(s.tick(s.nextDeadline()).send?.poll).toBe(true);
    s.handle(peer({ state: 'up', yourDiscriminator: 100, final: true }), 300);
    expect(s.pollInProgress).toBe(false);
    expect(s.tick(s.nextDeadline()).send?.poll).toBe(false);
  });

  test('a peer poll is answered at once with F and without P', () => {
    const s = make();
    up(s);
    const out = s.handle(peer({ state: 'up', yourDiscriminator: 100, poll: true }), 50);
    expect(out.send).toMatchObject({ final: true, poll: false, state: 'up' });
    expect(out.stateChange).toBeUndefined();
  });

  test('a peer poll in Down is answered with F too', () => {
    const s = make();
    s.handle(peer({ state: 'up', yourDiscriminator: 100 }), 0);
    expect(s.handle(peer({ state: 'up', yourDiscriminator: 100, poll: true }), 1).send?.final).toBe(true);
  });

  test('while Up, a longer TX waits for F; a shorter RX keeps the old detection time until F', () => {
    const s = make({ desiredMinTxMs: 400, requiredMinRxMs: 400 });
    up(s);
    s.handle(peer({ state: 'up', yourDiscriminator: 100, final: true, requiredMinRxUs: 1000 }), 0);
    expect(s.pollInProgress).toBe(false);
    expect(s.txIntervalMs).toBe(400);
    expect(s.detectionTimeMs).toBe(5 * 400);
    const out = s.setTimers({ desiredMinTxMs: 800, requiredMinRxMs: 100, detectMultiplier: 3 }, 10);
    expect(out.send).toMatchObject({ poll: true, desiredMinTxUs: 800_000, requiredMinRxUs: 100_000 });
    expect(s.txIntervalMs).toBe(400);
    expect(s.detectionTimeMs).toBe(5 * 400);
    s.handle(peer({ state: 'up', yourDiscriminator: 100, final: true, requiredMinRxUs: 1000 }), 20);
    expect(s.txIntervalMs).toBe(800);
    expect(s.detectionTimeMs).toBe(5 * 300);
  });

  test('while Up, a shorter TX and a longer RX apply at once', () => {
    const s = make({ desiredMinTxMs: 400, requiredMinRxMs: 100 });
    up(s);
    s.handle(
      peer({ state: 'up', yourDiscriminator: 100, final: true, requiredMinRxUs: 1000, desiredMinTxUs: 1000 }),
      0,
    );
    s.setTimers({ desiredMinTxMs: 200, requiredMinRxMs: 500, detectMultiplier: 3 }, 10);
    expect(s.pollInProgress).toBe(true);
    expect(s.txIntervalMs).toBe(200);
    expect(s.detectionTimeMs).toBe(5 * 500);
  });

  test('unchanged timers start no poll; changes while Down apply at once without one', () => {
    const s = make();
    up(s);
    s.handle(peer({ state: 'up', yourDiscriminator: 100, final: true }), 0);
    expect(s.setTimers({ desiredMinTxMs: 100, requiredMinRxMs: 200, detectMultiplier: 3 }, 1)).toEqual({});
    expect(s.pollInProgress).toBe(false);
    const d = make();
    expect(d.setTimers({ desiredMinTxMs: 100, requiredMinRxMs: 900, detectMultiplier: 4 }, 1)).toEqual({});
    expect(d.pollInProgress).toBe(false);
    expect(d.tick(1).send).toMatchObject({ requiredMinRxUs: 900_000, detectMult: 4, desiredMinTxUs: 1_000_000 });
  });

  test('going Down ends a poll and returns to 1 s', () => {
    const s = make();
    up(s);
    expect(s.pollInProgress).toBe(true);
    s.handle(peer({ state: 'down' }), 1);
    expect(s.pollInProgress).toBe(false);
    expect(s.txIntervalMs).toBe(SLOW_TX_MS);
  });
});

describe('BfdSession: roles and admin', () => {
  test('passive: nothing is sent until the peer has sent, and again after it is forgotten', () => {
    const s = make({ passive: true });
    expect(s.nextDeadline()).toBe(Infinity);
    expect(s.tick(5000)).toEqual({});
    expect(s.handle(peer(), 6000).send?.state).toBe('init');
    expect(s.nextDeadline()).toBeLessThan(Infinity);
    const out = s.tick(6000 + 1500);
    expect(out).toEqual({ stateChange: { from: 'init', to: 'down', diag: 1 } });
    expect(s.nextDeadline()).toBe(Infinity);
  });

  test('AdminDown: diag 7, told to the peer, packets ignored; back to Down on release', () => {
    const s = make();
    up(s);
    const out = s.setAdminDown(true, 1);
    expect(out.stateChange).toEqual({ from: 'up', to: 'adminDown', diag: Diag.administrativelyDown });
    expect(out.send).toMatchObject({ state: 'adminDown', diag: 7 });
    expect(s.setAdminDown(true, 2)).toEqual({});
    expect(s.handle(peer({ state: 'init', yourDiscriminator: 100 }), 3)).toEqual({});
    expect(s.state).toBe('adminDown');
    expect(s.setAdminDown(false, 4).stateChange).toEqual({ from: 'adminDown', to: 'down', diag: 0 });
    expect(s.setAdminDown(false, 5)).toEqual({});
  });

  test('AdminDown while passive and unheard changes state without sending', () => {
    const s = make({ passive: true });
    expect(s.setAdminDown(true, 0)).toEqual({ stateChange: { from: 'down', to: 'adminDown', diag: 7 } });
  });

  test('echo mode is refused with a reason; the session still runs asynchronously with echo RX 0', () => {
    expect(make().echoRefusal).toBeUndefined();
    const s = make({ echoMode: true });
    expect(s.echoRefusal).toBe(ECHO_REFUSAL);
    expect(s.tick(0).send?.requiredMinEchoRxUs).toBe(0);
  });

  test('the peer demand bit is recorded', () => {
    const s = make();
    s.handle(peer({ demand: true }), 0);
    expect(s.remoteDemand).toBe(true);
  });

  test('bad configuration is refused', () => {
    expect(() => make({ localDiscriminator: 0 })).toThrow('local discriminator 0');
    expect(() => make({ localDiscriminator: 2 ** 32 })).toThrow('local discriminator');
    expect(() => make({ detectMultiplier: 0 })).toThrow('detect multiplier 0');
    expect(() => make({ detectMultiplier: 256 })).toThrow('detect multiplier 256');
    expect(() => make({ desiredMinTxMs: 0 })).toThrow('desired min TX 0 ms');
    expect(() => make({ requiredMinRxMs: 5e6 })).toThrow('required min RX');
    expect(() => make().setTimers({ desiredMinTxMs: NaN, requiredMinRxMs: 1, detectMultiplier: 1 }, 0)).toThrow(
      'desired min TX',
    );
  });
});
