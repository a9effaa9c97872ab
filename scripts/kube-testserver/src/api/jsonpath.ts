/**
 * The JSONPath subset CRD additionalPrinterColumns use (k8s.io/client-go/util/jsonpath): `.a.b`, `['a.b']`, `[0]`,
 * `[-1]`, `[*]`, `[0:2]`, `..name` and filters `[?(@.type=="Ready")]` with ==, !=, <, >, <=, >= or bare existence.
 * `findResults` returns every match in document order; a column shows the first. Unsupported syntax throws.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; name: string }
  | { kind: 'filter'; path: Step[]; op?: string; value?: unknown };

function parseValue(raw: string): unknown {
  const t = raw.trim();
  if (/^(['"]).*\1$/.test(t)) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return n;
  throw new Error(`unsupported JSONPath literal ${raw}`);
}

/** Parses `.spec.ports[0].port` (with or without surrounding `{}`) into steps. */
export function parseJSONPath(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  const ident = (): string => {
    const m = /^[^.[\]\s]+/.exec(s.slice(i));
    if (!m) throw new Error(`invalid JSONPath ${expr} at ${i}`);
    i += m[0].length;
    return m[0];
  };
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      i += 2;
      steps.push({ kind: 'recursive', name: ident() });
    } else if (s[i] === '.') {
      i += 1;
      if (s[i] === '*') {
        i += 1;
        steps.push({ kind: 'wildcard' });
      } else if (i < s.length && s[i] !== '[') steps.push({ kind: 'field', name: ident() });
    } else if (s[i] === '[') {
      const close = findClose(s, i);
      const inner = s.slice(i + 1, close).trim();
      i = close + 1;
      steps.push(parseBracket(inner, expr));
    } else {
      steps.push({ kind: 'field', name: ident() });
    }
  }
  return steps;
}

function findClose(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return j;
  }
  throw new Error(`unterminated [ in JSONPath ${s}`);
}

function parseBracket(inner: string, expr: string): Step {
  if (inner === '*') return { kind: 'wildcard' };
  if (/^(['"]).*\1$/.test(inner)) return { kind: 'field', name: inner.slice(1, -1) };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const slice = /^(-?\d*):(-?\d*)$/.exec(inner);
  if (slice) {
    return {
      kind: 'slice',
      start: slice[1] === '' ? undefined : Number(slice[1]),
      end: slice[2] === '' ? undefined : Number(slice[2]),
    };
  }
  const filter = /^\?\((.*)\)$/.exec(inner);
  if (filter) {
    const body = filter[1].trim();
    const m = /^@((?:\.[^.\s=!<>]+|\[[^\]]*\])*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body);
    if (m) return { kind: 'filter', path: parseJSONPath(m[1]), op: m[2], value: parseValue(m[3]) };
    const exists = /^@((?:\.[^.\s]+|\[[^\]]*\])*)$/.exec(body);
    if (exists) return { kind: 'filter', path: parseJSONPath(exists[1]) };
  }
  throw new Error(`unsupported JSONPath ${expr}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default: {
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
    }
  }
}

function recurse(v: unknown, name: string, out: unknown[]): void {
  if (isObj(v)) {
    if (name in v) out.push(v[name]);
    for (const child of Object.values(v)) recurse(child, name, out);
  } else if (Array.isArray(v)) for (const child of v) recurse(child, name, out);
}

function apply(step: Step, values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.kind) {
      case 'field':
        if (isObj(v) && step.name in v) out.push(v[step.name]);
        break;
      case 'index':
        if (Array.isArray(v)) {
          const idx = step.index < 0 ? v.length + step.index : step.index;
          if (idx >= 0 && idx < v.length) out.push(v[idx]);
        }
        break;
      case 'slice':
        if (Array.isArray(v)) out.push(...v.slice(step.start, step.end));
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isObj(v))
          out.push(
            ...Object.keys(v)
              .sort()
              .map((k) => v[k]),
          );
        break;
      case 'recursive':
        recurse(v, step.name, out);
        break;
      case 'filter': {
        const items = Array.isArray(v) ? v : isObj(v) ? [v] : [];
        for (const item of items) {
          const found = evaluate(step.path, item);
          if (step.op === undefined ? found.length > 0 : found.some((f) => compare(f, step.op ?? '==', step.value)))
            out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

function evaluate(steps: Step[], root: unknown): unknown[] {
  return steps.reduce<unknown[]>((vals, step) => apply(step, vals), [root]);
}

/** Every value `expr` selects in `obj`, in order. */
export function findResults(expr: string, obj: unknown): unknown[] {
  return evaluate(parseJSONPath(expr), obj);
}

/** Go's json.Marshal: sorted map keys, compact, and its HTML-safe escaping of <, > and &. */
export function goJSON(v: unknown): string {
  const sortKeys = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sortKeys)
      : isObj(x)
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sortKeys(x[k])]),
          )
        : x;
  return JSON.stringify(sortKeys(v)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** Go's fmt.Fprint of a decoded JSON scalar, as jsonpath prints non-container results. */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return String(v);
    return formatFloatG(v);
  }
  return String(v);
}

/**
 * %v of a float64: strconv 'g' with the shortest digits, which switches to an exponent when the decimal exponent is
 * below -4 or at least 6 (so 1234567.5 prints as 1.2345675e+06).
 */
function formatFloatG(v: number): string {
  const [mant, exp] = v.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(v);
}
