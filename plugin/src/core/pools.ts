/** IPAddressPools as the plugin shows them: addresses, usage from the status the controller writes, and lookup. */
import { parseIP } from '@ironlb/shared';
import { parseConfig, poolOf } from '@ironlb/shared/config';
import { createdOf, list, nameOf, rec, strings, type RawObject } from './raw';

/** A count as the pool status holds it: a number, or a decimal string beyond 2^53 (an IPv6 /64). */
export type Count = number | string;

export interface PoolUsage {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly autoAssign: boolean;
  /** Assigned addresses, both families. */
  readonly inUse: Count;
  /** Free addresses, both families. */
  readonly available: Count;
  readonly assignedIPv4: Count;
  readonly assignedIPv6: Count;
  readonly availableIPv4: Count;
  readonly availableIPv6: Count;
  /** False until the controller has written a status (none running, or not yet). */
  readonly counted: boolean;
  /** ms since the epoch. */
  readonly created?: number;
}

const bigOf = (v: unknown): bigint => {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  return 0n;
};
const countOf = (n: bigint): Count => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());

export function poolUsage(pool: RawObject): PoolUsage {
  const spec = rec(pool.spec);
  const status = rec(pool.status);
  const [a4, a6, f4, f6] = ['assignedIPv4', 'assignedIPv6', 'availableIPv4', 'availableIPv6'].map((k) =>
    bigOf(status[k]),
  );
  const created = createdOf(pool);
  return {
    name: nameOf(pool),
    addresses: strings(spec.addresses),
    autoAssign: spec.autoAssign !== false,
    inUse: countOf(a4 + a6),
    available: countOf(f4 + f6),
    assignedIPv4: countOf(a4),
    assignedIPv6: countOf(a6),
    availableIPv4: countOf(f4),
    availableIPv6: countOf(f6),
    counted: Object.keys(status).length > 0,
    ...(created === undefined ? {} : { created }),
  };
}

/** The pool whose ranges hold `ip`, by the same parser the controller reads pools with; undefined if none. */
export function poolHolding(pools: readonly RawObject[], ip: string): string | undefined {
  const parsed = parseIP(ip);
  if (!parsed) return undefined;
  const { config } = parseConfig({ ipAddressPools: list(pools) });
  return poolOf(config, parsed)?.name;
}
