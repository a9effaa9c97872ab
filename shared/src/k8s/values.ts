export { errorText } from '../errorText';

/** The HTTP status of a failed API call, when it got that far. */
export function statusCodeOf(e: unknown): number | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A timestamp of an API object in ms since the epoch, NaN when absent or unreadable. Objects arrive as raw JSON, so
 * a timestamp is an RFC 3339 string even where client-node's model types say Date.
 */
export function timeOf(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  return typeof v === 'string' ? Date.parse(v) : NaN;
}
