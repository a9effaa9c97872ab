/**
 * A Service object from the API server, as untyped JSON, to the request the allocator takes. Pure and total: garbage
 * in any field becomes an `invalid` naming that field, so the controller can raise an Event and serve the rest.
 *
 * ServiceRequest is defined in ipam/service.ts, not here: the allocator is pure and must not depend on this reader
 * and its Kubernetes spelling, so the dependency runs from here to ipam only.
 */
import { isRecord, jsonType, type RawObject } from '@ironlb/shared/config';
import type { IPAddress, ServiceRequest } from '../ipam';
import { parseIP } from '../ipam';
import { annotation, annotationsOf, requestedIPsOf } from './annotations';
import { Invalid, invalid } from './invalid';
import { familiesOf, familyPolicyOf, labelsOf, portsOf, selectorOf, trafficPolicyOf } from './spec';

export type ServiceRequestResult =
  | { readonly kind: 'ignore'; readonly why: string }
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string }
  | { readonly kind: 'request'; readonly request: ServiceRequest };

export interface ServiceRequestOptions {
  /** The class this controller serves (`--lb-class`); Services naming another belong to another controller. */
  readonly lbClass: string;
}

const ignore = (why: string): ServiceRequestResult => ({ kind: 'ignore', why });

/** Thrown only inside this module, to keep each field read to one line; never escapes serviceRequestOf. */
class Stop {
  constructor(readonly result: ServiceRequestResult) {}
}

function fail(v: Invalid): never {
  throw new Stop({ kind: 'invalid', field: v.field, message: v.message });
}

function must<T>(v: T | Invalid): T {
  return v instanceof Invalid ? fail(v) : v;
}

function nameOf(metadata: RawObject): string {
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') {
    return fail(invalid('metadata.name', `must be a non-empty string, got ${jsonType(name)}`));
  }
  return name;
}

/** kubectl puts a Service without a namespace into `default`; fixtures written for it rely on that. */
function namespaceOf(metadata: RawObject): string {
  const ns = metadata.namespace;
  if (ns === undefined || ns === null || ns === '') return 'default';
  if (typeof ns !== 'string') return fail(invalid('metadata.namespace', `must be a string, got ${jsonType(ns)}`));
  return ns;
}

/** An empty value reads as absent, as MetalLB does: `allow-shared-ip: ""` means no sharing, not a key "". */
function optionalText(annotations: RawObject, name: 'address-pool' | 'allow-shared-ip'): string | undefined {
  const a = must(annotation(annotations, name));
  const value = a?.value.trim();
  return value === '' ? undefined : value;
}

function requestedIPs(annotations: RawObject, spec: RawObject): IPAddress[] {
  const fromAnnotation = must(annotation(annotations, 'loadBalancerIPs'));
  const legacy = spec.loadBalancerIP;
  // The API server stores an unset loadBalancerIP as "" on some clients' round trips.
  const hasLegacy = legacy !== undefined && legacy !== null && legacy !== '';
  if (fromAnnotation && hasLegacy) {
    return fail(
      invalid(
        'spec.loadBalancerIP',
        `both spec.loadBalancerIP and the ${fromAnnotation.key} annotation are set; use only the annotation`,
      ),
    );
  }
  if (fromAnnotation) return must(requestedIPsOf(fromAnnotation));
  if (!hasLegacy) return [];
  if (typeof legacy !== 'string') {
    return fail(invalid('spec.loadBalancerIP', `must be a string, got ${jsonType(legacy)}`));
  }
  const ip = parseIP(legacy.trim());
  if (ip === undefined) return fail(invalid('spec.loadBalancerIP', `"${legacy}" is not an IP address`));
  return [ip];
}

function read(svc: RawObject, spec: RawObject, namespaceLabels: Record<string, string>): ServiceRequest {
  const metadata = svc.metadata;
  if (!isRecord(metadata)) return fail(invalid('metadata', `must be an object, got ${jsonType(metadata)}`));
  const key = `${namespaceOf(metadata)}/${nameOf(metadata)}`;
  const annotations = must(annotationsOf(metadata));
  const sharingKey = optionalText(annotations, 'allow-shared-ip');
  const requestedPool = optionalText(annotations, 'address-pool');
  const selector = must(selectorOf(spec));
  return {
    key,
    namespaceLabels: { ...namespaceLabels },
    labels: must(labelsOf(metadata.labels, 'metadata.labels')) ?? {},
    ports: must(portsOf(spec)),
    ...(sharingKey === undefined ? {} : { sharingKey }),
    externalTrafficPolicy: must(trafficPolicyOf(spec)),
    ...(selector === undefined ? {} : { selector }),
    requestedIPs: requestedIPs(annotations, spec),
    ...(requestedPool === undefined ? {} : { requestedPool }),
    ipFamilyPolicy: must(familyPolicyOf(spec)),
    ipFamilies: must(familiesOf(spec)),
  };
}

export function serviceRequestOf(
  svc: unknown,
  namespaceLabels: Record<string, string>,
  opts: ServiceRequestOptions,
): ServiceRequestResult {
  if (!isRecord(svc)) return ignore(`not an object but ${jsonType(svc)}`);
  const spec = svc.spec;
  if (!isRecord(spec) || spec.type !== 'LoadBalancer') return ignore('spec.type is not LoadBalancer');
  const cls = spec.loadBalancerClass;
  if (cls !== undefined && cls !== null) {
    if (typeof cls !== 'string') {
      return { kind: 'invalid', field: 'spec.loadBalancerClass', message: `must be a string, got ${jsonType(cls)}` };
    }
    if (cls !== opts.lbClass) return ignore(`spec.loadBalancerClass is "${cls}", not "${opts.lbClass}"`);
  }
  try {
    return { kind: 'request', request: read(svc, spec, namespaceLabels) };
  } catch (e) {
    if (e instanceof Stop) return e.result;
    throw e;
  }
}
