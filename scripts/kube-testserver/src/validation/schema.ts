import type { StatusCause } from '../types';
import {
  forbidden,
  goNumber,
  goQuote,
  goRaw,
  invalidValue,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
  type GoValue,
} from './fielderrors';
import { asArr, asNum, asObj, asStr, clone, deepEqual, isObj, jsonTypeOf, type Obj } from './json';
import { parseCIDR, parseIP } from './net';

/**
 * Structural schemas of custom resources: defaulting, pruning and validation as apiextensions-apiserver does them
 * (structuraldefaulting, structuralpruning, kube-openapi's validator as mapped by ValidateCustomResource), with the
 * same texts. `x-kubernetes-validations` (CEL) is not evaluated: those rules are accepted and ignored.
 *
 * One known difference: the real validator walks `properties` in Go map order, which is random per request (082's
 * causes come out priority, addresses, mode); this walker uses sorted property names, so the set of causes matches
 * but their order may not.
 */

export interface CompiledSchema {
  /** Applies `default`s (request bodies and objects read from storage alike), then drops non-nullable nulls. */
  default(obj: unknown): void;
  /** Drops fields the schema does not know, never apiVersion/kind/metadata of the object or an embedded resource. */
  prune(obj: unknown): void;
  /** Schema violations, worded like the real server (`spec.x in body must be of type boolean: "string"`). */
  validate(obj: unknown): StatusCause[];
}

type Schema = Obj;

const props = (s: Schema): Obj => asObj(s.properties) ?? {};
const additional = (s: Schema): Schema | undefined => asObj(s.additionalProperties);
const preserves = (s: Schema): boolean =>
  s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true;
const embedded = (s: Schema): boolean => s['x-kubernetes-embedded-resource'] === true;
const intOrString = (s: Schema): boolean => s['x-kubernetes-int-or-string'] === true;
const sortedKeys = (o: Obj): string[] => Object.keys(o).sort();
const childName = (name: string, k: string): string => (name ? `${name}.${k}` : k);
const TYPE_META = ['apiVersion', 'kind', 'metadata'];

function applyDefaults(v: unknown, s: Schema): void {
  if (isObj(v)) {
    const ps = props(s);
    for (const k of sortedKeys(ps)) {
      const p = asObj(ps[k]);
      if (!p || p.default === undefined) continue;
      if (!(k in v) || (v[k] === null && p.nullable !== true)) v[k] = clone(p.default);
    }
    for (const k of sortedKeys(ps)) {
      const p = asObj(ps[k]);
      if (p && k in v) applyDefaults(v[k], p);
    }
    const ap = additional(s);
    if (ap) for (const k of Object.keys(v)) if (!(k in ps)) applyDefaults(v[k], ap);
    // PruneNonNullableNullsWithoutDefaults.
    for (const k of Object.keys(v)) {
      const p = asObj(ps[k]) ?? (k in ps ? undefined : ap);
      if (p && v[k] === null && p.nullable !== true && p.default === undefined) delete v[k];
    }
  } else if (Array.isArray(v)) {
    const items = asObj(s.items);
    if (items) for (const item of v) applyDefaults(item, items);
  }
}

