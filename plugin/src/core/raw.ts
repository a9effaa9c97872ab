/** Reading API objects without trusting their shape: a missing or mistyped field reads as absent. */
import { isRecord, type RawObject } from '@ironlb/shared/config';

export type { RawObject };
export const EMPTY: RawObject = {};

export const rec = (v: unknown): RawObject => (isRecord(v) ? v : EMPTY);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
export const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');
export const labelsOf = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(rec(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

/**
 * A timestamp in ms since the epoch, or undefined. client-node's typed reads give Dates, raw JSON gives RFC 3339
 * strings; both are taken.
 */
export function timeOf(v: unknown): number | undefined {
  const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

export const metaOf = (o: unknown): RawObject => rec(rec(o).metadata);
export const nameOf = (o: unknown): string => str(metaOf(o).name) ?? '';
export const namespaceOf = (o: unknown): string => str(metaOf(o).namespace) ?? '';
export const createdOf = (o: unknown): number | undefined => timeOf(metaOf(o).creationTimestamp);

/** The IPs a Service's status shows, in order. */
export const ingressOf = (svc: unknown): string[] =>
  list(rec(rec(rec(svc).status).loadBalancer).ingress)
    .map((e) => str(rec(e).ip))
    .filter((ip): ip is string => ip !== undefined);
