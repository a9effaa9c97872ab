import { winner } from '../ranking';
import { type Heartbeat } from './heartbeat';
import { Membership, type MembershipChange } from './membership';
import { StallClock } from './stall';
import { DEFAULT_MEMBERSHIP_TIMING as T, membershipTiming } from './timing';

const INC = 1_700_000_000_000;
const hb = (node: string, seq: number, more: Partial<Heartbeat> = {}): Heartbeat => ({
  node,
  incarnation: INC,
  epoch: '00000000000000aa',
  seq,
  leaving: false,
  ready: true,
  ...more,
});

/** A speaker `a` with peers, started at `start` (a time on the epoch scale, for the startup rule). */
function speaker(peers: string[] = ['b', 'c'], start = INC + 60_000): Membership {
  const m = new Membership('a', start);
  m.setPeers(peers, start);
  return m;
}

const names = (c: MembershipChange | undefined) => ({
  joined: c?.joined.map((x) => `${x.node}:${x.why}`) ?? [],
  left: c?.left.map((x) => `${x.node}:${x.why}`) ?? [],
});

describe('timing', () => {
  it('defaults, and a grace that follows deadAfterMs', () => {
    expect(membershipTiming()).toEqual({
      intervalMs: 50,
      tickMs: 20,
      deadAfterMs: 500,
      refusedAfterMs: 150,
      startupGraceMs: 1_000,
      leaseRenewMs: 1_000,
      leaseDurationMs: 10_000,
    });
    expect(membershipTiming({ deadAfterMs: 1_000 }).startupGraceMs).toBe(2_000);
    expect(membershipTiming({ deadAfterMs: 1_000, startupGraceMs: 1_500 }).startupGraceMs).toBe(1_500);
  });

  it('an option given as undefined takes its default', () => {
    expect(membershipTiming({ intervalMs: undefined, deadAfterMs: undefined })).toEqual(membershipTiming());
  });

  it('accepts every relation at its limit', () => {
    const limits = { intervalMs: 50, tickMs: 50, deadAfterMs: 100, refusedAfterMs: 100, startupGraceMs: 100 };
    expect(membershipTiming({ ...limits, leaseRenewMs: 1_000, leaseDurationMs: 2_000 })).toEqual({
      ...limits,
      leaseRenewMs: 1_000,
      leaseDurationMs: 2_000,
    });
  });

  it.each([
    [{ intervalMs: 0 }, 'intervalMs must be a positive number'],
    [{ tickMs: Infinity }, 'tickMs must be a positive number'],
    [{ deadAfterMs: -5 }, 'deadAfterMs must be a positive number'],
    [{ deadAfterMs: 90 }, 'deadAfterMs must be >= 2 x intervalMs'],
    [{ tickMs: 60 }, 'tickMs must be <= intervalMs'],
    [{ refusedAfterMs: 90 }, 'refusedAfterMs must be >= 2 x intervalMs'],
    [{ refusedAfterMs: 600 }, 'refusedAfterMs must be <= deadAfterMs'],
    [{ startupGraceMs: 300 }, 'startupGraceMs must be >= deadAfterMs'],
    [{ leaseDurationMs: 1_500 }, 'leaseDurationMs must be >= 2 x leaseRenewMs'],
  ])('refuses %j', (given, message) => {
    expect(() => membershipTiming(given)).toThrow(message);
  });
});

