/**
 * What the controller writes after the allocator decides about a Service: the ingress status (only when it differs
 * from what the Service already shows, so a resync causes no status churn) and the Events `kubectl describe service`
 * shows, worded as MetalLB words them because users search for those texts (seed 003).
 */
import { formatIP } from '../ipam/ip';
import type { AssignResult } from '../ipam/allocator';
import { reasonText } from './reasonText';

export interface IngressEntry {
  readonly ip: string;
  readonly ipMode: 'VIP';
}

export interface ServiceEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'IPAllocated' | 'AllocationFailed' | 'AllocationWarning' | 'InvalidService';
  readonly message: string;
}

export interface Outcome {
  /** The ingress list to write, or undefined when the Service already shows exactly it. */
  readonly ingress?: readonly IngressEntry[];
  readonly events: readonly ServiceEvent[];
}

/** The IPs a Service's status shows now, in order; anything malformed reads as nothing. */
export function currentIngressIPs(status: unknown): string[] {
  if (typeof status !== 'object' || status === null) return [];
  const lb = (status as { loadBalancer?: unknown }).loadBalancer;
  if (typeof lb !== 'object' || lb === null) return [];
  const ingress = (lb as { ingress?: unknown }).ingress;
  if (!Array.isArray(ingress)) return [];
  return ingress.map((e: unknown) =>
    typeof e === 'object' && e !== null && typeof (e as { ip?: unknown }).ip === 'string'
      ? (e as { ip: string }).ip
      : '',
  );
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** `key` is `namespace/name`; `shown` is what currentIngressIPs read from the live Service. */
export function outcomeOf(key: string, result: AssignResult, shown: readonly string[]): Outcome {
  const warnings: ServiceEvent[] = result.warnings.map((w) => ({
    type: 'Warning',
    reason: 'AllocationWarning',
    message: reasonText(w),
  }));
  if (!result.ok) {
    const failed: ServiceEvent = {
      type: 'Warning',
      reason: 'AllocationFailed',
      message: `Failed to allocate IP for "${key}": ${reasonText(result.reason)}`,
    };
    return { ingress: shown.length > 0 ? [] : undefined, events: [...warnings, failed] };
  }
  const ips = result.ips.map(formatIP);
  const ingress = sameList(ips, shown) ? undefined : ips.map((ip) => ({ ip, ipMode: 'VIP' as const }));
  const allocated: ServiceEvent[] =
    result.changed || ingress !== undefined
      ? [{ type: 'Normal', reason: 'IPAllocated', message: `Assigned IP ${JSON.stringify(ips)}` }]
      : [];
  return { ingress, events: [...warnings, ...allocated] };
}

/** A Service the controller cannot read: one Warning naming the field. */
export function invalidServiceEvent(field: string, message: string): ServiceEvent {
  return { type: 'Warning', reason: 'InvalidService', message: `${field}: ${message}` };
}
