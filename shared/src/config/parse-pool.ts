/**
 * One raw IPAddressPool object to a Pool, with every problem found inside it. Problems between pools (overlaps,
 * duplicate names) are parse.ts's job, which needs all pools at once.
 */
import { parseAddressEntry } from './address-entry';
import { parseServiceAllocation } from './parse-allocation';
import { RangeIndex } from './range-index';
import { readBoolean } from './fields';
import { errorsOf, readObject, type Candidate } from './object';
import { isRecord, jsonType, problem, type FieldProblem } from './raw';
import type { AddressRange, Pool } from './types';

export const POOL_KIND = 'IPAddressPool';

/** An accepted `spec.addresses` entry, kept with where it came from to name it in overlap errors. */
export interface AddressSource {
  readonly range: AddressRange;
  readonly field: string;
  readonly text: string;
}

export interface PoolCandidate extends Candidate<Pool> {
  /** Empty when the pool has errors. */
  readonly sources: readonly AddressSource[];
}

const familyOrder = (r: AddressRange): number => (r.family === 'IPv4' ? 0 : 1);
const byFamilyThenFirst = (a: AddressRange, b: AddressRange): number =>
  familyOrder(a) - familyOrder(b) || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0);

function parseAddresses(raw: unknown, out: FieldProblem[]): AddressSource[] {
  const field = 'spec.addresses';
  if (!Array.isArray(raw)) {
    out.push(problem(field, raw === undefined ? 'is required' : `must be a list of strings, got ${jsonType(raw)}`));
    return [];
  }
  if (raw.length === 0) out.push(problem(field, 'must list at least one CIDR or range'));
  const sources: AddressSource[] = [];
  const taken = new RangeIndex<AddressSource>();
  raw.forEach((entry: unknown, i) => {
    const f = `${field}[${i}]`;
    if (typeof entry !== 'string') {
      out.push(problem(f, `must be a string, got ${jsonType(entry)}`));
      return;
    }
    const r = parseAddressEntry(entry);
    if ('error' in r) {
      out.push(problem(f, r.error));
      return;
    }
    const earlier = taken.find(r.range);
    if (earlier) {
      out.push(
        problem(f, `${JSON.stringify(entry)} overlaps ${JSON.stringify(earlier.text)} (${earlier.field}) of this pool`),
      );
      return;
    }
    const source = Object.freeze({ range: Object.freeze(r.range), field: f, text: entry });
    taken.add(r.range, source);
    sources.push(source);
  });
  return sources;
}

/** `{ labels }` when the pool has any, as the API server validated them; non-string values are not labels. */
function labelsOf(metadata: unknown): { labels?: Readonly<Record<string, string>> } {
  const raw = isRecord(metadata) && isRecord(metadata.labels) ? metadata.labels : {};
  const labels = Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string');
  return labels.length > 0 ? { labels: Object.freeze(Object.fromEntries(labels)) } : {};
}

export function parsePool(raw: unknown, index: number): PoolCandidate {
  const { id, spec, problems } = readObject(POOL_KIND, raw, index, true);
  let sources: AddressSource[] = [];
  let pool: Pool | undefined;
  if (spec) {
    sources = parseAddresses(spec.addresses, problems);
    const autoAssign = readBoolean(spec.autoAssign, 'spec.autoAssign', true, problems);
    const avoidBuggyIPs = readBoolean(spec.avoidBuggyIPs, 'spec.avoidBuggyIPs', false, problems);
    const allocation = parseServiceAllocation(spec.serviceAllocation, 'spec.serviceAllocation');
    problems.push(...allocation.problems);
    pool = Object.freeze({
      name: id.name,
      ranges: Object.freeze(sources.map((s) => s.range).sort(byFamilyThenFirst)),
      autoAssign,
      avoidBuggyIPs,
      ...(allocation.allocation ? { serviceAllocation: allocation.allocation } : {}),
      ...labelsOf(isRecord(raw) ? raw.metadata : undefined),
    });
  }
  const errors = errorsOf(id, problems);
  if (errors.length) return { id, sources: [], errors };
  return { id, value: pool, sources, errors };
}