describe('heartbeats', () => {
  it('this node is always alive, alone or not, and is reported on the first tick', () => {
    const m = speaker([]);
    expect(m.alive(0)).toEqual(new Set(['a']));
    expect(names(m.tick(0))).toEqual({ joined: ['a:self'], left: [] });
    expect(m.tick(10_000)).toBeUndefined();
    expect(m.liveness('a', 1e15)).toEqual({ alive: true, why: 'self' });
  });

  it('a peer is alive from its first heartbeat until deadAfterMs after its newest one, exactly', () => {
    const m = speaker();
    const t0 = INC + 100_000;
    expect(m.heartbeat(hb('b', 1), t0)).toBe('accepted');
    expect(m.liveness('b', t0)).toEqual({ alive: true, why: 'heartbeat' });
    expect(m.liveness('b', t0 + T.deadAfterMs - 1).alive).toBe(true);
    expect(m.liveness('b', t0 + T.deadAfterMs)).toEqual({ alive: false, why: 'silent' });
    expect(m.heartbeat(hb('b', 2), t0 + T.deadAfterMs + 50)).toBe('accepted');
    expect(m.liveness('b', t0 + T.deadAfterMs + 50).alive).toBe(true);
  });

  // Heartbeats every interval, arriving up to 40 ms late; ticks every tickMs at every phase; the last heartbeat at every
  // offset within a period. The tick that reports the death must fall in [deadAfterMs, deadAfterMs + tickMs).
  it('a silent peer is reported dead between deadAfterMs and deadAfterMs + tickMs after its last heartbeat', () => {
    const seen = new Set<number>();
    for (let phase = 0; phase < T.intervalMs; phase += 7) {
      for (let jitter = 0; jitter <= 40; jitter += 10) {
        for (let beats = 20; beats < 24; beats++) {
          const m = speaker(['b']);
          const start = INC;
          const arrivals = Array.from({ length: beats }, (_, i) => start + 1 + i * T.intervalMs + ((i * jitter) % 41));
          const last = arrivals[arrivals.length - 1];
          let reportedAt: number | undefined;
          let next = 0;
          for (let now = start + phase; reportedAt === undefined && now < last + 5_000; now += T.tickMs) {
            while (next < arrivals.length && arrivals[next] <= now) m.heartbeat(hb('b', next + 1), arrivals[next++]);
            const c = m.tick(now);
            if (c?.left.some((x) => x.node === 'b')) {
              expect(c.left).toEqual([{ node: 'b', why: 'silent' }]);
              reportedAt = now;
            }
          }
          if (reportedAt === undefined) throw new Error('never reported');
          const after = reportedAt - last;
          seen.add(after);
          expect(after).toBeGreaterThanOrEqual(T.deadAfterMs);
          expect(after).toBeLessThan(T.deadAfterMs + T.tickMs);
        }
      }
    }
    console.log(`death reported ${Math.min(...seen)}-${Math.max(...seen)} ms after the last heartbeat`);
  });

  it('lost heartbeats do not kill a peer while the silence stays under deadAfterMs, at any tick phase', () => {
    const most = Math.ceil(T.deadAfterMs / T.intervalMs) - 2;
    for (let lost = 1; lost <= most; lost++) {
      for (let phase = 0; phase < T.tickMs; phase++) {
        const m = speaker(['b']);
        const arrivals = [0, 1, 2, 3 + lost, 4 + lost, 5 + lost].map((i) => INC + i * T.intervalMs);
        const lefts: number[] = [];
        let next = 0;
        for (let now = INC + phase; now < INC + (8 + lost) * T.intervalMs; now += T.tickMs) {
          while (next < arrivals.length && arrivals[next] <= now) m.heartbeat(hb('b', next + 1), arrivals[next++]);
          if (m.tick(now)?.left.length) lefts.push(now);
        }
        expect([lost, phase, lefts]).toEqual([lost, phase, []]);
      }
    }
  });

  it('ignores reordered, duplicated and old packets: they neither refresh nor revive', () => {
    const m = speaker();
    const t = INC + 10_000;
    const verdicts = [1, 2, 2, 1, 4, 3, 4, 5].map((seq, i) => m.heartbeat(hb('b', seq), t + i));
    expect(verdicts).toEqual(['accepted', 'accepted', 'stale', 'stale', 'accepted', 'stale', 'stale', 'accepted']);
    // seq 5 arrived at t + 7. Late copies of 5 and 3 at t + 300 must not extend its life past t + 7 + deadAfterMs.
    expect(m.heartbeat(hb('b', 5), t + 300)).toBe('stale');
    expect(m.heartbeat(hb('b', 3), t + 300)).toBe('stale');
    expect(m.liveness('b', t + 7 + T.deadAfterMs)).toEqual({ alive: false, why: 'silent' });
    // Nor, once dead, may a late copy bring it back.
    expect(m.heartbeat(hb('b', 5), t + 1_000)).toBe('stale');
    expect(m.liveness('b', t + 1_000).alive).toBe(false);
  });

  it('a leave kills at once; copies of it and a heartbeat it overtook change nothing; a restart rejoins', () => {
    const m = speaker(['b']);
    const t = INC + 10_000;
    m.heartbeat(hb('b', 1), t);
    expect(names(m.tick(t))).toEqual({ joined: ['a:self', 'b:heartbeat'], left: [] });
    expect(m.heartbeat(hb('b', 3, { leaving: true }), t + 10)).toBe('accepted');
    expect(names(m.tick(t + 10))).toEqual({ joined: [], left: ['b:leaving'] });
    expect(m.heartbeat(hb('b', 3, { leaving: true }), t + 11)).toBe('stale');
    expect(m.heartbeat(hb('b', 4, { leaving: true }), t + 12)).toBe('accepted');
    expect(m.heartbeat(hb('b', 2), t + 13)).toBe('stale');
    expect(m.tick(t + 13)).toBeUndefined();
    expect(m.liveness('b', t + 13)).toEqual({ alive: false, why: 'leaving' });
    // The restarted speaker: a new (later) incarnation, its sequence from 1 again.
    expect(m.heartbeat(hb('b', 1, { incarnation: INC + 5_000 }), t + 2_000)).toBe('accepted');
    expect(names(m.tick(t + 2_000))).toEqual({ joined: ['b:heartbeat'], left: [] });
  });

  it('a restart is recognised by its new incarnation, and the old one is then ignored', () => {
    const m = speaker();
    const t = INC + 10_000;
    m.heartbeat(hb('b', 900), t);
    // Killed and restarted within the dead-after time: no death is seen, but the sequence restarts.
    expect(m.heartbeat(hb('b', 1, { incarnation: INC + 1_000 }), t + 150)).toBe('accepted');
    expect(m.heartbeat(hb('b', 2, { incarnation: INC + 1_000 }), t + 250)).toBe('accepted');
    // A delayed packet of the dead process.
    expect(m.heartbeat(hb('b', 901), t + 260)).toBe('stale');
    expect(m.liveness('b', t + 250 + T.deadAfterMs - 1).alive).toBe(true);
    expect(m.liveness('b', t + 250 + T.deadAfterMs).alive).toBe(false);
  });

  it('a restart after the wall clock stepped back (an earlier incarnation) is taken once its Lease shows it', () => {
    const m = speaker();
    const t = INC + 10_000;
    m.heartbeat(hb('b', 50), t);
    m.leaseObserved('b', t - 500, t);
    const earlier = { incarnation: INC - 60_000, epoch: '00000000000000bb' };
    expect(m.heartbeat(hb('b', 1, earlier), t + T.deadAfterMs - 1)).toBe('stale');
    // Silent long enough, but nothing says the node restarted: a replay of an old process looks just like this.
    expect(m.heartbeat(hb('b', 2, earlier), t + T.deadAfterMs)).toBe('stale');
    expect(m.heartbeat(hb('b', 3, earlier), t + 5_000)).toBe('stale');
    // The new process renews the node's Lease (twice seen after the old one went silent): the restart is real.
    m.leaseObserved('b', t + 5_000, t + 5_010);
    m.leaseObserved('b', t + 6_000, t + 6_010);
    expect(m.heartbeat(hb('b', 4, earlier), t + 6_020)).toBe('accepted');
    expect(m.liveness('b', t + 6_020)).toEqual({ alive: true, why: 'heartbeat' });
    // The replaced process is never news again, however late its packets come.
    expect(m.heartbeat(hb('b', 51), t + 6_021)).toBe('stale');
    expect(m.heartbeat(hb('b', 52), t + 20_000)).toBe('stale');
    expect(m.heartbeat(hb('b', 5, earlier), t + 20_001)).toBe('accepted');
  });

  it('an earlier process is taken at the very millisecond of the death, when the Lease showed the restart by then', () => {
    const m = speaker(['b']);
    const t = INC + 10_000;
    m.heartbeat(hb('b', 50), t);
    m.leaseObserved('b', t - 500, t);
    const death = t + T.deadAfterMs;
    m.leaseObserved('b', t + 100, death);
    m.leaseObserved('b', t + 200, death);
    expect(m.heartbeat(hb('b', 1, { incarnation: INC - 60_000, epoch: '00000000000000bb' }), death)).toBe('accepted');
  });

  it("replayed heartbeats of a dead node's earlier processes do not revive it", () => {
    const m = speaker(['b']);
    const t = INC + 10_000;
    const old = { incarnation: INC - 3_600_000, epoch: '1111111111111111' };
    m.heartbeat(hb('b', 900, old), t - 5_000);
    // The current process; then killed at t (its Lease stops with it).
    m.heartbeat(hb('b', 1), t - 100);
    m.leaseObserved('b', t - 900, t - 800);
    m.leaseObserved('b', t + 100, t + 200);
    // Someone replays what they captured of both processes, with sequences going up.
    for (let i = 0; i < 100; i++) {
      const now = t + 1_000 + i * 100;
      expect(m.heartbeat(hb('b', 901 + i, old), now)).toBe('stale');
      expect(m.heartbeat(hb('b', 1, { incarnation: INC - 1, epoch: '2222222222222222' }), now)).toBe('stale');
      expect(m.liveness('b', now).alive).toBe(false);
    }
  });

  it('two processes started in the same millisecond are told apart by their epoch, consistently', () => {
    const m = speaker(['b']);
    const t = INC + 10_000;
    const x = { epoch: '0000000000000001' };
    const y = { epoch: 'ffffffffffffff00' };
    expect(m.heartbeat(hb('b', 7, x), t)).toBe('accepted');
    expect(m.heartbeat(hb('b', 1, y), t + 50)).toBe('accepted');
    expect(m.heartbeat(hb('b', 8, x), t + 60)).toBe('stale');
    const n = speaker(['b']);
    expect(n.heartbeat(hb('b', 1, y), t)).toBe('accepted');
    expect(n.heartbeat(hb('b', 8, x), t + 60)).toBe('stale');
  });

  it('ignores heartbeats from nodes that are not peers, and counts its own name apart', () => {
    const m = speaker(['b']);
    expect(m.heartbeat(hb('z', 1), INC)).toBe('unknown');
    expect(m.heartbeat(hb('a', 1), INC)).toBe('self');
    expect(m.alive(INC)).toEqual(new Set(['a']));
    expect(m.liveness('z', INC)).toEqual({ alive: false, why: 'unknown' });
  });

  it('follows the peer list: a removed peer leaves, its own name is no peer, known peers keep their state', () => {
    const m = speaker(['b', 'c']);
    const t = INC + 10_000;
    m.heartbeat(hb('b', 1), t);
    m.heartbeat(hb('c', 1), t);
    m.tick(t);
    m.setPeers(['a', 'b'], t + 10);
    expect(names(m.tick(t + 10))).toEqual({ joined: [], left: ['c:unknown'] });
    expect(m.alive(t + 10)).toEqual(new Set(['a', 'b']));
    expect(m.heartbeat(hb('c', 2), t + 20)).toBe('unknown');
    m.setPeers(['b', 'c'], t + 30);
    expect(m.liveness('c', t + 30)).toEqual({ alive: false, why: 'unheard' });
    expect(m.heartbeat(hb('c', 3), t + 40)).toBe('accepted');
    expect(names(m.tick(t + 40))).toEqual({ joined: ['c:heartbeat'], left: [] });
  });
});

