import type { Json, JsonObject } from '../types';
import { FieldSet, fieldPE, indexPE, keyPE, valuePE, type FieldPath, type PathElement } from './fieldpath';
import { fieldType, isDeclaredField, itemType, view, type ListInfo, type TypeNode, type View } from './typeinfo';

/**
 * Typed walks over JSON values, after structured-merge-diff's: the diff that decides which fields an update owns,
 * the field set of an applied configuration, and removal of owned paths.
 */

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The path element of a list item: its keys for a list-map, its value for a set, else its position. */
export function itemPE(list: ListInfo, item: Json, index: number): PathElement {
  if (list.listType === 'set') return valuePE(item);
  if (list.listType === 'map' && isObject(item)) {
    const keys: Record<string, Json> = {};
    for (const k of list.keys) {
      const v = item[k] !== undefined ? item[k] : list.keyDefaults[k];
      // An item without a key field cannot be addressed by key; the server fails the write in validation anyway.
      if (v === undefined) return indexPE(index);
      keys[k] = v;
    }
    return keyPE(keys);
  }
  return indexPE(index);
}

/** Items of a granular list by path element; a repeated element keeps its first item (validation rejects repeats). */
export function indexItems(list: ListInfo, items: Json[]): Map<PathElement, Json> {
  const out = new Map<PathElement, Json>();
  items.forEach((item, i) => {
    const pe = itemPE(list, item, i);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

/** The view of a pair of values: the first non-null side decides; disagreeing shapes compare as leaves. */
function pairView(node: TypeNode, l: Json | undefined, r: Json | undefined): View {
  const lv = l === undefined || l === null ? undefined : view(node, l);
  const rv = r === undefined || r === null ? undefined : view(node, r);
  if (lv && rv && lv.kind !== rv.kind) return { kind: 'leaf' };
  return lv ?? rv ?? { kind: 'leaf' };
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Which paths differ between two objects. Leaves (scalars, atomic lists and maps, and containers that are empty on both
 * sides) are added, removed or modified; a container that appears or disappears is itself added or removed, which is
 * what gives `".": {}` to `f:labels` or a new port item, and not to `f:spec` that exists (empty) in the zero object.
 */
export function compare(lhs: Json | undefined, rhs: Json | undefined, node: TypeNode): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare([], lhs, rhs, node, c);
  return c;
}

function walkCompare(path: PathElement[], l: Json | undefined, r: Json | undefined, node: TypeNode, c: Comparison) {
  if (l === undefined && r === undefined) return;
  const v = pairView(node, l, r);
  const leaf = () => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
  };
  if (v.kind === 'leaf') return leaf();
  if (v.kind === 'fields') {
    const lm = isObject(l) ? l : {};
    const rm = isObject(r) ? r : {};
    if (Object.keys(lm).length === 0 && Object.keys(rm).length === 0) return leaf();
    const keys = new Set([...Object.keys(lm), ...Object.keys(rm)]);
    for (const k of keys) walkCompare([...path, fieldPE(k)], lm[k], rm[k], fieldType(v.node, k), c);
  } else {
    const ll = Array.isArray(l) ? l : [];
    const rl = Array.isArray(r) ? r : [];
    if (ll.length === 0 && rl.length === 0) return leaf();
    const li = indexItems(v.list, ll);
    const ri = indexItems(v.list, rl);
    const pes = new Set([...li.keys(), ...ri.keys()]);
    for (const pe of pes) walkCompare([...path, pe], li.get(pe), ri.get(pe), v.items, c);
  }
  if (path.length === 0) return;
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

/**
 * The field set of an applied configuration (ToFieldSet): every leaf, every list item, every map element, and every
 * field whose value is null or an empty object; but not a declared struct field that has children.
 */
export function toFieldSet(value: Json, node: TypeNode): FieldSet {
  const s = new FieldSet();
  walkSet([], value, node, s);
  return s;
}

function walkSet(path: PathElement[], value: Json, node: TypeNode, s: FieldSet): void {
  const v = value === null ? ({ kind: 'leaf' } as View) : view(node, value);
  if (v.kind === 'leaf') {
    s.insert(path);
    return;
  }
  if (v.kind === 'fields' && isObject(value)) {
    for (const [k, child] of Object.entries(value)) {
      const p = [...path, fieldPE(k)];
      walkSet(p, child, fieldType(v.node, k), s);
      if (child === null || (isObject(child) && Object.keys(child).length === 0) || !isDeclaredField(v.node, k)) {
        s.insert(p);
      }
    }
  } else if (v.kind === 'list' && Array.isArray(value)) {
    value.forEach((item, i) => {
      const p = [...path, itemPE(v.list, item, i)];
      walkSet(p, item, v.items, s);
      s.insert(p);
    });
  }
}

/**
 * EnsureNamedFieldsAreMembers: a set owning `spec.x` also counts `spec` as a member when `spec` is a declared field,
 * but never a map key or a list item. Pruning uses it so that a struct emptied of owned fields can go.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, node: TypeNode): FieldSet {
  const out = new FieldSet();
  for (const m of set.members) out.members.add(m);
  for (const [pe, child] of set.children) {
    const childNode = childTypeOf(node, pe);
    if (pe.startsWith('f:') && isStructLike(node) && isDeclaredField(node, pe.slice(2))) out.members.add(pe);
    out.children.set(pe, ensureNamedFieldsAreMembers(child, childNode));
  }
  return out;
}

const isStructLike = (node: TypeNode): boolean => node.t === 'struct' || node.t === 'any';

function childTypeOf(node: TypeNode, pe: PathElement): TypeNode {
  return pe.startsWith('f:') ? fieldType(node, pe.slice(2)) : itemType(node);
}

/** A copy of `value` without the paths of `set` (a removed member takes its whole subtree). */
export function removeItems(value: Json, set: FieldSet, node: TypeNode): Json {
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, child] of Object.entries(value)) {
      const pe = fieldPE(k);
      if (set.members.has(pe)) continue;
      const sub = set.children.get(pe);
      out[k] = sub ? removeItems(child, sub, fieldType(node, k)) : child;
    }
    return out;
  }
  if (Array.isArray(value) && node.t === 'list' && node.listType !== 'atomic') {
    const out: Json[] = [];
    value.forEach((item, i) => {
      const pe = itemPE(node, item, i);
      if (set.members.has(pe)) return;
      const sub = set.children.get(pe);
      out.push(sub ? removeItems(item, sub, node.items) : item);
    });
    return out;
  }
  return value;
}

/** The value at a path, or undefined. */
export function valueAt(value: Json | undefined, path: FieldPath, node: TypeNode): Json | undefined {
  let cur = value;
  let n = node;
  for (const pe of path) {
    if (cur === undefined) return undefined;
    if (pe.startsWith('f:')) {
      if (!isObject(cur)) return undefined;
      cur = cur[pe.slice(2)];
      n = fieldType(n, pe.slice(2));
    } else {
      if (!Array.isArray(cur) || n.t !== 'list') return undefined;
      cur = indexItems(n, cur).get(pe);
      n = n.items;
    }
  }
  return cur;
}
