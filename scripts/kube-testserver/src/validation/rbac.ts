import type { StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import { goQuote, goRaw, goStringSlice, invalidValue, notSupported, required } from './fielderrors';
import { asArr, asObj, asStr, ensureObj, isObj, type Obj } from './json';
import { nameIsDNSSubdomain, pathSegmentName } from './meta';

/** Roles, ClusterRoles and their bindings (rbac.authorization.k8s.io/v1). Names are path segments (`system:x`). */

const GROUP = 'rbac.authorization.k8s.io';

function validateRule(rule: Obj, namespaced: boolean, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const list = (k: string): string[] => (asArr(rule[k]) ?? []).map(String);
  if (list('verbs').length === 0) causes.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = list('nonResourceURLs');
  if (urls.length) {
    if (namespaced)
      causes.push(
        invalidValue(
          `${path}.nonResourceURLs`,
          goStringSlice(urls),
          'namespaced rules cannot apply to non-resource URLs',
        ),
      );
    if (list('apiGroups').length || list('resources').length || list('resourceNames').length)
      causes.push(
        invalidValue(
          `${path}.nonResourceURLs`,
          goStringSlice(urls),
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    return causes;
  }
  if (list('apiGroups').length === 0)
    causes.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (list('resources').length === 0)
    causes.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return causes;
}

function roleStrategy(namespaced: boolean): KindStrategy {
  return defineKind({
    namespaced,
    name: pathSegmentName,
    validate(o) {
      const causes: StatusCause[] = [];
      (asArr(o.rules) ?? []).forEach((r, i) => causes.push(...validateRule(asObj(r) ?? {}, namespaced, `rules[${i}]`)));
      const agg = asObj(o.aggregationRule);
      if (!namespaced && agg && (asArr(agg.clusterRoleSelectors) ?? []).length === 0)
        causes.push(
          required(
            'aggregationRule.clusterRoleSelectors',
            'at least one clusterRoleSelector required if aggregationRule is non-nil',
          ),
        );
      return causes;
    },
  });
}

function defaultSubjects(o: Obj): void {
  for (const s of (asArr(o.subjects) ?? []).filter(isObj)) {
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = GROUP;
  }
  const ref = ensureObj(o, 'roleRef');
  if (!ref.apiGroup) ref.apiGroup = GROUP;
}

const goRoleRef = (ref: Obj): ReturnType<typeof goRaw> =>
  goRaw(
    `rbac.RoleRef{APIGroup:${goQuote(asStr(ref.apiGroup) ?? '')}, Kind:${goQuote(asStr(ref.kind) ?? '')}, Name:${goQuote(asStr(ref.name) ?? '')}}`,
  );

function bindingStrategy(namespaced: boolean): KindStrategy {
  return defineKind({
    namespaced,
    name: pathSegmentName,
    defaults: defaultSubjects,
    validate(o) {
      const causes: StatusCause[] = [];
      const ref = asObj(o.roleRef) ?? {};
      const apiGroup = asStr(ref.apiGroup) ?? '';
      if (apiGroup !== GROUP) causes.push(notSupported('roleRef.apiGroup', apiGroup, [GROUP]));
      const kind = asStr(ref.kind) ?? '';
      const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
      if (!kinds.includes(kind)) causes.push(notSupported('roleRef.kind', kind, kinds));
      const name = asStr(ref.name) ?? '';
      if (!name) causes.push(required('roleRef.name'));
      else for (const m of pathSegmentName(name, false)) causes.push(invalidValue('roleRef.name', name, m));
      (asArr(o.subjects) ?? []).forEach((raw, i) => {
        const s = asObj(raw) ?? {};
        const p = `subjects[${i}]`;
        const sname = asStr(s.name) ?? '';
        const group = asStr(s.apiGroup) ?? '';
        if (!sname) causes.push(required(`${p}.name`));
        switch (s.kind) {
          case 'ServiceAccount':
            if (sname)
              for (const m of nameIsDNSSubdomain(sname, false)) causes.push(invalidValue(`${p}.name`, sname, m));
            if (group) causes.push(notSupported(`${p}.apiGroup`, group, ['']));
            if (!namespaced && !asStr(s.namespace)) causes.push(required(`${p}.namespace`));
            break;
          case 'User':
          case 'Group':
            if (group !== GROUP) causes.push(notSupported(`${p}.apiGroup`, group, [GROUP]));
            break;
          default:
            causes.push(notSupported(`${p}.kind`, asStr(s.kind) ?? '', ['ServiceAccount', 'User', 'Group']));
        }
      });
      return causes;
    },
    validateUpdate(o, old) {
      const a = asObj(o.roleRef) ?? {};
      const b = asObj(old.roleRef) ?? {};
      const same = ['apiGroup', 'kind', 'name'].every((k) => (a[k] ?? '') === (b[k] ?? ''));
      return same ? [] : [invalidValue('roleRef', goRoleRef(a), 'cannot change roleRef')];
    },
  });
}

export const roleKinds = {
  role: (): KindStrategy => roleStrategy(true),
  clusterRole: (): KindStrategy => roleStrategy(false),
  roleBinding: (): KindStrategy => bindingStrategy(true),
  clusterRoleBinding: (): KindStrategy => bindingStrategy(false),
};
