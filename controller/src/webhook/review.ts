/**
 * AdmissionReview v1 (admission.k8s.io) on the wire, pure: the request read without trusting its shape, and the
 * response the API server expects (the request's uid echoed, allowed, and on a refusal a Status with 403 Forbidden
 * and the message, as controller-runtime's webhooks answer, so kubectl prints the message after "denied the request").
 */
import { isRecord, jsonType } from '@ironlb/shared/config';
import type { Change, Operation, Verdict } from './validate';

export const REVIEW_API_VERSION = 'admission.k8s.io/v1';

const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

export interface ReviewRequest {
  readonly uid: string;
  readonly change: Change;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The request of an AdmissionReview body, or why it is not one. */
export function readReview(body: unknown): ReviewRequest | { readonly error: string } {
  if (!isRecord(body)) return { error: `the body must be an AdmissionReview object, got ${jsonType(body)}` };
  if (body.apiVersion !== REVIEW_API_VERSION || body.kind !== 'AdmissionReview')
    return {
      error: `the body must be an ${REVIEW_API_VERSION} AdmissionReview, got ${JSON.stringify(body.apiVersion)} ${JSON.stringify(body.kind)}`,
    };
  const req = body.request;
  if (!isRecord(req)) return { error: `request must be an object, got ${jsonType(req)}` };
  const uid = str(req.uid);
  if (uid === '') return { error: 'request.uid is required' };
  const operation = OPERATIONS.find((o) => o === req.operation);
  if (!operation)
    return { error: `request.operation must be one of ${OPERATIONS.join(', ')}, got ${JSON.stringify(req.operation)}` };
  const kind = isRecord(req.kind) ? str(req.kind.kind) : '';
  if (kind === '') return { error: 'request.kind.kind is required' };
  const change: Change = {
    kind,
    operation,
    namespace: str(req.namespace),
    name: str(req.name),
    ...(req.object !== undefined && req.object !== null ? { object: req.object } : {}),
    ...(req.oldObject !== undefined && req.oldObject !== null ? { oldObject: req.oldObject } : {}),
  };
  return { uid, change };
}

export interface ReviewResponse {
  readonly apiVersion: typeof REVIEW_API_VERSION;
  readonly kind: 'AdmissionReview';
  readonly response: {
    readonly uid: string;
    readonly allowed: boolean;
    readonly status?: { readonly code: number; readonly reason?: string; readonly message: string };
  };
}

/** The answer to a judged request: allowed, or refused with 403 Forbidden and the validator's message. */
export function answer(uid: string, verdict: Verdict): ReviewResponse {
  const response = verdict.allowed
    ? { uid, allowed: true }
    : { uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: verdict.message } };
  return { apiVersion: REVIEW_API_VERSION, kind: 'AdmissionReview', response };
}

/** The answer when the webhook could not judge (the objects could not be listed): not allowed, code 500. */
export function failure(uid: string, message: string): ReviewResponse {
  return {
    apiVersion: REVIEW_API_VERSION,
    kind: 'AdmissionReview',
    response: { uid, allowed: false, status: { code: 500, reason: 'InternalError', message } },
  };
}
