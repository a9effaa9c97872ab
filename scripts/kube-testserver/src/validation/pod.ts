import type { StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import { duplicate, forbidden, invalidValue, notSupported, required } from './fielderrors';
import { asArr, asObj, asStr, ensureObj, isObj, type Obj } from './json';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain, validateAnnotations, validateLabels } from './meta';
import { validatePortNumOrName } from './service';

/**
 * Pods and pod templates, kept minimal: the defaults every pod shows (SetDefaults_PodSpec, SetDefaults_Container, the
 * admission plugins that always run), and the validation a hand-written manifest usually trips over.
 */

const RESTART_POLICIES = ['Always', 'Never', 'OnFailure'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** parsers.ParseImageName: no tag and no digest means `latest`. */
function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  if (p.timeoutSeconds === undefined) p.timeoutSeconds = 1;
  if (p.periodSeconds === undefined) p.periodSeconds = 10;
  if (p.successThreshold === undefined) p.successThreshold = 1;
  if (p.failureThreshold === undefined) p.failureThreshold = 3;
  const http = asObj(p.httpGet);
  if (http && !http.scheme) http.scheme = 'HTTP';
}

function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(asStr(c.image) ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  if (!isObj(c.resources)) c.resources = {};
  for (const port of (asArr(c.ports) ?? []).filter(isObj)) if (!port.protocol) port.protocol = 'TCP';
  for (const env of (asArr(c.env) ?? []).filter(isObj)) {
    const ref = asObj(asObj(env.valueFrom)?.fieldRef);
    if (ref && !ref.apiVersion) ref.apiVersion = 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

/** SetDefaults_PodSpec and its containers/volumes: what pod templates (Deployments, DaemonSets) get. */
export function defaultPodSpec(spec: Obj): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null)
    spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  for (const key of ['containers', 'initContainers'])
    for (const c of (asArr(spec[key]) ?? []).filter(isObj)) defaultContainer(c);
  for (const v of (asArr(spec.volumes) ?? []).filter(isObj)) {
    for (const k of ['configMap', 'secret', 'projected', 'downwardAPI']) {
      const src = asObj(v[k]);
      if (src && src.defaultMode === undefined) src.defaultMode = 420;
    }
    const hostPath = asObj(v.hostPath);
    if (hostPath && hostPath.type === undefined) hostPath.type = '';
  }
}

/** Defaults a Pod (not a template) also gets, including what ServiceAccount/Priority/DefaultTolerationSeconds add. */
function defaultPod(o: Obj): void {
  const spec = ensureObj(o, 'spec');
  defaultPodSpec(spec);
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
}

function admitPod(o: Obj): void {
  const spec = ensureObj(o, 'spec');
  if (!spec.serviceAccountName) spec.serviceAccountName = asStr(spec.serviceAccount) || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  if (spec.priority === undefined) spec.priority = 0;
  if (!spec.preemptionPolicy) spec.preemptionPolicy = 'PreemptLowerPriority';
  const tolerations = (asArr(spec.tolerations) ?? []).filter(isObj);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key && (t.effect === 'NoExecute' || !t.effect)))
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

