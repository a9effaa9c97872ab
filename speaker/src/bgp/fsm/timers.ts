/**
 * The session's timer values (RFC 4271 section 10) and a set of named deadlines on the injected clock: the session
 * arms and clears them, `tick` fires those due, and `next` says when to call tick again.
 */

/** The hold time while waiting for the peer's OPEN (RFC 4271 8.2.2 suggests 4 minutes). */
export const OPEN_SENT_HOLD_SEC = 240;

/** The negotiated hold time: the smaller of both (0 on either side: no hold timer at all). */
export function negotiatedHoldSec(ours: number, theirs: number): number {
  return Math.min(ours, theirs);
}

/**
 * The keepalive interval for a negotiated hold time: a third of it by default; a configured interval is kept when
 * the hold time is ours, and scaled down in proportion when the peer negotiated a shorter one (never below 1 s).
 * 0 when the hold time is 0: no keepalives at all.
 */
export function keepaliveSec(negotiatedHold: number, ourHold: number, configuredKeepalive?: number): number {
  if (negotiatedHold === 0) return 0;
  if (configuredKeepalive === undefined || configuredKeepalive <= 0) return Math.floor(negotiatedHold / 3);
  if (negotiatedHold >= ourHold) return configuredKeepalive;
  return Math.max(1, Math.floor((configuredKeepalive * negotiatedHold) / ourHold));
}

/** Named deadlines (ms on the injected clock). */
export class Deadlines<K extends string> {
  private readonly at = new Map<K, number>();

  set(key: K, atMs: number): void {
    this.at.set(key, atMs);
  }

  clear(key: K): void {
    this.at.delete(key);
  }

  clearAll(): void {
    this.at.clear();
  }

  has(key: K): boolean {
    return this.at.has(key);
  }

  /** The earliest deadline, or undefined when none is armed. */
  next(): number | undefined {
    let min: number | undefined;
    for (const t of this.at.values()) if (min === undefined || t < min) min = t;
    return min;
  }

  /** Removes and returns the earliest deadline's key if it is due at `nowMs` (first armed first on a tie). */
  popDue(nowMs: number): K | undefined {
    let best: K | undefined;
    let bestAt = Infinity;
    for (const [key, t] of this.at) {
      if (t <= nowMs && t < bestAt) {
        best = key;
        bestAt = t;
      }
    }
    if (best !== undefined) this.at.delete(best);
    return best;
  }
}
