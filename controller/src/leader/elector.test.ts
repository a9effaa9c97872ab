import { LeaderElector } from './elector';
import {
  decideLeaseAction,
  observeLease,
  releasedLease,
  type LeaderElectionTiming,
  type LeaseRecord,
  type LeaseStore,
} from './leaseRules';

const timing: LeaderElectionTiming = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };

/** One Lease object with the API server's optimistic concurrency; `down` makes every call fail, `hang` never answer. */
class MemoryLease implements LeaseStore {
  record: LeaseRecord | undefined;
  version = 0;
  down = false;
  hang = false;
  writes = 0;

  private async call<T>(f: () => T): Promise<T> {
    if (this.hang) return new Promise<T>(() => undefined);
    if (this.down) throw new Error('connection refused');
    return f();
  }
  get() {
    return this.call(() =>
      this.record === undefined ? undefined : { record: this.record, resourceVersion: String(this.version) },
    );
  }
  create(record: LeaseRecord) {
    return this.call(() => {
      if (this.record !== undefined) return false;
      this.record = record;
      this.version++;
      this.writes++;
      return true;
    });
  }
  update(record: LeaseRecord, resourceVersion: string) {
    return this.call(() => {
      if (resourceVersion !== String(this.version)) return false;
      this.record = record;
      this.version++;
      this.writes++;
      return true;
    });
  }
}

interface Replica {
  elector: LeaderElector;
  log: string[];
}

function replica(store: LeaseStore, name: string, clock: { now: number }): Replica {
  const log: string[] = [];
  const elector = new LeaderElector(store, name, timing, () => clock.now, {
    onStartedLeading: () => log.push('started'),
    onStoppedLeading: (why) => log.push(`stopped: ${why}`),
    onLeaderSeen: (holder) => log.push(`leader ${holder}`),
  });
  return { elector, log };
}

/** Advances the clock in retry periods, ticking every live replica each time. */
async function run(clock: { now: number }, ms: number, replicas: Replica[]): Promise<void> {
  for (let t = 0; t < ms; t += timing.retryPeriodMs) {
    clock.now += timing.retryPeriodMs;
    for (const r of replicas) await r.elector.tick();
  }
}

describe('decideLeaseAction', () => {
  const mine: LeaseRecord = {
    holderIdentity: 'a',
    leaseDurationSeconds: 3,
    acquireTime: 0,
    renewTime: 100,
    leaseTransitions: 2,
  };

  it('creates a missing Lease and renews its own', () => {
    const seen = observeLease(undefined, undefined, 0);
    expect(decideLeaseAction(undefined, 'a', 0, seen, timing)).toMatchObject({
      kind: 'create',
      record: { holderIdentity: 'a' },
    });
    const lease = { record: mine, resourceVersion: '7' };
    expect(decideLeaseAction(lease, 'a', 500, observeLease(undefined, lease, 500), timing)).toEqual({
      kind: 'update',
      record: { ...mine, renewTime: 500 },
      takeover: false,
    });
  });

  it("waits out a full lease duration on its own clock before taking another's Lease", () => {
    // The renewTime says 100 (long ago, by a skewed clock); only the local observation counts.
    const lease = { record: mine, resourceVersion: '7' };
    const seen = observeLease(undefined, lease, 50_000);
    expect(decideLeaseAction(lease, 'b', 52_999, seen, timing)).toEqual({ kind: 'wait', holder: 'a' });
    expect(decideLeaseAction(lease, 'b', 53_000, seen, timing)).toMatchObject({
      kind: 'update',
      takeover: true,
      record: { holderIdentity: 'b', leaseTransitions: 3, acquireTime: 53_000 },
    });
  });

  it('restarts the wait when the holder renews, and takes a released Lease at once', () => {
    const lease = { record: mine, resourceVersion: '7' };
    const first = observeLease(undefined, lease, 0);
    const renewed = { record: { ...mine, renewTime: 2_000 }, resourceVersion: '8' };
    const second = observeLease(first, renewed, 2_500);
    expect(second.at).toBe(2_500);
    expect(observeLease(second, renewed, 4_000)).toBe(second);
    expect(decideLeaseAction(renewed, 'b', 4_000, second, timing).kind).toBe('wait');
    const free = { record: releasedLease(mine, 4_000), resourceVersion: '9' };
    expect(decideLeaseAction(free, 'b', 4_001, observeLease(second, free, 4_001), timing)).toMatchObject({
      kind: 'update',
    });
  });
});

