/**
 * Readers of the plain fields every kind has: booleans, bounded integers, optional strings and lists of names.
 * Each takes the raw value and its field path, pushes what is wrong to `out`, and returns a usable value anyway so
 * that the caller can go on and report every problem of the object at once. JSON null reads as absent, as the API
 * server treats it.
 */
import { jsonType, problem, type FieldProblem } from './raw';

const absent = (raw: unknown): raw is undefined | null => raw === undefined || raw === null;

export function readBoolean(raw: unknown, field: string, fallback: boolean, out: FieldProblem[]): boolean {
  if (absent(raw)) return fallback;
  if (typeof raw === 'boolean') return raw;
  out.push(problem(field, `must be true or false, got ${jsonType(raw)}`));
  return fallback;
}

export interface IntegerRange {
  readonly min: number;
  readonly max: number;
  /** Said after the bounds: `a 4-byte AS number; 0 is reserved`. */
  readonly why?: string;
}

/** An integer from `min` to `max`; undefined when absent or wrong. */
export function readInteger(raw: unknown, field: string, range: IntegerRange, out: FieldProblem[]): number | undefined {
  if (absent(raw)) return undefined;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) {
    out.push(problem(field, `must be an integer, got ${typeof raw === 'number' ? String(raw) : jsonType(raw)}`));
    return undefined;
  }
  if (raw < range.min || raw > range.max) {
    const why = range.why ? ` (${range.why})` : '';
    out.push(problem(field, `must be from ${range.min} to ${range.max}${why}, got ${raw}`));
    return undefined;
  }
  return raw;
}

/**
 * An optional string; `''` reads as absent, as Go's `omitempty` strings that MetalLB's types are made of cannot
 * tell the two apart. `check` says what is wrong with a non-empty value, if anything.
 */
export function readOptionalString(
  raw: unknown,
  field: string,
  out: FieldProblem[],
  check?: (v: string) => string | undefined,
): string | undefined {
  if (absent(raw) || raw === '') return undefined;
  if (typeof raw !== 'string') {
    out.push(problem(field, `must be a string, got ${jsonType(raw)}`));
    return undefined;
  }
  const e = check?.(raw);
  if (e) {
    out.push(problem(field, e));
    return undefined;
  }
  return raw;
}

/**
 * A list of non-empty strings (names of pools, peers, interfaces...). The CRDs make these lists sets, so an entry
 * listed twice is refused, as the API server refuses it.
 */
export function readStringList(raw: unknown, field: string, out: FieldProblem[]): string[] {
  if (absent(raw)) return [];
  if (!Array.isArray(raw)) {
    out.push(problem(field, `must be a list of strings, got ${jsonType(raw)}`));
    return [];
  }
  const list: string[] = [];
  const at = new Map<string, number>();
  raw.forEach((v: unknown, i) => {
    if (typeof v !== 'string' || v === '') {
      out.push(problem(`${field}[${i}]`, `must be a non-empty string, got ${JSON.stringify(v) ?? jsonType(v)}`));
      return;
    }
    const first = at.get(v);
    if (first !== undefined) {
      out.push(problem(`${field}[${i}]`, `${JSON.stringify(v)} is already ${field}[${first}]; list each once`));
      return;
    }
    at.set(v, i);
    list.push(v);
  });
  return list;
}
