/**
 * Which validating webhooks a write calls, as the real server decides it: the configuration's rules (operations,
 * apiGroups, apiVersions, resources with subresources, scope), then namespaceSelector and objectSelector. Pure: the
 * caller passes the configurations and a way to read a namespace's labels.
 */
import { selectorMatches } from '../validation/apps';
import { asArr, asObj, asStr, isObj, type Obj } from '../validation/json';
import type { AdmissionAttributes } from './types';

/** One webhook of one configuration, with what the dispatcher needs of it. */
export interface MatchedWebhook {
  configuration: string;
  webhook: Obj;
  name: string;
}

/** The admission configurations themselves never go through webhooks (the real server exempts them too). */
const EXEMPT = new Set([
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);

const isNamespaceResource = (a: AdmissionAttributes): boolean => a.group === '' && a.resource === 'namespaces';

const strings = (v: unknown): string[] => (asArr(v) ?? []).map(String);
const listMatches = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);

/**
 * `services/status` names resource and subresource; a bare name is the main resource only; `*` in either part matches
 * anything there, the main resource included (`pods/*` matches pods too, as the real matcher compares).
 */
function resourceMatches(patterns: string[], resource: string, subresource: string): boolean {
  return patterns.some((p) => {
    const slash = p.indexOf('/');
    const res = slash < 0 ? p : p.slice(0, slash);
    const sub = slash < 0 ? '' : p.slice(slash + 1);
    return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
  });
}

/** Namespaced rules see namespaced objects; Cluster rules see cluster-scoped ones and Namespaces themselves. */
function scopeMatches(scope: string, a: AdmissionAttributes): boolean {
  if (scope === 'Namespaced') return !isNamespaceResource(a) && a.namespace !== '';
  if (scope === 'Cluster') return isNamespaceResource(a) || a.namespace === '';
  return true;
}

export function ruleMatches(rule: Obj, a: AdmissionAttributes): boolean {
  return (
    listMatches(strings(rule.operations), a.operation) &&
    listMatches(strings(rule.apiGroups), a.group) &&
    listMatches(strings(rule.apiVersions), a.version) &&
    resourceMatches(strings(rule.resources), a.resource, a.subresource) &&
    scopeMatches(asStr(rule.scope) ?? '*', a)
  );
}

const emptySelector = (sel: Obj): boolean =>
  Object.keys(asObj(sel.matchLabels) ?? {}).length === 0 && (asArr(sel.matchExpressions) ?? []).length === 0;

const labelsOf = (o: { metadata?: { labels?: Record<string, string> } } | undefined): Record<string, string> =>
  o?.metadata?.labels ?? {};

/**
 * Cluster-scoped objects other than Namespaces always match; a Namespace is judged by its own labels (the new object's,
 * or the old one's on DELETE); a namespaced object by its namespace's labels.
 */
export function namespaceSelectorMatches(
  sel: Obj,
  a: AdmissionAttributes,
  namespaceLabels: (name: string) => Record<string, string>,
): boolean {
  if (a.namespace === '' && !isNamespaceResource(a)) return true;
  if (emptySelector(sel)) return true;
  const labels = isNamespaceResource(a) ? labelsOf(a.object ?? a.oldObject) : namespaceLabels(a.namespace);
  return selectorMatches(sel, labels);
}

/** Either the new or the old object may match; neither present (no labels to judge) does not. */
export function objectSelectorMatches(sel: Obj, a: AdmissionAttributes): boolean {
  if (emptySelector(sel)) return true;
  return [a.object, a.oldObject].some((o) => o !== undefined && selectorMatches(sel, labelsOf(o)));
}

/** Webhooks whose side effects allow a dry run (None, NoneOnDryRun: the only values validation admits). */
const dryRunSafe = (h: Obj): boolean => h.sideEffects === 'None' || h.sideEffects === 'NoneOnDryRun';

/** The webhooks to call, configurations in name order and webhooks in their order (as the real server sorts them). */
export function matchingWebhooks(
  configurations: readonly Obj[],
  a: AdmissionAttributes,
  namespaceLabels: (name: string) => Record<string, string>,
): MatchedWebhook[] {
  if (a.group === 'admissionregistration.k8s.io' && EXEMPT.has(a.resource)) return [];
  const sorted = [...configurations].sort((x, y) => byteOrder(nameOf(x), nameOf(y)));
  const out: MatchedWebhook[] = [];
  for (const config of sorted) {
    for (const h of (asArr(config.webhooks) ?? []).filter(isObj)) {
      if (!(asArr(h.rules) ?? []).filter(isObj).some((r) => ruleMatches(r, a))) continue;
      if (!namespaceSelectorMatches(asObj(h.namespaceSelector) ?? {}, a, namespaceLabels)) continue;
      if (!objectSelectorMatches(asObj(h.objectSelector) ?? {}, a)) continue;
      if (a.dryRun && !dryRunSafe(h)) continue;
      out.push({ configuration: nameOf(config), webhook: h, name: asStr(h.name) ?? '' });
    }
  }
  return out;
}

const nameOf = (o: Obj): string => asStr(asObj(o.metadata)?.name) ?? '';
const byteOrder = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
