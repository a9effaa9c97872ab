/** How often speakers talk, and how long silence means death. All milliseconds. */
export interface MembershipTiming {
  /** Heartbeat period, to every peer. */
  readonly intervalMs: number;
  /** How often the edge re-evaluates liveness; also the lateness by which it tells its own stalls (stall.ts). */
  readonly tickMs: number;
  /**
   * A peer is dead once its last heartbeat is this old, counted only while this speaker ran: long enough that a peer
   * frozen for 350 ms (a GC pause, a starved CPU, SIGSTOP) plus an interval is not taken for dead.
   */
  readonly deadAfterMs: number;
  /**
   * A peer whose heartbeat port refused a heartbeat after its last one (ICMP port unreachable: its process is gone,
   * killed or crashed) is dead once its last heartbeat is this old. Shorter than deadAfterMs because a closed port is
   * not a pause; not zero, so a forged ICMP error cannot kill a peer whose heartbeats keep coming.
   */
  readonly refusedAfterMs: number;
  /** How long after start a peer that has not been heard yet may count alive on a fresh Lease. */
  readonly startupGraceMs: number;
  /** How often each speaker renews its own Lease (the daemon does; here only to check the duration against it). */
  readonly leaseRenewMs: number;
  /** How long after the last observed renewal a Lease still revives a heartbeat-dead peer. */
  readonly leaseDurationMs: number;
}

/**
 * A killed speaker's IPs move 100-170 ms after the kill (the next heartbeat to it is refused, and refusedAfterMs of
 * silence confirms it); a speaker whose node vanished (link down, power off) is noticed after 500 ms of silence; a
 * graceful stop hands over at once. The cost is a full mesh: a heartbeat is about 110 bytes on the wire, so each node
 * sends (nodes - 1) x 2.2 kB/s, and the segment carries 20 x nodes^2 packets a second: 200 kpps and 22 MB/s at 100
 * nodes. Fine for one layer-2 segment of that size; far larger clusters would want a gossip protocol (SWIM).
 */
export const DEFAULT_MEMBERSHIP_TIMING: MembershipTiming = {
  intervalMs: 50,
  tickMs: 20,
  deadAfterMs: 500,
  refusedAfterMs: 150,
  startupGraceMs: 1_000,
  leaseRenewMs: 1_000,
  leaseDurationMs: 10_000,
};

/**
 * Defaults filled in (startupGraceMs follows deadAfterMs at 2x when only the latter is given) and the relations the
 * rules rely on checked; throws RangeError naming the broken one.
 */
export function membershipTiming(given: Partial<MembershipTiming> = {}): MembershipTiming {
  const deadAfterMs = given.deadAfterMs ?? DEFAULT_MEMBERSHIP_TIMING.deadAfterMs;
  const t: MembershipTiming = {
    ...DEFAULT_MEMBERSHIP_TIMING,
    startupGraceMs: 2 * deadAfterMs,
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
  for (const [k, v] of Object.entries(t)) {
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`membership timing: ${k} must be a positive number`);
  }
  // One lost heartbeat must not kill a peer.
  if (t.deadAfterMs < 2 * t.intervalMs)
    throw new RangeError('membership timing: deadAfterMs must be >= 2 x intervalMs');
  // Liveness is judged at least once per heartbeat, and a stall is told by a tick late by a tick.
  if (t.tickMs > t.intervalMs) throw new RangeError('membership timing: tickMs must be <= intervalMs');
  // A forged refusal must not kill a peer between two of its heartbeats.
  if (t.refusedAfterMs < 2 * t.intervalMs)
    throw new RangeError('membership timing: refusedAfterMs must be >= 2 x intervalMs');
  if (t.refusedAfterMs > t.deadAfterMs)
    throw new RangeError('membership timing: refusedAfterMs must be <= deadAfterMs');
  // A live peer must get the chance to be heard before the startup rule stops covering it.
  if (t.startupGraceMs < t.deadAfterMs)
    throw new RangeError('membership timing: startupGraceMs must be >= deadAfterMs');
  // A Lease-revived peer must survive one late renewal, and revival needs two renewals inside the duration.
  if (t.leaseDurationMs < 2 * t.leaseRenewMs) {
    throw new RangeError('membership timing: leaseDurationMs must be >= 2 x leaseRenewMs');
  }
  return t;
}
