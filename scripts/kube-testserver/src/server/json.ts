/** Narrowing helpers for JSON read from requests and stored objects (no `any` past the edge). */
import type { Json, JsonObject } from '../types';

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asObject = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);
export const asArray = (v: unknown): Json[] | undefined => (Array.isArray(v) ? (v as Json[]) : undefined);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Structural equality of JSON values; key order does not matter (objects from clients and storage differ in it). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

/** RFC 3339 at seconds precision, the way metav1.Time serializes. */
export const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
