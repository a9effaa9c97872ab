import { randomInt } from 'node:crypto';
import { badRequest } from '../errors';
import type { KubeObject, StatusCause } from '../types';
import {
  FIELD_IMMUTABLE,
  child,
  forbidden,
  goRaw,
  goStringSlice,
  invalidValue,
  required,
  tooLong,
  type GoValue,
} from './fielderrors';
import { asArr, asNum, asStr, isObj } from './json';

/**
 * ObjectMeta rules of apimachinery (pkg/api/validation/objectmeta.go) and the name formats of
 * pkg/util/validation, with the server's exact texts.
 */

export const maxLenError = (n: number): string => `must be no more than ${n} characters`;

/** RegexError: note the two spaces in `'my-name',  or 'abc-123'`; the real server prints exactly that. */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) out += ' or ';
    out += `'${e}', `;
  });
  return `${out}regex used for validation is '${re}')`;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1123Label = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const dns1123Subdomain = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const dns1035Label = new RegExp(`^${DNS1035_LABEL_FMT}$`);

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!dns1123Label.test(v)) {
    if (dns1123Subdomain.test(v)) errs.push('must not contain dots');
    else
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          DNS1123_LABEL_FMT,
          'my-name',
          '123-abc',
        ),
      );
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!dns1123Subdomain.test(v))
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!dns1035Label.test(v))
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL_FMT,
        'my-name',
        'abc-123',
      ),
    );
  return errs;
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKeyName = new RegExp(`^${LABEL_KEY_FMT}$`);
const labelValue = new RegExp(`^(${LABEL_KEY_FMT})?$`);

/** IsQualifiedName: label keys, annotation keys, finalizers, appProtocol. */
export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!labelKeyName.test(name))
    errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!labelValue.test(v))
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        `(${LABEL_KEY_FMT})?`,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  return errs;
}

/** `prefix` is true for generateName, where a trailing dash is allowed because random characters follow. */
export type NameValidator = (name: string, prefix: boolean) => string[];

const maskTrailingDash = (name: string): string =>
  name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;

export const nameIsDNSSubdomain: NameValidator = (n, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(n) : n);
export const nameIsDNSLabel: NameValidator = (n, prefix) => isDNS1123Label(prefix ? maskTrailingDash(n) : n);
export const nameIsDNS1035Label: NameValidator = (n, prefix) => isDNS1035Label(prefix ? maskTrailingDash(n) : n);

/** path.IsValidPathSegmentName: RBAC names (`system:controller:x`) and the generic fallback. */
export const pathSegmentName: NameValidator = (n, prefix) => {
  const errs: string[] = [];
  if (!prefix) {
    if (n === '.' || n === '..') errs.push(`may not be '${n}'`);
  }
  for (const bad of ['/', '%']) if (n.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};

export function validateLabels(labels: unknown, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!isObj(labels)) return causes;
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) causes.push(invalidValue(field, k, msg));
    const value = typeof v === 'string' ? v : String(v);
    for (const msg of isValidLabelValue(value)) causes.push(invalidValue(field, value, msg));
  }
  return causes;
}

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateAnnotations(annotations: unknown, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!isObj(annotations)) return causes;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    // The rule is QualifiedName except that case does not matter.
    for (const msg of isQualifiedName(k.toLowerCase())) causes.push(invalidValue(field, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) causes.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return causes;
}

export function validateFinalizers(finalizers: unknown, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const list = asArr(finalizers);
  if (!list) return causes;
  const names = list.map((f) => (typeof f === 'string' ? f : String(f)));
  for (const f of names) for (const msg of isQualifiedName(f)) causes.push(invalidValue(field, f, msg));
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    causes.push(
      invalidValue(field, goStringSlice(names), 'finalizer orphan and foregroundDeletion cannot be both set'),
    );
  }
  return causes;
}

