import type { KubeObject, StatusCause } from './types';

/** Which resource an object belongs to, as the storage layer keys it. */
export interface ResourceKey {
  group: string; // '' for core
  version: string;
  resource: string; // plural, e.g. 'services'
  kind: string;
  namespaced: boolean;
}

/**
 * What a kind does beyond generic storage: defaulting, validation, allocation (Service cluster IPs and node ports).
 * The storage layer calls, in order: prepareCreate (defaults, allocations) then validateCreate; for updates
 * prepareUpdate then validateUpdate; release when an object is finally removed. A non-empty cause list becomes
 * a 422 Invalid. A method may also throw a StatusError for other refusals.
 */
export interface ResourceStrategy {
  prepareCreate(obj: KubeObject): void;
  validateCreate(obj: KubeObject): StatusCause[];
  prepareUpdate(obj: KubeObject, old: KubeObject): void;
  validateUpdate(obj: KubeObject, old: KubeObject): StatusCause[];
  /** Called once the object is gone from storage (allocations freed). */
  release(obj: KubeObject): void;
  /** Called for every stored object after a restart from --data, so allocators know what is taken. */
  restore(obj: KubeObject): void;
}
