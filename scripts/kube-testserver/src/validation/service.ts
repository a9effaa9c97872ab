import { StatusError, invalid } from '../errors';
import type { KubeObject, StatusCause } from '../types';
import { AllocationError, type NodePortAllocator, type ServiceIPs } from './allocators';
import type { KindStrategy } from './base';
import {
  FIELD_IMMUTABLE,
  dedupe,
  duplicate,
  forbidden,
  goQuote,
  goRaw,
  goStringSlice,
  invalidValue,
  notSupported,
  required,
  type GoValue,
} from './fielderrors';
import { asArr, asNum, asObj, asStr, clone, deepEqual, ensureObj, isObj, type Obj } from './json';
import {
  carryServerMeta,
  ensureGeneratedName,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNS1035Label,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './meta';
import { CIDR_INVALID, parseCIDR, parseIP, specialIPReason, validateIP, type IPFamily } from './net';

/**
 * The Service strategy: v1 defaulting, cluster IP / node port allocation (pkg/registry/core/service/storage/alloc.go)
 * and ValidateService / ValidateServiceUpdate / ValidateServiceStatusUpdate with the real texts.
 *
 * Allocation happens in prepareCreate/prepareUpdate, before validation, exactly as the real store runs BeginCreate
 * before BeforeCreate — which is why 015 reports a duplicate of an already allocated node port. Values taken in
 * prepare* are given back when validation fails; values an update gives up are freed only once validation passed.
 */

type Svc = Obj;
const spec = (s: Svc): Obj => ensureObj(s, 'spec');
const ports = (s: Svc): Obj[] => (asArr(spec(s).ports) ?? []).filter(isObj);
const svcType = (s: Svc): string => asStr(spec(s).type) ?? '';
const clusterIPs = (s: Svc): string[] => (asArr(spec(s).clusterIPs) ?? []).map(String);
const ipFamilies = (s: Svc): string[] => (asArr(spec(s).ipFamilies) ?? []).map(String);
const policyOf = (s: Svc): string | undefined => asStr(spec(s).ipFamilyPolicy);
const nodePortOf = (p: Obj): number => asNum(p.nodePort) ?? 0;
const selectorOf = (s: Svc): Obj | undefined => asObj(spec(s).selector);

const isHeadless = (s: Svc): boolean => {
  const ips = clusterIPs(s);
  return ips.length === 1 && ips[0] === 'None';
};
const needsClusterIP = (s: Svc): boolean => svcType(s) !== 'ExternalName';
const needsNodePort = (s: Svc): boolean => svcType(s) === 'NodePort' || svcType(s) === 'LoadBalancer';
const externallyAccessible = (s: Svc): boolean =>
  svcType(s) === 'LoadBalancer' ||
  svcType(s) === 'NodePort' ||
  (svcType(s) === 'ClusterIP' && (asArr(spec(s).externalIPs)?.length ?? 0) > 0);
const needsHealthCheck = (s: Svc): boolean =>
  svcType(s) === 'LoadBalancer' && spec(s).externalTrafficPolicy === 'Local';
const shouldAllocateNodePorts = (s: Svc): boolean =>
  svcType(s) === 'NodePort' || (svcType(s) === 'LoadBalancer' && spec(s).allocateLoadBalancerNodePorts !== false);

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const IP_MODES = ['Proxy', 'VIP'];
/** 1.35: PreferSameZone and PreferSameNode joined PreferClose (KEP-3015). */
const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameNode', 'PreferSameZone'];
const MAX_AFFINITY_SECONDS = 86400;
const TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
const TOPOLOGY_HINTS = 'service.kubernetes.io/topology-aware-hints';
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** SetDefaults_Service (core/v1 defaults.go): runs on every decode, so on create, update and status writes. */
export function defaultService(s: Svc): void {
  const sp = spec(s);
  if (!sp.sessionAffinity) sp.sessionAffinity = 'None';
  if (sp.sessionAffinity === 'None') delete sp.sessionAffinityConfig;
  if (sp.sessionAffinity === 'ClientIP') {
    const timeout = asObj(asObj(sp.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
    if (timeout === undefined || timeout === null) sp.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!sp.type) sp.type = 'ClusterIP';
  for (const p of ports(s)) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '')
      p.targetPort = p.port;
  }
  if (externallyAccessible(s) && !sp.externalTrafficPolicy) sp.externalTrafficPolicy = 'Cluster';
  if (sp.internalTrafficPolicy === undefined || sp.internalTrafficPolicy === null) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(svcType(s))) sp.internalTrafficPolicy = 'Cluster';
  }
  if (svcType(s) === 'LoadBalancer') {
    if (sp.allocateLoadBalancerNodePorts === undefined || sp.allocateLoadBalancerNodePorts === null)
      sp.allocateLoadBalancerNodePorts = true;
    // LoadBalancerIPMode is GA in 1.35: an ingress IP without a mode means VIP (1.26 had no such field, see 024).
    for (const ing of (asArr(asObj(asObj(s.status)?.loadBalancer)?.ingress) ?? []).filter(isObj)) {
      if (ing.ip && (ing.ipMode === undefined || ing.ipMode === null)) ing.ipMode = 'VIP';
    }
  }
}