function prune(v: unknown, s: Schema, root: boolean): void {
  if (isObj(v)) {
    const ps = props(s);
    const ap = additional(s);
    const keepTypeMeta = root || embedded(s);
    for (const k of Object.keys(v)) {
      if (keepTypeMeta && TYPE_META.includes(k)) {
        // metadata is ObjectMeta (coerced by the server), never pruned by the schema.
        if (k !== 'metadata' && isObj(ps[k])) prune(v[k], ps[k] as Schema, false);
        continue;
      }
      const p = asObj(ps[k]);
      if (p) prune(v[k], p, false);
      else if (ap) prune(v[k], ap, false);
      else if (!preserves(s)) delete v[k];
    }
  } else if (Array.isArray(v)) {
    const items = asObj(s.items);
    if (items) for (const item of v) prune(item, items, false);
  }
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{2}[:-]){7}([0-9A-Fa-f]{2})$/;
const DURATION = /^(\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The formats Kubernetes checks; any other format name is accepted without a check, as the real server does. */
function formatOK(format: string, v: string): boolean {
  switch (format) {
    case 'ipv4':
      return parseIP(v)?.family === 'IPv4' && !v.includes(':');
    case 'ipv6':
      return !!parseIP(v) && v.includes(':');
    case 'cidr':
      return parseCIDR(v) !== null;
    case 'date-time':
    case 'datetime':
      return DATE_TIME.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T')));
    case 'date':
      return DATE.test(v) && !Number.isNaN(Date.parse(v));
    case 'uuid':
    case 'uuid3':
    case 'uuid4':
    case 'uuid5':
      return UUID.test(v);
    case 'byte':
      return BASE64.test(v);
    case 'mac':
      return MAC.test(v);
    case 'duration':
      return DURATION.test(v);
    case 'hostname':
      return HOSTNAME.test(v);
    case 'email':
      return EMAIL.test(v);
    case 'uri':
      try {
        return new URL(v).protocol.length > 0;
      } catch {
        return false;
      }
    default:
      return true;
  }
}

/** err.Value as the validator carries it: JSON scalars print like Go, composites as JSON. */
function goValueOf(v: unknown): GoValue {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return v;
  return goRaw(JSON.stringify(v));
}

function enumText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function validateNode(v: unknown, s: Schema, name: string, out: StatusCause[]): void {
  const type = asStr(s.type) ?? '';
  if (v === null || v === undefined) {
    if (s.nullable === true) return;
    if (type) out.push(typeInvalid(name, 'null', `${name} in body must be of type ${type}: "null"`));
    else if (intOrString(s))
      out.push(typeInvalid(name, 'null', `${name} in body must be of type integer,string: "null"`));
    return;
  }
  const actual = jsonTypeOf(v);
  if (intOrString(s)) {
    if (actual !== 'integer' && actual !== 'string')
      out.push(typeInvalid(name, actual, `${name} in body must be of type integer,string: ${goQuote(actual)}`));
  } else if (type && !(type === actual || (type === 'number' && actual === 'integer'))) {
    out.push(typeInvalid(name, actual, `${name} in body must be of type ${type}: ${goQuote(actual)}`));
  }

  if (typeof v === 'string') {
    const max = asNum(s.maxLength);
    if (max !== undefined && [...v].length > max) out.push(tooLong(name, max));
    const min = asNum(s.minLength);
    if (min !== undefined && [...v].length < min)
      out.push(invalidValue(name, v, `${name} in body should be at least ${min} chars long`));
    const pattern = asStr(s.pattern);
    if (pattern !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(v)) out.push(invalidValue(name, v, `${name} in body should match '${pattern}'`));
    }
    const format = asStr(s.format);
    if (format && !formatOK(format, v))
      out.push(typeInvalid(name, v, `${name} in body must be of type ${format}: ${goQuote(v)}`));
  }

  if (typeof v === 'number') {
    const multipleOf = asNum(s.multipleOf);
    if (multipleOf !== undefined && multipleOf > 0 && !Number.isInteger(v / multipleOf))
      out.push(invalidValue(name, v, `${name} in body should be a multiple of ${goNumber(multipleOf)}`));
    const max = asNum(s.maximum);
    if (max !== undefined) {
      const excl = s.exclusiveMaximum === true;
      if (excl ? v >= max : v > max)
        out.push(
          invalidValue(name, v, `${name} in body should be less than ${excl ? '' : 'or equal to '}${goNumber(max)}`),
        );
    }
    const min = asNum(s.minimum);
    if (min !== undefined) {
      const excl = s.exclusiveMinimum === true;
      if (excl ? v <= min : v < min)
        out.push(
          invalidValue(name, v, `${name} in body should be greater than ${excl ? '' : 'or equal to '}${goNumber(min)}`),
        );
    }
  }

  if (Array.isArray(v)) {
    const max = asNum(s.maxItems);
    if (max !== undefined && v.length > max) out.push(tooMany(name, v.length, max));
    const min = asNum(s.minItems);
    if (min !== undefined && v.length < min)
      out.push(invalidValue(name, v.length, `${name} in body should have at least ${min} items`));
    const items = asObj(s.items);
    if (items) v.forEach((item, i) => validateNode(item, items, `${name}[${i}]`, out));
    validateListType(v, s, name, out);
  }

  const en = asArr(s.enum);
  if (en && !en.some((e) => deepEqual(e, v))) out.push(notSupported(name, goValueOf(v), en.map(enumText)));

  validateCombinators(v, s, name, out);

  if (isObj(v)) {
    const n = Object.keys(v).length;
    const maxP = asNum(s.maxProperties);
    if (maxP !== undefined && n > maxP) out.push(tooMany(name, n, maxP));
    const minP = asNum(s.minProperties);
    if (minP !== undefined && n < minP)
      out.push(invalidValue(name, n, `${name} in body should have at least ${minP} properties`));
    const ps = props(s);
    const ap = additional(s);
    if (ap) for (const k of Object.keys(v)) if (!(k in ps)) validateNode(v[k], ap, childName(name, k), out);
    for (const k of sortedKeys(ps)) {
      const p = asObj(ps[k]);
      if (!p || !(k in v)) continue;
      // The object's own metadata is ObjectMeta, validated as such, not by the schema.
      if (name === '' && k === 'metadata') continue;
      validateNode(v[k], p, childName(name, k), out);
    }
    for (const k of (asArr(s.required) ?? []).map(String)) if (!(k in v)) out.push(required(childName(name, k)));
    if (embedded(s)) {
      if (!asStr(v.kind)) out.push(required(childName(name, 'kind'), 'must not be empty'));
      if (!asStr(v.apiVersion)) out.push(required(childName(name, 'apiVersion'), 'must not be empty'));
    }
  }
}

