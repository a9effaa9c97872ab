/**
 * The IPAddressPools read from the API server to the Config's pools. Pure and deterministic: the same objects in
 * any order give the same Config and the same errors. An object with any error is left out whole, and the rest
 * still load, so one bad pool never takes the others down with it.
 *
 * Between pools: an address may belong to one pool only. Pools are taken in name order (then namespace), and a pool
 * that overlaps one already taken is left out with an error naming both, so which pool survives never depends on
 * the order the API server listed them in.
 */
import { loadInNameOrder, type Loaded } from './object';
import { parsePool } from './parse-pool';
import { RangeIndex } from './range-index';
import type { ConfigError, Pool } from './types';

export interface PoolsResult {
  readonly pools: ReadonlyMap<string, Pool>;
  /** Names no pool loaded under -> the errors of the object (the first by name order) that had the name. */
  readonly refused: ReadonlyMap<string, readonly ConfigError[]>;
  /** The loaded pools with the objects they came from, for messages of the kinds that select pools. */
  readonly loaded: ReadonlyMap<string, Loaded<Pool>>;
  readonly errors: readonly ConfigError[];
}

interface Taken {
  readonly object: string;
  readonly field: string;
  readonly text: string;
}

export function parsePools(items: readonly unknown[]): PoolsResult {
  const taken = new RangeIndex<Taken>();
  const result = loadInNameOrder(
    items.map((raw, i) => parsePool(raw, i)),
    'Services name pools by name alone',
    (c) => {
      const clashes: ConfigError[] = [];
      for (const s of c.sources) {
        const holder = taken.find(s.range);
        if (holder)
          clashes.push({
            object: c.id.object,
            field: s.field,
            message: `${JSON.stringify(s.text)} overlaps ${JSON.stringify(holder.text)} (${holder.field} of ${holder.object}); an address may belong to one pool only, and ${holder.object} comes first by name, so this pool is not loaded`,
          });
      }
      if (clashes.length === 0)
        for (const s of c.sources) taken.add(s.range, { object: c.id.object, field: s.field, text: s.text });
      return clashes;
    },
  );
  const pools = new Map([...result.loaded].map(([name, l]) => [name, l.value]));
  const refused = new Map(
    [...result.refused].map(([name, object]) => [
      name,
      Object.freeze(result.errors.filter((e) => e.object === object).map((e) => Object.freeze({ ...e }))),
    ]),
  );
  return { pools, refused: Object.freeze(refused), loaded: result.loaded, errors: result.errors };
}
