import type { StatusCause } from '../types';

/**
 * Kubernetes' field errors (apimachinery `field.Error`), rendered the way the real server renders them into
 * `Status.details.causes`: the message is `<Type>: <value>: <detail>`, where the value is printed with Go's fmt verbs.
 * Clients (kubectl, tests) match on these texts, so every helper here reproduces Go's printing, not JSON's.
 */

/** A value as Go would print it; `GoRepr` carries text already in Go's `%#v` form (structs, maps, slices). */
export class GoRepr {
  constructor(readonly text: string) {}
}
export type GoValue = string | number | boolean | null | undefined | GoRepr;

export const goRaw = (text: string): GoRepr => new GoRepr(text);

const GO_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** Go's `%q` / strconv.Quote: printable Unicode stays as is, control bytes become `\x..`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = GO_ESCAPES[ch];
    if (esc) out += esc;
    else {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
      else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
      else out += ch;
    }
  }
  return `${out}"`;
}

/** Go's `%v` for a float64: exponent form uses `e+NN`, like Go, so large values read the same. */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

export function renderGoValue(v: GoValue): string {
  if (v instanceof GoRepr) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}

/** `[]string{"a", "b"}` — how validation prints a string slice (e.g. clusterIPs); nil prints `[]string(nil)`. */
export function goStringSlice(values: readonly string[] | undefined | null, type = '[]string'): GoRepr {
  if (!values) return goRaw(`${type}(nil)`);
  return goRaw(`${type}{${values.map(goQuote).join(', ')}}`);
}

/** `map[string]string{"a":"1", "b":"2"}`: Go prints map keys sorted. */
export function goStringMap(m: Record<string, string> | undefined | null): GoRepr {
  if (!m) return goRaw('map[string]string(nil)');
  const keys = Object.keys(m).sort();
  return goRaw(`map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k])}`).join(', ')}}`);
}

export type CauseReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound'
  | 'InternalError';

function cause(reason: CauseReason, field: string, message: string): StatusCause {
  return field ? { reason, message, field } : { reason, message };
}

const withDetail = (head: string, detail: string | undefined): string => (detail ? `${head}: ${detail}` : head);

export const required = (field: string, detail = ''): StatusCause =>
  cause('FieldValueRequired', field, withDetail('Required value', detail));

export const forbidden = (field: string, detail: string): StatusCause =>
  cause('FieldValueForbidden', field, withDetail('Forbidden', detail));

export const invalidValue = (field: string, value: GoValue, detail: string): StatusCause =>
  cause('FieldValueInvalid', field, withDetail(`Invalid value: ${renderGoValue(value)}`, detail));

export const duplicate = (field: string, value: GoValue): StatusCause =>
  cause('FieldValueDuplicate', field, `Duplicate value: ${renderGoValue(value)}`);

export const notFoundValue = (field: string, value: GoValue): StatusCause =>
  cause('FieldValueNotFound', field, `Not found: ${renderGoValue(value)}`);

/** `Unsupported value: "x": supported values: "a", "b"` (the list is given in the order the server sorts it). */
export function notSupported(field: string, value: GoValue, supported: readonly string[]): StatusCause {
  const detail = supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return cause('FieldValueNotSupported', field, withDetail(`Unsupported value: ${renderGoValue(value)}`, detail));
}

/** 1.32+ wording (`may not be more than N bytes`); TooLong never prints the value. */
export const tooLong = (field: string, maxLength: number): StatusCause =>
  cause('FieldValueTooLong', field, `Too long: may not be more than ${maxLength} bytes`);

export function tooMany(field: string, actual: number, max: number): StatusCause {
  const head = actual >= 0 ? `Too many: ${actual}` : 'Too many';
  return cause('FieldValueTooMany', field, `${head}: must have at most ${max} items`);
}

/** A schema type mismatch (custom resources): printed like Invalid, with its own reason. */
export const typeInvalid = (field: string, value: GoValue, detail: string): StatusCause =>
  cause('FieldValueTypeInvalid', field, withDetail(`Invalid value: ${renderGoValue(value)}`, detail));

export const internalCause = (field: string, detail: string): StatusCause =>
  cause('InternalError', field, withDetail('Internal error', detail));

/** `field is immutable`, as apimachinery's ValidateImmutableField words it. */
export const FIELD_IMMUTABLE = 'field is immutable';

/**
 * The real Status message drops causes whose text repeats (ErrorList.ToAggregate); the cause list keeps them.
 * Our validators sometimes reach the same rule twice (create checks re-run on update), so they drop repeats outright.
 */
export function dedupe(causes: StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const key = `${c.field ?? ''}\u0000${c.message}\u0000${c.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Field paths in the server's notation: `spec.ports[0].nodePort`, `metadata.labels[app]`. */
export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;
