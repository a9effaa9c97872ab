/**
 * Authentication and RBAC authorization as the real API server does them, for the requests of pods the lab runs
 * (their kubeconfig's token names their service account): who the caller is, the request's attributes, whether a
 * Role or ClusterRole bound to it allows them, and the 403 message in the real server's words. Pure.
 *
 * Any other caller (kubectl and helm with ironlb-kube's kubeconfig, tests' clients) is the cluster admin: ironlb-kube
 * has no other users.
 */
import type { KubeObject } from '../types';

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface RequestAttributes {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface RbacObjects {
  roles: readonly KubeObject[];
  clusterRoles: readonly KubeObject[];
  roleBindings: readonly KubeObject[];
  clusterRoleBindings: readonly KubeObject[];
}

const SA_PREFIX = 'system:serviceaccount:';

/** The service account a bearer token names (`system:serviceaccount:<ns>:<name>`), or undefined: the admin. */
export function userFromToken(token: string | undefined): UserInfo | undefined {
  if (!token?.startsWith(SA_PREFIX)) return undefined;
  const [namespace, name, ...rest] = token.slice(SA_PREFIX.length).split(':');
  if (!namespace || !name || rest.length > 0) return undefined;
  return {
    name: token,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

/** The verb of a request to a resource path, as the server's request-info resolver names it. */
export function requestVerb(method: string, hasName: boolean, watching: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watching ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      // PATCH is `patch`, as any other method is its own name.
      return method.toLowerCase();
  }
}

/** `metadata.name=<x>` of a list or watch's field selector: the server authorizes such a request for that name. */
export function selectedName(fieldSelector: string | null): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const m = /^metadata\.name==?(.+)/.exec(term.trim());
    if (m) return m[1];
  }
  return undefined;
}

interface Rule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

function rulesOf(role: KubeObject | undefined): Rule[] {
  const rules = (role as { rules?: unknown } | undefined)?.rules;
  if (!Array.isArray(rules)) return [];
  return rules.map((r: Record<string, unknown>) => ({
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
  }));
}

function ruleAllows(rule: Rule, a: RequestAttributes): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(a.verb)) return false;
  if (!rule.apiGroups.includes('*') && !rule.apiGroups.includes(a.apiGroup)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = rule.resources.some(
    (r) => r === '*' || r === combined || (a.subresource !== undefined && r === `*/${a.subresource}`),
  );
  if (!resourceOk) return false;
  return rule.resourceNames.length === 0 || rule.resourceNames.some((n) => n === a.name);
}

function subjectMatches(subject: unknown, user: UserInfo, bindingNamespace: string | undefined): boolean {
  const s = subject as { kind?: string; name?: string; namespace?: string };
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace ?? bindingNamespace;
    return ns !== undefined && s.name !== undefined && user.name === `${SA_PREFIX}${ns}:${s.name}`;
  }
  if (s.kind === 'User') return user.name === s.name;
  return s.kind === 'Group' && user.groups.some((g) => g === s.name);
}

function bound(binding: KubeObject, user: UserInfo): boolean {
  const subjects = (binding as { subjects?: unknown }).subjects;
  return Array.isArray(subjects) && subjects.some((s) => subjectMatches(s, user, binding.metadata.namespace));
}

/** Whether a Role or ClusterRole bound to `user` allows the request (RoleBindings only inside their namespace). */
export function rbacAllows(user: UserInfo, a: RequestAttributes, o: RbacObjects): boolean {
  const roleRef = (b: KubeObject): { kind?: string; name?: string } =>
    ((b as { roleRef?: unknown }).roleRef ?? {}) as { kind?: string; name?: string };
  const clusterRole = (name: string | undefined): KubeObject | undefined =>
    o.clusterRoles.find((r) => r.metadata.name === name);
  const allows = (role: KubeObject | undefined): boolean => rulesOf(role).some((r) => ruleAllows(r, a));
  for (const b of o.clusterRoleBindings) {
    if (roleRef(b).kind === 'ClusterRole' && bound(b, user) && allows(clusterRole(roleRef(b).name))) return true;
  }
  // RoleBindings grant only inside their namespace: a cluster-scoped request has none, and matches no binding.
  for (const b of o.roleBindings) {
    if (b.metadata.namespace !== a.namespace || !bound(b, user)) continue;
    const ref = roleRef(b);
    const role =
      ref.kind === 'Role'
        ? o.roles.find((r) => r.metadata.namespace === a.namespace && r.metadata.name === ref.name)
        : ref.kind === 'ClusterRole'
          ? clusterRole(ref.name)
          : undefined;
    if (allows(role)) return true;
  }
  return false;
}

/** The real server's 403 message. */
export function forbiddenMessage(user: UserInfo, a: RequestAttributes): string {
  const groupResource = a.apiGroup === '' ? a.resource : `${a.resource}.${a.apiGroup}`;
  const object = a.name !== undefined ? `${groupResource} "${a.name}"` : groupResource;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace !== undefined ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${object} is forbidden: User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
}