describe('a process gone: its port refuses', () => {
  it('a peer whose port refuses after its last heartbeat is dead refusedAfterMs after that heartbeat', () => {
    const m = speaker(['b']);
    const t = INC + 100_000;
    m.heartbeat(hb('b', 1), t);
    m.tick(t);
    m.refused('b', t + 30);
    expect(m.liveness('b', t + T.refusedAfterMs - 1)).toEqual({ alive: true, why: 'heartbeat' });
    expect(m.liveness('b', t + T.refusedAfterMs)).toEqual({ alive: false, why: 'refused' });
    expect(names(m.tick(t + T.refusedAfterMs))).toEqual({ joined: [], left: ['b:refused'] });
  });

  it('a refusal in the same millisecond as the newest heartbeat is not after it, so the peer lives deadAfterMs', () => {
    const m = speaker(['b']);
    const t = INC + 100_000;
    m.heartbeat(hb('b', 1), t);
    m.refused('b', t);
    expect(m.liveness('b', t + T.refusedAfterMs)).toEqual({ alive: true, why: 'heartbeat' });
    expect(m.liveness('b', t + T.deadAfterMs)).toEqual({ alive: false, why: 'silent' });
  });

  it("this node's own name is never a peer whose port could refuse", () => {
    const m = speaker(['a', 'b']);
    expect(m.refused('a', INC)).toBeUndefined();
    expect(m.refused('b', INC)).toBe(true);
  });

  it('a refusal older than the last heartbeat changes nothing: a forged one, or the port of a restarted process', () => {
    const m = speaker(['b']);
    const t = INC + 100_000;
    m.heartbeat(hb('b', 1), t);
    m.refused('b', t + 10);
    m.heartbeat(hb('b', 2), t + 50);
    expect(m.liveness('b', t + 50 + T.deadAfterMs - 1)).toEqual({ alive: true, why: 'heartbeat' });
    // Refused while it restarts (its old process closed the port), then the new process heartbeats.
    m.refused('b', t + 600);
    m.heartbeat(hb('b', 1, { incarnation: INC + 1_000, ready: false }), t + 700);
    expect(m.liveness('b', t + 1_000)).toEqual({ alive: true, why: 'heartbeat' });
    expect(m.refused('z', t)).toBeUndefined();
  });

  // Heartbeats every interval (jitter up to 10 ms); the process killed at every offset after its last heartbeat; the
  // next heartbeat sent to it after the kill is refused (ICMP port unreachable) 1 ms later; ticks at every phase.
  it('a killed speaker is reported dead within refusedAfterMs + tickMs of the kill', () => {
    const seen: number[] = [];
    for (let phase = 0; phase < T.tickMs; phase += 3) {
      for (let offset = 0; offset < T.intervalMs; offset += 7) {
        const m = speaker(['b']);
        const beats = Array.from({ length: 20 }, (_, i) => INC + i * T.intervalMs + (i % 3) * 5);
        const killedAt = beats[beats.length - 1] + offset;
        const refusedAt = INC + 20 * T.intervalMs + 1;
        let reportedAt: number | undefined;
        let next = 0;
        for (let now = INC + phase; reportedAt === undefined && now < killedAt + 5_000; now += T.tickMs) {
          while (next < beats.length && beats[next] <= now) m.heartbeat(hb('b', next + 1), beats[next++]);
          if (refusedAt <= now && refusedAt > killedAt - offset) m.refused('b', refusedAt);
          if (m.tick(now)?.left.some((x) => x.node === 'b' && x.why === 'refused')) reportedAt = now;
        }
        if (reportedAt === undefined) throw new Error('never reported');
        seen.push(reportedAt - killedAt);
        expect(reportedAt - killedAt).toBeLessThan(T.refusedAfterMs + T.tickMs);
      }
    }
    console.log(`a killed speaker reported dead ${Math.min(...seen)}-${Math.max(...seen)} ms after the kill`);
  });
});

