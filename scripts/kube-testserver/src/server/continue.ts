/**
 * List continue tokens in the real server's format: base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\0"}`,
 * where key is relative to the list (a name in a namespace, `namespace/name` across namespaces).
 */
import { StatusError, badRequest } from '../errors';
import { isObject } from './json';

export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
  if (!isObject(parsed) || parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  const start = typeof parsed.start === 'string' ? parsed.start : '';
  if (start.includes('..') || start.startsWith('/')) throw badRequest('continue key is not valid: key is not valid');
  return { rv: parsed.rv, start };
}

/** 410 for a token whose resourceVersion was compacted; metadata.continue lets the client go on inconsistently. */
export class ContinueExpired extends StatusError {
  constructor(readonly inconsistentContinue: string) {
    super(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
  }

  override toStatus(): Record<string, unknown> {
    return { ...super.toStatus(), metadata: { continue: this.inconsistentContinue } };
  }
}
