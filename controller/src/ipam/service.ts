/**
 * A LoadBalancer Service as the allocator sees it: only the fields that decide which addresses it may hold. The
 * controller builds it from the Service, its namespace and its annotations (aliases resolved, IPs parsed), so
 * nothing here depends on how Kubernetes spells them.
 *
 * The type lives here, with the allocator that takes it, and not with its parser (service/request.ts): the allocator
 * is pure and must not depend on the Service reader and its Kubernetes spelling; the reader depends on this instead.
 */
import type { IPFamily } from '@ironlb/shared/config';
import { sameIP, type IPAddress } from './ip';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type TrafficPolicy = 'Cluster' | 'Local';
export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
export type Labels = Readonly<Record<string, string>>;

export interface ServicePort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface ServiceRequest {
  /** `namespace/name` */
  readonly key: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: readonly ServicePort[];
  /** The allow-shared-ip annotation; absent means the Service never shares. */
  readonly sharingKey?: string;
  readonly externalTrafficPolicy: TrafficPolicy;
  /** spec.selector; absent for Services whose endpoints are managed by hand. */
  readonly selector?: Labels;
  /** From the loadBalancerIPs annotation or spec.loadBalancerIP; at most one per family. */
  readonly requestedIPs: readonly IPAddress[];
  /** The address-pool annotation. */
  readonly requestedPool?: string;
  readonly ipFamilyPolicy: IPFamilyPolicy;
  /** spec.ipFamilies, primary first. */
  readonly ipFamilies: readonly IPFamily[];
}

export function namespaceOf(key: string): string {
  return key.slice(0, Math.max(0, key.indexOf('/')));
}

export function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

const sameList = <T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean =>
  a.length === b.length && a.every((x, i) => eq(x, b[i]));

/** Whether two descriptions ask for exactly the same thing, so only the config can have changed between them. */
export function sameServiceRequest(a: ServiceRequest, b: ServiceRequest): boolean {
  return (
    a.key === b.key &&
    a.sharingKey === b.sharingKey &&
    a.externalTrafficPolicy === b.externalTrafficPolicy &&
    a.requestedPool === b.requestedPool &&
    a.ipFamilyPolicy === b.ipFamilyPolicy &&
    sameList(a.ipFamilies, b.ipFamilies, (x, y) => x === y) &&
    sameList(a.requestedIPs, b.requestedIPs, sameIP) &&
    sameList(a.ports, b.ports, (x, y) => x.port === y.port && x.protocol === y.protocol) &&
    sameLabels(a.selector, b.selector) &&
    sameLabels(a.labels, b.labels) &&
    sameLabels(a.namespaceLabels, b.namespaceLabels)
  );
}
