/**
 * What a node's coordination.k8s.io Lease has been seen to do: the slow, authoritative liveness signal that resolves
 * a partition between speakers. The renewTime is written on the node's own clock, so it is compared with nothing but
 * itself: a renewal counts when this observer sees the value change, timed on the observer's clock (as client-go's
 * leader election times a Lease). The one exception is the startup rule, which must judge a Lease it has never seen
 * change and so compares renewTime with its own clock, with a whole lease duration of tolerance for skew.
 */

export interface LeaseSeen {
  /** The latest renewTime observed, ms since the epoch on the writer's clock. */
  readonly renewTime: number;
  /** When a new renewTime was observed (observer's clock), newest last; only the two latest are kept. */
  readonly changes: readonly number[];
}

/** The record after observing `renewTime` at `now`; the first observation and a repeated value are not changes. */
export function observeLease(previous: LeaseSeen | undefined, renewTime: number, now: number): LeaseSeen {
  if (previous === undefined) return { renewTime, changes: [] };
  if (previous.renewTime === renewTime) return previous;
  return { renewTime, changes: [...previous.changes, now].slice(-2) };
}

/**
 * Whether the Lease shows its node alive although heartbeats say it died at `since`: two renewals observed at or after
 * `since`, the last within `leaseDurationMs`. One is not enough: a renewal written just before the node died can
 * reach this observer after the death (a watch lags), and then no other follows. A node that keeps renewing is one
 * that still runs and still reaches the API server; the daemon stops renewing while its announcing link is down, so
 * a node cut off from its segment is not revived here.
 */
export function renewedSince(
  seen: LeaseSeen | undefined,
  since: number,
  now: number,
  leaseDurationMs: number,
): boolean {
  if (seen === undefined || seen.changes.length < 2) return false;
  const [previous, last] = seen.changes;
  return previous >= since && now - last < leaseDurationMs;
}

/** The startup rule's test: renewed, by the writer's clock, within a lease duration of this observer's clock. */
export function freshByClock(seen: LeaseSeen | undefined, now: number, leaseDurationMs: number): boolean {
  return seen !== undefined && now - seen.renewTime < leaseDurationMs;
}
