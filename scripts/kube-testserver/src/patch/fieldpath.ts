import type { Json, JsonObject } from '../types';

/**
 * Field sets in the notation of structured-merge-diff, the library behind managedFields.
 *
 * A path is a list of serialised path elements, exactly as they appear as keys of `fieldsV1`:
 * `f:name` (a field or map key), `k:{"port":80,"protocol":"TCP"}` (an item of a list-map, keys sorted by name),
 * `v:"x"` (an item of a set) and `i:3` (an item of a list addressed by position). Keeping the serialised form
 * as the identity lets fieldsV1 round-trip byte for byte.
 */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

/** Compact JSON with object keys in the order given; how the server prints key values. */
export const compactJson = (v: Json): string => JSON.stringify(v);

export const fieldPE = (name: string): PathElement => `f:${name}`;
export const valuePE = (v: Json): PathElement => `v:${compactJson(v)}`;
export const indexPE = (i: number): PathElement => `i:${i}`;
/** A list-map item: key fields sorted by name, as structured-merge-diff sorts its FieldList. */
export function keyPE(keys: Record<string, Json>): PathElement {
  const sorted: JsonObject = {};
  for (const name of Object.keys(keys).sort(compareStrings)) sorted[name] = keys[name];
  return `k:${compactJson(sorted)}`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Type rank used by structured-merge-diff's value ordering: numbers, strings, bools, lists, maps, null. */
function rank(v: Json): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v === null) return 5;
  return 4;
}

export function compareValues(a: Json, b: Json): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return compareStrings(compactJson(a), compactJson(b));
}

const kindOrder: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** The order of PathElement.Compare: field names, then keys, then values, then indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
  const ka = kindOrder[a[0]] ?? 4;
  const kb = kindOrder[b[0]] ?? 4;
  if (ka !== kb) return ka - kb;
  const ra = a.slice(2);
  const rb = b.slice(2);
  switch (a[0]) {
    case 'f':
      return compareStrings(ra, rb);
    case 'i':
      return Number(ra) - Number(rb);
    case 'v':
      return compareValues(JSON.parse(ra) as Json, JSON.parse(rb) as Json);
    case 'k': {
      // FieldList.Compare: name by name, value by value, shorter first.
      const ea = Object.entries(JSON.parse(ra) as JsonObject);
      const eb = Object.entries(JSON.parse(rb) as JsonObject);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const n = compareStrings(ea[i][0], eb[i][0]);
        if (n !== 0) return n;
        const c = compareValues(ea[i][1], eb[i][1]);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    default:
      return compareStrings(a, b);
  }
}

/** Go's `%v` of a scalar inside a key, as fieldpath's String() prints it: strings quoted, the rest bare. */
function valueString(v: Json): string {
  return compactJson(v);
}

