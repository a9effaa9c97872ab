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
