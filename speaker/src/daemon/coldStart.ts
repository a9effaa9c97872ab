/**
 * A cold start: every speaker starting at once (a cluster's first start, all nodes rebooted, a DaemonSet replaced
 * rather than rolled). The first one ready would find its peers alive but not ready and take every IP, only to hand
 * most of them back a moment later (an announcement, an Event and a status write per IP, twice). So a speaker that
 * has just become ready waits briefly for peers that are starting too, and its first plan spreads the IPs over all
 * of them. Among running speakers (a rolling update) no peer is starting and it plans at once. The wait is shorter
 * than a released IP is answered for (RELEASE_MAX_MS), so that a running speaker standing in for this one keeps
 * answering through it.
 */
export const COLD_START_WAIT_MS = 500;

/** How long to put off the first plan, given when this speaker got ready and which alive peers are not ready yet. */
export function firstPlanDelay(readyAt: number, now: number, starting: ReadonlySet<string>): number {
  if (starting.size === 0) return 0;
  return Math.max(0, readyAt + COLD_START_WAIT_MS - now);
}
