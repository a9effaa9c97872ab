/**
 * One pool's held addresses, kept so the allocator can answer "lowest free address" and "lowest address held under
 * sharing key K" in logarithmic time: a sorted set per range, and a sorted set per (family, sharing key).
 */
import type { AddressRange, IPFamily, Pool } from '@ironlb/shared/config';
import { AddressSet } from './addressSet';
import { avoidingBuggyIPs, everyAddress, type AddressSpace } from './addressSpace';
import type { IPAddress } from './ip';

interface IndexedRange {
  readonly range: AddressRange;
  readonly held: AddressSet;
}

const FAMILY_ORDER: Record<IPFamily, number> = { IPv4: 0, IPv6: 1 };

export class PoolIndex {
  private readonly ranges: readonly IndexedRange[];
  private readonly bySharingKey = new Map<string, AddressSet>();

  constructor(readonly pool: Pool) {
    this.ranges = [...pool.ranges]
      .sort(
        (a, b) =>
          FAMILY_ORDER[a.family] - FAMILY_ORDER[b.family] || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0),
      )
      .map((range) => ({ range, held: new AddressSet(this.space(range.family)) }));
  }

  hasFamily(family: IPFamily): boolean {
    return this.ranges.some((r) => r.range.family === family);
  }

  families(): IPFamily[] {
    return (['IPv4', 'IPv6'] as const).filter((f) => this.hasFamily(f));
  }

  /** Whether the address is inside one of the pool's ranges, handed out or not. */
  contains(ip: IPAddress): boolean {
    return this.rangeOf(ip) !== undefined;
  }

  /** Whether the pool hands out this address: inside a range and not skipped by avoidBuggyIPs. */
  offers(ip: IPAddress): boolean {
    return this.rangeOf(ip) !== undefined && this.space(ip.family).usable(ip.value);
  }

  /** Records an address held by Services with this sharing key; addresses outside the pool are ignored. */
  add(ip: IPAddress, sharingKey: string | undefined): void {
    const r = this.rangeOf(ip);
    if (!r) return;
    r.held.add(ip.value);
    if (sharingKey === undefined) return;
    const id = `${ip.family}/${sharingKey}`;
    let set = this.bySharingKey.get(id);
    if (!set) this.bySharingKey.set(id, (set = new AddressSet()));
    set.add(ip.value);
  }

  remove(ip: IPAddress, sharingKey: string | undefined): void {
    const r = this.rangeOf(ip);
    if (!r) return;
    r.held.delete(ip.value);
    if (sharingKey === undefined) return;
    const id = `${ip.family}/${sharingKey}`;
    const set = this.bySharingKey.get(id);
    if (set?.delete(ip.value) && set.size === 0) this.bySharingKey.delete(id);
  }

  /** The lowest address of the family that nobody holds. */
  lowestFree(family: IPFamily): bigint | undefined {
    for (const { range, held } of this.ranges) {
      if (range.family !== family) continue;
      const free = held.firstFree(range.first, range.last);
      if (free !== undefined) return free;
    }
    return undefined;
  }

  /** Addresses of the family held under this sharing key, lowest first. */
  *sharedAddresses(family: IPFamily, sharingKey: string): Generator<bigint> {
    const set = this.bySharingKey.get(`${family}/${sharingKey}`);
    if (set) yield* set.from(0n);
  }

  /** Held and still free usable addresses of one family, counted without enumerating any range. */
  usage(family: IPFamily): { assigned: number; available: bigint } {
    let assigned = 0;
    let total = 0n;
    for (const { range, held } of this.ranges) {
      if (range.family !== family) continue;
      assigned += held.usableSize;
      total += this.space(family).count(range.first, range.last);
    }
    return { assigned, available: total - BigInt(assigned) };
  }

  private space(family: IPFamily): AddressSpace {
    return this.pool.avoidBuggyIPs && family === 'IPv4' ? avoidingBuggyIPs : everyAddress;
  }

  /** Binary search: the ranges are sorted by family, then first address, and do not overlap. */
  private rangeOf(ip: IPAddress): IndexedRange | undefined {
    const key = FAMILY_ORDER[ip.family];
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const { range } = this.ranges[mid];
      const fam = FAMILY_ORDER[range.family];
      if (fam < key || (fam === key && range.last < ip.value)) lo = mid + 1;
      else if (fam > key || range.first > ip.value) hi = mid - 1;
      else return this.ranges[mid];
    }
    return undefined;
  }
}
