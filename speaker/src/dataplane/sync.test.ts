import type { ApplyStats, DataplaneBackend } from './backend';
import type { CommandResult } from './command';
import { DataplaneSync, type AppliedSync, type SyncClock } from './sync';
import { forward, plan as planOf } from './testPlans';
import type { DataplanePlan, Forward } from './types';

class Clock implements SyncClock {
  t = 0;
  timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.next;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
      await flush();
    }
    this.t = end;
  }
}
const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

interface Call {
  prev: DataplanePlan | undefined;
  next: DataplanePlan;
  full: boolean;
  done: (err?: Error) => void;
}
function fakeBackend() {
  const calls: Call[] = [];
  let drift: boolean | Error = false;
  let cleaned = 0;
  let probes = 0;
  // While set, drifted() answers only when the test releases it (a probe's `nft list` still running).
  let held: Promise<void> | undefined;
  const backend: DataplaneBackend = {
    name: 'fake',
    apply: (prev, next, full) =>
      new Promise<ApplyStats>((resolve, reject) =>
        calls.push({ prev, next, full, done: (err) => (err ? reject(err) : resolve({ bytes: 10 })) }),
      ),
    drifted: () => {
      probes++;
      const answer = (): Promise<boolean> => (drift instanceof Error ? Promise.reject(drift) : Promise.resolve(drift));
      return held ? held.then(answer) : answer();
    },
    cleanup: () => {
      cleaned++;
      return Promise.resolve();
    },
  };
  return {
    backend,
    calls,
    /** An Error: drifted() rejects with it. */
    setDrift: (d: boolean | Error) => (drift = d),
    cleaned: () => cleaned,
    /** How many times the backend was asked whether our rules drifted (each a listing of the kernel's rules). */
    probes: () => probes,
    /** Holds the next probes' answers until the returned function is called. */
    holdProbes: (): (() => void) => {
      let release = (): void => undefined;
      held = new Promise<void>((r) => (release = r));
      return () => {
        held = undefined;
        release();
      };
    },
  };
}

const plan = (n: number, proto: Forward['protocol'] = 'TCP', backends = ['203.0.113.18']): DataplanePlan =>
  planOf(
    ...Array.from({ length: n }, (_, i) =>
      forward(
        `198.51.100.${200 + i}`,
        proto,
        80,
        backends.map((b) => [b, 8080] as const),
        { service: 'ns/a' },
      ),
    ),
  );

interface HarnessOptions {
  /** The conntrack runner's answer; absent: no runner. */
  run?: (argv: readonly string[]) => CommandResult;
  /** `none`: the option left out. */
  argvPrefix?: readonly string[] | 'none';
  /** `default`: the option left out. */
  resyncMs?: number | 'default';
  probeMs?: number | 'default';
  /** false: no onApplied callback. */
  onApplied?: boolean;
  /** The process's timers and clock (jest's fake timers where a test installs them) instead of the fake clock. */
  realClock?: boolean;
}

function harness(o: HarnessOptions = {}) {
  const clock = new Clock();
  const b = fakeBackend();
  const applied: AppliedSync[] = [];
  const warned: { o: object; m: string }[] = [];
  const argvs: string[][] = [];
  const run = o.run;
  const resyncMs = o.resyncMs ?? 300_000;
  const probeMs = o.probeMs ?? 10_000;
  const sync = new DataplaneSync({
    backend: b.backend,
    ...(o.realClock ? {} : { clock }),
    ...(resyncMs === 'default' ? {} : { resyncMs }),
    ...(probeMs === 'default' ? {} : { probeMs }),
    log: { info: () => undefined, warn: (obj, m) => warned.push({ o: obj, m }) },
    ...(o.onApplied === false ? {} : { onApplied: (s: AppliedSync) => applied.push(s) }),
    ...(run
      ? {
          runner: {
            run: (argv: readonly string[]) => {
              argvs.push([...argv]);
              return Promise.resolve(run(argv));
            },
          },
        }
      : {}),
    ...(run && o.argvPrefix !== 'none' ? { argvPrefix: o.argvPrefix ?? ['ip', 'netns', 'exec', 'ns1'] } : {}),
  });
  return {
    clock,
    sync,
    applied,
    warned,
    get warnings(): string[] {
      return warned.map((w) => w.m);
    },
    argvs,
    ...b,
  };
}

