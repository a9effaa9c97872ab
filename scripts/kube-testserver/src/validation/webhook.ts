import type { StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import { duplicate, goStringSlice, invalidValue, notSupported, required } from './fielderrors';
import { asArr, asNum, asObj, asStr, isObj, type Obj } from './json';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './meta';
import { validateLabelSelector } from './apps';

/** ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1). */

const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const REVIEW_VERSIONS = ['v1', 'v1beta1'];

function defaultWebhook(h: Obj): void {
  if (h.failurePolicy === undefined || h.failurePolicy === null) h.failurePolicy = 'Fail';
  if (h.matchPolicy === undefined || h.matchPolicy === null) h.matchPolicy = 'Equivalent';
  if (!isObj(h.namespaceSelector)) h.namespaceSelector = {};
  if (!isObj(h.objectSelector)) h.objectSelector = {};
  if (h.timeoutSeconds === undefined || h.timeoutSeconds === null) h.timeoutSeconds = 10;
  for (const r of (asArr(h.rules) ?? []).filter(isObj)) if (r.scope === undefined || r.scope === null) r.scope = '*';
  const svc = asObj(asObj(h.clientConfig)?.service);
  if (svc && (svc.port === undefined || svc.port === null)) svc.port = 443;
}

/** IsFullyQualifiedName: webhook names need three DNS segments. */
function fullyQualified(path: string, name: string): StatusCause[] {
  if (!name) return [required(path)];
  const errs = isDNS1123Subdomain(name);
  if (errs.length) return [invalidValue(path, name, errs.join(','))];
  if (name.split('.').length < 3)
    return [invalidValue(path, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

function validateRule(r: Obj, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const list = (k: string): string[] => (asArr(r[k]) ?? []).map(String);
  const ops = list('operations');
  if (ops.length === 0) causes.push(required(`${path}.operations`));
  if (ops.length > 1 && ops.includes('*'))
    causes.push(
      invalidValue(
        `${path}.operations`,
        goStringSlice(ops, '[]admissionregistration.OperationType'),
        "if '*' is present, must not specify other operations",
      ),
    );
  ops.forEach((op, i) => {
    if (!OPERATIONS.includes(op)) causes.push(notSupported(`${path}.operations[${i}]`, op, OPERATIONS));
  });
  const groups = list('apiGroups');
  if (groups.length === 0) causes.push(required(`${path}.apiGroups`));
  if (groups.length > 1 && groups.includes('*'))
    causes.push(
      invalidValue(`${path}.apiGroups`, goStringSlice(groups), "if '*' is present, must not specify other API groups"),
    );
  const versions = list('apiVersions');
  if (versions.length === 0) causes.push(required(`${path}.apiVersions`));
  if (versions.length > 1 && versions.includes('*'))
    causes.push(
      invalidValue(
        `${path}.apiVersions`,
        goStringSlice(versions),
        "if '*' is present, must not specify other API versions",
      ),
    );
  versions.forEach((v, i) => {
    if (!v) causes.push(required(`${path}.apiVersions[${i}]`));
  });
  const resources = list('resources');
  if (resources.length === 0) causes.push(required(`${path}.resources`));
  resources.forEach((res, i) => {
    if (!res) causes.push(required(`${path}.resources[${i}]`));
  });
  const scope = r.scope;
  if (scope !== undefined && scope !== null && !SCOPES.includes(String(scope)))
    causes.push(notSupported(`${path}.scope`, String(scope), SCOPES));
  return causes;
}

function validateClientConfig(cc: Obj, path: string): StatusCause[] {
  const url = asStr(cc.url);
  const svc = asObj(cc.service);
  if ((url === undefined) === (svc === undefined)) return [required(path, 'exactly one of url or service is required')];
  const causes: StatusCause[] = [];
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      causes.push(invalidValue(`${path}.url`, url, 'host must be specified'));
    }
    if (parsed && parsed.protocol !== 'https:')
      causes.push(invalidValue(`${path}.url`, url, `'https' is the only allowed URL scheme`));
    // ValidateWebhookURL: the server appends its own query (timeout), and credentials belong in no URL.
    if (parsed?.username || parsed?.password) {
      const user = parsed.password ? `${parsed.username}:${parsed.password}` : parsed.username;
      causes.push(invalidValue(`${path}.url`, user, 'user information is not permitted in the URL'));
    }
    if (parsed && url.includes('#'))
      causes.push(invalidValue(`${path}.url`, parsed.hash.slice(1), 'fragments are not permitted in the URL'));
    if (parsed?.search)
      causes.push(invalidValue(`${path}.url`, parsed.search.slice(1), 'query parameters are not permitted in the URL'));
    return causes;
  }
  const s = svc ?? {};
  const name = asStr(s.name) ?? '';
  if (!name) causes.push(required(`${path}.service.name`, 'service name is required'));
  else for (const m of isDNS1123Label(name)) causes.push(invalidValue(`${path}.service.name`, name, m));
  const ns = asStr(s.namespace) ?? '';
  if (!ns) causes.push(required(`${path}.service.namespace`, 'service namespace is required'));
  else for (const m of isDNS1123Label(ns)) causes.push(invalidValue(`${path}.service.namespace`, ns, m));
  const port = asNum(s.port) ?? 443;
  if (port < 1 || port > 65535)
    causes.push(
      invalidValue(`${path}.service.port`, port, 'port is not valid: must be between 1 and 65535, inclusive'),
    );
  const p = asStr(s.path);
  if (p !== undefined && p !== '' && !p.startsWith('/'))
    causes.push(invalidValue(`${path}.service.path`, p, "must start with a '/'"));
  return causes;
}

function validateReviewVersions(v: unknown, path: string): StatusCause[] {
  const versions = (asArr(v) ?? []).map(String);
  if (versions.length === 0) return [required(path, `must specify one of ${REVIEW_VERSIONS.join(', ')}`)];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  versions.forEach((x, i) => {
    if (seen.has(x)) {
      causes.push(invalidValue(`${path}[${i}]`, x, 'duplicate version'));
      return;
    }
    seen.add(x);
    for (const m of isDNS1035Label(x)) causes.push(invalidValue(`${path}[${i}]`, x, m));
  });
  if (!versions.some((x) => REVIEW_VERSIONS.includes(x)))
    causes.push(
      invalidValue(path, goStringSlice(versions), `must include at least one of ${REVIEW_VERSIONS.join(', ')}`),
    );
  return causes;
}

function validateWebhook(h: Obj, path: string): StatusCause[] {
  const causes = fullyQualified(`${path}.name`, asStr(h.name) ?? '');
  (asArr(h.rules) ?? []).forEach((r, i) => causes.push(...validateRule(asObj(r) ?? {}, `${path}.rules[${i}]`)));
  const fp = h.failurePolicy;
  if (fp !== undefined && fp !== null && !FAILURE_POLICIES.includes(String(fp)))
    causes.push(notSupported(`${path}.failurePolicy`, String(fp), FAILURE_POLICIES));
  const mp = h.matchPolicy;
  if (mp !== undefined && mp !== null && !MATCH_POLICIES.includes(String(mp)))
    causes.push(notSupported(`${path}.matchPolicy`, String(mp), MATCH_POLICIES));
  const se = h.sideEffects;
  if (se === undefined || se === null)
    causes.push(required(`${path}.sideEffects`, `must specify one of ${SIDE_EFFECTS.join(', ')}`));
  else if (!SIDE_EFFECTS.includes(String(se)))
    causes.push(notSupported(`${path}.sideEffects`, String(se), SIDE_EFFECTS));
  const t = asNum(h.timeoutSeconds);
  if (t !== undefined && (t > 30 || t < 1))
    causes.push(invalidValue(`${path}.timeoutSeconds`, t, 'the timeout value must be between 1 and 30 seconds'));
  causes.push(...validateLabelSelector(h.namespaceSelector, `${path}.namespaceSelector`));
  causes.push(...validateLabelSelector(h.objectSelector, `${path}.objectSelector`));
  causes.push(...validateClientConfig(asObj(h.clientConfig) ?? {}, `${path}.clientConfig`));
  return causes;
}

export function validatingWebhookStrategy(): KindStrategy {
  return defineKind({
    namespaced: false,
    name: nameIsDNSSubdomain,
    generation: 'content',
    defaults(o) {
      for (const h of (asArr(o.webhooks) ?? []).filter(isObj)) defaultWebhook(h);
    },
    validate(o) {
      const causes: StatusCause[] = [];
      const names = new Set<string>();
      (asArr(o.webhooks) ?? []).forEach((raw, i) => {
        const h = asObj(raw) ?? {};
        const path = `webhooks[${i}]`;
        causes.push(...validateWebhook(h, path));
        causes.push(...validateReviewVersions(h.admissionReviewVersions, `${path}.admissionReviewVersions`));
        const name = asStr(h.name) ?? '';
        if (name) {
          if (names.has(name)) causes.push(duplicate(`${path}.name`, name));
          names.add(name);
        }
      });
      return causes;
    },
  });
}