/** x-kubernetes-list-type set/map: duplicates are refused (structurallisttype.ValidateListSetsAndMaps). */
function validateListType(v: unknown[], s: Schema, name: string, out: StatusCause[]): void {
  const listType = asStr(s['x-kubernetes-list-type']);
  if (listType === 'set') {
    v.forEach((item, i) => {
      if (v.slice(0, i).some((prev) => deepEqual(prev, item)))
        out.push({
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: ${renderListValue(item)}`,
          field: `${name}[${i}]`,
        });
    });
  } else if (listType === 'map') {
    const keys = (asArr(s['x-kubernetes-list-map-keys']) ?? []).map(String);
    const seen: Obj[] = [];
    v.forEach((item, i) => {
      if (!isObj(item)) return;
      const k: Obj = {};
      for (const key of keys) k[key] = item[key] ?? null;
      if (seen.some((prev) => deepEqual(prev, k)))
        out.push({
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: ${renderListKey(k)}`,
          field: `${name}[${i}]`,
        });
      seen.push(k);
    });
  }
}

const renderListValue = (v: unknown): string => (typeof v === 'string' ? goQuote(v) : JSON.stringify(v));
const renderListKey = (k: Obj): string =>
  `map[string]interface {}{${sortedKeys(k)
    .map((key) => `${goQuote(key)}:${renderListValue(k[key])}`)
    .join(', ')}}`;

function passes(v: unknown, s: Schema, name: string): boolean {
  const sub: StatusCause[] = [];
  validateNode(v, s, name, sub);
  return sub.length === 0;
}

/** allOf/anyOf/oneOf/not carry value validations only in structural schemas. */
function validateCombinators(v: unknown, s: Schema, name: string, out: StatusCause[]): void {
  for (const sub of (asArr(s.allOf) ?? []).filter(isObj)) validateNode(v, sub, name, out);
  const anyOf = (asArr(s.anyOf) ?? []).filter(isObj);
  if (anyOf.length && !anyOf.some((sub) => passes(v, sub, name)))
    out.push(invalidValue(name, goValueOf(v), `${name} in body must validate at least one schema (anyOf)`));
  const oneOf = (asArr(s.oneOf) ?? []).filter(isObj);
  if (oneOf.length && oneOf.filter((sub) => passes(v, sub, name)).length !== 1)
    out.push(invalidValue(name, goValueOf(v), `${name} in body must validate one and only one schema (oneOf)`));
  const not = asObj(s.not);
  if (not && passes(v, not, name))
    out.push(invalidValue(name, goValueOf(v), `${name} in body must not validate the schema (not)`));
}

export function compileSchema(openAPIV3Schema: unknown): CompiledSchema {
  const root: Schema = clone(asObj(openAPIV3Schema) ?? {});
  return {
    default(obj) {
      applyDefaults(obj, root);
    },
    prune(obj) {
      prune(obj, root, true);
    },
    validate(obj) {
      const out: StatusCause[] = [];
      validateNode(obj, root, '', out);
      return out;
    },
  };
}

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

type Level = 'root' | 'item' | 'field';

/**
 * The CRD-side checks of a schema: OpenAPI rules the API server refuses, then the structural-schema invariants
 * (validateStructuralInvariants), worded as the real server words them. `path` is the schema's own field path.
 */
export function validateStructuralSchema(schema: unknown, path: string): StatusCause[] {
  const s = asObj(schema);
  if (!s) return [required(path, 'schemas are required')];
  const api: StatusCause[] = [];
  openAPIChecks(s, path, api);
  if (api.length) return api;
  const out: StatusCause[] = [];
  structural(s, 'root', path, out);
  defaultsValid(s, path, out);
  return out;
}

