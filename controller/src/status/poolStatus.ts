/**
 * The IPAddressPool status the controller writes: assigned and available addresses per family. Counts are exact:
 * an IPv6 count beyond 2^53-1 (a /64 holds 2^64) is written as a decimal string, as the CRD's int-or-string allows,
 * because a JSON number that large loses precision in most clients.
 */
import type { PoolUsage } from '../ipam/allocator';

export interface PoolStatus {
  readonly assignedIPv4: number;
  readonly assignedIPv6: number;
  readonly availableIPv4: number;
  readonly availableIPv6: number | string;
}

const EMPTY: PoolStatus = { assignedIPv4: 0, assignedIPv6: 0, availableIPv4: 0, availableIPv6: 0 };

export function jsonCount(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

/** One status per pool the allocator knows; a family the pool does not hold counts zero. */
export function poolStatuses(usage: readonly PoolUsage[]): Map<string, PoolStatus> {
  const out = new Map<string, PoolStatus>();
  for (const u of usage) {
    const s = out.get(u.pool) ?? EMPTY;
    out.set(
      u.pool,
      u.family === 'IPv4'
        ? { ...s, assignedIPv4: u.assigned, availableIPv4: Number(u.available) }
        : { ...s, assignedIPv6: u.assigned, availableIPv6: jsonCount(u.available) },
    );
  }
  return out;
}

/** True when `current` (a pool object's status as read, anything) already says exactly `want`. */
export function statusMatches(current: unknown, want: PoolStatus): boolean {
  if (typeof current !== 'object' || current === null) return false;
  const c = current as Record<string, unknown>;
  return (Object.keys(want) as (keyof PoolStatus)[]).every((k) => c[k] === want[k]);
}
