/**
 * Whether two Services may hold one IP, and if not, why. The rules are MetalLB's, which users' YAML relies on: the
 * same non-empty sharing key, no (port, protocol) pair in common (TCP 9610 and UDP 9610 coexist), and Local traffic
 * only with Local traffic to the same pods, because a node announces a Local IP only where that IP's endpoints run.
 * The port rule is SharedAddress's, which indexes the ports of an address's holders.
 */
import type { IPAddress } from './ip';
import type { SharingConflict } from './reasons';
import { sameLabels, type ServicePort, type ServiceRequest } from './service';

const hasSelector = (s: ServiceRequest): boolean => s.selector !== undefined && Object.keys(s.selector).length > 0;

/**
 * The sharing-key and traffic-policy rules: `other` already holds `ip`, `svc` wants it too. `holders()` gives the
 * keys a refusal names (every holder but `svc`, sorted), asked only when there is one.
 */
export function policyConflict(
  svc: ServiceRequest,
  other: ServiceRequest,
  ip: IPAddress,
  holders: () => readonly string[],
): SharingConflict | undefined {
  const at = (): { holders: readonly string[]; ip: IPAddress } => ({ holders: holders(), ip });
  // An empty key is no key; two absent keys do not match either.
  const holderKey = other.sharingKey || undefined;
  const key = svc.sharingKey || undefined;
  if (!holderKey || key !== holderKey) return { code: 'sharingKeyMismatch', ...at(), holderKey, key };
  const svcLocal = svc.externalTrafficPolicy === 'Local';
  const otherLocal = other.externalTrafficPolicy === 'Local';
  if (!svcLocal && !otherLocal) return undefined;
  if (svcLocal !== otherLocal) {
    return { code: 'trafficPolicyMismatch', ...at(), holderPolicy: other.externalTrafficPolicy };
  }
  const selectorMismatch = (withoutSelector?: 'holder' | 'service'): SharingConflict => ({
    code: 'localPolicySelectorMismatch',
    ...at(),
    withoutSelector,
  });
  if (!hasSelector(other)) return selectorMismatch('holder');
  if (!hasSelector(svc)) return selectorMismatch('service');
  if (!sameLabels(svc.selector, other.selector)) return selectorMismatch();
  return undefined;
}

/** `9610/TCP`: the unit that may appear only once per IP. */
export const portId = (p: ServicePort): string => `${p.port}/${p.protocol}`;
