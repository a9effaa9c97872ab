import { randomInt } from 'node:crypto';
import { formatCIDR, formatIP, parseCIDR, parseIP, type IPFamily, type ParsedCIDR } from './net';

/**
 * Cluster IP and node port allocators. Like the real ones they hand out random free values, preferring the upper part
 * of the range so that the lower "static" band stays free for values users pick by hand (KEP-3070/3668).
 * Each taken value remembers its owner (`namespace/name`), so a release for one object can never free another's.
 */

export type Random = (maxExclusive: number) => number;

const defaultRandom: Random = (n) => randomInt(n);

/** Errors worded as the real allocators word them; the Service strategy wraps them in field errors. */
export class AllocationError extends Error {
  constructor(
    readonly kind: 'allocated' | 'range' | 'full',
    message: string,
  ) {
    super(message);
  }
}

/** Random free slot in [0, size), upper band first, like the bitmap allocators' AllocateNext. */
function pickFree(size: number, offset: number, taken: (i: number) => boolean, random: Random): number | undefined {
  const bands: Array<[number, number]> =
    offset > 0 && offset < size
      ? [
          [offset, size],
          [0, offset],
        ]
      : [[0, size]];
  for (const [lo, hi] of bands) {
    const n = hi - lo;
    if (n <= 0) continue;
    const start = random(n);
    for (let k = 0; k < n; k++) {
      const i = lo + ((start + k) % n);
      if (!taken(i)) return i;
    }
  }
  return undefined;
}

export class NodePortAllocator {
  private readonly owners = new Map<number, string>();
  readonly base: number;
  readonly size: number;
  private readonly offset: number;

  constructor(
    range: [number, number] = [30000, 32767],
    private readonly random: Random = defaultRandom,
  ) {
    this.base = range[0];
    this.size = range[1] - range[0] + 1;
    this.offset = Math.min(Math.max(16, Math.floor(this.size / 32)), 128);
  }

  /** `30000-32767`, as ErrNotInRange prints the range. */
  get rangeText(): string {
    return `${this.base}-${this.base + this.size - 1}`;
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.base && port < this.base + this.size;
  }

  has(port: number): boolean {
    return this.owners.has(port);
  }

  ownerOf(port: number): string | undefined {
    return this.owners.get(port);
  }

  allocate(port: number, owner: string): void {
    if (!this.contains(port)) {
      throw new AllocationError(
        'range',
        `provided port is not in the valid range. The range of valid ports is ${this.rangeText}`,
      );
    }
    if (this.owners.has(port)) throw new AllocationError('allocated', 'provided port is already allocated');
    this.owners.set(port, owner);
  }

  allocateNext(owner: string): number {
    const i = pickFree(this.size, this.offset, (k) => this.owners.has(this.base + k), this.random);
    if (i === undefined) throw new AllocationError('full', 'range is full');
    this.owners.set(this.base + i, owner);
    return this.base + i;
  }

  /** Frees `port` if `owner` holds it (or unconditionally when no owner is given). */
  release(port: number, owner?: string): void {
    if (owner === undefined || this.owners.get(port) === owner) this.owners.delete(port);
  }

  /** Marks a port taken after a restart; values outside the range or already marked are left alone. */
  restore(port: number, owner: string): void {
    if (this.contains(port) && !this.owners.has(port)) this.owners.set(port, owner);
  }

  get used(): number {
    return this.owners.size;
  }
}

export class ClusterIPAllocator {
  private readonly owners = new Map<bigint, string>();
  readonly family: IPFamily;
  readonly cidr: ParsedCIDR;
  /** Usable addresses: the network address (and, for IPv4, the broadcast address) are never handed out. */
  private readonly size: number;
  private readonly offset: number;

  constructor(
    cidr: string,
    private readonly random: Random = defaultRandom,
  ) {
    const parsed = parseCIDR(cidr);
    if (!parsed) throw new Error(`invalid service CIDR ${cidr}`);
    this.cidr = parsed;
    this.family = parsed.family;
    const hostBits = parsed.bits - parsed.prefix;
    // The real allocator caps IPv6 ranges too; 2^20 slots is plenty for a test server and keeps numbers exact.
    const total = hostBits >= 20 ? 2 ** 20 : 2 ** hostBits;
    this.size = Math.max(0, total - (this.family === 'IPv4' ? 2 : 1));
    this.offset = Math.min(Math.max(16, Math.floor(total / 16)), 256);
  }

  get rangeText(): string {
    return formatCIDR(this.cidr);
  }

  private slotOf(ip: string): number | undefined {
    const p = parseIP(ip);
    if (!p || p.family !== this.family) return undefined;
    const delta = p.value - this.cidr.base;
    if (delta < 1n || delta > BigInt(this.size)) return undefined;
    return Number(delta) - 1;
  }

  private ipOf(slot: number): string {
    return formatIP({ family: this.family, value: this.cidr.base + BigInt(slot + 1) });
  }

  contains(ip: string): boolean {
    return this.slotOf(ip) !== undefined;
  }

  has(ip: string): boolean {
    const p = parseIP(ip);
    return !!p && this.owners.has(p.value);
  }

  allocate(ip: string, owner: string): void {
    const slot = this.slotOf(ip);
    if (slot === undefined) {
      throw new AllocationError(
        'range',
        `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.rangeText}`,
      );
    }
    const value = this.cidr.base + BigInt(slot + 1);
    if (this.owners.has(value)) throw new AllocationError('allocated', 'provided IP is already allocated');
    this.owners.set(value, owner);
  }

  allocateNext(owner: string): string {
    const slot = pickFree(this.size, this.offset, (k) => this.owners.has(this.cidr.base + BigInt(k + 1)), this.random);
    if (slot === undefined) throw new AllocationError('full', 'range is full');
    this.owners.set(this.cidr.base + BigInt(slot + 1), owner);
    return this.ipOf(slot);
  }

  release(ip: string, owner?: string): void {
    const p = parseIP(ip);
    if (!p) return;
    if (owner === undefined || this.owners.get(p.value) === owner) this.owners.delete(p.value);
  }

  restore(ip: string, owner: string): void {
    const slot = this.slotOf(ip);
    if (slot === undefined) return;
    const value = this.cidr.base + BigInt(slot + 1);
    if (!this.owners.has(value)) this.owners.set(value, owner);
  }

  get used(): number {
    return this.owners.size;
  }
}

export const DEFAULT_SERVICE_CIDRS: Record<IPFamily, string> = {
  IPv4: '10.96.0.0/12',
  IPv6: '2001:db8:fff::/108',
};

/** The cluster's service networks: one allocator per family, the first CIDR's family is the primary one. */
export class ServiceIPs {
  readonly byFamily = new Map<IPFamily, ClusterIPAllocator>();
  readonly primary: IPFamily;

  constructor(cidrs: readonly string[] = [DEFAULT_SERVICE_CIDRS.IPv4], random?: Random) {
    if (cidrs.length === 0 || cidrs.length > 2) throw new Error('serviceCIDRs must hold one or two CIDRs');
    for (const c of cidrs) {
      const a = new ClusterIPAllocator(c, random);
      if (this.byFamily.has(a.family)) throw new Error('serviceCIDRs must be of different IP families');
      this.byFamily.set(a.family, a);
    }
    this.primary = new ClusterIPAllocator(cidrs[0]).family;
  }

  get dualStack(): boolean {
    return this.byFamily.size === 2;
  }

  forIP(ip: string): ClusterIPAllocator | undefined {
    const p = parseIP(ip);
    return p ? this.byFamily.get(p.family) : undefined;
  }
}
