/** Text shapes kubectl users know: ages, `kubectl get` tables, `kubectl describe` keys. */

/**
 * An age as kubectl prints one (its HumanDuration): seconds under two minutes, then minutes and seconds under ten,
 * minutes under three hours, hours and minutes under eight, hours under two days, days and hours under eight
 * days, then days (years past two).
 */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(s / 3600);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (h < 3) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
}

/** `<unknown>` where kubectl prints it for a missing time. */
export const ageOf = (at: number | undefined, now: number): string =>
  at === undefined ? '<unknown>' : humanDuration(now - at);

/** Columns padded to their widest cell plus three spaces, as kubectl's tables are; no trailing spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3)))
      .join('')
      .trimEnd(),
  );
}

/** `Key:` then the value at one column for every key, as `kubectl describe` aligns them. */
export function keyValues(pairs: readonly (readonly [string, string])[], indent = ''): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length + 1));
  return pairs.map(([k, v]) => `${indent}${`${k}:`.padEnd(width + 2)}${v}`.trimEnd());
}

export const orNone = (items: readonly string[], none = '<none>'): string =>
  items.length > 0 ? items.join(', ') : none;