describe('DataplaneSync', () => {
  it('the first plan is a full apply; the next a diff from it', async () => {
    const h = harness();
    const p1 = plan(1);
    const p2 = plan(2);
    h.sync.update(p1);
    await flush();
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]).toMatchObject({ prev: undefined, next: p1, full: true });
    h.calls[0].done();
    await flush();
    // Strict: a diff's record has no `why` at all (the metrics and the "written in full" log read it).
    expect(h.applied).toStrictEqual([{ full: true, seconds: 0, bytes: 10, forwards: 1, why: 'start' }]);
    h.sync.update(p2);
    await flush();
    expect(h.calls[1]).toMatchObject({ prev: p1, next: p2, full: false });
    h.calls[1].done();
    await h.sync.idle();
    expect(h.applied[1]).toStrictEqual({ full: false, seconds: 0, bytes: 10, forwards: 2 });
  });

  it('plans arriving during an apply are coalesced: only the newest is applied next', async () => {
    const h = harness();
    const [p1, p2, p3] = [plan(1), plan(2), plan(3)];
    h.sync.update(p1);
    await flush();
    h.sync.update(p2);
    h.sync.update(p3);
    h.calls[0].done();
    await flush();
    expect(h.calls.map((c) => c.next)).toEqual([p1, p3]);
    expect(h.calls[1].prev).toBe(p1);
    h.calls[1].done();
    await h.sync.idle();
    h.sync.update(p3);
    await flush();
    expect(h.calls).toHaveLength(2);
  });

  it('a failed apply keeps the last good plan as prev, retries full after 1 s, doubling to 30 s', async () => {
    const h = harness();
    const p1 = plan(1);
    const p2 = plan(2);
    h.sync.update(p1);
    await flush();
    h.calls[0].done();
    await flush();
    h.sync.update(p2);
    await flush();
    h.calls[1].done(new Error('nft: boom'));
    await flush();
    expect(h.warnings).toEqual(['dataplane sync failed; the rules applied before stay; retrying with a full rewrite']);
    // A newer plan does not bypass the backoff.
    h.sync.update(p2);
    await flush();
    expect(h.calls).toHaveLength(2);
    await h.clock.advance(999);
    expect(h.calls).toHaveLength(2);
    await h.clock.advance(1);
    expect(h.calls[2]).toMatchObject({ prev: p1, next: p2, full: true });
    h.calls[2].done(new Error('again'));
    await flush();
    await h.clock.advance(1999);
    expect(h.calls).toHaveLength(3);
    // Each failure is logged with the backend, the wait before its retry and the error.
    expect(h.warned.map((w) => w.o)).toEqual([
      { backend: 'fake', retryMs: 1000, error: 'nft: boom' },
      { backend: 'fake', retryMs: 2000, error: 'again' },
    ]);
    await h.clock.advance(1);
    expect(h.calls).toHaveLength(4);
    for (let i = 0; i < 6; i++) {
      h.calls.at(-1)?.done(new Error('again'));
      await flush();
      await h.clock.advance(30_000);
    }
    expect(h.calls).toHaveLength(10);
    h.calls.at(-1)?.done();
    await flush();
    expect(h.applied.at(-1)).toMatchObject({ full: true, why: 'retry' });
  });

  it('every resyncMs a full rewrite of the applied plan', async () => {
    const h = harness();
    const p1 = plan(1);
    h.sync.update(p1);
    await flush();
    h.calls[0].done();
    await flush();
    await h.clock.advance(299_999);
    expect(h.calls).toHaveLength(1);
    await h.clock.advance(1);
    expect(h.calls[1]).toMatchObject({ prev: p1, next: p1, full: true });
    h.calls[1].done();
    await flush();
    expect(h.applied.at(-1)?.why).toBe('resync');
  });

  it('the probe finds drift: a full rewrite, said in the log; no drift: nothing', async () => {
    const h = harness();
    h.sync.update(plan(1));
    await flush();
    h.calls[0].done();
    await flush();
    await h.clock.advance(10_000);
    expect(h.calls).toHaveLength(1);
    h.setDrift(true);
    await h.clock.advance(10_000);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1].full).toBe(true);
    expect(h.warned).toEqual([
      { o: { backend: 'fake' }, m: 'dataplane rules were changed by someone else: rewriting them' },
    ]);
    h.calls[1].done();
    await flush();
    expect(h.applied.at(-1)?.why).toBe('drift');
  });

  it('stop(true) clears the timers and cleans up; stop(false) leaves the rules', async () => {
    const a = harness();
    await a.sync.stop(true);
    expect(a.cleaned()).toBe(1);
    expect(a.clock.timers).toEqual([]);
    const b = harness();
    await b.sync.stop(false);
    expect(b.cleaned()).toBe(0);
    b.sync.update(plan(1));
    await flush();
    expect(b.calls).toHaveLength(0);
  });

  it('after an apply, stale UDP conntrack entries are deleted; "0 deleted" is no warning', async () => {
    const h = harness({
      run: (argv) =>
        argv.includes('203.0.113.19')
          ? { code: 1, stdout: '', stderr: 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.' }
          : { code: 1, stdout: '', stderr: 'conntrack: Operation failed' },
    });
    h.sync.update(plan(1, 'UDP', ['203.0.113.18', '203.0.113.19']));
    await flush();
    h.calls[0].done();
    await flush();
    h.sync.update(plan(1, 'UDP', ['203.0.113.18']));
    await flush();
    h.calls[1].done();
    await h.sync.idle();
    expect(h.argvs).toEqual([
      [
        'ip',
        'netns',
        'exec',
        'ns1',
        'conntrack',
        '-D',
        '-f',
        'ipv4',
        '-p',
        'udp',
        '--orig-dst',
        '198.51.100.200',
        '--orig-port-dst',
        '80',
      ],
      [
        'ip',
        'netns',
        'exec',
        'ns1',
        'conntrack',
        '-D',
        '-f',
        'ipv4',
        '-p',
        'udp',
        '--orig-dst',
        '198.51.100.200',
        '--orig-port-dst',
        '80',
        '--reply-src',
        '203.0.113.19',
      ],
    ]);
    // Only the failed deletion (the first one) is logged, with its command and conntrack's error.
    expect(h.warned).toEqual([
      {
        o: {
          error:
            "'ip netns exec ns1 conntrack -D -f ipv4 -p udp --orig-dst 198.51.100.200 --orig-port-dst 80' failed " +
            '(exit 1): conntrack: Operation failed',
        },
        m: 'stale UDP conntrack entries could not be deleted',
      },
    ]);
  });

  it('the time an apply took, in seconds, from the clock', async () => {
    const h = harness();
    await h.clock.advance(1000);
    h.sync.update(plan(1));
    await flush();
    await h.clock.advance(2500);
    h.calls[0].done();
    await h.sync.idle();
    expect(h.applied.map((a) => a.seconds)).toEqual([2.5]);
  });

  it('before the first plan the timers leave the kernel alone: no apply, no probe, no drift logged', async () => {
    const h = harness();
    // Our objects do not exist yet: a probe would call that drift.
    h.setDrift(true);
    await h.clock.advance(300_000);
    expect(h.calls).toHaveLength(0);
    expect(h.probes()).toBe(0);
    expect(h.warnings).toEqual([]);
    h.sync.update(plan(1));
    await flush();
    h.calls[0].done();
    await h.sync.idle();
    expect(h.applied).toStrictEqual([{ full: true, seconds: 0, bytes: 10, forwards: 1, why: 'start' }]);
  });

  it('while a retry is due the probe does not list the rules; once applied it does again', async () => {
    const h = harness({ probeMs: 500 });
    h.sync.update(plan(1));
    await flush();
    h.calls[0].done();
    await flush();
    h.sync.update(plan(2));
    await flush();
    h.calls[1].done(new Error('nft: boom'));
    await flush();
    h.setDrift(true);
    await h.clock.advance(500);
    expect(h.probes()).toBe(0);
    expect(h.warnings).toEqual(['dataplane sync failed; the rules applied before stay; retrying with a full rewrite']);
    await h.clock.advance(500);
    expect(h.calls[2]).toMatchObject({ full: true });
    h.calls[2].done();
    await flush();
    await h.clock.advance(500);
    expect(h.probes()).toBe(1);
    expect(h.warnings.at(-1)).toBe('dataplane rules were changed by someone else: rewriting them');
    h.calls[3].done();
    await flush();
    expect(h.applied.map((a) => a.why)).toEqual(['start', 'retry', 'drift']);
  });

  it('stop waits for the apply in flight, then cleans up; a plan queued meanwhile is never applied', async () => {
    const h = harness();
    h.sync.update(plan(1));
    await flush();
    h.sync.update(plan(2));
    let stopped = false;
    const stopping = h.sync.stop(true).then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    expect(h.cleaned()).toBe(0);
    h.calls[0].done();
    await stopping;
    expect(h.cleaned()).toBe(1);
    expect(h.calls).toHaveLength(1);
  });

  it('a probe running when stop is called is the last one', async () => {
    const h = harness();
    h.sync.update(plan(1));
    await flush();
    h.calls[0].done();
    await flush();
    const release = h.holdProbes();
    await h.clock.advance(10_000);
    expect(h.probes()).toBe(1);
    await h.sync.stop(false);
    release();
    await flush();
    await h.clock.advance(60_000);
    expect(h.probes()).toBe(1);
    expect(h.clock.timers).toEqual([]);
  });

  it('the resync and probe periods given, else 5 min and 10 s', async () => {
    const given = harness({ resyncMs: 60_000, probeMs: 2_000 });
    const defaults = harness({ resyncMs: 'default', probeMs: 'default' });
    for (const h of [given, defaults]) {
      h.sync.update(plan(1));
      await flush();
      h.calls[0].done();
      await flush();
    }
    given.setDrift(true);
    defaults.setDrift(true);
    await given.clock.advance(1_999);
    await defaults.clock.advance(9_999);
    expect([given.probes(), defaults.probes()]).toEqual([0, 0]);
    await given.clock.advance(1);
    await defaults.clock.advance(1);
    expect([given.probes(), defaults.probes()]).toEqual([1, 1]);
    for (const h of [given, defaults]) {
      h.calls[1].done();
      await flush();
      h.setDrift(false);
    }
    // The first resync: 60 s (the given) and 300 s (the default) after the start.
    await given.clock.advance(60_000 - 2_000 - 1);
    await defaults.clock.advance(300_000 - 10_000 - 1);
    expect([given.calls.length, defaults.calls.length]).toEqual([2, 2]);
    await given.clock.advance(1);
    await defaults.clock.advance(1);
    expect([given.calls[2], defaults.calls[2]]).toMatchObject([{ full: true }, { full: true }]);
    given.calls[2].done();
    defaults.calls[2].done();
    await flush();
    expect([given.applied.at(-1)?.why, defaults.applied.at(-1)?.why]).toEqual(['resync', 'resync']);
  });

  it('without onApplied a successful apply is still a success: no warning, the next plan a diff', async () => {
    const h = harness({ onApplied: false });
    h.sync.update(plan(1));
    await flush();
    h.calls[0].done();
    await flush();
    h.sync.update(plan(2));
    await flush();
    expect(h.calls[1].full).toBe(false);
    expect(h.warnings).toEqual([]);
  });

  it('without a runner stale UDP entries are left to time out, and the apply is no failure', async () => {
    const h = harness();
    h.sync.update(plan(1, 'UDP', ['203.0.113.18', '203.0.113.19']));
    await flush();
    h.calls[0].done();
    await flush();
    h.sync.update(plan(1, 'UDP', ['203.0.113.18']));
    await flush();
    expect(h.calls[1].full).toBe(false);
    h.calls[1].done();
    await h.sync.idle();
    expect(h.warnings).toEqual([]);
    expect(h.clock.timers.map((t) => t.at)).toEqual([300_000, 10_000]);
  });

  it('conntrack run without a prefix; a deletion that succeeds is no warning', async () => {
    const h = harness({ run: () => ({ code: 0, stdout: '', stderr: '' }), argvPrefix: 'none' });
    h.sync.update(plan(1, 'UDP', ['203.0.113.18']));
    await flush();
    h.calls[0].done();
    await h.sync.idle();
    expect(h.argvs).toEqual([
      ['conntrack', '-D', '-f', 'ipv4', '-p', 'udp', '--orig-dst', '198.51.100.200', '--orig-port-dst', '80'],
    ]);
    expect(h.warnings).toEqual([]);
  });
});

