/**
 * What every ironlb.io object has alike: how errors name it, its metadata and spec read without trusting their
 * shape, and the rule between objects of one kind: one object per name, taken in name order (then namespace), so
 * which object loads never depends on the order the API server listed them in.
 */
import { isRecord, jsonType, problem, type FieldProblem, type RawObject } from './raw';
import type { ConfigError } from './types';

export interface Identity {
  /** Position in the input list: the last tie-break of the deterministic order. */
  readonly index: number;
  readonly name: string;
  readonly namespace: string;
  /** How errors name it: `BGPPeer ironlb-system/tor1`, or `BGPPeer items[3]` when it has no name. */
  readonly object: string;
}

export interface ObjectStart {
  readonly id: Identity;
  /** The spec, when the object is an object and its spec one (an optional spec that is absent reads as `{}`). */
  readonly spec?: RawObject;
  /** Problems of the object itself, its metadata, kind and spec; the caller adds those of the spec's fields. */
  readonly problems: FieldProblem[];
}

const article = (kind: string): string => (/^(IP|L2|[AEIOU])/.test(kind) ? 'an' : 'a');

function identify(kind: string, raw: RawObject, index: number, out: FieldProblem[]): Identity {
  const unnamed = { index, name: '', object: `${kind} items[${index}]` };
  const meta = raw.metadata;
  if (!isRecord(meta)) {
    out.push(problem('metadata', `must be an object, got ${jsonType(meta)}`));
    return { ...unnamed, namespace: '' };
  }
  const { name, namespace } = meta;
  const ns = typeof namespace === 'string' ? namespace : '';
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string')
    out.push(problem('metadata.namespace', `must be a string, got ${jsonType(namespace)}`));
  if (typeof name !== 'string' || name === '') {
    out.push(problem('metadata.name', name === '' ? 'must not be empty' : `must be a string, got ${jsonType(name)}`));
    return { ...unnamed, namespace: ns };
  }
  return { index, name, namespace: ns, object: `${kind} ${ns ? `${ns}/` : ''}${name}` };
}

/**
 * The start of reading one raw object of `kind`: its identity, and its spec. A required spec that is absent is a
 * problem; an optional one (the CRD's `default: {}`) reads as `{}` when absent or null.
 */
export function readObject(kind: string, raw: unknown, index: number, specRequired: boolean): ObjectStart {
  if (!isRecord(raw)) {
    const id = { index, name: '', namespace: '', object: `${kind} items[${index}]` };
    return { id, problems: [problem('', `must be ${article(kind)} ${kind} object, got ${jsonType(raw)}`)] };
  }
  const problems: FieldProblem[] = [];
  const id = identify(kind, raw, index, problems);
  if (raw.kind !== undefined && raw.kind !== kind)
    problems.push(problem('kind', `must be ${kind}, got ${JSON.stringify(raw.kind)}`));
  const spec = raw.spec;
  if (isRecord(spec)) return { id, spec, problems };
  if (!specRequired && (spec === undefined || spec === null)) return { id, spec: {}, problems };
  problems.push(problem('spec', spec === undefined ? 'is required' : `must be an object, got ${jsonType(spec)}`));
  return { id, problems };
}

/** The problems of one object as errors naming it. */
export const errorsOf = (id: Identity, problems: readonly FieldProblem[]): ConfigError[] =>
  problems.map((p) => ({ object: id.object, field: p.field, message: p.message }));

/** One object read: its value when it has no errors. */
export interface Candidate<T> {
  readonly id: Identity;
  /** Present when `errors` is empty. */
  readonly value?: T;
  readonly errors: readonly ConfigError[];
}

export interface Loaded<T> {
  readonly value: T;
  /** How errors name the object it came from. */
  readonly object: string;
}

export interface LoadResult<T> {
  /** By name, in name order. */
  readonly loaded: ReadonlyMap<string, Loaded<T>>;
  /** Names no object loaded under -> the first object that had it (by name order): for telling a reference why. */
  readonly refused: ReadonlyMap<string, string>;
  readonly errors: readonly ConfigError[];
}

export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Name order, then namespace, then list position; objects without a name (only ever errors) last. */
export const byIdentity = ({ id: a }: { id: Identity }, { id: b }: { id: Identity }): number =>
  Number(a.name === '') - Number(b.name === '') ||
  compareText(a.name, b.name) ||
  compareText(a.namespace, b.namespace) ||
  a.index - b.index;

/**
 * Loads candidates in byIdentity order: one with errors is left out, as is one whose name an earlier one took (`why`
 * says why names must be unique: `Services name pools by name alone`). `take`, when given, checks a candidate against
 * those loaded before it and records it when it returns no errors; a candidate it returns errors for is left out
 * with them.
 */
export function loadInNameOrder<C extends Candidate<unknown>, T = NonNullable<C['value']>>(
  candidates: readonly C[],
  why: string,
  take?: (candidate: C, value: T) => readonly ConfigError[],
): LoadResult<T> {
  const loaded = new Map<string, Loaded<T>>();
  const refused = new Map<string, string>();
  const errors: ConfigError[] = [];
  const refuse = (c: C, e: readonly ConfigError[]): void => {
    errors.push(...e);
    if (c.id.name && !loaded.has(c.id.name) && !refused.has(c.id.name)) refused.set(c.id.name, c.id.object);
  };
  for (const c of [...candidates].sort(byIdentity)) {
    const value = c.value as T | undefined;
    if (value === undefined || c.errors.length > 0) {
      refuse(c, c.errors);
      continue;
    }
    const other = loaded.get(c.id.name);
    if (other) {
      refuse(c, [
        {
          object: c.id.object,
          field: 'metadata.name',
          message: `${other.object} has the same name and is loaded; ${why}, so this one is not`,
        },
      ]);
      continue;
    }
    const clashes = take ? take(c, value) : [];
    if (clashes.length > 0) {
      refuse(c, clashes);
      continue;
    }
    loaded.set(c.id.name, { value, object: c.id.object });
    refused.delete(c.id.name);
  }
  return { loaded, refused, errors };
}

/** The loaded values alone, by name, in name order. */
export const valuesByName = <T>(r: LoadResult<T>): ReadonlyMap<string, T> =>
  new Map([...r.loaded].map(([name, l]) => [name, l.value]));
