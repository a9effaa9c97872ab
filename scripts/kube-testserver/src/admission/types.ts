/**
 * What admission sees of one write: the registry fills it in just before storing, the webhook dispatcher reads it.
 * A type-only module, so the registry does not depend on how webhooks are called.
 */
import type { JsonObject, KubeObject } from '../types';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  group: string;
  version: string;
  /** Plural, as in URLs (`services`). */
  resource: string;
  /** `status` for /status writes, '' otherwise. */
  subresource: string;
  kind: string;
  /** The object's namespace; for a Namespace itself, its own name (as the real server sets it). '' when none. */
  namespace: string;
  name: string;
  /** The object to be stored (CREATE, UPDATE); absent for DELETE. */
  object?: KubeObject;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: KubeObject;
  dryRun: boolean;
  /** CreateOptions, UpdateOptions or DeleteOptions as the AdmissionReview carries them. */
  options: JsonObject;
}

/** The admission step of the write path. */
export interface Admission {
  /**
   * undefined when nothing is to be called (the write goes on at once, in the same tick); else a promise that
   * rejects with the StatusError that refuses the write. `warn` receives the webhooks' warnings.
   */
  validate(attrs: AdmissionAttributes, warn: (message: string) => void): Promise<void> | undefined;
}