describe('DataplaneSync on the process clock', () => {
  afterEach(() => jest.useRealTimers());

  it('times applies with performance.now, runs its timers with setTimeout and clears them on stop', async () => {
    jest.useFakeTimers();
    const h = harness({ realClock: true, resyncMs: 60_000, probeMs: 10_000 });
    h.sync.update(plan(1));
    await jest.advanceTimersByTimeAsync(2500);
    h.calls[0].done();
    await h.sync.idle();
    expect(h.applied.map((a) => a.seconds)).toEqual([2.5]);
    await jest.advanceTimersByTimeAsync(60_000 - 2500);
    expect(h.calls[1]).toMatchObject({ full: true });
    h.calls[1].done();
    await h.sync.idle();
    // Probes every 10 s (one at 60 s may find the resync running and skip the listing).
    const probed = h.probes();
    expect(probed).toBeGreaterThanOrEqual(5);
    await h.sync.stop(false);
    h.setDrift(true);
    await jest.advanceTimersByTimeAsync(300_000);
    expect(h.probes()).toBe(probed);
    expect(h.calls).toHaveLength(2);
    expect(h.warnings).toEqual([]);
  });

  it('its timers do not keep the process alive', async () => {
    const refTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = refTimers();
    const h = harness({ realClock: true });
    expect(refTimers()).toBe(before);
    await h.sync.stop(false);
  });
});