/** A path as conflict messages print it: `.spec.ports[port=80,protocol="TCP"].name`, `.metadata.finalizers[="x"]`. */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      const rest = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${rest}`;
        case 'k':
          return `[${Object.entries(JSON.parse(rest) as JsonObject)
            .map(([k, v]) => `${k}=${valueString(v)}`)
            .join(',')}]`;
        case 'v':
          return `[=${valueString(JSON.parse(rest) as Json)}]`;
        case 'i':
          return `[${rest}]`;
        default:
          return pe;
      }
    })
    .join('');
}

/**
 * A set of paths stored as structured-merge-diff stores it: `members` are the paths ending at this level,
 * `children` the subsets below. A path may be both (an item that is owned and has owned fields: `".": {}`).
 */
export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: FieldPath): void {
    if (path.length === 0) return;
    const parent = path.slice(0, -1).reduce<FieldSet>((node, pe) => node.child(pe), this);
    parent.members.add(path[path.length - 1]);
  }

  /** The subset under one element, created when missing. */
  child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  has(path: FieldPath): boolean {
    const node = this.descend(path.slice(0, -1));
    return !!node && path.length > 0 && node.members.has(path[path.length - 1]);
  }

  /** The subset under a path of children, if any. */
  private descend(path: FieldPath): FieldSet | undefined {
    return path.reduce<FieldSet | undefined>((node, pe) => node?.children.get(pe), this);
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  clone(): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) s.members.add(m);
    for (const [pe, c] of this.children) s.children.set(pe, c.clone());
    return s;
  }

  union(other: FieldSet): FieldSet {
    const s = this.clone();
    s.addAll(other);
    return s;
  }

  private addAll(other: FieldSet): void {
    for (const m of other.members) this.members.add(m);
    for (const [pe, c] of other.children) this.child(pe).addAll(c);
  }

  /** Paths of this set that are not paths of `other` (exact paths: a member of other removes only itself). */
  difference(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) s.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = other.children.get(pe);
      const d = oc ? c.difference(oc) : c.clone();
      if (!d.isEmpty()) s.children.set(pe, d);
    }
    return s;
  }

  /** Paths of this set that are also paths of `other`. */
  intersection(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (other.members.has(m)) s.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = other.children.get(pe);
      if (!oc) continue;
      const d = c.intersection(oc);
      if (!d.isEmpty()) s.children.set(pe, d);
    }
    return s;
  }

  /** Removes every path of this set that equals, or lies below, a member of `other`. */
  recursiveDifference(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) s.members.add(m);
    for (const [pe, c] of this.children) {
      if (other.members.has(pe)) continue;
      const oc = other.children.get(pe);
      const d = oc ? c.recursiveDifference(oc) : c.clone();
      if (!d.isEmpty()) s.children.set(pe, d);
    }
    return s;
  }

  /** Only the paths at or below `prefix` (keeping the prefix in the paths). */
  withPrefix(prefix: FieldPath): FieldSet {
    const s = new FieldSet();
    if (prefix.length === 0) return this.clone();
    const node = this.descend(prefix.slice(0, -1));
    if (!node) return s;
    const last = prefix[prefix.length - 1];
    let target: FieldSet = s;
    for (let i = 0; i < prefix.length - 1; i++) target = target.child(prefix[i]);
    if (node.members.has(last)) target.members.add(last);
    const c = node.children.get(last);
    if (c && !c.isEmpty()) target.children.set(last, c.clone());
    return s;
  }

  /** Every path, in the order of Set.Iterate: this level's members (sorted) first, then each child (sorted). */
  paths(prefix: PathElement[] = []): PathElement[][] {
    const out: PathElement[][] = [];
    for (const m of [...this.members].sort(comparePE)) out.push([...prefix, m]);
    for (const pe of [...this.children.keys()].sort(comparePE)) {
      out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** The `fieldsV1` object: keys sorted like the server, `"."` first where a path is both member and parent. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    const keys = new Set<PathElement>([
      ...this.members,
      ...[...this.children].filter(([, c]) => !c.isEmpty()).map(([k]) => k),
    ]);
    for (const pe of [...keys].sort(comparePE)) {
      const c = this.children.get(pe);
      if (c && !c.isEmpty()) {
        const inner: JsonObject = {};
        if (this.members.has(pe)) inner['.'] = {};
        Object.assign(inner, c.toFieldsV1());
        out[pe] = inner;
      } else {
        out[pe] = {};
      }
    }
    return out;
  }

  static fromFieldsV1(obj: Json | undefined): FieldSet {
    const s = new FieldSet();
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return s;
    for (const [pe, v] of Object.entries(obj)) {
      if (pe === '.') continue;
      const inner = v && typeof v === 'object' && !Array.isArray(v) ? v : {};
      const keys = Object.keys(inner);
      if (keys.length === 0 || '.' in inner) s.members.add(pe);
      if (keys.some((k) => k !== '.')) s.children.set(pe, FieldSet.fromFieldsV1(inner));
    }
    return s;
  }
}
