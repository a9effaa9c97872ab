/**
 * How long the session waits before trying again: the connect retry interval (RFC 4271 ConnectRetryTimer, with
 * exponential backoff and the jitter of RFC 4271 section 10) and the idle hold after errors (RFC 4271 8.1.1
 * DampPeerOscillations: a peer that keeps failing is retried less and less often).
 */

export const DEFAULT_CONNECT_RETRY_MS = 5_000;
export const MAX_CONNECT_RETRY_MS = 60_000;

/**
 * The wait before dial number `attempt + 1` (attempt 0: the first retry): `firstMs` doubled per attempt, capped at
 * 60 s (or at `firstMs` when configured larger), times a factor uniformly in [0.75, 1.0) drawn from `random`
 * (a function like Math.random) so that many sessions do not retry in step.
 */
export function connectRetryDelayMs(attempt: number, firstMs: number, random: () => number): number {
  const cap = Math.max(MAX_CONNECT_RETRY_MS, firstMs);
  // 2^16 × any first interval is past the cap already; the bound keeps the power finite.
  const plain = Math.min(firstMs * 2 ** Math.min(attempt, 16), cap);
  return Math.round(plain * (0.75 + 0.25 * random()));
}

export const FIRST_IDLE_HOLD_MS = 1_000;
export const MAX_IDLE_HOLD_MS = 120_000;
/** A session that stayed Established this long before going down resets the idle hold to its first value. */
export const STABLE_SESSION_MS = 60_000;

/**
 * The idle hold after the `errors`-th error in a row (1: the first): 1 s, doubling to 120 s. Short at first so a
 * router that reset the session finds us again soon; long when a misconfigured peer refuses every OPEN.
 */
export function idleHoldMs(errors: number): number {
  return Math.min(FIRST_IDLE_HOLD_MS * 2 ** Math.min(Math.max(errors, 1) - 1, 16), MAX_IDLE_HOLD_MS);
}
