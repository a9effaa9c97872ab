export { errorText } from '../errorText';

/** The HTTP status of a failed API call, when it got that far. */
export function statusCodeOf(e: unknown): number | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}
