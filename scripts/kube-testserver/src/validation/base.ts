import type { ResourceStrategy } from '../strategy';
import type { KubeObject, StatusCause } from '../types';
import { dedupe } from './fielderrors';
import { clone, deepEqual, type Obj } from './json';
import {
  carryServerMeta,
  ensureGeneratedName,
  pathSegmentName,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type NameValidator,
} from './meta';

/**
 * A ResourceStrategy that also knows the /status subresource. The server decides which fields a status write may
 * touch; it then calls prepareStatusUpdate (decode-time defaults that reach status) and validateStatusUpdate.
 */
export interface KindStrategy extends ResourceStrategy {
  /** The decode-time defaults alone (KindSpec.defaults), for a caller that must see them before prepare*. */
  decodeDefaults(obj: KubeObject): void;
  /** A kind stored in another API's form (events.k8s.io Events are stored as core Events): both conversions. */
  toStorage?(obj: KubeObject): KubeObject;
  fromStorage?(obj: KubeObject): KubeObject;
  prepareStatusUpdate(obj: KubeObject, old: KubeObject): void;
  validateStatusUpdate(obj: KubeObject, old: KubeObject): StatusCause[];
}

/**
 * How metadata.generation moves: `spec` bumps when anything but metadata and status changes (most workloads),
 * `content` when anything but metadata changes (EndpointSlice, webhook configurations), `none` leaves it alone.
 */
export type GenerationPolicy = 'none' | 'spec' | 'content';

export interface KindSpec {
  namespaced: boolean;
  name: NameValidator;
  generation?: GenerationPolicy;
  /** Decode-time defaulting (SetDefaults_*): runs on every write, create, update and status alike. */
  defaults?(obj: Obj): void;
  /** PrepareForCreate beyond defaulting (status reset, server-owned fields). */
  prepareCreate?(obj: Obj): void;
  /** PrepareForUpdate beyond defaulting and the generation rule. */
  prepareUpdate?(obj: Obj, old: Obj): void;
  /** Kind rules after ObjectMeta (create and update). */
  validate?(obj: Obj): StatusCause[];
  /** Extra update-only rules (immutability); they come before the full validation, as in the real validators. */
  validateUpdate?(obj: Obj, old: Obj): StatusCause[];
  /** Status write rules; ObjectMeta update rules are added by the base. */
  validateStatus?(obj: Obj, old: Obj): StatusCause[];
  /** Core events skip ObjectMeta validation altogether (legacy compatibility). */
  skipMeta?: boolean;
  /** Full override of the create-time ObjectMeta rules. */
  metaCauses?(obj: Obj): StatusCause[];
}

const body = (o: KubeObject): Obj => o as unknown as Obj;

function withoutKeys(o: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

export function generationChanged(obj: Obj, old: Obj, policy: GenerationPolicy): boolean {
  if (policy === 'none') return false;
  const ignore = policy === 'spec' ? ['metadata', 'status', 'apiVersion', 'kind'] : ['metadata', 'apiVersion', 'kind'];
  return !deepEqual(withoutKeys(obj, ignore), withoutKeys(old, ignore));
}

export function defineKind(spec: KindSpec): KindStrategy {
  const policy = spec.generation ?? 'none';
  const metaCauses = (o: Obj): StatusCause[] => {
    if (spec.skipMeta) return [];
    if (spec.metaCauses) return spec.metaCauses(o);
    return validateObjectMeta(o.metadata, { namespaced: spec.namespaced, name: spec.name });
  };
  return {
    decodeDefaults(obj) {
      spec.defaults?.(body(obj));
    },
    prepareCreate(obj) {
      ensureGeneratedName(obj);
      const o = body(obj);
      const meta = obj.metadata;
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
      spec.defaults?.(o);
      spec.prepareCreate?.(o);
      if (policy !== 'none') meta.generation = 1;
    },
    validateCreate(obj) {
      const o = body(obj);
      return dedupe([...metaCauses(o), ...(spec.validate?.(o) ?? [])]);
    },
    prepareUpdate(obj, old) {
      const o = body(obj);
      const prev = body(old);
      carryServerMeta(obj, old);
      spec.defaults?.(o);
      // Clients cannot write metadata.generation; the strategy moves it.
      if (old.metadata?.generation !== undefined) obj.metadata.generation = old.metadata.generation;
      else delete obj.metadata.generation;
      spec.prepareUpdate?.(o, prev);
      if (generationChanged(o, prev, policy)) obj.metadata.generation = (old.metadata?.generation ?? 0) + 1;
    },
    validateUpdate(obj, old) {
      const o = body(obj);
      const prev = body(old);
      return dedupe([
        ...(spec.skipMeta ? [] : validateObjectMetaUpdate(o.metadata, prev.metadata)),
        ...(spec.validateUpdate?.(o, prev) ?? []),
        ...metaCauses(o),
        ...(spec.validate?.(o) ?? []),
      ]);
    },
    prepareStatusUpdate(obj, old) {
      carryServerMeta(obj, old);
      spec.defaults?.(body(obj));
      if (old.metadata?.generation !== undefined) obj.metadata.generation = old.metadata.generation;
    },
    validateStatusUpdate(obj, old) {
      const o = body(obj);
      const prev = body(old);
      return dedupe([
        ...(spec.skipMeta ? [] : validateObjectMetaUpdate(o.metadata, prev.metadata)),
        ...(spec.validateStatus?.(o, prev) ?? []),
      ]);
    },
    release() {},
    restore() {},
  };
}

/** Anything without its own rules: ObjectMeta with path-segment names, as the generic store checks last. */
export function genericStrategy(namespaced: boolean): KindStrategy {
  return defineKind({ namespaced, name: pathSegmentName });
}

export const asKube = (o: Obj): KubeObject => o as unknown as KubeObject;
export const objOf = body;

/** Deep copy for tests and callers that must not share structure with stored objects. */
export const copyObject = (o: KubeObject): KubeObject => clone(o);