describe('stalls: silence is measured only while this speaker ran', () => {
  /**
   * Speaker `a` with peers b and c heartbeating every interval (raw time); `a` ticks every tickMs and is frozen for
   * `frozenMs` from `freezeAt`: nothing of it runs then, and what b and c sent meanwhile waits on its socket. On
   * waking, either its tick runs first or the queued heartbeats do. The deaths it reports, by its clock.
   */
  function freeze(opts: {
    freezeAt: number;
    frozenMs: number;
    tickFirst: boolean;
    stallClock: boolean;
    bDiesAt?: number;
  }) {
    const start = INC;
    const m = new Membership('a', start);
    m.setPeers(['b', 'c'], start);
    const clock = new StallClock(T.tickMs, start);
    const now = (raw: number): number => (opts.stallClock ? clock.observe(raw) : raw);
    const wake = opts.freezeAt + opts.frozenMs;
    const frozen = (t: number): boolean => t > opts.freezeAt && t < wake;
    const sent: { t: number; node: string; seq: number }[] = [];
    for (let i = 0; i * T.intervalMs < 10_000; i++) {
      const t = start + 3 + i * T.intervalMs;
      sent.push({ t, node: 'c', seq: i + 1 });
      if (opts.bDiesAt === undefined || t < opts.bDiesAt) sent.push({ t: t + 11, node: 'b', seq: i + 1 });
    }
    sent.sort((x, y) => x.t - y.t);
    const left: string[] = [];
    let next = 0;
    const deliver = (upTo: number, at: number): void => {
      while (next < sent.length && sent[next].t <= upTo) {
        const h = sent[next++];
        m.heartbeat(hb(h.node, h.seq), now(at));
      }
    };
    const tick = (raw: number): void => {
      for (const l of m.tick(now(raw))?.left ?? []) left.push(`${l.node}:${l.why}@${raw - opts.freezeAt}`);
    };
    for (let raw = start; raw < start + 10_000; raw += 1) {
      if (frozen(raw)) continue;
      if (raw === wake) {
        if (opts.tickFirst) tick(raw);
        deliver(raw, raw);
        if (!opts.tickFirst) tick(raw);
        continue;
      }
      deliver(raw, raw);
      if ((raw - start) % T.tickMs === 0) tick(raw);
    }
    return left;
  }

  it('a speaker frozen for 350 ms declares no peer dead when it wakes, whether its tick or the heartbeats run first', () => {
    for (let at = 1_000; at < 1_000 + T.intervalMs; at += 3) {
      for (const tickFirst of [true, false]) {
        const left = freeze({ freezeAt: INC + at, frozenMs: 350, tickFirst, stallClock: true });
        expect([at, tickFirst, left]).toEqual([at, tickFirst, []]);
      }
    }
  });

  it('by the raw clock the same freeze kills its peers when the tick runs first (what happened before)', () => {
    const left = freeze({ freezeAt: INC + 1_000, frozenMs: T.deadAfterMs, tickFirst: true, stallClock: false });
    expect(left.map((l) => l.split('@')[0])).toEqual(['b:silent', 'c:silent']);
  });

  it('a peer that dies during the freeze is still found dead, deadAfterMs of running time after its last heartbeat', () => {
    const left = freeze({
      freezeAt: INC + 1_000,
      frozenMs: 350,
      tickFirst: true,
      stallClock: true,
      bDiesAt: INC + 1_100,
    });
    expect(left).toHaveLength(1);
    const [who, after] = left[0].split('@');
    expect(who).toBe('b:silent');
    // b's last heartbeat reached the socket at about 1,064; a ran 0-1,000 and from 1,350 on.
    expect(Number(after)).toBeGreaterThanOrEqual(350 + T.deadAfterMs - 64 - T.tickMs);
    expect(Number(after)).toBeLessThan(350 + T.deadAfterMs + T.tickMs);
  });
});

