/**
 * Keeps the kernel's rules equal to the newest plan: one apply at a time, plans that arrive meanwhile coalesced into
 * the newest, diffs between successful applies, a full rewrite at start, every `resyncMs`, when a probe finds our
 * objects gone or flushed (every `probeMs`), and after a failed apply (retried with backoff, 1 s doubling to 30 s).
 * After each apply, conntrack entries of UDP endpoints that went away are deleted.
 */
import type { DataplaneBackend } from './backend';
import { conntrackArgv, staleUdp } from './conntrack';
import { failureText, type CommandRunner } from './command';
import type { DataplanePlan } from './types';

export interface SyncClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

const realClock: SyncClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
};

export interface AppliedSync {
  readonly full: boolean;
  readonly seconds: number;
  readonly bytes: number;
  readonly forwards: number;
  /** Why it was full: `start`, `resync`, `drift`, `retry`; absent for a diff. */
  readonly why?: string;
}

type Log = {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
};

export interface DataplaneSyncOptions {
  readonly backend: DataplaneBackend;
  /** For conntrack; absent: UDP entries are left to time out. */
  readonly runner?: CommandRunner;
  readonly argvPrefix?: readonly string[];
  readonly resyncMs?: number;
  readonly probeMs?: number;
  readonly clock?: SyncClock;
  readonly log: Log;
  readonly onApplied?: (s: AppliedSync) => void;
  readonly onFailed?: (message: string) => void;
}

const MIN_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

export class DataplaneSync {
  private wanted: DataplanePlan | undefined;
  private applied: DataplanePlan | undefined;
  private fullWhy: string | undefined = 'start';
  private running: Promise<void> | undefined;
  private retryMs = MIN_RETRY_MS;
  private retryTimer: unknown;
  private resyncTimer: unknown;
  private probeTimer: unknown;
  private stopped = false;
  private readonly clock: SyncClock;

  constructor(private readonly opts: DataplaneSyncOptions) {
    this.clock = opts.clock ?? realClock;
    this.scheduleResync();
    this.scheduleProbe();
  }

  /** The newest plan; applied as soon as the apply in flight (if any) ends. */
  update(plan: DataplanePlan): void {
    this.wanted = plan;
    this.kick();
  }

  /** Resolves when no apply is in flight (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the timers; `cleanup` also removes every rule of ours (`--cleanup`). */
  async stop(cleanup: boolean): Promise<void> {
    this.stopped = true;
    for (const t of [this.retryTimer, this.resyncTimer, this.probeTimer])
      if (t !== undefined) this.clock.clearTimeout(t);
    await this.idle();
    if (cleanup) await this.opts.backend.cleanup();
  }

  private kick(): void {
    if (this.running || this.stopped || this.retryTimer !== undefined) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.wanted && (this.wanted !== this.applied || this.fullWhy !== undefined)) {
      const next = this.wanted;
      const prev = this.applied;
      const why = this.fullWhy;
      // Cleared before the apply: a resync or drift that comes up during it asks for another rewrite after it.
      this.fullWhy = undefined;
      const t0 = this.clock.now();
      try {
        const stats = await this.opts.backend.apply(prev, next, why !== undefined);
        this.applied = next;
        this.retryMs = MIN_RETRY_MS;
        this.opts.onApplied?.({
          full: why !== undefined,
          seconds: (this.clock.now() - t0) / 1000,
          bytes: stats.bytes,
          forwards: next.forwards.size,
          ...(why !== undefined ? { why } : {}),
        });
        await this.flushStaleUdp(prev, next);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.opts.log.warn(
          { backend: this.opts.backend.name, retryMs: this.retryMs, error: message },
          'dataplane sync failed; the rules applied before stay; retrying with a full rewrite',
        );
        this.opts.onFailed?.(message);
        this.fullWhy = 'retry';
        this.retryTimer = this.clock.setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
        return;
      }
    }
  }

  private async flushStaleUdp(prev: DataplanePlan | undefined, next: DataplanePlan): Promise<void> {
    const runner = this.opts.runner;
    if (!runner) return;
    for (const s of staleUdp(prev, next)) {
      const argv = [...(this.opts.argvPrefix ?? []), ...conntrackArgv(s)];
      const r = await runner.run(argv);
      // conntrack exits 1 when no entry matched: nothing to delete is no failure.
      if (r.code !== 0 && !/0 flow entries have been deleted/.test(r.stderr))
        this.opts.log.warn({ error: failureText(argv, r) }, 'stale UDP conntrack entries could not be deleted');
    }
  }

  private scheduleResync(): void {
    const ms = this.opts.resyncMs ?? 300_000;
    this.resyncTimer = this.clock.setTimeout(() => {
      this.fullWhy ??= 'resync';
      this.kick();
      this.scheduleResync();
    }, ms);
  }

  private scheduleProbe(): void {
    const ms = this.opts.probeMs ?? 10_000;
    this.probeTimer = this.clock.setTimeout(() => {
      void this.probe().finally(() => {
        if (!this.stopped) this.scheduleProbe();
      });
    }, ms);
  }

  private async probe(): Promise<void> {
    // Nothing applied yet, or a rewrite already due: nothing to learn.
    if (!this.applied || this.fullWhy !== undefined || this.running) return;
    try {
      if (!(await this.opts.backend.drifted())) return;
      this.opts.log.warn(
        { backend: this.opts.backend.name },
        'dataplane rules were changed by someone else: rewriting them',
      );
    } catch (err) {
      // Not knowing is taken as drift: a rewrite is cheap beside rules left wrong, and a timer must never throw.
      const message = err instanceof Error ? err.message : String(err);
      this.opts.log.warn(
        { backend: this.opts.backend.name, error: message },
        'dataplane rules could not be checked: rewriting them',
      );
    }
    this.fullWhy ??= 'drift';
    this.kick();
  }
}
