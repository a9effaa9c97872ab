import type { Json, JsonObject } from '../types';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge recursively, null deletes a key, anything
 * else (arrays included) replaces. A patch that is not an object replaces the whole document, as the RFC says; the
 * server then fails to decode it, which is the caller's business. Neither argument is modified.
 */
export function jsonMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  return out;
}