describe('readiness', () => {
  const ready = (c: MembershipChange | undefined) => ({ ready: c?.ready ?? [], unready: c?.unready ?? [] });

  it('reports nodes sorted by name, whatever the order of the peer list and wherever this node sorts', () => {
    const m = new Membership('m', INC);
    m.setPeers(['z', 'c', 'x', 'b'], INC);
    m.setReady(true);
    const t = INC + 10_000;
    for (const node of ['x', 'z', 'c', 'b']) m.heartbeat(hb(node, 1), t);
    const c = m.tick(t);
    expect(names(c).joined).toEqual(['b:heartbeat', 'c:heartbeat', 'm:self', 'x:heartbeat', 'z:heartbeat']);
    expect(ready(c)).toEqual({ ready: ['b', 'c', 'm', 'x', 'z'], unready: [] });
    for (const node of ['x', 'b']) m.heartbeat(hb(node, 2, { leaving: true }), t + 10);
    expect(names(m.tick(t + 10)).left).toEqual(['b:leaving', 'x:leaving']);
    // Restarted, not ready yet (z and c without a death between); then ready again.
    for (const node of ['z', 'x', 'c']) m.heartbeat(hb(node, 1, { incarnation: INC + 1, ready: false }), t + 20);
    const restarted = m.tick(t + 20);
    expect(names(restarted).joined).toEqual(['x:heartbeat']);
    expect(ready(restarted)).toEqual({ ready: [], unready: ['c', 'z'] });
    for (const node of ['z', 'x', 'c']) m.heartbeat(hb(node, 2, { incarnation: INC + 1 }), t + 30);
    expect(ready(m.tick(t + 30))).toEqual({ ready: ['c', 'x', 'z'], unready: [] });
  });

  it('one peer becoming eligible as another stops is a change, though as many are eligible', () => {
    const m = speaker(['b', 'c']);
    m.setReady(true);
    const t = INC + 100_000;
    m.heartbeat(hb('b', 1), t);
    m.heartbeat(hb('c', 1, { ready: false }), t);
    expect(m.tick(t)?.eligible).toEqual(new Set(['a', 'b']));
    m.heartbeat(hb('b', 1, { incarnation: INC + 1, ready: false }), t + 10);
    m.heartbeat(hb('c', 2), t + 10);
    const c = m.tick(t + 10);
    expect(names(c)).toEqual({ joined: [], left: [] });
    expect(ready(c)).toEqual({ ready: ['c'], unready: ['b'] });
    expect(c?.eligible).toEqual(new Set(['a', 'c']));
  });

  it('a peer that dies before it was ever ready is reported as left, though the eligible nodes stay the same', () => {
    const m = speaker(['b']);
    m.setReady(true);
    const t = INC + 100_000;
    m.heartbeat(hb('b', 1, { ready: false }), t);
    expect(names(m.tick(t))).toEqual({ joined: ['a:self', 'b:heartbeat'], left: [] });
    const c = m.tick(t + T.deadAfterMs);
    expect(names(c)).toEqual({ joined: [], left: ['b:silent'] });
    expect(c?.eligible).toEqual(new Set(['a']));
  });

  it('an eligible peer that dies is reported as left, not as unready', () => {
    const m = speaker(['b']);
    m.setReady(true);
    const t = INC + 100_000;
    m.heartbeat(hb('b', 1), t);
    m.tick(t);
    const c = m.tick(t + T.deadAfterMs);
    expect(names(c)).toEqual({ joined: [], left: ['b:silent'] });
    expect(ready(c)).toEqual({ ready: [], unready: [] });
    expect(c?.eligible).toEqual(new Set(['a']));
  });

  it('this speaker is eligible to own IPs only once it says it is ready, though alive from the start', () => {
    const m = speaker([]);
    const t = INC + 100_000;
    expect(m.ready).toBe(false);
    expect(m.alive(t)).toEqual(new Set(['a']));
    expect(m.eligible(t)).toEqual(new Set());
    expect(ready(m.tick(t))).toEqual({ ready: [], unready: [] });
    m.setReady(true);
    expect(m.ready).toBe(true);
    expect(m.eligible(t + 1)).toEqual(new Set(['a']));
    const c = m.tick(t + 1);
    expect(ready(c)).toEqual({ ready: ['a'], unready: [] });
    expect(c?.eligible).toEqual(new Set(['a']));
  });

  it('a peer restarted after a goodbye is alive at its first heartbeat, and eligible once that says ready', () => {
    const m = speaker(['b']);
    m.setReady(true);
    const t = INC + 100_000;
    m.heartbeat(hb('b', 1), t);
    expect(ready(m.tick(t))).toEqual({ ready: ['a', 'b'], unready: [] });
    m.heartbeat(hb('b', 2, { leaving: true }), t + 10);
    const left = m.tick(t + 10);
    expect(names(left)).toEqual({ joined: [], left: ['b:leaving'] });
    expect(left?.eligible).toEqual(new Set(['a']));
    // The new process heartbeats at once, but has not planned yet.
    const restarted = { incarnation: INC + 50_000 };
    expect(m.heartbeat(hb('b', 1, { ...restarted, ready: false }), t + 300)).toBe('accepted');
    const joined = m.tick(t + 300);
    expect(names(joined)).toEqual({ joined: ['b:heartbeat'], left: [] });
    expect(ready(joined)).toEqual({ ready: [], unready: [] });
    expect(m.alive(t + 300)).toEqual(new Set(['a', 'b']));
    expect(m.eligible(t + 300)).toEqual(new Set(['a']));
    m.heartbeat(hb('b', 2, { ...restarted, ready: false }), t + 400);
    expect(m.tick(t + 400)).toBeUndefined();
    m.heartbeat(hb('b', 3, { ...restarted, ready: true }), t + 950);
    const c = m.tick(t + 950);
    expect(ready(c)).toEqual({ ready: ['b'], unready: [] });
    expect(c?.eligible).toEqual(new Set(['a', 'b']));
    // A delayed not-ready heartbeat of the same process is old news.
    expect(m.heartbeat(hb('b', 2, { ...restarted, ready: false }), t + 960)).toBe('stale');
    expect(m.eligible(t + 960)).toEqual(new Set(['a', 'b']));
  });

  it('a peer killed and restarted within the dead-after time stops being eligible at the new first heartbeat', () => {
    const m = speaker(['b']);
    m.setReady(true);
    const t = INC + 100_000;
    m.heartbeat(hb('b', 70), t);
    m.tick(t);
    m.heartbeat(hb('b', 1, { incarnation: INC + 50_000, ready: false }), t + 150);
    const c = m.tick(t + 150);
    expect(names(c)).toEqual({ joined: [], left: [] });
    expect(ready(c)).toEqual({ ready: [], unready: ['b'] });
    expect(m.liveness('b', t + 150)).toEqual({ alive: true, why: 'heartbeat' });
    expect(c?.eligible).toEqual(new Set(['a']));
  });

  it('a peer counted alive by the startup rule or its Lease is taken as ready, or as its last heartbeat said', () => {
    const start = INC + 600_000;
    const m = new Membership('a', start);
    m.setPeers(['fresh', 'late'], start);
    m.leaseObserved('fresh', start - 1_000, start);
    expect(m.eligible(start)).toEqual(new Set(['fresh']));
    // `late` was heard not ready, then went silent; its Lease is renewed twice after that: alive, still not ready.
    m.heartbeat(hb('late', 1, { ready: false }), start + 10);
    m.leaseObserved('late', start, start + 10);
    m.leaseObserved('late', start + 1_000, start + 1_000);
    m.leaseObserved('late', start + 2_000, start + 2_000);
    expect(m.liveness('late', start + 2_000)).toEqual({ alive: true, why: 'lease' });
    expect(m.eligible(start + 2_000).has('late')).toBe(false);
  });
});

