import type { Json, JsonObject } from '../types';

/**
 * Small readers for request bodies. Bodies are arbitrary JSON (clients send wrong types), so validators read through
 * these instead of trusting the static types of KubeObject.
 */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const asObj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
export const asArr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
export const asStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const asNum = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const asBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** The object at `key`, created when absent (defaulting writes nested structs the way Go's zero values appear). */
export function ensureObj(parent: Obj, key: string): Obj {
  const cur = parent[key];
  if (isObj(cur)) return cur;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

export function strMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = typeof val === 'string' ? val : String(val);
  return out;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export const toJson = (v: unknown): Json => v as Json;
export const toJsonObject = (v: Obj): JsonObject => v as JsonObject;

/** JSON type names as the OpenAPI validator reports them (`integer` for whole numbers). */
export function jsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  return 'object';
}
