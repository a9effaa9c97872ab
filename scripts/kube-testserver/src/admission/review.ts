/**
 * The AdmissionReview exchange, pure: the request body the real server sends, the checks it makes of the answer, and
 * the Status errors it answers with (wording from k8s.io/apiserver's webhook errors and validating dispatcher).
 */
import { StatusError } from '../errors';
import type { JsonObject } from '../types';
import { asArr, asBool, asNum, asObj, asStr, isObj, type Obj } from '../validation/json';
import type { AdmissionAttributes } from './types';

/** The user every ironlb-kube request runs as (its kubeconfig's admin). */
export const ADMIN_USER = { username: 'system:admin' };

/** admission.k8s.io/v1 unless the webhook accepts v1beta1 only (the body is the same shape in both). */
export function reviewVersion(webhook: Obj): 'v1' | 'v1beta1' {
  const versions = (asArr(webhook.admissionReviewVersions) ?? []).map(String);
  return versions.includes('v1') || !versions.includes('v1beta1') ? 'v1' : 'v1beta1';
}

export function admissionReview(a: AdmissionAttributes, uid: string, version: 'v1' | 'v1beta1'): JsonObject {
  const kind = { group: a.group, version: a.version, kind: a.kind };
  const resource = { group: a.group, version: a.version, resource: a.resource };
  const request: JsonObject = {
    uid,
    kind,
    resource,
    ...(a.subresource ? { subResource: a.subresource } : {}),
    requestKind: kind,
    requestResource: resource,
    ...(a.subresource ? { requestSubResource: a.subresource } : {}),
    name: a.name,
    ...(a.namespace ? { namespace: a.namespace } : {}),
    operation: a.operation,
    userInfo: ADMIN_USER,
    // Go's RawExtension without an object marshals as null.
    object: (a.object ?? null) as unknown as JsonObject,
    oldObject: (a.oldObject ?? null) as unknown as JsonObject,
    dryRun: a.dryRun,
    options: a.options,
  };
  return { apiVersion: `admission.k8s.io/${version}`, kind: 'AdmissionReview', request };
}

export interface ReviewResult {
  allowed: boolean;
  /** response.status, when the webhook gave one. */
  status?: Obj;
  warnings: string[];
}

/** A response the real server refuses: the message follows "received invalid webhook response: ". */
export class InvalidResponse extends Error {}

/** VerifyAdmissionResponse for a validating webhook. */
export function verifyResponse(body: unknown, uid: string, version: 'v1' | 'v1beta1'): ReviewResult {
  const review = asObj(body) ?? {};
  const response = asObj(review.response);
  if (!response) throw new InvalidResponse('webhook response was absent');
  const got = asStr(response.uid) ?? '';
  if (got !== uid)
    throw new InvalidResponse(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(got)}`);
  const gv = asStr(review.apiVersion) ?? '';
  const kind = asStr(review.kind) ?? '';
  const want = `admission.k8s.io/${version}`;
  if (version === 'v1' && (gv !== want || kind !== 'AdmissionReview')) {
    const slash = gv.indexOf('/');
    const shown = slash < 0 ? `${gv}, Kind=${kind}` : `${gv.slice(0, slash)}/${gv.slice(slash + 1)}, Kind=${kind}`;
    throw new InvalidResponse(`expected webhook response of ${want}, Kind=AdmissionReview, got ${shown}`);
  }
  if (asStr(response.patch)) throw new InvalidResponse('validating webhooks may not return patches');
  const warnings = (asArr(response.warnings) ?? []).filter((w): w is string => typeof w === 'string');
  return { allowed: asBool(response.allowed) ?? false, status: asObj(response.status), warnings };
}

/** A refusal whose Status body is given whole (a webhook's reason may be any string, or none). */
export class RawStatusError extends StatusError {
  constructor(
    code: number,
    message: string,
    private readonly body: Record<string, unknown>,
  ) {
    super(code, 'InternalError', message);
  }

  override toStatus(): Record<string, unknown> {
    return { ...this.body };
  }
}

/**
 * ToStatusErr: the webhook's own Status with its message prefixed by who denied; a code below 400 becomes 400 (no
 * rejection answers 2xx), reason and details travel as the webhook set them.
 */
export function denied(webhook: string, status: Obj | undefined): StatusError {
  const s = status ?? {};
  const by = `admission webhook ${JSON.stringify(webhook)} denied the request`;
  const message = asStr(s.message) ?? '';
  const reason = asStr(s.reason) ?? '';
  const text = message ? `${by}: ${message}` : reason ? `${by}: ${reason}` : `${by} without explanation`;
  const given = asNum(s.code) ?? 0;
  const code = given < 400 ? 400 : given;
  return new RawStatusError(code, text, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: text,
    ...(reason ? { reason } : {}),
    ...(isObj(s.details) ? { details: s.details } : {}),
    code,
  });
}

/**
 * failurePolicy Fail: `Internal error occurred: failed calling webhook "<name>": <why>`, where why is
 * `failed to call webhook: <transport error>` or `received invalid webhook response: <what>` (NewInternalError).
 */
export function callFailed(webhook: string, why: string): StatusError {
  const inner = `failed calling webhook ${JSON.stringify(webhook)}: ${why}`;
  const message = `Internal error occurred: ${inner}`;
  return new RawStatusError(500, message, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'InternalError',
    details: { causes: [{ message: inner }] },
    code: 500,
  });
}

/** The Warning header of one warning: code 299, agent "-", the text quoted (RFC 7234). */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A non-2xx answer as client-go reports it (NewGenericServerResponse): a Status body speaks for itself, else the
 * code's stock sentence (5xx quoting the body).
 */
export function httpFailure(code: number, body: string): string {
  try {
    const s = asObj(JSON.parse(body));
    const message = asStr(s?.message);
    if (s?.kind === 'Status' && asStr(s.status) && message) return message;
  } catch {
    // not a Status: the stock sentence below
  }
  const stock: Record<number, string> = {
    400: 'the server rejected our request for an unknown reason',
    401: 'the server has asked for the client to provide credentials',
    403: 'the server does not allow access to the requested resource',
    404: 'the server could not find the requested resource',
    405: 'the server does not allow this method on the requested resource',
    409: 'the server reported a conflict',
    422: 'the server rejected our request due to an error in our request',
    429: 'the server has received too many requests and has asked us to try again later',
    503: 'the server is currently unable to handle the request',
    504: 'the server was unable to return a response in the time allotted, but may still be processing the request',
  };
  if (stock[code]) return stock[code];
  if (code >= 500)
    return `an error on the server (${JSON.stringify(body.trim())}) has prevented the request from succeeding`;
  return `the server responded with the status code ${code} but did not return more information`;
}