describe('Leases', () => {
  const RENEW = T.leaseRenewMs;

  /** `b` heard at t, then silent (dead at t + deadAfterMs); its Lease first seen (not a change) at t. */
  function silentB(t: number): Membership {
    const m = speaker(['b']);
    m.heartbeat(hb('b', 1), t);
    m.leaseObserved('b', t - 500, t);
    m.tick(t);
    return m;
  }

  it('revive a heartbeat-dead peer after two renewals observed after its death, while renewals continue', () => {
    const t = INC + 10_000;
    const m = silentB(t);
    expect(names(m.tick(t + T.deadAfterMs))).toEqual({ joined: [], left: ['b:silent'] });
    // The first renewal after the death may have been written before it: not enough.
    m.leaseObserved('b', t + 500, t + 700);
    expect(m.liveness('b', t + 700)).toEqual({ alive: false, why: 'silent' });
    m.leaseObserved('b', t + 1_500, t + 1_700);
    expect(names(m.tick(t + 1_700))).toEqual({ joined: ['b:lease'], left: [] });
    // It keeps renewing: alive throughout.
    let now = t + 1_700;
    for (let i = 2; i < 30; i++) {
      now = t + 700 + i * RENEW;
      m.leaseObserved('b', t + 500 + i * RENEW, now);
      expect(m.tick(now)).toBeUndefined();
    }
    // Renewals stop (killed now, during the partition): dead a lease duration after the last one was seen.
    expect(m.liveness('b', now + T.leaseDurationMs - 1).alive).toBe(true);
    expect(m.liveness('b', now + T.leaseDurationMs)).toEqual({ alive: false, why: 'silent' });
  });

  it('renewals observed at the very millisecond of the death count', () => {
    const t = INC + 10_000;
    const m = silentB(t);
    const death = t + T.deadAfterMs;
    m.leaseObserved('b', t + 400, death);
    expect(m.liveness('b', death).alive).toBe(false);
    m.leaseObserved('b', t + 1_400, death + 1_000);
    expect(m.liveness('b', death + 1_000)).toEqual({ alive: true, why: 'lease' });
  });

  it('a renewal seen again (a resync) or seen before the death does not count', () => {
    const t = INC + 10_000;
    const m = silentB(t);
    m.leaseObserved('b', t + 200, t + 300); // before the death at t + 400
    m.leaseObserved('b', t + 1_200, t + 1_300);
    m.leaseObserved('b', t + 1_200, t + 2_300);
    m.leaseObserved('b', t + 1_200, t + 3_300);
    expect(m.liveness('b', t + 3_300).alive).toBe(false);
    m.leaseObserved('b', t + 4_200, t + 4_300);
    expect(m.liveness('b', t + 4_300)).toEqual({ alive: true, why: 'lease' });
  });

  it('a killed peer (no heartbeats, at most one renewal in flight) stays dead', () => {
    const t = INC + 10_000;
    const m = silentB(t);
    m.leaseObserved('b', t - 100, t + 600); // written just before it died, seen late
    for (let now = t; now < t + 120_000; now += 100) {
      expect(m.liveness('b', now).alive).toBe(now < t + T.deadAfterMs);
    }
  });

  it("renewals from before a later death do not revive: a healed partition's Lease history is spent", () => {
    const t = INC + 10_000;
    const m = silentB(t);
    m.leaseObserved('b', t + 1_000, t + 1_000);
    m.leaseObserved('b', t + 2_000, t + 2_000);
    expect(m.liveness('b', t + 2_000).why).toBe('lease');
    // The partition heals; heartbeats resume, then b is killed at t + 5,000 (one last renewal still in flight).
    for (let i = 1; i <= 30; i++) m.heartbeat(hb('b', i + 1), t + 2_000 + i * 100);
    m.leaseObserved('b', t + 3_000, t + 3_000);
    m.leaseObserved('b', t + 4_000, t + 4_000);
    m.leaseObserved('b', t + 5_000, t + 5_300);
    expect(m.liveness('b', t + 5_000 + T.deadAfterMs - 1).why).toBe('heartbeat');
    expect(m.liveness('b', t + 5_000 + T.deadAfterMs)).toEqual({ alive: false, why: 'silent' });
    expect(m.liveness('b', t + 30_000).alive).toBe(false);
  });

  it('a deleted Lease revives nothing', () => {
    const t = INC + 10_000;
    const m = silentB(t);
    m.leaseObserved('b', t + 1_000, t + 1_000);
    m.leaseObserved('b', t + 2_000, t + 2_000);
    m.leaseDeleted('b');
    expect(m.liveness('b', t + 2_000).alive).toBe(false);
  });

  it('heal a partition: both sides compute the same set, so exactly one node announces each IP', () => {
    // a and b both reach the API server; the heartbeat port between them is blocked from t on.
    const t = INC + 10_000;
    const a = new Membership('a', t - 5_000);
    const b = new Membership('b', t - 5_000);
    a.setPeers(['b'], t - 5_000);
    b.setPeers(['a'], t - 5_000);
    const ips = Array.from({ length: 200 }, (_, i) => `198.51.100.${i + 20}`);
    /** How many nodes announce each IP at `now`. */
    const memo = new Map<string, number[]>();
    const announcedBy = (now: number) => {
      const [aliveA, aliveB] = [a.alive(now), b.alive(now)];
      const key = `${[...aliveA].sort()}|${[...aliveB].sort()}`;
      const counts =
        memo.get(key) ?? ips.map((ip) => Number(winner(ip, aliveA) === 'a') + Number(winner(ip, aliveB) === 'b'));
      memo.set(key, counts);
      return counts;
    };
    for (let i = 0; i < 50; i++) {
      a.heartbeat(hb('b', i), t - 5_000 + i * 100);
      b.heartbeat(hb('a', i), t - 5_000 + i * 100);
    }
    a.leaseObserved('b', t - 4_997, t - 4_950);
    b.leaseObserved('a', t - 4_993, t - 4_940);
    // Heartbeats stop at t - 100 (dead deadAfterMs later); both Leases are renewed every second and each side sees the other's.
    /** [ms after t, announcers per IP] whenever the latter changes. */
    const runs: [number, string][] = [];
    for (let now = t; now <= t + 10_000; now += 10) {
      if ((now - t) % RENEW === 50) a.leaseObserved('b', now - 47, now);
      if ((now - t) % RENEW === 60) b.leaseObserved('a', now - 53, now);
      const counts = [...new Set(announcedBy(now))].sort().join();
      if (runs[runs.length - 1]?.[1] !== counts) runs.push([now - t, counts]);
    }
    // One announcer per IP until the heartbeat death; then each side alone, so two, until it has seen the other's
    // second renewal after that death (a at t + 2,050, b at t + 2,060); one announcer per IP from then on.
    expect(runs).toEqual([
      [0, '1'],
      [T.deadAfterMs - 100, '2'],
      [2_050, '1,2'],
      [2_060, '1'],
    ]);
    expect(a.alive(t + 10_000)).toEqual(new Set(['a', 'b']));
    expect(b.alive(t + 10_000)).toEqual(new Set(['a', 'b']));
  });
});

