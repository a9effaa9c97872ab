/**
 * What the controller writes after the allocator decides about a Service: the ingress status (only when it differs
 * from what the Service already shows, so a resync causes no status churn) and the Events `kubectl describe service`
 * shows, worded as MetalLB words them because users search for those texts (seed 003).
 */
import type { ServiceEvent } from '@ironlb/shared/k8s';
import { formatIP, type IPAddress } from '../ipam/ip';
import type { AssignResult } from '../ipam/allocator';
import type { AllocationWarning, ReasonCode, Refusal } from '../ipam/reasons';
import { reasonText } from './reasonText';

export interface IngressEntry {
  readonly ip: string;
  readonly ipMode: 'VIP';
}

/** The reasons of the Events the controller writes. */
export type EventReason = 'IPAllocated' | 'AllocationFailed' | 'AllocationWarning' | 'InvalidService';

export interface Outcome {
  /** The ingress list to write, or undefined when the Service already shows exactly it. */
  readonly ingress?: readonly IngressEntry[];
  readonly events: readonly ServiceEvent<EventReason>[];
}

/**
 * An Event and, when it words an allocator's refusal or warning, that reason's code: the log line carries the code
 * (the label metrics use too), the Event only the words.
 */
export interface CodedEvent {
  readonly event: ServiceEvent<EventReason>;
  readonly code?: ReasonCode;
}

/** The Outcome with each Event's code, for the reconciler. */
export interface CodedOutcome {
  readonly ingress?: readonly IngressEntry[];
  readonly events: readonly CodedEvent[];
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

/** The words of the verdicts, once each: the Events carry them, and so does the ironlb.io/IPAllocated condition. */
export const assignedText = (ips: readonly string[]): string => `Assigned IP ${JSON.stringify(ips)}`;
export const failedText = (key: string, reason: Refusal): string =>
  `Failed to allocate IP for "${key}": ${reasonText(reason)}`;
export const invalidText = (field: string, message: string): string => `${field}: ${message}`;

/** `key` is `namespace/name`; `shown` is what currentIngressIPs read from the live Service. */
export function outcomeOf(key: string, result: AssignResult, shown: readonly string[]): Outcome {
  const { ingress, events } = codedOutcomeOf(key, result, shown);
  return { ingress, events: events.map((e) => e.event) };
}

/** outcomeOf, each Event with the code of the reason it words. */
export function codedOutcomeOf(key: string, result: AssignResult, shown: readonly string[]): CodedOutcome {
  const warnings: CodedEvent[] = result.warnings.map((w) => ({
    event: { type: 'Warning', reason: 'AllocationWarning', message: reasonText(w) },
    code: w.code,
  }));
  if (!result.ok) {
    const failed: CodedEvent = {
      event: {
        type: 'Warning',
        reason: 'AllocationFailed',
        message: failedText(key, result.reason),
      },
      code: result.reason.code,
    };
    return { ingress: shown.length > 0 ? [] : undefined, events: [...warnings, failed] };
  }
  const ips = result.ips.map(formatIP);
  const ingress = sameList(ips, shown) ? undefined : ips.map((ip) => ({ ip, ipMode: 'VIP' as const }));
  const allocated: CodedEvent[] =
    result.changed || ingress !== undefined
      ? [{ event: { type: 'Normal', reason: 'IPAllocated', message: assignedText(ips) } }]
      : [];
  return { ingress, events: [...warnings, ...allocated] };
}

/** A Service the controller cannot read: one Warning naming the field. */
export function invalidServiceEvent(field: string, message: string): ServiceEvent<EventReason> {
  return { type: 'Warning', reason: 'InvalidService', message: invalidText(field, message) };
}

/**
 * What a Service is told, as a value: its addresses or the refusal (code and data), and the warnings; or the field
 * that makes it invalid. The controller writes Events only when a Service's verdict changes, compared as values
 * (sameVerdict), never because the same answer was reached again by a retry, a resync or an address freed elsewhere.
 */
export type Verdict =
  | {
      readonly kind: 'assigned';
      readonly ips: readonly IPAddress[];
      readonly warnings: readonly AllocationWarning[];
    }
  | { readonly kind: 'refused'; readonly reason: Refusal; readonly warnings: readonly AllocationWarning[] }
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string };

/** The verdict of an allocator's answer; whether the addresses just changed and what was released are no part of it. */
export function verdictOf(result: AssignResult): Verdict {
  return result.ok
    ? { kind: 'assigned', ips: result.ips, warnings: result.warnings }
    : { kind: 'refused', reason: result.reason, warnings: result.warnings };
}

export const invalidVerdict = (field: string, message: string): Verdict => ({ kind: 'invalid', field, message });

/** Whether two verdicts say the same: equal kind, codes and every value in them. No verdict yet is never the same. */
export const sameVerdict = (a: Verdict | undefined, b: Verdict): boolean => a !== undefined && sameValue(a, b);

/**
 * Structural equality of plain data (primitives, bigints, arrays, plain objects), as reasons are: a field that is
 * undefined equals one that is absent.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => sameValue(x[k], y[k]));
}