export function validateOwnerReferences(refs: unknown, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const list = asArr(refs);
  if (!list) return causes;
  const controllers: string[] = [];
  for (const r of list) {
    if (!isObj(r)) continue;
    const apiVersion = asStr(r.apiVersion) ?? '';
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
    if (!version) causes.push(invalidValue(child(field, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!asStr(r.kind)) causes.push(invalidValue(child(field, 'kind'), asStr(r.kind) ?? '', 'must not be empty'));
    if (!asStr(r.name)) causes.push(invalidValue(child(field, 'name'), asStr(r.name) ?? '', 'must not be empty'));
    if (!asStr(r.uid)) causes.push(invalidValue(child(field, 'uid'), asStr(r.uid) ?? '', 'must not be empty'));
    if (r.controller === true) controllers.push(`${asStr(r.kind) ?? ''}/${asStr(r.name) ?? ''}`);
  }
  if (controllers.length > 1) {
    causes.push(
      invalidValue(
        field,
        goRaw('[]v1.OwnerReference{...}'),
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`,
      ),
    );
  }
  return causes;
}

export interface MetaRules {
  namespaced: boolean;
  name: NameValidator;
}

/** ValidateObjectMeta for a create: name (or generateName), namespace scope, labels, annotations, owners, finalizers. */
export function validateObjectMeta(meta: unknown, rules: MetaRules, path = 'metadata'): StatusCause[] {
  const m = isObj(meta) ? meta : {};
  const causes: StatusCause[] = [];
  const generateName = asStr(m.generateName) ?? '';
  const name = asStr(m.name) ?? '';
  if (generateName) {
    for (const msg of rules.name(generateName, true))
      causes.push(invalidValue(child(path, 'generateName'), generateName, msg));
  }
  if (!name) causes.push(required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of rules.name(name, false)) causes.push(invalidValue(child(path, 'name'), name, msg));
  const namespace = asStr(m.namespace) ?? '';
  if (rules.namespaced) {
    if (!namespace) causes.push(required(child(path, 'namespace')));
    else
      for (const msg of nameIsDNSLabel(namespace, false))
        causes.push(invalidValue(child(path, 'namespace'), namespace, msg));
  } else if (namespace) {
    causes.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  const generation = asNum(m.generation);
  if (generation !== undefined && generation < 0)
    causes.push(invalidValue(child(path, 'generation'), generation, 'must be greater than or equal to 0'));
  causes.push(...validateLabels(m.labels, child(path, 'labels')));
  causes.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  causes.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')));
  causes.push(...validateFinalizers(m.finalizers, child(path, 'finalizers')));
  return causes;
}

const immutable = (field: string, now: unknown, before: unknown): StatusCause[] =>
  now === before ? [] : [invalidValue(field, (now ?? null) as GoValue, FIELD_IMMUTABLE)];

/**
 * ValidateObjectMetaUpdate. The resourceVersion "must be specified for an update" rule is left out: the real
 * store copies the stored resourceVersion into unconditional updates before validating, and that is the server's step.
 */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, path = 'metadata'): StatusCause[] {
  const m = isObj(meta) ? meta : {};
  const o = isObj(oldMeta) ? oldMeta : {};
  const causes: StatusCause[] = [];
  if (o.deletionTimestamp) {
    const before = new Set((asArr(o.finalizers) ?? []).map(String));
    const added = (asArr(m.finalizers) ?? []).map(String).filter((f) => !before.has(f));
    if (added.length)
      causes.push(
        forbidden(
          child(path, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added).text}`,
        ),
      );
  }
  const gen = asNum(m.generation) ?? 0;
  if (gen < (asNum(o.generation) ?? 0))
    causes.push(invalidValue(child(path, 'generation'), gen, 'must not be decremented'));
  causes.push(...immutable(child(path, 'name'), m.name, o.name));
  causes.push(...immutable(child(path, 'namespace'), m.namespace, o.namespace));
  causes.push(...immutable(child(path, 'uid'), m.uid, o.uid));
  causes.push(...immutable(child(path, 'creationTimestamp'), m.creationTimestamp, o.creationTimestamp));
  causes.push(...immutable(child(path, 'deletionTimestamp'), m.deletionTimestamp, o.deletionTimestamp));
  causes.push(
    ...immutable(child(path, 'deletionGracePeriodSeconds'), m.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds),
  );
  causes.push(...validateLabels(m.labels, child(path, 'labels')));
  causes.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  causes.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')));
  causes.push(...validateFinalizers(m.finalizers, child(path, 'finalizers')));
  return causes;
}

/** utilrand's alphabet: no vowels (no accidental words) and no look-alikes (0/o, 1/l). */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_BASE = 63 - 5;

/** SimpleNameGenerator: the base cut to 58 characters, then five random characters. */
export function generateName(base: string, random: (n: number) => number = randomInt): string {
  const cut = base.length > MAX_GENERATED_BASE ? base.slice(0, MAX_GENERATED_BASE) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_SUFFIX_ALPHABET[random(NAME_SUFFIX_ALPHABET.length)];
  return cut + suffix;
}

/** Fills metadata.name from generateName, as the store does before anything else looks at the object. */
export function ensureGeneratedName(obj: KubeObject): void {
  const meta = obj.metadata;
  if (!meta) return;
  if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
}

/**
 * EnsureObjectNamespaceMatchesRequestNamespace: fills an empty namespace from the URL, clears it on cluster-scoped
 * kinds, and refuses a body namespace that disagrees with the URL (400, the real text).
 */
export function ensureNamespace(obj: KubeObject, requestNamespace: string, namespaced: boolean): void {
  const meta = obj.metadata ?? (obj.metadata = {});
  const expected = namespaced ? requestNamespace : '';
  const actual = meta.namespace ?? '';
  if (actual === expected) return;
  if (actual === '') {
    if (expected) meta.namespace = expected;
    return;
  }
  if (expected === '') {
    delete meta.namespace;
    return;
  }
  throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

/**
 * What rest.BeforeUpdate carries over from the stored object whatever the client sent: the creation time, the uid
 * when omitted, and a deletion already in progress.
 */
export function carryServerMeta(obj: KubeObject, old: KubeObject): void {
  const meta = obj.metadata ?? (obj.metadata = {});
  const prev = old.metadata ?? {};
  if (!meta.uid && prev.uid) meta.uid = prev.uid;
  if (prev.creationTimestamp) meta.creationTimestamp = prev.creationTimestamp;
  if (prev.deletionTimestamp) meta.deletionTimestamp = prev.deletionTimestamp;
  if (prev.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds === undefined)
    meta.deletionGracePeriodSeconds = prev.deletionGracePeriodSeconds;
}
