/** `spec.serviceAllocation` of an IPAddressPool: which Services may use the pool, and in which order. */
import { dns1123LabelError } from './names';
import { parseSelectorList } from './parse-selector';
import { isRecord, jsonType, problem, type FieldProblem } from './raw';
import type { ServiceAllocation } from './types';

export interface AllocationResult {
  readonly allocation?: ServiceAllocation;
  readonly problems: readonly FieldProblem[];
}

/**
 * 0 counts as no priority, as in MetalLB: its `priority` is a Go int with omitempty, which cannot tell 0 from
 * absent, and its allocator sorts 0 after every positive priority. Users' YAML written for MetalLB keeps its meaning.
 */
function parsePriority(raw: unknown, field: string, out: FieldProblem[]): number | undefined {
  if (raw === undefined || raw === null || raw === 0) return undefined;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) {
    out.push(problem(field, `must be an integer, got ${typeof raw === 'number' ? String(raw) : jsonType(raw)}`));
    return undefined;
  }
  if (raw < 0) {
    out.push(problem(field, `must be 0 (no priority) or greater, got ${raw}`));
    return undefined;
  }
  return raw;
}

function parseNamespaces(raw: unknown, field: string, out: FieldProblem[]): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    out.push(problem(field, `must be a list of namespace names, got ${jsonType(raw)}`));
    return [];
  }
  const names: string[] = [];
  raw.forEach((v: unknown, i) => {
    if (typeof v !== 'string') {
      out.push(problem(`${field}[${i}]`, `must be a string, got ${jsonType(v)}`));
      return;
    }
    const e = dns1123LabelError(v);
    if (e) out.push(problem(`${field}[${i}]`, `invalid namespace name ${JSON.stringify(v)}: ${e}`));
    else if (!names.includes(v)) names.push(v);
  });
  return names;
}

export function parseServiceAllocation(raw: unknown, field: string): AllocationResult {
  if (raw === undefined || raw === null) return { problems: [] };
  if (!isRecord(raw)) return { problems: [problem(field, `must be an object, got ${jsonType(raw)}`)] };
  const problems: FieldProblem[] = [];
  const priority = parsePriority(raw.priority, `${field}.priority`, problems);
  const namespaces = parseNamespaces(raw.namespaces, `${field}.namespaces`, problems);
  const namespaceSelectors = parseSelectorList(raw.namespaceSelectors, `${field}.namespaceSelectors`, problems);
  const serviceSelectors = parseSelectorList(raw.serviceSelectors, `${field}.serviceSelectors`, problems);
  if (problems.length) return { problems };
  const allocation: ServiceAllocation = {
    ...(priority === undefined ? {} : { priority }),
    namespaces: Object.freeze(namespaces),
    namespaceSelectors: Object.freeze(namespaceSelectors),
    serviceSelectors: Object.freeze(serviceSelectors),
  };
  return { allocation: Object.freeze(allocation), problems };
}
