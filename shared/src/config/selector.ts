/**
 * Label selector matching with Kubernetes semantics (metav1.LabelSelectorAsSelector): every matchLabels pair and
 * every expression must hold, so the empty selector matches everything. NotIn and DoesNotExist match objects that
 * lack the key.
 */
import type { LabelSelector } from './types';

export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  // Own properties only: a label named `constructor` must not be found on Object.prototype.
  const has = (key: string): boolean => Object.hasOwn(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (!has(key) || labels[key] !== value) return false;
  }
  for (const e of selector.matchExpressions) {
    const present = has(e.key);
    switch (e.operator) {
      case 'In':
        if (!present || !e.values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (present && e.values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}

/** What one label key must be for every selector of a conjunction to hold. */
interface KeyRule {
  present?: boolean;
  contradicts?: boolean;
  /** The values it may have; undefined = any. */
  allowed?: Set<string>;
  excluded: Set<string>;
}

/** Whether some set of labels matches every selector in `all`: label values are unbounded, so only clashes on a key can fail. */
function satisfiable(all: readonly LabelSelector[]): boolean {
  const rules = new Map<string, KeyRule>();
  const rule = (key: string): KeyRule => {
    let r = rules.get(key);
    if (!r) rules.set(key, (r = { excluded: new Set() }));
    return r;
  };
  const mustBe = (key: string, present: boolean): void => {
    const r = rule(key);
    if (r.present === !present) r.contradicts = true;
    r.present = present;
  };
  const allow = (key: string, values: readonly string[]): void => {
    mustBe(key, true);
    const r = rule(key);
    r.allowed = new Set(r.allowed ? values.filter((v) => r.allowed?.has(v)) : values);
  };
  for (const s of all) {
    for (const [key, value] of Object.entries(s.matchLabels)) allow(key, [value]);
    for (const e of s.matchExpressions) {
      if (e.operator === 'In') allow(e.key, e.values);
      else if (e.operator === 'NotIn') for (const v of e.values) rule(e.key).excluded.add(v);
      else mustBe(e.key, e.operator === 'Exists');
    }
  }
  for (const r of rules.values()) {
    if (r.contradicts) return false;
    if (r.allowed && ![...r.allowed].some((v) => !r.excluded.has(v))) return false;
  }
  return true;
}

const EVERYTHING: LabelSelector = Object.freeze({ matchLabels: {}, matchExpressions: [] });

/**
 * Whether no labels can match both selections, each a list of selectors as nodeSelectors are (a node is selected when
 * it matches any of them; an empty list selects every node). Decided from the selectors alone, whatever nodes exist:
 * `zone In [a]` and `zone In [b]` are disjoint, `zone=a` and `rack=1` are not, since one node may carry both.
 */
export function selectionsDisjoint(a: readonly LabelSelector[], b: readonly LabelSelector[]): boolean {
  const as = a.length > 0 ? a : [EVERYTHING];
  const bs = b.length > 0 ? b : [EVERYTHING];
  return as.every((x) => bs.every((y) => !satisfiable([x, y])));
}
