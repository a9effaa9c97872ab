/**
 * Kubernetes durations (metav1.Duration: `90s`, `1m30s`, `1.5h`) as the API server and MetalLB read them, with Go's
 * time.ParseDuration: an optional sign, then one or more decimal numbers each with a unit (ns, us, µs, μs, ms, s, m,
 * h), or `0` alone. Nothing else is a duration: no spaces, no days, no unit-less number but 0. In bigint nanoseconds,
 * to the nanosecond Go gets (a fraction's share is computed in floating point as Go does, so that even
 * `0.3333333333333333333h` is Go's 20m); like Go, a total beyond a signed 64-bit count of nanoseconds (about 292
 * years) is refused.
 */

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek small letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const MAX_NS = (1n << 63n) - 1n;
const TERM = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/;

export const DURATION_EXAMPLE = 'a duration like 90s or 1m30s';

export type DurationResult = { readonly ns: bigint } | { readonly error: string };

/**
 * What Go adds for the digits after a unit's decimal point: the digits as an integer while it fits 63 bits (later
 * ones are dropped) over its power of ten, times the unit, in float64, truncated.
 */
function fractionNs(digits: string, unit: bigint): bigint {
  let f = 0n;
  let scale = 1;
  for (const d of digits) {
    const next = f * 10n + BigInt(d);
    if (next > 1n << 63n) break;
    f = next;
    scale *= 10;
  }
  return BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
}

export function parseGoDuration(text: string): DurationResult {
  const invalid = { error: `must be ${DURATION_EXAMPLE}, got ${JSON.stringify(text)}` };
  let rest = text;
  const negative = rest.startsWith('-');
  if (negative || rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '0') return { ns: 0n };
  if (rest === '') return invalid;
  let total = 0n;
  while (rest !== '') {
    const m = TERM.exec(rest);
    const [whole, int, frac, unitText] = m ?? ['', '', undefined, ''];
    if (int === '' && !frac) return invalid;
    if (unitText === '')
      return { error: `must be ${DURATION_EXAMPLE}: ${JSON.stringify(text)} has a number without a unit` };
    const unit = UNITS.get(unitText);
    if (unit === undefined)
      return {
        error: `must be ${DURATION_EXAMPLE}: ${JSON.stringify(unitText)} in ${JSON.stringify(text)} is no unit; the units are ns, us (µs), ms, s, m and h`,
      };
    total += BigInt(int || '0') * unit;
    if (frac) total += fractionNs(frac, unit);
    if (total > MAX_NS + (negative ? 1n : 0n))
      return { error: `must be ${DURATION_EXAMPLE}: ${JSON.stringify(text)} is longer than Go's durations can be` };
    rest = rest.slice(whole.length);
  }
  return { ns: negative ? -total : total };
}
