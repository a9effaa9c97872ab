import { decodeControl, encodeControl, type ControlPacket } from './codec';
import { BfdEngine, type EngineAction, type EngineSessionSpec } from './engine';

const A = '198.51.100.1';
const B = '198.51.100.2';

const spec = (peerAddress: string, over: Partial<EngineSessionSpec> = {}): EngineSessionSpec => ({
  peerAddress,
  multihop: false,
  passive: false,
  echoMode: false,
  minimumTtl: 254,
  desiredMinTxMs: 100,
  requiredMinRxMs: 100,
  detectMultiplier: 3,
  ...over,
});

/** A sequence of "random" numbers, repeating the last. */
const seq = (...xs: number[]): (() => number) => {
  let i = 0;
  return () => xs[Math.min(i++, xs.length - 1)];
};

const sends = (as: EngineAction[]): Buffer[] => as.flatMap((a) => (a.kind === 'send' ? [a.bytes] : []));
const states = (as: EngineAction[]): string[] =>
  as.flatMap((a) => (a.kind === 'state' ? [`${a.id} ${a.change.from}->${a.change.to} ${a.change.diag}`] : []));
const packet = (b: Buffer): ControlPacket => {
  const r = decodeControl(b);
  if (!r.ok) throw new Error(r.reason);
  return r.packet;
};

