/**
 * Compares an answer of ours with a recorded one whose run-dependent values are masked as `<uid:1>`, `<time>`, ...
 * Equal placeholders within one file must bind to equal values, so `<nodePort:1>` twice means "the same port".
 */
export type Bindings = Map<string, unknown>;

const PLACEHOLDER = /^<([a-zA-Z]+)(?::(\d+))?>$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** A path whose difference is known and explained; `*` matches one path segment. */
export interface KnownDifference {
  path: string;
  why: string;
  /**
   * What Kubernetes 1.35 answers there, when the recording (1.26) differs: ours must then be exactly this, so the
   * difference is checked instead of ignored. Absent: any value (or none) is accepted.
   */
  expected?: unknown;
}

/** The differences `known` allows at `at` for `actual` (ours), as messages; empty when it is accepted. */
function knownCheck(known: KnownDifference[], at: string, actual: unknown): string[] | undefined {
  const k = known.find((d) => pathMatches(d.path, at));
  if (!k) return undefined;
  if (k.expected === undefined || JSON.stringify(k.expected) === JSON.stringify(actual)) return [];
  return [`${at}: expected ${describe(k.expected)} (${k.why}), got ${describe(actual)}`];
}

function pathMatches(pattern: string, actual: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.[\]]/g, (c) => `\\${c}`).replace(/\*/g, '[^.\\[\\]]+')}$`);
  return re.test(actual);
}

export function compareMasked(
  expected: unknown,
  actual: unknown,
  bindings: Bindings,
  known: KnownDifference[] = [],
  at = '',
): string[] {
  const allowed = knownCheck(known, at, actual);
  if (allowed) return allowed;
  if (typeof expected === 'string') {
    const m = PLACEHOLDER.exec(expected);
    if (m) {
      const [, kind, n] = m;
      if (kind === 'time') {
        return typeof actual === 'string' && RFC3339.test(actual)
          ? []
          : [`${at}: expected a timestamp, got ${describe(actual)}`];
      }
      if (actual === undefined) return [`${at}: missing (expected ${expected})`];
      const key = `${kind}:${n ?? ''}`;
      if (!bindings.has(key)) {
        bindings.set(key, actual);
        return [];
      }
      const bound = bindings.get(key);
      return JSON.stringify(bound) === JSON.stringify(actual)
        ? []
        : [`${at}: ${expected} was ${describe(bound)} before, now ${describe(actual)}`];
    }
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${describe(actual)}`];
    const diffs: string[] = [];
    if (expected.length !== actual.length) diffs.push(`${at}: expected ${expected.length} items, got ${actual.length}`);
    expected.forEach((e, i) => {
      if (i < actual.length) diffs.push(...compareMasked(e, actual[i], bindings, known, `${at}[${i}]`));
    });
    return diffs;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${at}: expected an object, got ${describe(actual)}`];
    }
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const diffs: string[] = [];
    for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
      const sub = at ? `${at}.${key}` : key;
      if (!(key in a)) {
        diffs.push(...(knownCheck(known, sub, undefined) ?? [`${sub}: missing (expected ${describe(e[key])})`]));
      } else if (!(key in e)) {
        diffs.push(...(knownCheck(known, sub, a[key]) ?? [`${sub}: unexpected ${describe(a[key])}`]));
      } else {
        diffs.push(...compareMasked(e[key], a[key], bindings, known, sub));
      }
    }
    // A field 1.35 adds where the recording has none must be there in ours too.
    for (const k of known) {
      const dot = k.path.lastIndexOf('.');
      const key = k.path.slice(dot + 1);
      if (k.expected === undefined || /[*[]/.test(key) || key in e || key in a) continue;
      if (pathMatches(dot < 0 ? '' : k.path.slice(0, dot), at)) {
        diffs.push(`${at ? `${at}.` : ''}${key}: missing (expected ${describe(k.expected)}, ${k.why})`);
      }
    }
    return diffs;
  }
  return expected === actual ? [] : [`${at}: expected ${describe(expected)}, got ${describe(actual)}`];
}