/** Internal ServicePort key printed by `%#v`, as 015's Duplicate value shows it. */
function servicePortKey(protocol: string, port: number): GoValue {
  return goRaw(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

function isPortNum(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
}
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** ValidatePortNumOrName: an int must be a port number, a string an IANA_SVC_NAME. */
export function validatePortNumOrName(v: unknown, field: string): StatusCause[] {
  if (typeof v === 'number') return isPortNum(v) ? [] : [invalidValue(field, v, PORT_RANGE)];
  if (typeof v === 'string') return isValidPortName(v).map((m) => invalidValue(field, v, m));
  return [];
}

function validateServicePort(p: Obj, requireName: boolean, names: Set<string>, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = asStr(p.name) ?? '';
  if (requireName && !name) causes.push(required(`${path}.name`));
  else if (name) {
    for (const m of isDNS1123Label(name)) causes.push(invalidValue(`${path}.name`, name, m));
    if (names.has(name)) causes.push(duplicate(`${path}.name`, name));
    else names.add(name);
  }
  if (!isPortNum(p.port)) causes.push(invalidValue(`${path}.port`, asNum(p.port) ?? 0, PORT_RANGE));
  const protocol = asStr(p.protocol) ?? '';
  if (!protocol) causes.push(required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(protocol)) causes.push(notSupported(`${path}.protocol`, protocol, PROTOCOLS));
  causes.push(...validatePortNumOrName(p.targetPort, `${path}.targetPort`));
  if (typeof p.appProtocol === 'string')
    for (const m of isQualifiedName(p.appProtocol)) causes.push(invalidValue(`${path}.appProtocol`, p.appProtocol, m));
  return causes;
}

function isIPv6String(ip: string): boolean {
  return parseIP(ip)?.family === 'IPv6';
}

/** ValidateServiceClusterIPsRelatedFields: also run (as a pre-check) before allocation. */
export function validateClusterIPsRelatedFields(s: Svc): StatusCause[] {
  if (svcType(s) === 'ExternalName') return [];
  const causes: StatusCause[] = [];
  const sp = spec(s);
  const ip = asStr(sp.clusterIP) ?? '';
  const ips = clusterIPs(s);
  const fams = ipFamilies(s);
  if (ip) {
    if (ips.length === 0) causes.push(required('spec.clusterIPs'));
    else if (ips[0] !== ip)
      causes.push(invalidValue('spec.clusterIPs', goStringSlice(ips), 'first value must match `clusterIP`'));
  } else if (ips.length) {
    causes.push(invalidValue('spec.clusterIPs', goStringSlice(ips), 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  fams.forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) causes.push(notSupported(`spec.ipFamilies[${i}]`, f, IP_FAMILIES));
    if (seen.has(f)) causes.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  const policy = policyOf(s);
  if (sp.ipFamilyPolicy !== undefined && sp.ipFamilyPolicy !== null && !IP_FAMILY_POLICIES.includes(policy ?? ''))
    causes.push(notSupported('spec.ipFamilyPolicy', policy ?? '', IP_FAMILY_POLICIES));
  let hasInvalid = false;
  ips.forEach((v, i) => {
    if (i === 0 && v === 'None') {
      if (ips.length > 1) {
        hasInvalid = true;
        causes.push(invalidValue('spec.clusterIPs', goStringSlice(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const errs = validateIP(`spec.clusterIPs[${i}]`, v);
    if (errs.length) hasInvalid = true;
    causes.push(...errs);
  });
  if (ips.length > 2) causes.push(invalidValue('spec.clusterIPs', goStringSlice(ips), 'may only hold up to 2 values'));
  if (hasInvalid) return causes;
  if (ips.length > 1) {
    const families = new Set(ips.map((v) => parseIP(v)?.family));
    if (families.size !== ips.length)
      causes.push(
        invalidValue('spec.clusterIPs', goStringSlice(ips), 'may specify no more than one IP for each IP family'),
      );
  }
  if (!isHeadless(s) && ips.length && fams.length) {
    for (let i = 0; i < ips.length && i < fams.length; i++) {
      if (fams[i] === 'IPv4' && isIPv6String(ips[i]))
        causes.push(
          invalidValue(`spec.clusterIPs[${i}]`, ips[i], `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``),
        );
      if (fams[i] === 'IPv6' && !isIPv6String(ips[i]))
        causes.push(
          invalidValue(`spec.clusterIPs[${i}]`, ips[i], `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``),
        );
    }
  }
  return causes;
}

function validateClientIPAffinityConfig(config: unknown, path: string): StatusCause[] {
  const when = 'when session affinity type is ClientIP';
  const c = asObj(config);
  if (!c) return [required(path, when)];
  const clientIP = asObj(c.clientIP);
  if (!clientIP) return [required(`${path}.clientIP`, when)];
  const t = clientIP.timeoutSeconds;
  if (t === undefined || t === null) return [required(`${path}.clientIP.timeoutSeconds`, when)];
  const n = asNum(t) ?? 0;
  return n <= 0 || n > MAX_AFFINITY_SECONDS
    ? [
        invalidValue(
          `${path}.clientIP.timeoutSeconds`,
          n,
          `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`,
        ),
      ]
    : [];
}

/** ValidateService, in the real order of checks. */
export function validateService(s: Svc): StatusCause[] {
  const sp = spec(s);
  const causes: StatusCause[] = validateObjectMeta(s.metadata, { namespaced: true, name: nameIsDNS1035Label });
  const annotations = asObj(asObj(s.metadata)?.annotations) ?? {};
  if (
    TOPOLOGY_MODE in annotations &&
    TOPOLOGY_HINTS in annotations &&
    annotations[TOPOLOGY_MODE] !== annotations[TOPOLOGY_HINTS]
  ) {
    causes.push(
      invalidValue(
        `metadata.annotations[${TOPOLOGY_MODE}]`,
        String(annotations[TOPOLOGY_MODE]),
        `must match annotations[${TOPOLOGY_HINTS}] when both are specified`,
      ),
    );
  }
  const type = svcType(s);
  const ps = ports(s);
  if (ps.length === 0 && !isHeadless(s) && type !== 'ExternalName') causes.push(required('spec.ports'));
  if (type === 'LoadBalancer' && isHeadless(s))
    causes.push(invalidValue('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
  if (type === 'NodePort' && isHeadless(s))
    causes.push(invalidValue('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
  if (type === 'ExternalName') {
    if (clusterIPs(s).length) causes.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (ipFamilies(s).length) causes.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (sp.ipFamilyPolicy !== undefined && sp.ipFamilyPolicy !== null)
      causes.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = (asStr(sp.externalName) ?? '').replace(/\.$/, '');
    if (cname) for (const m of isDNS1123Subdomain(cname)) causes.push(invalidValue('spec.externalName', cname, m));
    else causes.push(required('spec.externalName'));
  }
  const names = new Set<string>();
  ps.forEach((p, i) => causes.push(...validateServicePort(p, ps.length > 1, names, `spec.ports[${i}]`)));
  if (sp.selector !== undefined && sp.selector !== null) causes.push(...validateLabels(sp.selector, 'spec.selector'));
  const affinity = asStr(sp.sessionAffinity) ?? '';
  if (!affinity) causes.push(required('spec.sessionAffinity'));
  else if (!AFFINITIES.includes(affinity)) causes.push(notSupported('spec.sessionAffinity', affinity, AFFINITIES));
  if (affinity === 'ClientIP')
    causes.push(...validateClientIPAffinityConfig(sp.sessionAffinityConfig, 'spec.sessionAffinityConfig'));
  else if (affinity === 'None' && sp.sessionAffinityConfig !== undefined && sp.sessionAffinityConfig !== null)
    causes.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  causes.push(...validateClusterIPsRelatedFields(s));
  (asArr(sp.externalIPs) ?? []).forEach((raw, i) => {
    const ip = String(raw);
    const errs = validateIP(`spec.externalIPs[${i}]`, ip);
    if (errs.length) causes.push(...errs);
    else {
      const parsed = parseIP(ip);
      const why = parsed && specialIPReason(parsed, ip);
      if (why) causes.push(invalidValue(`spec.externalIPs[${i}]`, ip, why));
    }
  });
  if (!type) causes.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) causes.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ClusterIP') {
    ps.forEach((p, i) => {
      if (nodePortOf(p) !== 0)
        causes.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ps.forEach((p, i) => {
    const np = nodePortOf(p);
    if (np === 0) return;
    const k = `${String(p.protocol)}/${np}`;
    if (nodePorts.has(k)) causes.push(duplicate(`spec.ports[${i}].nodePort`, np));
    nodePorts.add(k);
  });
  const seenPorts = new Set<string>();
  ps.forEach((p, i) => {
    const protocol = asStr(p.protocol) ?? '';
    const port = asNum(p.port) ?? 0;
    const k = `${protocol}/${port}`;
    if (seenPorts.has(k)) causes.push(duplicate(`spec.ports[${i}]`, servicePortKey(protocol, port)));
    seenPorts.add(k);
  });
  const ranges = asArr(sp.loadBalancerSourceRanges) ?? [];
  if (ranges.length) {
    // The real path really is capitalised like the Go field.
    const path = 'spec.LoadBalancerSourceRanges';
    if (type !== 'LoadBalancer') causes.push(forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      const v = String(r).trim();
      if (!parseCIDR(v)) causes.push(invalidValue(`${path}[${i}]`, v, CIDR_INVALID));
    });
  } else if (SOURCE_RANGES_ANNOTATION in annotations) {
    const path = `metadata.annotations[${SOURCE_RANGES_ANNOTATION}]`;
    if (type !== 'LoadBalancer') causes.push(forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    const val = String(annotations[SOURCE_RANGES_ANNOTATION]).trim();
    if (val) {
      for (const part of val.split(',')) {
        const v = part.trim();
        if (!parseCIDR(v)) causes.push(invalidValue(path, v, CIDR_INVALID));
      }
    }
  }
  const alloc = sp.allocateLoadBalancerNodePorts;
  if (alloc !== undefined && alloc !== null && type !== 'LoadBalancer')
    causes.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  // The real check names the field without `spec.`; kept as is.
  if (type === 'LoadBalancer' && (alloc === undefined || alloc === null))
    causes.push(required('allocateLoadBalancerNodePorts'));
  causes.push(...validateLoadBalancerClass(undefined, s));
  causes.push(...validateExternalTrafficPolicy(s));
  const itp = sp.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) causes.push(required('spec.internalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(String(itp))) {
    causes.push(notSupported('spec.internalTrafficPolicy', String(itp), TRAFFIC_POLICIES));
  }
  const td = sp.trafficDistribution;
  if (td !== undefined && td !== null && !TRAFFIC_DISTRIBUTIONS.includes(String(td)))
    causes.push(notSupported('spec.trafficDistribution', String(td), TRAFFIC_DISTRIBUTIONS));
  return causes;
}

function validateLoadBalancerClass(old: Svc | undefined, s: Svc): StatusCause[] {
  const causes: StatusCause[] = [];
  const cls = spec(s).loadBalancerClass;
  const has = cls !== undefined && cls !== null;
  if (old && svcType(old) === 'LoadBalancer' && svcType(s) === 'LoadBalancer') {
    const before = spec(old).loadBalancerClass ?? null;
    if ((before ?? null) !== (cls ?? null))
      causes.push(invalidValue('spec.loadBalancerClass', (cls ?? null) as GoValue, 'may not change once set'));
  }
  if (svcType(s) === 'LoadBalancer') {
    if (has)
      for (const m of isQualifiedName(String(cls))) causes.push(invalidValue('spec.loadBalancerClass', String(cls), m));
  } else if (has) {
    causes.push(forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return causes;
}

function validateExternalTrafficPolicy(s: Svc): StatusCause[] {
  const causes: StatusCause[] = [];
  const sp = spec(s);
  const etp = asStr(sp.externalTrafficPolicy) ?? '';
  if (!externallyAccessible(s)) {
    if (etp)
      causes.push(
        invalidValue('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'),
      );
  } else if (!etp) causes.push(required('spec.externalTrafficPolicy'));
  else if (!TRAFFIC_POLICIES.includes(etp))
    causes.push(notSupported('spec.externalTrafficPolicy', etp, TRAFFIC_POLICIES));
  const hc = asNum(sp.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck(s)) {
    if (hc !== 0)
      causes.push(
        invalidValue(
          'spec.healthCheckNodePort',
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
  } else if (hc === 0) causes.push(required('spec.healthCheckNodePort'));
  else if (!isPortNum(hc)) causes.push(invalidValue('spec.healthCheckNodePort', hc, PORT_RANGE));
  return causes;
}

/** ValidateLoadBalancerStatus (1.35: LoadBalancerIPMode GA, AllowServiceLBStatusOnNonLB off). */
export function validateLoadBalancerStatus(s: Svc): StatusCause[] {
  const causes: StatusCause[] = [];
  const ingress = asArr(asObj(asObj(s.status)?.loadBalancer)?.ingress) ?? [];
  const path = 'status.loadBalancer.ingress';
  if (svcType(s) !== 'LoadBalancer' && ingress.length) {
    return [forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")];
  }
  ingress.forEach((raw, i) => {
    const ing = asObj(raw) ?? {};
    const ip = asStr(ing.ip) ?? '';
    const p = `${path}[${i}]`;
    if (ip) causes.push(...validateIP(`${p}.ip`, ip));
    const mode = ing.ipMode;
    const hasMode = mode !== undefined && mode !== null;
    if (!hasMode) {
      if (ip) causes.push(required(`${p}.ipMode`, 'must be specified when `ip` is set'));
    } else if (!ip) causes.push(forbidden(`${p}.ipMode`, 'may not be specified when `ip` is not set'));
    else if (!IP_MODES.includes(String(mode))) causes.push(notSupported(`${p}.ipMode`, String(mode), IP_MODES));
    const hostname = asStr(ing.hostname) ?? '';
    if (hostname) {
      for (const m of isDNS1123Subdomain(hostname)) causes.push(invalidValue(`${p}.hostname`, hostname, m));
      if (parseIP(hostname))
        causes.push(invalidValue(`${p}.hostname`, hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return causes;
}

function validateUpgradeDowngradeClusterIPs(old: Svc, s: Svc): StatusCause[] {
  if (svcType(s) === 'ExternalName' || svcType(old) === 'ExternalName') return [];
  if (isHeadless(old) && isHeadless(s)) return [];
  const causes: StatusCause[] = [];
  const before = clusterIPs(old);
  const now = clusterIPs(s);
  const value = goStringSlice(now);
  if (before.length === now.length) {
    before.forEach((ip, i) => {
      if (ip !== now[i]) causes.push(invalidValue(`spec.clusterIPs[${i}]`, value, 'may not change once set'));
    });
  } else if (before.length > now.length) {
    if (now.length === 0) causes.push(invalidValue('spec.clusterIPs[0]', value, 'primary clusterIP can not be unset'));
    if (before.length && now.length && now[0] !== before[0])
      causes.push(invalidValue('spec.clusterIPs[0]', value, 'may not change once set'));
    if (now.length === 1 && policyOf(s) !== 'SingleStack')
      causes.push(
        invalidValue(
          'spec.ipFamilyPolicy',
          (policyOf(s) ?? null) as GoValue,
          "must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
  } else if (before.length && now[0] !== before[0]) {
    causes.push(invalidValue('spec.clusterIPs[0]', value, 'may not change once set'));
  }
  return causes;
}

function validateUpgradeDowngradeIPFamilies(old: Svc, s: Svc): StatusCause[] {
  if (svcType(s) === 'ExternalName' || svcType(old) === 'ExternalName') return [];
  if (isHeadless(old) !== isHeadless(s) || isHeadless(s)) return [];
  const causes: StatusCause[] = [];
  const before = ipFamilies(old);
  const now = ipFamilies(s);
  const fams = goStringSlice(now, '[]core.IPFamily');
  const ips = goStringSlice(clusterIPs(s));
  if (before.length === now.length) {
    before.forEach((f, i) => {
      if (f !== now[i]) causes.push(invalidValue('spec.ipFamilies[0]', fams, 'may not change once set'));
    });
  } else if (before.length > now.length) {
    if (clusterIPs(s).length === 0)
      causes.push(invalidValue('spec.ipFamilies[0]', fams, 'primary ipFamily can not be unset'));
    if (now.length && now[0] !== before[0])
      causes.push(invalidValue('spec.ipFamilies[0]', ips, 'may not change once set'));
    if (now.length === 1 && policyOf(s) !== 'SingleStack')
      causes.push(
        invalidValue(
          'spec.ipFamilyPolicy',
          (policyOf(s) ?? null) as GoValue,
          "must be set to 'SingleStack' when releasing the secondary ipFamily",
        ),
      );
  } else if (before.length && now.length && now[0] !== before[0]) {
    causes.push(invalidValue('spec.ipFamilies[0]', ips, 'may not change once set'));
  }
  return causes;
}

/** ValidateServiceUpdate: transitions first, then the full create-time validation. */
export function validateServiceUpdate(s: Svc, old: Svc): StatusCause[] {
  const causes = [
    ...validateObjectMetaUpdate(s.metadata, old.metadata),
    ...validateUpgradeDowngradeClusterIPs(old, s),
    ...validateUpgradeDowngradeIPFamilies(old, s),
    ...validateLoadBalancerClass(old, s),
  ];
  if (needsHealthCheck(old) && needsHealthCheck(s) && spec(s).healthCheckNodePort !== spec(old).healthCheckNodePort)
    causes.push(forbidden('spec.healthCheckNodePort', FIELD_IMMUTABLE));
  return dedupe([...causes, ...validateService(s)]);
}

/** Deferred work of one create/update: undo for a refusal, finish for an accepted write. */
interface Txn {
  create: boolean;
  undo: Array<() => void>;
  finish: Array<() => void>;
}

const ownerOf = (s: Svc): string => {
  const m = asObj(s.metadata) ?? {};
  return `${asStr(m.namespace) ?? ''}/${asStr(m.name) ?? ''}`;
};
const nameOf = (s: Svc): string => asStr(asObj(s.metadata)?.name) ?? '';
const svcInvalid = (s: Svc, causes: StatusCause[]): StatusError => invalid('Service', '', nameOf(s), causes);
const internal = (message: string): StatusError =>
  new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);

export interface ServiceStrategyOptions {
  ips: ServiceIPs;
  nodePorts: NodePortAllocator;
}

export class ServiceStrategy implements KindStrategy {
  private readonly pending = new WeakMap<KubeObject, Txn>();

  constructor(private readonly opts: ServiceStrategyOptions) {}

  get ips(): ServiceIPs {
    return this.opts.ips;
  }

  get nodePorts(): NodePortAllocator {
    return this.opts.nodePorts;
  }

  decodeDefaults(obj: KubeObject): void {
    defaultService(obj as unknown as Svc);
  }

  prepareCreate(obj: KubeObject): void {
    ensureGeneratedName(obj);
    const s = obj as unknown as Svc;
    defaultService(s);
    // PrepareForCreate: a new Service starts without status.
    s.status = { loadBalancer: {} };
    const sp = spec(s);
    if (sp.clusterIP && clusterIPs(s).length === 0) sp.clusterIPs = [sp.clusterIP];
    const txn: Txn = { create: true, undo: [], finish: [] };
    try {
      const pre = validateClusterIPsRelatedFields(s);
      if (pre.length) throw svcInvalid(s, pre);
      this.initIPFamilyFields(s, undefined);
      this.allocClusterIPs(s, txn);
      if (needsNodePort(s)) this.allocNodePorts(s, txn);
      if (needsHealthCheck(s)) this.allocHealthCheckNodePort(s, txn);
    } catch (e) {
      txn.undo.reverse().forEach((f) => f());
      throw e;
    }
    this.pending.set(obj, txn);
  }

  validateCreate(obj: KubeObject): StatusCause[] {
    return this.settle(obj, dedupe(validateService(obj as unknown as Svc)));
  }

  prepareUpdate(obj: KubeObject, old: KubeObject): void {
    const s = obj as unknown as Svc;
    const o = old as unknown as Svc;
    carryServerMeta(obj, old);
    defaultService(s);
    patchAllocatedValues(s, o);
    normalizeClusterIPs(s, o);
    dropTypeDependentFields(s, o);
    const txn: Txn = { create: false, undo: [], finish: [] };
    try {
      this.initIPFamilyFields(s, o);
      this.updateClusterIPs(s, o, txn);
      this.updateNodePorts(s, o, txn);
      this.updateHealthCheckNodePort(s, o, txn);
    } catch (e) {
      txn.undo.reverse().forEach((f) => f());
      throw e;
    }
    this.pending.set(obj, txn);
  }

  validateUpdate(obj: KubeObject, old: KubeObject): StatusCause[] {
    return this.settle(obj, validateServiceUpdate(obj as unknown as Svc, old as unknown as Svc));
  }

  prepareStatusUpdate(obj: KubeObject, old: KubeObject): void {
    carryServerMeta(obj, old);
    defaultService(obj as unknown as Svc);
  }

  /** ValidateServiceStatusUpdate: only metadata and status.loadBalancer are checked (026). */
  validateStatusUpdate(obj: KubeObject, old: KubeObject): StatusCause[] {
    const s = obj as unknown as Svc;
    return dedupe([
      ...validateObjectMetaUpdate(s.metadata, (old as unknown as Svc).metadata),
      ...validateLoadBalancerStatus(s),
    ]);
  }

  /** Frees what the object holds; also undoes a prepare whose write never happened (e.g. AlreadyExists). */
  release(obj: KubeObject): void {
    const pending = this.pending.get(obj);
    if (pending) {
      this.pending.delete(obj);
      pending.undo.reverse().forEach((f) => f());
    }
    const s = obj as unknown as Svc;
    const owner = ownerOf(s);
    for (const ip of clusterIPs(s)) this.ips.forIP(ip)?.release(ip, owner);
    for (const p of ports(s)) if (nodePortOf(p)) this.nodePorts.release(nodePortOf(p), owner);
    const hc = asNum(spec(s).healthCheckNodePort) ?? 0;
    if (hc) this.nodePorts.release(hc, owner);
  }

  restore(obj: KubeObject): void {
    const s = obj as unknown as Svc;
    const owner = ownerOf(s);
    for (const ip of clusterIPs(s)) this.ips.forIP(ip)?.restore(ip, owner);
    for (const p of ports(s)) if (nodePortOf(p)) this.nodePorts.restore(nodePortOf(p), owner);
    const hc = asNum(spec(s).healthCheckNodePort) ?? 0;
    if (hc) this.nodePorts.restore(hc, owner);
  }

  private settle(obj: KubeObject, causes: StatusCause[]): StatusCause[] {
    const txn = this.pending.get(obj);
    if (txn) {
      if (causes.length) {
        this.pending.delete(obj);
        txn.undo.reverse().forEach((f) => f());
      } else {
        txn.finish.forEach((f) => f());
        txn.finish = [];
        // A create keeps its undo list: a storage failure after validation (AlreadyExists) calls release(obj).
        // An accepted update has nothing left to undo: its old values are already given back.
        if (!txn.create) this.pending.delete(obj);
      }
    }
    return causes;
  }

  /** initIPFamilyFields: infer ipFamilies/ipFamilyPolicy, refusing what this cluster cannot serve (016). */
  private initIPFamilyFields(s: Svc, old: Svc | undefined): void {
    if (svcType(s) === 'ExternalName') return;
    if (old && matchingPreferDualStack(s, old)) return;
    const sp = spec(s);
    const causes: StatusCause[] = [];
    const policyValue = (): GoValue => (policyOf(s) ?? null) as GoValue;
    if (old) {
      if (policyOf(s) === 'SingleStack') {
        if (deepEqual(clusterIPs(old), clusterIPs(s)) && clusterIPs(s).length > 1)
          sp.clusterIPs = clusterIPs(s).slice(0, 1);
        if (deepEqual(ipFamilies(old), ipFamilies(s)) && ipFamilies(s).length > 1)
          sp.ipFamilies = ipFamilies(s).slice(0, 1);
      } else {
        if (clusterIPs(s).length < clusterIPs(old).length && clusterIPs(s).length > 0)
          causes.push(
            invalidValue(
              'spec.ipFamilyPolicy',
              policyValue(),
              "must be 'SingleStack' to release the secondary cluster IP",
            ),
          );
        if (ipFamilies(s).length < ipFamilies(old).length && ipFamilies(s).length > 0)
          causes.push(
            invalidValue(
              'spec.ipFamilyPolicy',
              policyValue(),
              "must be 'SingleStack' to release the secondary IP family",
            ),
          );
      }
    }
    if (policyOf(s) === 'SingleStack') {
      if (clusterIPs(s).length === 2)
        causes.push(
          invalidValue(
            'spec.ipFamilyPolicy',
            policyValue(),
            "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
          ),
        );
      if (ipFamilies(s).length === 2)
        causes.push(
          invalidValue(
            'spec.ipFamilyPolicy',
            policyValue(),
            "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
          ),
        );
    }
    const ips = clusterIPs(s);
    const fams = ipFamilies(s);
    for (let i = 0; i < ips.length; i++) {
      if (ips[i] === 'None') break;
      const fam = parseIP(ips[i])?.family;
      if (!fam || i < fams.length) continue;
      if (!this.ips.byFamily.has(fam))
        causes.push(
          invalidValue(`spec.clusterIPs[${i}]`, goStringSlice(ips), `${fam} is not configured on this cluster`),
        );
      else fams.push(fam);
    }
    if (fams.length) sp.ipFamilies = fams;
    if (causes.length) throw svcInvalid(s, causes);

    if (sp.clusterIP === 'None' && Object.keys(selectorOf(s) ?? {}).length === 0) {
      // Headless without selector: families are informational and may name families the cluster lacks.
      if (ipFamilies(s).length === 0) sp.ipFamilies = [this.ips.primary];
      if (!policyOf(s)) sp.ipFamilyPolicy = ipFamilies(s).length === 2 ? 'RequireDualStack' : 'SingleStack';
      if (policyOf(s) !== 'SingleStack' && ipFamilies(s).length === 1)
        sp.ipFamilies = [...ipFamilies(s), ipFamilies(s)[0] === 'IPv4' ? 'IPv6' : 'IPv4'];
      return;
    }
    if (policyOf(s) === 'RequireDualStack' && !this.ips.dualStack)
      causes.push(
        invalidValue('spec.ipFamilyPolicy', policyValue(), 'this cluster is not configured for dual-stack services'),
      );
    ipFamilies(s).forEach((f, i) => {
      if (!this.ips.byFamily.has(f as IPFamily))
        causes.push(invalidValue(`spec.ipFamilies[${i}]`, f, `${f} is not configured on this cluster`));
    });
    if (causes.length) throw svcInvalid(s, causes);
    if (!policyOf(s)) sp.ipFamilyPolicy = ipFamilies(s).length === 2 ? 'RequireDualStack' : 'SingleStack';
    if (ipFamilies(s).length === 0) sp.ipFamilies = [this.ips.primary];
    if (policyOf(s) !== 'SingleStack' && ipFamilies(s).length === 1 && this.ips.dualStack)
      sp.ipFamilies = [...ipFamilies(s), ipFamilies(s)[0] === 'IPv4' ? 'IPv6' : 'IPv4'];
  }

  private allocIP(s: Svc, family: string, wanted: string, txn: Txn): string {
    const alloc = this.ips.byFamily.get(family as IPFamily);
    if (!alloc) throw internal(`failed to allocate a serviceIP: ${family} is not configured on this cluster`);
    const owner = ownerOf(s);
    try {
      if (wanted) {
        alloc.allocate(wanted, owner);
        txn.undo.push(() => alloc.release(wanted, owner));
        return wanted;
      }
      const ip = alloc.allocateNext(owner);
      txn.undo.push(() => alloc.release(ip, owner));
      return ip;
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      if (!wanted) throw internal(`failed to allocate a serviceIP: ${e.message}`);
      throw svcInvalid(s, [
        invalidValue('spec.clusterIPs', goStringSlice(clusterIPs(s)), `failed to allocate IP ${wanted}: ${e.message}`),
      ]);
    }
  }

  private allocClusterIPs(s: Svc, txn: Txn): void {
    if (svcType(s) === 'ExternalName' || isHeadless(s)) return;
    const sp = spec(s);
    const ips = clusterIPs(s);
    const out = ipFamilies(s).map((fam, i) => this.allocIP(s, fam, ips[i] ?? '', txn));
    sp.clusterIPs = out;
    sp.clusterIP = out[0];
  }

  private takePort(s: Svc, port: number, index: number, txn: Txn): void {
    const owner = ownerOf(s);
    try {
      this.nodePorts.allocate(port, owner);
      txn.undo.push(() => this.nodePorts.release(port, owner));
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      throw svcInvalid(s, [invalidValue(`spec.ports[${index}].nodePort`, port, e.message)]);
    }
  }

  private nextPort(s: Svc, txn: Txn): number {
    const owner = ownerOf(s);
    try {
      const port = this.nodePorts.allocateNext(owner);
      txn.undo.push(() => this.nodePorts.release(port, owner));
      return port;
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      throw internal(`failed to allocate a nodePort: ${e.message}`);
    }
  }

  /** allocNodePorts: one node port per service port number, so TCP 9610 and UDP 9610 share one (010). */
  private allocNodePorts(s: Svc, txn: Txn): void {
    const ps = ports(s);
    const byPort = new Map<number, number>();
    const allocate = shouldAllocateNodePorts(s);
    ps.forEach((p, i) => {
      if (nodePortOf(p) === 0 && !allocate) return;
      const port = asNum(p.port) ?? 0;
      const already = byPort.get(port) ?? 0;
      if (already === 0) {
        const requested = ps.find((q) => asNum(q.port) === port && nodePortOf(q) !== 0);
        if (requested) {
          const np = nodePortOf(requested);
          this.takePort(s, np, i, txn);
          p.nodePort = np;
          byPort.set(port, np);
        } else {
          const np = this.nextPort(s, txn);
          p.nodePort = np;
          byPort.set(port, np);
        }
      } else if (nodePortOf(p) !== already) {
        if (nodePortOf(p) === 0) p.nodePort = already;
        else this.takePort(s, nodePortOf(p), i, txn);
      }
    });
  }

  private allocHealthCheckNodePort(s: Svc, txn: Txn): void {
    const sp = spec(s);
    const hc = asNum(sp.healthCheckNodePort) ?? 0;
    const owner = ownerOf(s);
    try {
      if (hc) {
        this.nodePorts.allocate(hc, owner);
        txn.undo.push(() => this.nodePorts.release(hc, owner));
      } else {
        const np = this.nodePorts.allocateNext(owner);
        txn.undo.push(() => this.nodePorts.release(np, owner));
        sp.healthCheckNodePort = np;
      }
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      throw internal(
        hc
          ? `failed to allocate requested HealthCheck NodePort ${hc}: ${e.message}`
          : `failed to allocate a HealthCheck NodePort 0: ${e.message}`,
      );
    }
  }

  private releaseLater(txn: Txn, release: () => void): void {
    txn.finish.push(release);
  }

  private updateClusterIPs(s: Svc, old: Svc, txn: Txn): void {
    const owner = ownerOf(s);
    const releaseAll = (): void => {
      ipFamilies(old).forEach((_, i) => {
        const ip = clusterIPs(old)[i];
        if (ip) this.releaseLater(txn, () => this.ips.forIP(ip)?.release(ip, owner));
      });
    };
    if (svcType(old) === 'ExternalName' && svcType(s) !== 'ExternalName') {
      this.allocClusterIPs(s, txn);
      return;
    }
    if (isHeadless(old)) return;
    if (svcType(old) !== 'ExternalName' && svcType(s) === 'ExternalName') {
      releaseAll();
      return;
    }
    const upgraded = ipFamilies(old).length === 1 && ipFamilies(s).length === 2;
    const downgraded = ipFamilies(old).length === 2 && ipFamilies(s).length === 1;
    if (upgraded) {
      const ips = clusterIPs(s);
      const ip = this.allocIP(s, ipFamilies(s)[1], ips[1] ?? '', txn);
      spec(s).clusterIPs = [ips[0], ip];
    } else if (downgraded) {
      const ip = clusterIPs(old)[1];
      if (ip) this.releaseLater(txn, () => this.ips.forIP(ip)?.release(ip, owner));
    }
  }

  private updateNodePorts(s: Svc, old: Svc, txn: Txn): void {
    const owner = ownerOf(s);
    const oldPorts = new Set(
      ports(old)
        .map(nodePortOf)
        .filter((n) => n !== 0),
    );
    if (needsNodePort(old) && (svcType(s) === 'ExternalName' || svcType(s) === 'ClusterIP')) {
      for (const np of oldPorts) this.releaseLater(txn, () => this.nodePorts.release(np, owner));
      return;
    }
    if (!needsNodePort(s)) return;
    const allocate = shouldAllocateNodePorts(s);
    const taken = new Set<number>();
    const seen = new Set<string>();
    ports(s).forEach((p, i) => {
      if (nodePortOf(p) === 0 && !allocate) return;
      let np = nodePortOf(p);
      if (np !== 0) {
        if (!oldPorts.has(np) && !taken.has(np)) {
          this.takePort(s, np, i, txn);
          taken.add(np);
        }
      } else {
        np = this.nextPort(s, txn);
        p.nodePort = np;
      }
      const k = `${String(p.protocol)}/${np}`;
      if (seen.has(k)) throw internal(`duplicate nodePort: {${String(p.protocol)} ${np}}`);
      seen.add(k);
    });
    const now = new Set(ports(s).map(nodePortOf));
    for (const np of oldPorts) if (!now.has(np)) this.releaseLater(txn, () => this.nodePorts.release(np, owner));
  }

  private updateHealthCheckNodePort(s: Svc, old: Svc, txn: Txn): void {
    const needed = needsHealthCheck(old);
    const needs = needsHealthCheck(s);
    if (!needed && needs) this.allocHealthCheckNodePort(s, txn);
    else if (needed && !needs) {
      const hc = asNum(spec(old).healthCheckNodePort) ?? 0;
      const owner = ownerOf(s);
      if (hc) this.releaseLater(txn, () => this.nodePorts.release(hc, owner));
    }
  }
}

function matchingPreferDualStack(s: Svc, old: Svc): boolean {
  if (!policyOf(s)) return false;
  if (svcType(old) !== svcType(s)) return false;
  if (!deepEqual(clusterIPs(old), clusterIPs(s))) return false;
  if (!deepEqual(ipFamilies(old), ipFamilies(s))) return false;
  return policyOf(s) === 'PreferDualStack' && policyOf(old) === 'PreferDualStack';
}

/** patchAllocatedValues: a client that omits allocated values (kubectl apply, PUT of an old copy) keeps them. */
export function patchAllocatedValues(s: Svc, old: Svc): void {
  const sp = spec(s);
  const op = spec(old);
  if (needsClusterIP(old) && needsClusterIP(s)) {
    if (!sp.clusterIP && op.clusterIP) sp.clusterIP = op.clusterIP;
    if (clusterIPs(s).length === 0 && clusterIPs(old).length) sp.clusterIPs = clone(op.clusterIPs);
  }
  if (needsNodePort(old) && needsNodePort(s)) {
    const oldUsed = new Set(
      ports(old)
        .map(nodePortOf)
        .filter((n) => n !== 0),
    );
    const used = new Set(
      ports(s)
        .map(nodePortOf)
        .filter((n) => oldUsed.has(n)),
    );
    const byName = new Map<string, number>();
    for (const p of ports(old)) byName.set(asStr(p.name) ?? '', nodePortOf(p));
    for (const p of ports(s)) {
      if (nodePortOf(p) !== 0) continue;
      const prev = byName.get(asStr(p.name) ?? '') ?? 0;
      if (prev && !used.has(prev)) p.nodePort = prev;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(s) && !sp.healthCheckNodePort && op.healthCheckNodePort)
    sp.healthCheckNodePort = op.healthCheckNodePort;
}

/** normalizeClusterIPs (update form): keep clusterIP and clusterIPs in step for clients that set only one. */
export function normalizeClusterIPs(s: Svc, old: Svc): void {
  const sp = spec(s);
  const op = spec(old);
  if (clusterIPs(old).length && clusterIPs(s).length === 0 && (op.clusterIP ?? '') === (sp.clusterIP ?? ''))
    sp.clusterIPs = clone(op.clusterIPs);
  if ((op.clusterIP ?? '') !== (sp.clusterIP ?? '')) {
    const same = deepEqual(clusterIPs(old), clusterIPs(s));
    if (op.clusterIP && !sp.clusterIP) {
      if (same) delete sp.clusterIPs;
    } else if (same) sp.clusterIPs = [sp.clusterIP];
  }
}

/** dropTypeDependentFields: a type change wipes fields the old type allocated, unless the client changed them too. */
export function dropTypeDependentFields(s: Svc, old: Svc): void {
  const sp = spec(s);
  const op = spec(old);
  if (needsClusterIP(old) && !needsClusterIP(s)) {
    if (deepEqual(clusterIPs(old), clusterIPs(s)) && (op.clusterIP ?? '') === (sp.clusterIP ?? '')) {
      delete sp.clusterIP;
      delete sp.clusterIPs;
    }
    if (deepEqual(ipFamilies(old), ipFamilies(s))) delete sp.ipFamilies;
    if ((op.ipFamilyPolicy ?? null) === (sp.ipFamilyPolicy ?? null)) delete sp.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(s)) {
    if (deepEqual(ports(old).map(nodePortOf), ports(s).map(nodePortOf))) for (const p of ports(s)) delete p.nodePort;
  }
  if (needsHealthCheck(old) && !needsHealthCheck(s) && (op.healthCheckNodePort ?? 0) === (sp.healthCheckNodePort ?? 0))
    delete sp.healthCheckNodePort;
  if (svcType(old) === 'LoadBalancer' && svcType(s) !== 'LoadBalancer') {
    if (
      typeof sp.allocateLoadBalancerNodePorts === 'boolean' &&
      sp.allocateLoadBalancerNodePorts === op.allocateLoadBalancerNodePorts
    )
      delete sp.allocateLoadBalancerNodePorts;
    if ((op.loadBalancerClass ?? null) === (sp.loadBalancerClass ?? null)) delete sp.loadBalancerClass;
  }
  if (externallyAccessible(old) && !externallyAccessible(s) && op.externalTrafficPolicy === sp.externalTrafficPolicy)
    delete sp.externalTrafficPolicy;
  if (svcType(s) !== 'LoadBalancer' && isObj(s.status)) s.status.loadBalancer = {};
}