describe('DataplaneSync: a full rewrite asked for during an apply', () => {
  it('a resync that falls due during a diff apply is done after it, not dropped for a period', async () => {
    const h = harness();
    h.sync.update(plan(1));
    await flush();
    h.calls[0].done();
    await flush();
    await h.clock.advance(299_000);
    h.sync.update(plan(2));
    await flush();
    expect(h.calls[1].full).toBe(false);
    await h.clock.advance(1_000); // the resync period ends while the diff is in flight
    h.calls[1].done();
    await flush();
    expect(h.calls).toHaveLength(3);
    expect(h.calls[2]).toMatchObject({ full: true });
  });

  it('drift found by a probe whose listing ended during a diff apply is rewritten after it', async () => {
    const h = harness();
    h.sync.update(plan(1));
    await flush();
    h.calls[0].done();
    await flush();
    h.setDrift(true);
    const release = h.holdProbes();
    await h.clock.advance(10_000); // the probe lists the rules...
    h.sync.update(plan(2)); // ...while a diff starts
    await flush();
    release();
    await flush();
    expect(h.warnings).toEqual(['dataplane rules were changed by someone else: rewriting them']);
    h.calls[1].done();
    await flush();
    expect(h.calls).toHaveLength(3);
    expect(h.calls[2]).toMatchObject({ full: true });
  });

  it('a probe that cannot tell (drifted() rejects) is taken as drift: logged with the error, the rules rewritten', async () => {
    const h = harness();
    h.sync.update(plan(1));
    await flush();
    h.calls[0].done();
    await flush();
    h.setDrift(new Error('nft: cannot list'));
    await h.clock.advance(10_000);
    expect(h.warnings).toEqual(['dataplane rules could not be checked: rewriting them']);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]).toMatchObject({ full: true });
    // The probes go on.
    h.setDrift(false);
    h.calls[1].done();
    await flush();
    const probes = h.probes();
    await h.clock.advance(10_000);
    expect(h.probes()).toBe(probes + 1);
  });
});