describe('startup', () => {
  const start = INC + 600_000;

  it('counts peers with a fresh Lease alive until the grace ends unheard; a stale or missing Lease, not', () => {
    const m = new Membership('a', start);
    m.setPeers(['fresh', 'heard', 'stale', 'none'], start);
    m.leaseObserved('fresh', start - 3_000, start);
    m.leaseObserved('heard', start - 9_999, start);
    // Renewed by the writer's clock 10 s ago (or a clock that far behind): not trusted.
    m.leaseObserved('stale', start - T.leaseDurationMs, start);
    expect(names(m.tick(start))).toEqual({ joined: ['a:self', 'fresh:startup', 'heard:startup'], left: [] });
    m.heartbeat(hb('heard', 1), start + 50);
    expect(names(m.tick(start + 50))).toEqual({ joined: [], left: [] });
    expect(m.liveness('heard', start + 50).why).toBe('heartbeat');
    for (let i = 1; i <= 20; i++) m.heartbeat(hb('heard', 1 + i), start + 50 + i * 100);
    expect(m.liveness('fresh', start + T.startupGraceMs - 1)).toEqual({ alive: true, why: 'startup' });
    expect(names(m.tick(start + T.startupGraceMs))).toEqual({ joined: [], left: ['fresh:unheard'] });
    expect(m.alive(start + T.startupGraceMs)).toEqual(new Set(['a', 'heard']));
  });

  it('a peer heard during the grace and then silent is dead by heartbeats, grace or not', () => {
    const m = new Membership('a', start);
    m.setPeers(['b'], start);
    m.leaseObserved('b', start - 100, start);
    m.heartbeat(hb('b', 1), start + 10);
    expect(m.liveness('b', start + 10 + T.deadAfterMs)).toEqual({ alive: false, why: 'silent' });
  });

  it('a peer added after the grace gets no startup credit', () => {
    const m = new Membership('a', start);
    m.setPeers([], start);
    m.setPeers(['late'], start + 5_000);
    m.leaseObserved('late', start + 4_900, start + 5_000);
    expect(m.liveness('late', start + 5_000)).toEqual({ alive: false, why: 'unheard' });
  });

  it('a partition at startup: dead after the grace, alive again at the second renewal seen', () => {
    const m = new Membership('a', start);
    m.setPeers(['b'], start);
    m.leaseObserved('b', start - 300, start);
    m.tick(start);
    m.leaseObserved('b', start + 700, start + 700);
    expect(names(m.tick(start + T.startupGraceMs))).toEqual({ joined: [], left: ['b:unheard'] });
    m.leaseObserved('b', start + 1_700, start + 1_700);
    expect(names(m.tick(start + 1_700))).toEqual({ joined: ['b:lease'], left: [] });
  });
});
