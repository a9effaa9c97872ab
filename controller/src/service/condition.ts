/**
 * The verdict as a condition in the Service's status, `ironlb.io/IPAllocated`: the reason is the allocator's code
 * (`notInAnyPool`, `poolExhausted`, ...) or `Allocated` / `InvalidService`, the message the words the Event carries.
 * Events age out and are worded for people; the condition stays while it is true and is read by programs
 * (`kubectl ironlb explain`, `kubectl wait --for=condition=ironlb.io/IPAllocated`), as Cilium's LB IPAM does. Pure.
 */
import { formatIP } from '../ipam/ip';
import { assignedText, failedText, invalidText, type Verdict } from './outcome';

export const ALLOCATION_CONDITION = 'ironlb.io/IPAllocated';

export interface ConditionState {
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

/** A metav1.Condition as the API stores it. */
export interface ServiceCondition extends ConditionState {
  readonly type: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration?: number;
}

export function conditionOf(key: string, v: Verdict): ConditionState {
  switch (v.kind) {
    case 'assigned':
      return { status: 'True', reason: 'Allocated', message: assignedText(v.ips.map(formatIP)) };
    case 'refused':
      return { status: 'False', reason: v.reason.code, message: failedText(key, v.reason) };
    case 'invalid':
      return { status: 'False', reason: 'InvalidService', message: invalidText(v.field, v.message) };
  }
}

function liveConditions(status: unknown): Record<string, unknown>[] {
  const list =
    typeof status === 'object' && status !== null ? (status as { conditions?: unknown }).conditions : undefined;
  return Array.isArray(list)
    ? list.filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
    : [];
}

/**
 * The conditions list to write so the Service shows `want` (undefined: none of ours), others' conditions kept; or
 * undefined when it already shows exactly that. The transition time moves only when the status does.
 */
export function conditionsToWrite(
  status: unknown,
  want: ConditionState | undefined,
  generation: number | undefined,
  now: string,
): Record<string, unknown>[] | undefined {
  const live = liveConditions(status);
  const ours = live.find((c) => c.type === ALLOCATION_CONDITION);
  const others = live.filter((c) => c !== ours);
  if (want === undefined) return ours === undefined ? undefined : others;
  const same =
    ours !== undefined &&
    ours.status === want.status &&
    ours.reason === want.reason &&
    ours.message === want.message &&
    ours.observedGeneration === generation;
  if (same) return undefined;
  const since =
    ours?.status === want.status && typeof ours.lastTransitionTime === 'string' ? ours.lastTransitionTime : now;
  const next: ServiceCondition = {
    type: ALLOCATION_CONDITION,
    ...want,
    lastTransitionTime: since,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  // Ours replaces itself in place, so a reader's order does not change.
  return ours === undefined ? [...others, { ...next }] : live.map((c) => (c === ours ? { ...next } : c));
}