describe('BfdEngine', () => {
  test('discriminators come from the injected random, never 0, never repeated', () => {
    const e = new BfdEngine(seq(0, 0.5, 0.5, 0.25));
    expect(e.add(spec(A), 0)).toBe(1);
    expect(e.add(spec(B), 0)).toBe(1 + Math.floor(0.5 * 0xfffffffe));
    // 0.5 again would repeat the second: the next draw is taken.
    expect(e.add(spec('198.51.100.3'), 0)).toBe(1 + Math.floor(0.25 * 0xfffffffe));
    expect(e.ids()).toHaveLength(3);
  });

  test('one session per peer and kind: single-hop and multihop to one address may coexist', () => {
    const e = new BfdEngine(Math.random);
    e.add(spec(A), 0);
    expect(() => e.add(spec(A), 0)).toThrow(`a single ${A} BFD session exists already`);
    expect(() => e.add(spec(A, { multihop: true }), 0)).not.toThrow();
  });

  test('two engines bring a session Up with each other, then a removal takes the peer Down with diag 3', () => {
    const ea = new BfdEngine(seq(0.1, 0.5));
    const eb = new BfdEngine(seq(0.2, 0.5));
    const ida = ea.add(spec(B), 0);
    const idb = eb.add(spec(A), 0);
    const log: string[] = [];
    let toB = sends(ea.tick(0));
    let toA = sends(eb.tick(0));
    // Deliver until quiet: the three-way handshake with immediate answers on change.
    for (let round = 0; round < 5 && (toB.length || toA.length); round++) {
      const nb: EngineAction[] = toB.flatMap((b) => eb.receive(b, A, false, 1));
      const na: EngineAction[] = toA.flatMap((b) => ea.receive(b, B, false, 1));
      log.push(...states(na), ...states(nb));
      toA = sends(nb);
      toB = sends(na);
    }
    expect(ea.info(ida)?.state).toBe('up');
    expect(eb.info(idb)?.state).toBe('up');
    expect(log).toContain(`${ida} init->up 0`);
    expect(ea.info(ida)).toMatchObject({ remoteDiscriminator: idb, txIntervalMs: 100, detectionTimeMs: 300 });

    const last = ea.remove(ida, 2);
    expect(last).toHaveLength(1);
    expect(packet(sends(last)[0])).toMatchObject({ state: 'adminDown', diag: 7, yourDiscriminator: idb });
    expect(ea.info(ida)).toBeUndefined();
    expect(ea.ids()).toEqual([]);
    expect(ea.remove(ida, 3)).toEqual([]);
    expect(states(eb.receive(sends(last)[0], A, false, 3))).toEqual([`${idb} up->down 3`]);
    // The peer's address is free for a new session.
    expect(() => ea.add(spec(B), 4)).not.toThrow();
  });

  const down = (over: Partial<ControlPacket> = {}): Buffer =>
    encodeControl({
      diag: 0,
      state: 'down',
      poll: false,
      final: false,
      cpi: false,
      demand: false,
      detectMult: 3,
      myDiscriminator: 9,
      yourDiscriminator: 0,
      desiredMinTxUs: 1_000_000,
      requiredMinRxUs: 100_000,
      requiredMinEchoRxUs: 0,
      ...over,
    });

  test('demux: by your discriminator, else by peer address and kind; drops are named', () => {
    const e = new BfdEngine(seq(0));
    const id = e.add(spec(A), 0);
    expect(states(e.receive(down(), A, false, 0))).toEqual([`${id} down->init 0`]);
    expect(e.receive(down(), B, false, 0)).toEqual([{ kind: 'drop', reason: 'noSession', from: B }]);
    expect(e.receive(down(), A, true, 0)).toEqual([{ kind: 'drop', reason: 'noSession', from: A }]);
    expect(e.receive(down({ yourDiscriminator: 77 }), A, false, 0)).toEqual([
      { kind: 'drop', reason: 'noSession', from: A },
    ]);
    expect(e.receive(down({ yourDiscriminator: id }), B, false, 0)).toEqual([
      { kind: 'drop', reason: 'wrongPeer', from: B },
    ]);
    expect(e.receive(down({ yourDiscriminator: id }), A, true, 0)).toEqual([
      { kind: 'drop', reason: 'wrongPeer', from: A },
    ]);
    expect(e.receive(Buffer.alloc(3), A, false, 0)).toEqual([{ kind: 'drop', reason: 'short', from: A }]);
    expect(states(e.receive(down({ yourDiscriminator: id, state: 'up' }), A, false, 0))).toEqual([`${id} init->up 0`]);
  });

  test('GTSM: single-hop takes TTL 255 alone, multihop its minimum TTL; an unknown TTL is not checked', () => {
    const e = new BfdEngine(seq(0, 0.5));
    const single = e.add(spec(A), 0);
    const multi = e.add(spec(B, { multihop: true, minimumTtl: 250 }), 0);
    expect(e.receive(down(), A, false, 0, 254)).toEqual([{ kind: 'drop', reason: 'ttl', from: A }]);
    expect(e.receive(down(), B, true, 0, 249)).toEqual([{ kind: 'drop', reason: 'ttl', from: B }]);
    expect(states(e.receive(down(), B, true, 0, 250))).toEqual([`${multi} down->init 0`]);
    expect(states(e.receive(down(), A, false, 0, 255))).toEqual([`${single} down->init 0`]);
    expect(states(e.receive(down({ yourDiscriminator: single, state: 'up' }), A, false, 0))).toEqual([
      `${single} init->up 0`,
    ]);
  });

  test('one deadline for all sessions; tick runs only the due ones', () => {
    const e = new BfdEngine(seq(0, 0.5, 0));
    expect(e.nextDeadline()).toBe(Infinity);
    const a = e.add(spec(A), 0);
    const b = e.add(spec(B), 500);
    expect(e.nextDeadline()).toBe(0);
    const first = e.tick(0);
    expect(sends(first).map((x) => packet(x).myDiscriminator)).toEqual([a]);
    expect(e.nextDeadline()).toBe(500);
    expect(sends(e.tick(500)).map((x) => packet(x).myDiscriminator)).toEqual([b]);
    expect(e.nextDeadline()).toBe(750);
  });

  test('timers change through setTimers; unknown ids are ignored', () => {
    const e = new BfdEngine(seq(0));
    const id = e.add(spec(A, { echoMode: true }), 0);
    expect(e.info(id)?.echoRefusal).toMatch(/echo mode is not implemented/);
    expect(e.spec(id)?.peerAddress).toBe(A);
    expect(e.setTimers(id, { desiredMinTxMs: 100, requiredMinRxMs: 300, detectMultiplier: 5 }, 0)).toEqual([]);
    expect(packet(sends(e.tick(0))[0])).toMatchObject({ requiredMinRxUs: 300_000, detectMult: 5 });
    expect(e.setTimers(999, { desiredMinTxMs: 1, requiredMinRxMs: 1, detectMultiplier: 1 }, 0)).toEqual([]);
    expect(e.info(999)).toBeUndefined();
  });
});
