/**
 * One raw IPAddressPool object to a Pool, with every problem found inside it. Problems between pools (overlaps,
 * duplicate names) are parse.ts's job, which needs all pools at once.
 */
import { parseAddressEntry } from './address-entry';
import { parseServiceAllocation } from './parse-allocation';
import { RangeIndex } from './range-index';
import { isRecord, jsonType, problem, type FieldProblem, type RawObject } from './raw';
import type { AddressRange, ConfigError, Pool } from './types';

export const POOL_KIND = 'IPAddressPool';

/** An accepted `spec.addresses` entry, kept with where it came from to name it in overlap errors. */
export interface AddressSource {
  readonly range: AddressRange;
  readonly field: string;
  readonly text: string;
}

export interface PoolCandidate {
  /** Position in the input list: the last tie-break of the deterministic order. */
  readonly index: number;
  readonly name: string;
  readonly namespace: string;
  /** How errors name it: `IPAddressPool ironlb-system/lab`, or `IPAddressPool items[3]` when it has no name. */
  readonly object: string;
  /** Present when `errors` is empty. */
  readonly pool?: Pool;
  readonly sources: readonly AddressSource[];
  readonly errors: readonly ConfigError[];
}

const familyOrder = (r: AddressRange): number => (r.family === 'IPv4' ? 0 : 1);
const byFamilyThenFirst = (a: AddressRange, b: AddressRange): number =>
  familyOrder(a) - familyOrder(b) || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0);

function parseBoolean(raw: unknown, field: string, fallback: boolean, out: FieldProblem[]): boolean {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'boolean') return raw;
  out.push(problem(field, `must be true or false, got ${jsonType(raw)}`));
  return fallback;
}

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

interface Identity {
  name: string;
  namespace: string;
  object: string;
}

function identify(raw: RawObject, index: number, out: FieldProblem[]): Identity {
  const meta = raw.metadata;
  if (!isRecord(meta)) {
    out.push(problem('metadata', `must be an object, got ${jsonType(meta)}`));
    return { name: '', namespace: '', object: `${POOL_KIND} items[${index}]` };
  }
  const { name, namespace } = meta;
  const ns = typeof namespace === 'string' ? namespace : '';
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string')
    out.push(problem('metadata.namespace', `must be a string, got ${jsonType(namespace)}`));
  if (typeof name !== 'string' || name === '') {
    out.push(problem('metadata.name', name === '' ? 'must not be empty' : `must be a string, got ${jsonType(name)}`));
    return { name: '', namespace: ns, object: `${POOL_KIND} items[${index}]` };
  }
  return { name, namespace: ns, object: `${POOL_KIND} ${ns ? `${ns}/` : ''}${name}` };
}

/** `{ labels }` when the pool has any, as the API server validated them; non-string values are not labels. */
function labelsOf(metadata: unknown): { labels?: Readonly<Record<string, string>> } {
  const raw = isRecord(metadata) && isRecord(metadata.labels) ? metadata.labels : {};
  const labels = Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string');
  return labels.length > 0 ? { labels: Object.freeze(Object.fromEntries(labels)) } : {};
}

export function parsePool(raw: unknown, index: number): PoolCandidate {
  if (!isRecord(raw)) {
    const object = `${POOL_KIND} items[${index}]`;
    const message = `must be an ${POOL_KIND} object, got ${jsonType(raw)}`;
    return { index, name: '', namespace: '', object, sources: [], errors: [{ object, field: '', message }] };
  }
  const problems: FieldProblem[] = [];
  const id = identify(raw, index, problems);
  if (raw.kind !== undefined && raw.kind !== POOL_KIND)
    problems.push(problem('kind', `must be ${POOL_KIND}, got ${JSON.stringify(raw.kind)}`));
  const spec = raw.spec;
  let sources: AddressSource[] = [];
  let pool: Pool | undefined;
  if (!isRecord(spec)) {
    problems.push(problem('spec', spec === undefined ? 'is required' : `must be an object, got ${jsonType(spec)}`));
  } else {
    sources = parseAddresses(spec.addresses, problems);
    const autoAssign = parseBoolean(spec.autoAssign, 'spec.autoAssign', true, problems);
    const avoidBuggyIPs = parseBoolean(spec.avoidBuggyIPs, 'spec.avoidBuggyIPs', false, problems);
    const allocation = parseServiceAllocation(spec.serviceAllocation, 'spec.serviceAllocation');
    problems.push(...allocation.problems);
    pool = Object.freeze({
      name: id.name,
      ranges: Object.freeze(sources.map((s) => s.range).sort(byFamilyThenFirst)),
      autoAssign,
      avoidBuggyIPs,
      ...(allocation.allocation ? { serviceAllocation: allocation.allocation } : {}),
      ...labelsOf(raw.metadata),
    });
  }
  const errors = problems.map((p) => ({ object: id.object, field: p.field, message: p.message }));
  if (errors.length) return { index, name: id.name, namespace: id.namespace, object: id.object, sources: [], errors };
  return { index, name: id.name, namespace: id.namespace, object: id.object, pool, sources, errors };
}
