/**
 * The address ranges taken so far, per family, with who took them: finds an overlap in O(log n) by binary search,
 * since the ranges it holds never overlap and so are sorted by both ends at once.
 */
import type { AddressRange, IPFamily } from './types';

interface Held<T> {
  readonly range: AddressRange;
  readonly owner: T;
}

export class RangeIndex<T> {
  private readonly held = new Map<IPFamily, Held<T>[]>();

  /** Who holds an address of `range`, if anyone (the lowest such holder). */
  find(range: AddressRange): T | undefined {
    const list = this.held.get(range.family) ?? [];
    const i = this.firstEndingAtOrAfter(list, range.first);
    return i < list.length && list[i].range.first <= range.last ? list[i].owner : undefined;
  }

  /** Records `range` for `owner`; the caller has checked with find() that nobody holds any of it. */
  add(range: AddressRange, owner: T): void {
    let list = this.held.get(range.family);
    if (!list) this.held.set(range.family, (list = []));
    list.splice(this.firstEndingAtOrAfter(list, range.first), 0, { range, owner });
  }

  private firstEndingAtOrAfter(list: readonly Held<T>[], address: bigint): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].range.last < address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
