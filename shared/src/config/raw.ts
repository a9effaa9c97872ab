/** Reading untyped JSON from the API server without trusting its shape. */

export type RawObject = Readonly<Record<string, unknown>>;

export function isRecord(v: unknown): v is RawObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON type of a value, for messages: `must be a string, got number`. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** One problem at a field path inside an object; the caller adds which object. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export const problem = (field: string, message: string): FieldProblem => ({ field, message });
