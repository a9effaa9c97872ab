/**
 * The rules of the controller's leader election over a coordination.k8s.io Lease, as client-go has them (LeaderElector
 * runs them): the holder renews the Lease every retry period; a candidate takes it over only after it has seen the
 * same record unchanged for a whole lease duration, measured on its own clock, so clock skew between replicas cannot
 * make two leaders. Pure: the clock and the Lease are passed in. In the controller "election" means only this.
 */

import type { LeaseRecord, LeaseStore, StoredLease } from '@ironlb/shared';

export type { LeaseRecord, LeaseStore, StoredLease };

export interface LeaderElectionTiming {
  /** How long a candidate waits on an unchanged record before it takes the Lease over. */
  readonly leaseDurationMs: number;
  /** How long the leader keeps acting without a successful renewal before it steps down. */
  readonly renewDeadlineMs: number;
  /** How often every replica tries to acquire or renew. */
  readonly retryPeriodMs: number;
}

/** Takeover within about 3.5 s of the leader's death (lease duration plus one retry period), 2 Lease writes a second. */
export const DEFAULT_LEADER_ELECTION_TIMING: LeaderElectionTiming = {
  leaseDurationMs: 3_000,
  renewDeadlineMs: 2_000,
  retryPeriodMs: 500,
};

export type LeaseAction =
  | { readonly kind: 'create'; readonly record: LeaseRecord }
  | { readonly kind: 'update'; readonly record: LeaseRecord; readonly takeover: boolean }
  | { readonly kind: 'wait'; readonly holder: string };

/** When this replica first saw the Lease's current record, by its own clock. */
export interface LeaseObservation {
  readonly signature: string;
  readonly at: number;
}

const signatureOf = (r: LeaseRecord): string =>
  `${r.holderIdentity}\u0000${r.renewTime}\u0000${r.leaseTransitions}\u0000${r.leaseDurationSeconds}`;

/** The observation after reading `lease` at `now`: unchanged when the record is the one seen before. */
export function observeLease(
  previous: LeaseObservation | undefined,
  lease: StoredLease | undefined,
  now: number,
): LeaseObservation {
  const signature = lease === undefined ? '' : signatureOf(lease.record);
  return previous?.signature === signature ? previous : { signature, at: now };
}

/** What `me` should do about `lease` at `now`, given when it first saw this record. */
export function decideLeaseAction(
  lease: StoredLease | undefined,
  me: string,
  now: number,
  seen: LeaseObservation,
  timing: LeaderElectionTiming,
): LeaseAction {
  const durationSeconds = Math.max(1, Math.ceil(timing.leaseDurationMs / 1000));
  const fresh = (transitions: number): LeaseRecord => ({
    holderIdentity: me,
    leaseDurationSeconds: durationSeconds,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: transitions,
  });
  if (lease === undefined) return { kind: 'create', record: fresh(0) };
  const r = lease.record;
  if (r.holderIdentity === me) {
    return { kind: 'update', record: { ...r, leaseDurationSeconds: durationSeconds, renewTime: now }, takeover: false };
  }
  // An empty holder is a Lease released on a clean shutdown: free to take at once.
  const expired = r.holderIdentity === '' || now - seen.at >= r.leaseDurationSeconds * 1000;
  if (!expired) return { kind: 'wait', holder: r.holderIdentity };
  return { kind: 'update', record: fresh(r.leaseTransitions + 1), takeover: true };
}

/** The record a leader writes when it stops cleanly, so a standby need not wait out the lease duration. */
export function releasedLease(r: LeaseRecord, now: number): LeaseRecord {
  return { ...r, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now };
}
