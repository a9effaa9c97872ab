/**
 * This node's Lease, the slow and authoritative sign that its speaker lives: renewed every second while the node
 * can serve (at least one interface up). A node whose links are all down stops renewing, so that the other
 * speakers, which lost its heartbeats, do not take the Lease renewals as a partition and revive it.
 */
import type { Logger } from 'pino';
import type { LeaseStore } from '@ironlb/shared';
import { errorText } from '@ironlb/shared';

export interface NodeLeaseTiming {
  readonly renewMs: number;
  readonly durationSeconds: number;
}

export const DEFAULT_NODE_LEASE: NodeLeaseTiming = { renewMs: 1_000, durationSeconds: 10 };

export class NodeLease {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly node: string,
    private readonly timing: NodeLeaseTiming,
    private readonly healthy: () => boolean,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  start(): void {
    void this.renew();
    this.timer = setInterval(() => void this.renew(), this.timing.renewMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One renewal; skipped while the node cannot serve or a renewal is still in flight. */
  async renew(): Promise<void> {
    if (this.busy || !this.healthy()) return;
    this.busy = true;
    const now = this.clock();
    try {
      const lease = await this.store.get();
      const record = {
        holderIdentity: this.node,
        leaseDurationSeconds: this.timing.durationSeconds,
        acquireTime: lease?.record.holderIdentity === this.node ? lease.record.acquireTime : now,
        renewTime: now,
        leaseTransitions: lease?.record.leaseTransitions ?? 0,
      };
      if (lease) await this.store.update(record, lease.resourceVersion);
      else await this.store.create(record);
    } catch (e) {
      this.log.warn({ err: errorText(e) }, 'node Lease renewal failed');
    } finally {
      this.busy = false;
    }
  }
}
