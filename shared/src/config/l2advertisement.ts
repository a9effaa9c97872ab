/**
 * L2Advertisement objects into one validated, immutable value, as the controller does for pools: a bad object is
 * left out whole and named with its field, so one typo cannot make a speaker announce from the wrong nodes.
 * MetalLB's meaning: no pools and no pool selectors = every pool; no node selectors = every node; no interfaces =
 * every interface with an address in the announced IP's subnet.
 */
import { readSelection } from './advertisement';
import { readStringList } from './fields';
import { errorsOf, loadInNameOrder, readObject, type Candidate } from './object';
import type { ConfigError, L2Advertisement } from './types';

export const L2_KIND = 'L2Advertisement';

export interface L2Config {
  /** Sorted by name, so every speaker reads them in one order. */
  readonly advertisements: readonly L2Advertisement[];
  readonly errors: readonly ConfigError[];
}

function parseL2Advertisement(raw: unknown, index: number): Candidate<L2Advertisement> {
  const { id, spec, problems } = readObject(L2_KIND, raw, index, false);
  const s = spec ?? {};
  const adv: L2Advertisement = Object.freeze({
    name: id.name,
    ...readSelection(s, problems),
    interfaces: Object.freeze(readStringList(s.interfaces, 'spec.interfaces', problems)),
  });
  const errors = errorsOf(id, problems);
  return errors.length ? { id, errors } : { id, value: adv, errors };
}

export function parseL2Advertisements(items: readonly unknown[]): L2Config {
  const r = loadInNameOrder(
    items.map((raw, i) => parseL2Advertisement(raw, i)),
    'the Config knows L2Advertisements by name alone',
  );
  return { advertisements: Object.freeze([...r.loaded.values()].map((l) => l.value)), errors: r.errors };
}
