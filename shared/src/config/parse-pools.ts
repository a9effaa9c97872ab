/**
 * The IPAddressPools read from the API server to the Config's pools. Pure and deterministic: the same objects in
 * any order give the same Config and the same errors. An object with any error is left out whole, and the rest
 * still load, so one bad pool never takes the others down with it.
 *
 * Between pools: an address may belong to one pool only. Pools are taken in name order (then namespace), and a pool
 * that overlaps one already taken is left out with an error naming both, so which pool survives never depends on
 * the order the API server listed them in.
 */
import { parsePool, type PoolCandidate } from './parse-pool';
import { RangeIndex } from './range-index';
import type { ConfigError, Pool } from './types';

export interface PoolsResult {
  readonly pools: ReadonlyMap<string, Pool>;
  readonly errors: readonly ConfigError[];
}

interface Taken {
  readonly object: string;
  readonly field: string;
  readonly text: string;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byNameThenNamespace = (a: PoolCandidate, b: PoolCandidate): number =>
  compareText(a.name, b.name) || compareText(a.namespace, b.namespace) || a.index - b.index;

export function parsePools(items: readonly unknown[]): PoolsResult {
  const errors: ConfigError[] = [];
  const candidates = items.map((raw, i) => parsePool(raw, i)).sort(byNameThenNamespace);
  const pools = new Map<string, Pool>();
  const loadedFrom = new Map<string, string>();
  const taken = new RangeIndex<Taken>();

  for (const c of candidates) {
    if (!c.pool) {
      errors.push(...c.errors);
      continue;
    }
    const other = loadedFrom.get(c.name);
    if (other) {
      errors.push({
        object: c.object,
        field: 'metadata.name',
        message: `${other} has the same name and is loaded; Services name pools by name alone, so this one is not`,
      });
      continue;
    }
    const clashes: ConfigError[] = [];
    for (const s of c.sources) {
      const holder = taken.find(s.range);
      if (holder)
        clashes.push({
          object: c.object,
          field: s.field,
          message: `${JSON.stringify(s.text)} overlaps ${JSON.stringify(holder.text)} (${holder.field} of ${holder.object}); an address may belong to one pool only, and ${holder.object} comes first by name, so this pool is not loaded`,
        });
    }
    if (clashes.length) {
      errors.push(...clashes);
      continue;
    }
    for (const s of c.sources) taken.add(s.range, { object: c.object, field: s.field, text: s.text });
    pools.set(c.name, c.pool);
    loadedFrom.set(c.name, c.object);
  }
  return { pools, errors };
}
