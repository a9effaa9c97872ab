import {
  decideLeaseAction,
  observeLease,
  releasedLease,
  type LeaderElectionTiming,
  type LeaseStore,
  type LeaseObservation,
  type StoredLease,
} from './leaseRules';

export interface ElectorEvents {
  onStartedLeading(): void;
  /** Called once when leadership is lost; the caller must stop acting at once (the controller exits). */
  onStoppedLeading(reason: string): void;
  onLeaderSeen?(holder: string): void;
}

/**
 * Runs the election: one step per retry period. Steps never overlap; a step whose API call hangs does not keep a
 * leader in office, because every tick also checks the renew deadline.
 */
export class LeaderElector {
  private leading = false;
  private lastRenewAt = 0;
  private seen: LeaseObservation | undefined;
  private lastLease: StoredLease | undefined;
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;
  private lastHolder = '';
  /** Why the last round failed, for the step-down message. */
  private lastFailure = '';

  constructor(
    private readonly store: LeaseStore,
    private readonly identity: string,
    private readonly timing: LeaderElectionTiming,
    private readonly clock: () => number,
    private readonly events: ElectorEvents,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const tick = (): void => void this.tick();
    tick();
    this.timer = setInterval(tick, this.timing.retryPeriodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One election round; exported for tests that drive the clock by hand. */
  async tick(): Promise<void> {
    this.checkDeadline();
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      await this.round();
    } finally {
      this.inFlight = false;
    }
  }

  /** Gives the Lease up if this replica holds it, so a standby takes over without waiting out the duration. */
  async release(): Promise<void> {
    this.stop();
    if (!this.leading) return;
    this.leading = false;
    const lease = await this.store.get();
    if (lease?.record.holderIdentity !== this.identity) return;
    await this.store.update(releasedLease(lease.record, this.clock()), lease.resourceVersion);
  }

  private async round(): Promise<void> {
    const startedAt = this.clock();
    let lease: StoredLease | undefined;
    try {
      lease = await this.store.get();
    } catch (e) {
      this.failed(e);
      return;
    }
    this.lastLease = lease;
    this.seen = observeLease(this.seen, lease, startedAt);
    const d = decideLeaseAction(lease, this.identity, startedAt, this.seen, this.timing);
    if (d.kind === 'wait') {
      if (d.holder !== this.lastHolder) this.events.onLeaderSeen?.(d.holder);
      this.lastHolder = d.holder;
      this.lose(`the Lease is held by ${d.holder}`);
      return;
    }
    let written: boolean;
    try {
      written =
        d.kind === 'create'
          ? await this.store.create(d.record)
          : await this.store.update(d.record, this.lastLease?.resourceVersion ?? '');
    } catch (e) {
      this.failed(e);
      return;
    }
    if (!written) {
      this.failed('another replica wrote the Lease first');
      return;
    }
    this.lastFailure = '';
    // The renewal counts from when this round began: the Lease may have been read that long ago.
    this.lastRenewAt = startedAt;
    this.lastHolder = this.identity;
    if (!this.leading) {
      this.leading = true;
      this.events.onStartedLeading();
    }
  }

  private failed(cause: unknown): void {
    this.lastFailure = cause instanceof Error ? cause.message : String(cause);
    this.checkDeadline();
  }

  private checkDeadline(): void {
    if (!this.leading || this.clock() - this.lastRenewAt <= this.timing.renewDeadlineMs) return;
    const why = this.lastFailure === '' ? '' : `: ${this.lastFailure}`;
    this.lose(`no renewal for ${this.timing.renewDeadlineMs} ms${why}`);
  }

  private lose(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.events.onStoppedLeading(reason);
  }
}
