/**
 * Community objects: named BGP communities (`spec.communities: [{name, value}]`) that BGPAdvertisements may write
 * instead of numbers. Every alias of every loaded Community goes into one map, as in MetalLB
 * (internal/config/config.go communitiesFromCrs), where an alias defined twice fails the whole configuration: here
 * the Community later by name is left out whole, with an error naming the alias and the Community that keeps it.
 */
import { parseCommunityValue } from './community-value';
import { byIdentity, compareText, errorsOf, loadInNameOrder, readObject, type Candidate } from './object';
import { isRecord, jsonType, problem, type FieldProblem, type RawObject } from './raw';
import type { CommunityValue, ConfigError } from './types';

export const COMMUNITY_KIND = 'Community';

/** The CRD's maxLength, that of a Kubernetes object name. */
const MAX_NAME = 253;

interface Alias {
  readonly name: string;
  readonly value: CommunityValue;
  readonly field: string;
}

interface CommunityCandidate extends Candidate<readonly Alias[]> {
  /** Every alias name the object defines, good or bad: to tell a BGPAdvertisement why one it names is missing. */
  readonly names: readonly string[];
}

export interface CommunitiesResult {
  /** Alias -> value, in alias order. */
  readonly aliases: ReadonlyMap<string, CommunityValue>;
  /** Aliases defined only by Communities that did not load -> the first such Community by name. */
  readonly refused: ReadonlyMap<string, string>;
  readonly errors: readonly ConfigError[];
}

function nameError(name: unknown): string | undefined {
  if (name === undefined || name === null) return 'is required';
  if (typeof name !== 'string') return `must be a string, got ${jsonType(name)}`;
  if (name === '') return 'must not be empty';
  if (name.length > MAX_NAME) return `must be no more than ${MAX_NAME} characters`;
  if (name.includes(':') && 'value' in parseCommunityValue(name))
    return `${JSON.stringify(name)} is a community value, not a name: an alias so named would change what that value means in a BGPAdvertisement`;
  return undefined;
}

function parseAliases(spec: RawObject, names: string[], out: FieldProblem[]): Alias[] {
  const field = 'spec.communities';
  const raw = spec.communities;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    out.push(problem(field, `must be a list of aliases (name and value), got ${jsonType(raw)}`));
    return [];
  }
  const aliases: Alias[] = [];
  const at = new Map<string, number>();
  raw.forEach((entry: unknown, i) => {
    const f = `${field}[${i}]`;
    if (!isRecord(entry)) {
      out.push(problem(f, `must be an alias (name and value), got ${jsonType(entry)}`));
      return;
    }
    const { name, value } = entry;
    const before = out.length;
    const e = nameError(name);
    if (e) out.push(problem(`${f}.name`, e));
    if (typeof name === 'string' && !e) {
      const first = at.get(name);
      if (first !== undefined)
        out.push(
          problem(`${f}.name`, `${JSON.stringify(name)} is already ${field}[${first}].name; name each alias once`),
        );
      else at.set(name, i);
      if (!names.includes(name)) names.push(name);
    }
    let parsed: CommunityValue | undefined;
    if (typeof value !== 'string')
      out.push(
        problem(
          `${f}.value`,
          value === undefined || value === null ? 'is required' : `must be a string, got ${jsonType(value)}`,
        ),
      );
    else {
      const r = parseCommunityValue(value);
      if ('error' in r) out.push(problem(`${f}.value`, r.error));
      else parsed = r.value;
    }
    if (out.length === before && typeof name === 'string' && parsed)
      aliases.push(Object.freeze({ name, value: parsed, field: f }));
  });
  return aliases;
}

function parseCommunity(raw: unknown, index: number): CommunityCandidate {
  const { id, spec, problems } = readObject(COMMUNITY_KIND, raw, index, false);
  const names: string[] = [];
  const aliases = spec ? parseAliases(spec, names, problems) : [];
  const errors = errorsOf(id, problems);
  return errors.length ? { id, names, errors } : { id, value: aliases, names, errors };
}

export function parseCommunities(items: readonly unknown[]): CommunitiesResult {
  const candidates = items.map((raw, i) => parseCommunity(raw, i));
  const taken = new Map<string, { readonly object: string; readonly alias: Alias }>();
  const result = loadInNameOrder(candidates, 'Communities are taken one per name', (c, aliases) => {
    const clashes: ConfigError[] = aliases.flatMap((a) => {
      const other = taken.get(a.name);
      if (!other) return [];
      return [
        {
          object: c.id.object,
          field: `${a.field}.name`,
          message: `alias ${JSON.stringify(a.name)} is already ${other.alias.field} of ${other.object}, which comes first by name, so this Community is not loaded`,
        },
      ];
    });
    if (clashes.length === 0) for (const a of aliases) taken.set(a.name, { object: c.id.object, alias: a });
    return clashes;
  });
  const refused = new Map<string, string>();
  for (const c of [...candidates].sort(byIdentity)) {
    if (result.loaded.get(c.id.name)?.object === c.id.object) continue;
    for (const name of c.names) if (!taken.has(name) && !refused.has(name)) refused.set(name, c.id.object);
  }
  const aliases = new Map([...taken].sort(([a], [b]) => compareText(a, b)).map(([name, t]) => [name, t.alias.value]));
  return { aliases, refused, errors: result.errors };
}
