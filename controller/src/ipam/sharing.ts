/**
 * Whether two Services may hold one IP, and if not, why, in words an AllocationFailed Event can carry. The rules
 * are MetalLB's, which users' YAML relies on: the same non-empty sharing key, no (port, protocol) pair in common
 * (TCP 9610 and UDP 9610 coexist), and Local traffic only with Local traffic to the same pods, because a node
 * announces a Local IP only where that IP's endpoints run.
 */
import { formatEndpoint, formatIP, type IPAddress } from './ip';
import { sameLabels, type ServicePort, type ServiceRequest } from './service';

const hasSelector = (s: ServiceRequest): boolean => s.selector !== undefined && Object.keys(s.selector).length > 0;

/** The sharing-key and traffic-policy rules: `other` already holds `ip`, `svc` wants it too. */
export function policyConflict(svc: ServiceRequest, other: ServiceRequest, ip: IPAddress): string | undefined {
  const uses = `service "${other.key}" already uses ${formatIP(ip)}`;
  if (!other.sharingKey) return `${uses} and does not allow sharing`;
  if (!svc.sharingKey) return `${uses} and this service has no sharing key`;
  if (svc.sharingKey !== other.sharingKey) {
    return `${uses} with sharing key "${other.sharingKey}", not "${svc.sharingKey}"`;
  }
  const svcLocal = svc.externalTrafficPolicy === 'Local';
  const otherLocal = other.externalTrafficPolicy === 'Local';
  if (!svcLocal && !otherLocal) return undefined;
  if (!otherLocal) return `${uses} with externalTrafficPolicy Cluster; a Local service shares only with Local ones`;
  if (!svcLocal) return `${uses} with externalTrafficPolicy Local; only Local services may share it`;
  if (!hasSelector(other)) return `${uses} with externalTrafficPolicy Local and no selector, so it never shares`;
  if (!hasSelector(svc)) return `${uses}; a Local service without a selector never shares`;
  if (!sameLabels(svc.selector, other.selector)) {
    return `${uses} with externalTrafficPolicy Local and a different selector`;
  }
  return undefined;
}

/** `9610/TCP`: the unit that may appear only once per IP. */
export const portId = (p: ServicePort): string => `${p.port}/${p.protocol}`;

export function portCollisionMessage(otherKey: string, ip: IPAddress, port: ServicePort): string {
  return `service "${otherKey}" already uses ${formatEndpoint(ip, port.port, port.protocol)}`;
}

export function portConflict(svc: ServiceRequest, other: ServiceRequest, ip: IPAddress): string | undefined {
  const taken = new Set(other.ports.map(portId));
  const clash = svc.ports.find((p) => taken.has(portId(p)));
  return clash ? portCollisionMessage(other.key, ip, clash) : undefined;
}

/** Why `svc` cannot join `other` on `ip`, or undefined when it can. */
export function sharingConflict(svc: ServiceRequest, other: ServiceRequest, ip: IPAddress): string | undefined {
  return policyConflict(svc, other, ip) ?? portConflict(svc, other, ip);
}