describe('LeaderElector', () => {
  it('elects exactly one of two replicas, and the standby takes over within duration + one period', async () => {
    const clock = { now: 1_000 };
    const store = new MemoryLease();
    const a = replica(store, 'a', clock);
    const b = replica(store, 'b', clock);
    await run(clock, 5_000, [a, b]);
    expect(a.elector.isLeader).toBe(true);
    expect(b.elector.isLeader).toBe(false);
    expect(a.log).toEqual(['started']);
    expect(b.log).toEqual(['leader a']);

    // a dies without a word: b may act only once a full duration has passed since it last saw a renewal.
    const diedAt = clock.now;
    let tookOverAt = 0;
    for (let i = 0; i < 20 && !b.elector.isLeader; i++) {
      clock.now += timing.retryPeriodMs;
      await b.elector.tick();
      if (b.elector.isLeader) tookOverAt = clock.now;
    }
    expect(tookOverAt - diedAt).toBeGreaterThanOrEqual(timing.leaseDurationMs);
    expect(tookOverAt - diedAt).toBeLessThanOrEqual(timing.leaseDurationMs + timing.retryPeriodMs);
    expect(store.record?.leaseTransitions).toBe(1);
  });

  it('a leader that cannot renew steps down after the renew deadline, before anyone may take over', async () => {
    const clock = { now: 0 };
    const store = new MemoryLease();
    const a = replica(store, 'a', clock);
    await run(clock, 1_000, [a]);
    expect(a.elector.isLeader).toBe(true);
    store.down = true;
    let steppedDownAfter = 0;
    for (let t = 0; a.elector.isLeader; t += timing.retryPeriodMs) {
      clock.now += timing.retryPeriodMs;
      await a.elector.tick();
      steppedDownAfter = t + timing.retryPeriodMs;
    }
    expect(steppedDownAfter).toBeGreaterThan(timing.renewDeadlineMs);
    expect(steppedDownAfter).toBeLessThan(timing.leaseDurationMs);
    expect(a.log[1]).toMatch(/^stopped: no renewal for 2000 ms: connection refused$/);
  });

  it('steps down on the deadline even while an API call hangs', async () => {
    const clock = { now: 0 };
    const store = new MemoryLease();
    const a = replica(store, 'a', clock);
    await run(clock, 500, [a]);
    store.hang = true;
    void a.elector.tick();
    clock.now += 2_001;
    await a.elector.tick();
    expect(a.elector.isLeader).toBe(false);
  });

  it('loses leadership as soon as it reads another holder, and a clean release hands over at once', async () => {
    const clock = { now: 0 };
    const store = new MemoryLease();
    const a = replica(store, 'a', clock);
    const b = replica(store, 'b', clock);
    await run(clock, 1_000, [a, b]);
    await a.elector.release();
    expect(store.record?.holderIdentity).toBe('');
    await run(clock, 500, [b]);
    expect(b.elector.isLeader).toBe(true);
    // a, partitioned while b took over, comes back and reads b's name: it must not act as leader again.
    const c = replica(store, 'a', clock);
    await run(clock, 500, [c]);
    expect(c.elector.isLeader).toBe(false);
  });

  it('keeps Lease writes to one per retry period, whatever else the controller does', async () => {
    const clock = { now: 0 };
    const store = new MemoryLease();
    const a = replica(store, 'a', clock);
    await run(clock, 10_000, [a]);
    expect(store.writes).toBe(10_000 / timing.retryPeriodMs);
  });
});
