/**
 * The spec and metadata fields of a Service the allocator needs, read from untyped JSON. Each reader returns the
 * value or an Invalid naming the field, so one bad field becomes one Event instead of an exception.
 */
import { isRecord, jsonType, type IPFamily, type RawObject } from '@ironlb/shared/config';
import {
  parseIP,
  type IPFamilyPolicy,
  type Labels,
  type Protocol,
  type ServicePort,
  type TrafficPolicy,
} from '../ipam';
import { Invalid, invalid } from './invalid';

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const TRAFFIC_POLICIES: readonly TrafficPolicy[] = ['Cluster', 'Local'];
const FAMILY_POLICIES: readonly IPFamilyPolicy[] = ['SingleStack', 'PreferDualStack', 'RequireDualStack'];
const FAMILIES: readonly IPFamily[] = ['IPv4', 'IPv6'];

const oneOf = <T extends string>(values: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (values as readonly string[]).includes(v);

/** The offending value itself where it is short, so the user can find it in the YAML. */
const quoted = (v: unknown): string =>
  typeof v === 'string' ? `"${v}"` : typeof v === 'number' ? String(v) : jsonType(v);

/** A string-to-string map; absent or null gives undefined. */
export function labelsOf(v: unknown, field: string): Labels | undefined | Invalid {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) return invalid(field, `must be an object, got ${jsonType(v)}`);
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') return invalid(`${field}[${k}]`, `must be a string, got ${jsonType(value)}`);
  }
  return { ...(v as Record<string, string>) };
}

/** Kubernetes reads an empty selector as none: endpoints managed by hand, so such a Service never shares as Local. */
export function selectorOf(spec: RawObject): Labels | undefined | Invalid {
  const selector = labelsOf(spec.selector, 'spec.selector');
  if (selector === undefined || selector instanceof Invalid || Object.keys(selector).length > 0) return selector;
  return undefined;
}

export function portsOf(spec: RawObject): ServicePort[] | Invalid {
  const ports = spec.ports;
  if (ports === undefined || ports === null || (Array.isArray(ports) && ports.length === 0)) {
    return invalid('spec.ports', 'a LoadBalancer Service needs at least one port');
  }
  if (!Array.isArray(ports)) return invalid('spec.ports', `must be an array, got ${jsonType(ports)}`);
  const out: ServicePort[] = [];
  for (const [i, p] of ports.entries()) {
    const field = `spec.ports[${i}]`;
    if (!isRecord(p)) return invalid(field, `must be an object, got ${jsonType(p)}`);
    const port = p.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      return invalid(`${field}.port`, `must be an integer from 1 to 65535, got ${quoted(port)}`);
    }
    const protocol = p.protocol ?? 'TCP';
    if (!oneOf(PROTOCOLS, protocol)) {
      return invalid(`${field}.protocol`, `must be one of ${PROTOCOLS.join(', ')}, got ${quoted(protocol)}`);
    }
    out.push({ port, protocol });
  }
  return out;
}

export function trafficPolicyOf(spec: RawObject): TrafficPolicy | Invalid {
  const v = spec.externalTrafficPolicy ?? 'Cluster';
  if (oneOf(TRAFFIC_POLICIES, v)) return v;
  return invalid('spec.externalTrafficPolicy', `must be one of ${TRAFFIC_POLICIES.join(', ')}, got ${quoted(v)}`);
}

export function familyPolicyOf(spec: RawObject): IPFamilyPolicy | Invalid {
  const v = spec.ipFamilyPolicy ?? 'SingleStack';
  if (oneOf(FAMILY_POLICIES, v)) return v;
  return invalid('spec.ipFamilyPolicy', `must be one of ${FAMILY_POLICIES.join(', ')}, got ${quoted(v)}`);
}

/** The family of the cluster IP; a headless or not yet assigned Service has none. */
function clusterIPFamily(spec: RawObject): IPFamily | undefined {
  const first = Array.isArray(spec.clusterIPs) ? spec.clusterIPs[0] : undefined;
  for (const text of [first, spec.clusterIP]) {
    if (typeof text !== 'string') continue;
    const ip = parseIP(text);
    if (ip) return ip.family;
  }
  return undefined;
}

/**
 * spec.ipFamilies as the API server filled it in; a Service read before that (a fixture, an old API server) takes
 * the family of its cluster IP, else IPv4 as a single-stack cluster would. Count and duplicates are the allocator's
 * to judge, since it turns them into a pending reason.
 */
export function familiesOf(spec: RawObject): IPFamily[] | Invalid {
  const v = spec.ipFamilies;
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return [clusterIPFamily(spec) ?? 'IPv4'];
  if (!Array.isArray(v)) return invalid('spec.ipFamilies', `must be an array, got ${jsonType(v)}`);
  const out: IPFamily[] = [];
  for (const [i, f] of v.entries()) {
    if (!oneOf(FAMILIES, f)) return invalid(`spec.ipFamilies[${i}]`, `must be IPv4 or IPv6, got ${quoted(f)}`);
    out.push(f);
  }
  return out;
}
