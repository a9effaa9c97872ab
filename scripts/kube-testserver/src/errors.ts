import type { JsonObject, StatusCause, StatusDetails, StatusReason } from './types';

/**
 * A refusal the API server answers with a `Status` object. Every layer (validation, patching, storage)
 * throws this; the HTTP edge turns it into the response, so the reason travels unchanged.
 */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    };
    if (this.details) status.details = this.details;
    status.code = this.code;
    return status;
  }
}

/** A Status answer as presenters return it (they build answers instead of throwing). */
export const statusAnswer = (e: StatusError): { status: number; contentType: string; body: JsonObject } => ({
  status: e.code,
  contentType: 'application/json',
  body: e.toStatus() as JsonObject,
});

/** The resource as the messages name it: `services`, `ipaddresspools.ironlb.io`. */
export interface GroupResource {
  group: string;
  resource: string;
}

const qualified = (gr: GroupResource): string => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

export const notFound = (gr: GroupResource, name: string): StatusError =>
  new StatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, {
    name,
    ...(gr.group ? { group: gr.group } : {}),
    kind: gr.resource,
  });

export const alreadyExists = (gr: GroupResource, name: string): StatusError =>
  new StatusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, {
    name,
    ...(gr.group ? { group: gr.group } : {}),
    kind: gr.resource,
  });

export const conflict = (gr: GroupResource, name: string, why: string): StatusError =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
    name,
    ...(gr.group ? { group: gr.group } : {}),
    kind: gr.resource,
  });

export const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);

/**
 * 422 Invalid, worded as the real server words it:
 * `Service "x" is invalid: [spec.ports[0].nodePort: Invalid value: 8888: ..., ...]` (brackets only for several causes).
 */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${joined}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes,
  });
}