function qosClass(spec: Obj): string {
  const containers = (asArr(spec.containers) ?? []).filter(isObj);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = asObj(c.resources) ?? {};
    const req = asObj(res.requests) ?? {};
    const lim = asObj(res.limits) ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function validateContainers(list: unknown, path: string, names: Set<string>, requireOne: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = asArr(list) ?? [];
  if (requireOne && containers.length === 0) causes.push(required(path));
  containers.forEach((raw, i) => {
    const c = asObj(raw) ?? {};
    const p = `${path}[${i}]`;
    const name = asStr(c.name) ?? '';
    if (!name) causes.push(required(`${p}.name`));
    else {
      for (const m of isDNS1123Label(name)) causes.push(invalidValue(`${p}.name`, name, m));
      if (names.has(name)) causes.push(duplicate(`${p}.name`, name));
      names.add(name);
    }
    if (!asStr(c.image)) causes.push(required(`${p}.image`));
    const pull = asStr(c.imagePullPolicy) ?? '';
    if (!pull) causes.push(required(`${p}.imagePullPolicy`));
    else if (!PULL_POLICIES.includes(pull)) causes.push(notSupported(`${p}.imagePullPolicy`, pull, PULL_POLICIES));
    const portNames = new Set<string>();
    (asArr(c.ports) ?? []).forEach((rawPort, j) => {
      const port = asObj(rawPort) ?? {};
      const pp = `${p}.ports[${j}]`;
      const pn = asStr(port.name);
      if (pn) {
        causes.push(...validatePortNumOrName(pn, `${pp}.name`));
        if (portNames.has(pn)) causes.push(duplicate(`${pp}.name`, pn));
        portNames.add(pn);
      }
      if (port.containerPort === undefined) causes.push(required(`${pp}.containerPort`));
      else causes.push(...validatePortNumOrName(port.containerPort, `${pp}.containerPort`));
      if (port.hostPort) causes.push(...validatePortNumOrName(port.hostPort, `${pp}.hostPort`));
      const proto = asStr(port.protocol) ?? '';
      if (!proto) causes.push(required(`${pp}.protocol`));
      else if (!PROTOCOLS.includes(proto)) causes.push(notSupported(`${pp}.protocol`, proto, PROTOCOLS));
    });
  });
  return causes;
}

/** The slice of ValidatePodSpec a hand-written manifest usually meets. */
export function validatePodSpec(spec: Obj, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  causes.push(...validateContainers(spec.initContainers, `${path}.initContainers`, names, false));
  causes.push(...validateContainers(spec.containers, `${path}.containers`, names, true));
  const restart = asStr(spec.restartPolicy) ?? '';
  if (!restart) causes.push(required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restart))
    causes.push(notSupported(`${path}.restartPolicy`, restart, RESTART_POLICIES));
  const dns = asStr(spec.dnsPolicy) ?? '';
  if (!dns) causes.push(required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dns)) causes.push(notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  const grace = spec.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0)
    causes.push(invalidValue(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0'));
  const sa = asStr(spec.serviceAccountName);
  if (sa) for (const m of isDNS1123Subdomain(sa)) causes.push(invalidValue(`${path}.serviceAccountName`, sa, m));
  const nodeName = asStr(spec.nodeName);
  if (nodeName)
    for (const m of isDNS1123Subdomain(nodeName)) causes.push(invalidValue(`${path}.nodeName`, nodeName, m));
  if (spec.nodeSelector) causes.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  return causes;
}

/** ValidatePodTemplateSpec: template metadata (labels, annotations) and the pod spec. */
export function validatePodTemplate(template: unknown, path: string): StatusCause[] {
  const t = asObj(template) ?? {};
  const meta = asObj(t.metadata) ?? {};
  return [
    ...validateLabels(meta.labels, `${path}.metadata.labels`),
    ...validateAnnotations(meta.annotations, `${path}.metadata.annotations`),
    ...validatePodSpec(asObj(t.spec) ?? {}, `${path}.spec`),
  ];
}

export function podStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    // 1.35: PodObservedGenerationTracking (beta, on) gives pods a metadata.generation that follows spec changes.
    generation: 'spec',
    defaults: defaultPod,
    prepareCreate(o) {
      admitPod(o);
      o.status = { phase: 'Pending', qosClass: qosClass(asObj(o.spec) ?? {}) };
    },
    validate: (o) => validatePodSpec(asObj(o.spec) ?? {}, 'spec'),
    validateUpdate(o, old) {
      // Pod spec is immutable apart from a few fields; report it the way the real server summarises it.
      const mutable = ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds', 'schedulingGates'];
      const strip = (s: unknown): string => {
        const copy: Obj = { ...(asObj(s) ?? {}) };
        for (const k of mutable) delete copy[k];
        const containers = (asArr(copy.containers) ?? []).map((c) => ({ ...(asObj(c) ?? {}), image: undefined }));
        copy.containers = containers;
        return JSON.stringify(copy);
      };
      return strip(o.spec) === strip(old.spec)
        ? []
        : [
            forbidden(
              'spec',
              'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
            ),
          ];
    },
  });
}
