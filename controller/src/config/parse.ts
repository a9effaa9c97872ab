/**
 * The IPAddressPools read from the API server to one validated Config. Pure and deterministic: the same objects in
 * any order give the same Config and the same errors. An object with any error is left out whole, and the rest
 * still load, so one bad pool never takes the others down with it.
 *
 * Between pools: an address may belong to one pool only. Pools are taken in name order (then namespace), and a pool
 * that overlaps one already taken is left out with an error naming both, so which pool survives never depends on
 * the order the API server listed them in.
 */
import { parsePool, POOL_KIND, type PoolCandidate } from './parse-pool';
import { RangeIndex } from './range-index';
import { isRecord, jsonType } from './raw';
import type { Config, ConfigError, Pool } from './types';

export interface ParseResult {
  readonly config: Config;
  readonly errors: readonly ConfigError[];
}

interface Taken {
  readonly object: string;
  readonly field: string;
  readonly text: string;
}

/** A bare array of objects, or a List object (`{kind: IPAddressPoolList, items: [...]}`) as the API returns it. */
function itemsOf(raw: unknown): { items: readonly unknown[]; errors: ConfigError[] } {
  if (Array.isArray(raw)) return { items: raw, errors: [] };
  if (isRecord(raw) && Array.isArray(raw.items)) return { items: raw.items, errors: [] };
  const got = isRecord(raw) ? `an object whose items is ${jsonType(raw.items)}` : jsonType(raw);
  return {
    items: [],
    errors: [{ object: `${POOL_KIND}List`, field: 'items', message: `must be a list of ${POOL_KIND}s, got ${got}` }],
  };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byNameThenNamespace = (a: PoolCandidate, b: PoolCandidate): number =>
  compareText(a.name, b.name) || compareText(a.namespace, b.namespace) || a.index - b.index;

export function parseConfig(rawPools: unknown): ParseResult {
  const { items, errors } = itemsOf(rawPools);
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
  return Object.freeze({ config: Object.freeze({ pools }), errors: Object.freeze(errors) });
}

/** One line for a log or an Event: `IPAddressPool ironlb-system/lab: spec.addresses[2]: invalid CIDR ...`. */
export function formatConfigError(e: ConfigError): string {
  return e.field ? `${e.object}: ${e.field}: ${e.message}` : `${e.object}: ${e.message}`;
}