function openAPIChecks(s: Schema, path: string, out: StatusCause[]): void {
  const type = s.type;
  if (type !== undefined && !OPENAPI_TYPES.includes(String(type)))
    out.push(notSupported(`${path}.type`, String(type), OPENAPI_TYPES));
  if (s.uniqueItems === true)
    out.push(
      forbidden(
        `${path}.uniqueItems`,
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  if (s.$ref !== undefined) out.push(forbidden(`${path}.$ref`, '$ref is not supported'));
  if (s.additionalProperties !== undefined && s.properties !== undefined)
    out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  if (s.additionalProperties === false)
    out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties cannot be set to false'));
  if (s['x-kubernetes-preserve-unknown-fields'] === false)
    out.push(invalidValue(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  const ps = props(s);
  for (const k of sortedKeys(ps)) {
    const p = asObj(ps[k]);
    if (p) openAPIChecks(p, `${path}.properties[${k}]`, out);
  }
  const items = asObj(s.items);
  if (items) openAPIChecks(items, `${path}.items`, out);
  else if (Array.isArray(s.items))
    out.push(forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  const ap = additional(s);
  if (ap) openAPIChecks(ap, `${path}.additionalProperties`, out);
}

function structural(s: Schema, level: Level, path: string, out: StatusCause[]): void {
  const type = asStr(s.type) ?? '';
  if (type === 'array' && !isObj(s.items)) out.push(required(`${path}.items`, 'must be specified'));
  const items = asObj(s.items);
  if (items) structural(items, 'item', `${path}.items`, out);
  const ps = props(s);
  for (const k of sortedKeys(ps)) {
    const p = asObj(ps[k]);
    if (p) structural(p, 'field', `${path}.properties[${k}]`, out);
  }
  const ap = additional(s);
  if (ap) structural(ap, 'field', `${path}.additionalProperties`, out);
  if (intOrString(s) && s['x-kubernetes-preserve-unknown-fields'] === true)
    out.push(
      invalidValue(
        `${path}.x-kubernetes-preserve-unknown-fields`,
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  if (intOrString(s) && embedded(s))
    out.push(
      invalidValue(
        `${path}.x-kubernetes-embedded-resource`,
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  if (embedded(s) && type !== 'object') {
    if (!type) out.push(required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else out.push(invalidValue(`${path}.type`, type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!type && !embedded(s) && !intOrString(s)) {
    const why =
      level === 'root'
        ? 'must not be empty at the root'
        : level === 'item'
          ? 'must not be empty for specified array items'
          : 'must not be empty for specified object fields';
    out.push(required(`${path}.type`, why));
  }
  if (level === 'root' && type && type !== 'object')
    out.push(invalidValue(`${path}.type`, type, 'must be object at the root'));
  const checkMeta = level === 'root' || embedded(s);
  if (checkMeta) {
    const kind = asObj(ps.kind);
    if (kind && kind.type !== 'string')
      out.push(invalidValue(`${path}.properties[kind].type`, asStr(kind.type) ?? '', 'must be string'));
    const apiVersion = asObj(ps.apiVersion);
    if (apiVersion && apiVersion.type !== 'string')
      out.push(invalidValue(`${path}.properties[apiVersion].type`, asStr(apiVersion.type) ?? '', 'must be string'));
    const metadata = asObj(ps.metadata);
    if (metadata && metadata.type !== 'object')
      out.push(invalidValue(`${path}.properties[metadata].type`, asStr(metadata.type) ?? '', 'must be object'));
  }
  const metadata = asObj(ps.metadata);
  if (level === 'root' && metadata) {
    const extra = Object.keys(metadata).filter((k) => k !== 'type' && k !== 'properties' && k !== 'description');
    const names = Object.keys(props(metadata)).filter((k) => k !== 'name' && k !== 'generateName');
    if (extra.length || names.length)
      out.push(
        forbidden(
          `${path}.properties[metadata]`,
          'must not specify anything other than name and generateName, but metadata is implicitly specified',
        ),
      );
  }
  if (embedded(s) && !preserves(s) && Object.keys(ps).length === 0)
    out.push(
      required(
        `${path}.properties`,
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
}

/** Defaults must themselves validate against their schema (and survive pruning). */
function defaultsValid(s: Schema, path: string, out: StatusCause[]): void {
  if (s.default !== undefined) {
    const sub: StatusCause[] = [];
    const value = clone(s.default);
    validateNode(value, s, 'default', sub);
    for (const c of sub) out.push({ ...c, field: `${path}.${c.field ?? 'default'}` });
  }
  const ps = props(s);
  for (const k of sortedKeys(ps)) {
    const p = asObj(ps[k]);
    if (p) defaultsValid(p, `${path}.properties[${k}]`, out);
  }
  const items = asObj(s.items);
  if (items) defaultsValid(items, `${path}.items`, out);
  const ap = additional(s);
  if (ap) defaultsValid(ap, `${path}.additionalProperties`, out);
}

/** Sorts `properties` keys recursively: the real server stores the schema from Go maps, so they read sorted. */
export function canonicalSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(canonicalSchema);
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  for (const [k, v] of Object.entries(schema)) {
    if ((k === 'properties' || k === 'definitions' || k === 'patternProperties') && isObj(v)) {
      const sortedProps: Obj = {};
      for (const pk of sortedKeys(v)) sortedProps[pk] = canonicalSchema(v[pk]);
      out[k] = sortedProps;
    } else if (k === 'default' || k === 'enum' || k === 'example') out[k] = v;
    else out[k] = canonicalSchema(v);
  }
  return out;
}
