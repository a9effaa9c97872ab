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
  let drift = false;
  let cleaned = 0;
  const backend: DataplaneBackend = {
    name: 'fake',
    apply: (prev, next, full) =>
      new Promise<ApplyStats>((resolve, reject) =>
        calls.push({ prev, next, full, done: (err) => (err ? reject(err) : resolve({ bytes: 10 })) }),
      ),
    drifted: () => Promise.resolve(drift),
    cleanup: () => {
      cleaned++;
      return Promise.resolve();
    },
  };
  return {
    backend,
    calls,
    setDrift: (d: boolean) => (drift = d),
    cleaned: () => cleaned,
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

function harness(run?: (argv: readonly string[]) => CommandResult) {
  const clock = new Clock();
  const b = fakeBackend();
  const applied: AppliedSync[] = [];
  const warnings: string[] = [];
  const argvs: string[][] = [];
  const sync = new DataplaneSync({
    backend: b.backend,
    clock,
    resyncMs: 300_000,
    probeMs: 10_000,
    log: { info: () => undefined, warn: (_o, m) => warnings.push(m) },
    onApplied: (s) => applied.push(s),
    ...(run
      ? {
          runner: {
            run: (argv: readonly string[]) => {
              argvs.push([...argv]);
              return Promise.resolve(run(argv));
            },
          },
          argvPrefix: ['ip', 'netns', 'exec', 'ns1'],
        }
      : {}),
  });
  return { clock, sync, applied, warnings, argvs, ...b };
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
    expect(h.applied).toEqual([{ full: true, seconds: 0, bytes: 10, forwards: 1, why: 'start' }]);
    h.sync.update(p2);
    await flush();
    expect(h.calls[1]).toMatchObject({ prev: p1, next: p2, full: false });
    h.calls[1].done();
    await h.sync.idle();
    expect(h.applied[1]).toEqual({ full: false, seconds: 0, bytes: 10, forwards: 2 });
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
    expect(h.warnings).toEqual(['dataplane rules were changed by someone else: rewriting them']);
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
    const h = harness((argv) =>
      argv.includes('203.0.113.19')
        ? { code: 1, stdout: '', stderr: 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.' }
        : { code: 1, stdout: '', stderr: 'conntrack: Operation failed' },
    );
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
    expect(h.warnings).toEqual(['stale UDP conntrack entries could not be deleted']);
  });
});
