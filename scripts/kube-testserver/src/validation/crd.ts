import type { KubeObject, StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import {
  FIELD_IMMUTABLE,
  dedupe,
  forbidden,
  goRaw,
  goStringSlice,
  invalidValue,
  notSupported,
  required,
} from './fielderrors';
import { asArr, asNum, asObj, asStr, clone, ensureObj, isObj, type Obj } from './json';
import {
  ensureGeneratedName,
  isDNS1035Label,
  isDNS1123Subdomain,
  nameIsDNSSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './meta';
import { canonicalSchema, compileSchema, validateStructuralSchema, type CompiledSchema } from './schema';

/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1) and the strategy of the custom resources they define.
 * The create answer shows `status.conditions: null` and empty accepted names (080): the real server fills those in
 * asynchronously; `establishCRD` is that step, for the server to apply right after the create.
 */

const SCOPES = ['Cluster', 'Namespaced'];
const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const CONVERSION_STRATEGIES = ['None', 'Webhook'];

const versionsOf = (spec: Obj): Obj[] => (asArr(spec.versions) ?? []).filter(isObj);

/** SetDefaults_CustomResourceDefinitionSpec (+ conversion and served-version defaults). */
function defaultCRD(o: Obj): void {
  const spec = ensureObj(o, 'spec');
  const names = ensureObj(spec, 'names');
  const kind = asStr(names.kind) ?? '';
  if (!names.singular && kind) names.singular = kind.toLowerCase();
  if (!names.listKind && kind) names.listKind = `${kind}List`;
  if (!isObj(spec.conversion)) spec.conversion = { strategy: 'None' };
  const conversion = asObj(spec.conversion) ?? {};
  const svc = asObj(asObj(asObj(conversion.webhook)?.clientConfig)?.service);
  if (svc && svc.port === undefined) svc.port = 443;
  for (const v of versionsOf(spec)) {
    const schema = asObj(v.schema);
    if (schema && schema.openAPIV3Schema !== undefined)
      schema.openAPIV3Schema = canonicalSchema(schema.openAPIV3Schema);
  }
}

function storageVersion(spec: Obj): string | undefined {
  return asStr(versionsOf(spec).find((v) => v.storage === true)?.name);
}

function validateNames(names: Obj, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const check = (k: string, lower: boolean, prefix = ''): void => {
    const v = asStr(names[k]) ?? '';
    if (!v) return;
    const errs = isDNS1035Label(lower ? v.toLowerCase() : v);
    if (errs.length) causes.push(invalidValue(`${path}.${k}`, v, prefix + errs.join(',')));
  };
  check('plural', false);
  check('singular', false);
  check('kind', true, 'may have mixed case, but should otherwise match: ');
  check('listKind', true, 'may have mixed case, but should otherwise match: ');
  (asArr(names.shortNames) ?? []).forEach((s, i) => {
    const errs = isDNS1035Label(String(s));
    if (errs.length) causes.push(invalidValue(`${path}.shortNames[${i}]`, String(s), errs.join(',')));
  });
  if (names.kind && names.kind === names.listKind)
    causes.push(invalidValue(`${path}.listKind`, String(names.listKind), 'kind and listKind may not be the same'));
  (asArr(names.categories) ?? []).forEach((c, i) => {
    const errs = isDNS1035Label(String(c));
    if (errs.length) causes.push(invalidValue(`${path}.categories[${i}]`, String(c), errs.join(',')));
  });
  return causes;
}

function validateColumns(cols: unknown, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  (asArr(cols) ?? []).forEach((raw, i) => {
    const c = asObj(raw) ?? {};
    const p = `${path}[${i}]`;
    if (!asStr(c.name)) causes.push(required(`${p}.name`));
    const type = asStr(c.type) ?? '';
    if (!type) causes.push(required(`${p}.type`));
    else if (!COLUMN_TYPES.includes(type)) causes.push(notSupported(`${p}.type`, type, COLUMN_TYPES));
    const format = asStr(c.format);
    if (format && !COLUMN_FORMATS.includes(format)) causes.push(notSupported(`${p}.format`, format, COLUMN_FORMATS));
    const priority = asNum(c.priority);
    if (priority !== undefined && priority < 0)
      causes.push(invalidValue(`${p}.priority`, priority, 'must be greater than or equal to zero'));
    const jsonPath = asStr(c.jsonPath) ?? '';
    if (!jsonPath) causes.push(required(`${p}.jsonPath`));
    else if (!jsonPath.startsWith('.') && !jsonPath.startsWith('{'))
      causes.push(invalidValue(`${p}.jsonPath`, jsonPath, 'must be a simple json path starting with .'));
  });
  return causes;
}

function validateScale(scale: unknown, path: string): StatusCause[] {
  const s = asObj(scale);
  if (!s) return [];
  const causes: StatusCause[] = [];
  const spec = asStr(s.specReplicasPath) ?? '';
  if (!spec) causes.push(required(`${path}.specReplicasPath`));
  else if (!spec.startsWith('.spec.'))
    causes.push(invalidValue(`${path}.specReplicasPath`, spec, 'should be a json path under .spec'));
  const status = asStr(s.statusReplicasPath) ?? '';
  if (!status) causes.push(required(`${path}.statusReplicasPath`));
  else if (!status.startsWith('.status.'))
    causes.push(invalidValue(`${path}.statusReplicasPath`, status, 'should be a json path under .status'));
  const label = asStr(s.labelSelectorPath);
  if (label !== undefined && !label.startsWith('.spec.') && !label.startsWith('.status.'))
    causes.push(
      invalidValue(`${path}.labelSelectorPath`, label, 'should be a json path under either .spec or .status'),
    );
  return causes;
}

const goVersions = (spec: Obj): ReturnType<typeof goRaw> =>
  goRaw(
    `[]apiextensions.CustomResourceDefinitionVersion{${versionsOf(spec)
      .map((v) => `{Name:"${asStr(v.name) ?? ''}", ...}`)
      .join(', ')}}`,
  );

/** ValidateCustomResourceDefinition (create and the shared part of update). */
export function validateCRD(o: Obj): StatusCause[] {
  const causes = validateObjectMeta(o.metadata, { namespaced: false, name: nameIsDNSSubdomain });
  const spec = asObj(o.spec) ?? {};
  const names = asObj(spec.names) ?? {};
  const group = asStr(spec.group) ?? '';
  const plural = asStr(names.plural) ?? '';
  const name = asStr(asObj(o.metadata)?.name) ?? '';
  if (name !== `${plural}.${group}`)
    causes.push(invalidValue('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  if (!group) causes.push(required('spec.group'));
  else {
    const errs = isDNS1123Subdomain(group);
    if (errs.length) causes.push(invalidValue('spec.group', group, errs.join(',')));
    else if (group.split('.').length < 2)
      causes.push(invalidValue('spec.group', group, 'should be a domain with at least one dot'));
  }
  const scope = asStr(spec.scope) ?? '';
  if (!scope) causes.push(required('spec.scope'));
  else if (!SCOPES.includes(scope)) causes.push(notSupported('spec.scope', scope, SCOPES));

  const versions = versionsOf(spec);
  if (versions.length === 0)
    causes.push(required('spec.versions', 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  let storage = 0;
  let unique = true;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    const vname = asStr(v.name) ?? '';
    if (v.storage === true) storage++;
    if (seen.has(vname)) unique = false;
    seen.add(vname);
    const errs = isDNS1035Label(vname);
    if (errs.length) causes.push(invalidValue(`${p}.name`, vname, errs.join(',')));
    const schema = asObj(v.schema);
    if (!schema || schema.openAPIV3Schema === undefined || schema.openAPIV3Schema === null)
      causes.push(required(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
    else causes.push(...validateStructuralSchema(schema.openAPIV3Schema, `${p}.schema.openAPIV3Schema`));
    const sub = asObj(v.subresources);
    if (sub) causes.push(...validateScale(sub.scale, `${p}.subresources.scale`));
    causes.push(...validateColumns(v.additionalPrinterColumns, `${p}.additionalPrinterColumns`));
    if (v.deprecationWarning !== undefined && v.deprecated !== true)
      causes.push(
        invalidValue(
          `${p}.deprecationWarning`,
          String(v.deprecationWarning),
          'can only be set for deprecated versions',
        ),
      );
  });
  if (!unique) causes.push(invalidValue('spec.versions', goVersions(spec), 'must contain unique version names'));
  if (versions.length && storage !== 1)
    causes.push(
      invalidValue('spec.versions', goVersions(spec), 'must have exactly one version marked as storage version'),
    );

  if (!plural) causes.push(required('spec.names.plural'));
  if (!names.singular) causes.push(required('spec.names.singular'));
  if (!names.kind) causes.push(required('spec.names.kind'));
  if (!names.listKind) causes.push(required('spec.names.listKind'));
  causes.push(...validateNames(names, 'spec.names'));

  if (spec.preserveUnknownFields === true)
    causes.push(
      invalidValue(
        'spec.preserveUnknownFields',
        true,
        'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
      ),
    );
  const conversion = asObj(spec.conversion) ?? {};
  const strategy = asStr(conversion.strategy) ?? '';
  if (!CONVERSION_STRATEGIES.includes(strategy))
    causes.push(notSupported('spec.conversion.strategy', strategy, CONVERSION_STRATEGIES));
  else if (strategy === 'None' && conversion.webhook !== undefined)
    causes.push(forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));
  else if (strategy === 'Webhook') {
    const hook = asObj(conversion.webhook);
    if (!hook) causes.push(required('spec.conversion.webhook', 'required when strategy is set to Webhook'));
    else if ((asArr(hook.conversionReviewVersions) ?? []).length === 0)
      causes.push(required('spec.conversion.webhook.conversionReviewVersions', 'must specify one of v1, v1beta1'));
  }
  return causes;
}

/** ValidateCustomResourceDefinitionStoredVersions. */
function validateStoredVersions(o: Obj): StatusCause[] {
  const stored = (asArr(asObj(o.status)?.storedVersions) ?? []).map(String);
  const path = 'status.storedVersions';
  if (stored.length === 0) return [invalidValue(path, goStringSlice(stored), 'must have at least one stored version')];
  const causes: StatusCause[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i] as const));
  for (const v of versionsOf(asObj(o.spec) ?? {})) {
    const n = asStr(v.name) ?? '';
    if (v.storage === true && !remaining.has(n))
      causes.push(
        invalidValue(
          path,
          goRaw(`apiextensions.CustomResourceDefinitionVersion{Name:"${n}", ...}`),
          `must have the storage version ${n}`,
        ),
      );
    remaining.delete(n);
  }
  for (const [v, i] of remaining) causes.push(invalidValue(`${path}[${i}]`, v, 'must appear in spec.versions'));
  return causes;
}

const established = (o: Obj): boolean =>
  (asArr(asObj(o.status)?.conditions) ?? []).some((c) => isObj(c) && c.type === 'Established' && c.status === 'True');

export function crdStrategy(): KindStrategy {
  return defineKind({
    namespaced: false,
    name: nameIsDNSSubdomain,
    generation: 'spec',
    defaults: defaultCRD,
    prepareCreate(o) {
      const storage = storageVersion(ensureObj(o, 'spec'));
      o.status = {
        conditions: null,
        acceptedNames: { plural: '', kind: '' },
        storedVersions: storage ? [storage] : [],
      };
    },
    prepareUpdate(o, old) {
      o.status = clone(old.status ?? {});
      const status = ensureObj(o, 'status');
      const stored = (asArr(status.storedVersions) ?? []).map(String);
      const storage = storageVersion(ensureObj(o, 'spec'));
      if (storage && !stored.includes(storage)) status.storedVersions = [...stored, storage];
    },
    metaCauses: () => [],
    validate: validateCRD,
    validateUpdate(o, old) {
      const a = asObj(o.spec) ?? {};
      const b = asObj(old.spec) ?? {};
      const causes: StatusCause[] = [];
      if (a.group !== b.group) causes.push(invalidValue('spec.group', String(a.group ?? ''), FIELD_IMMUTABLE));
      const pa = asStr(asObj(a.names)?.plural) ?? '';
      const pb = asStr(asObj(b.names)?.plural) ?? '';
      if (pa !== pb) causes.push(invalidValue('spec.names.plural', pa, FIELD_IMMUTABLE));
      if (established(old) && a.scope !== b.scope)
        causes.push(invalidValue('spec.scope', String(a.scope ?? ''), FIELD_IMMUTABLE));
      return [...causes, ...validateStoredVersions(o)];
    },
    validateStatus: (o) => validateStoredVersions(o),
  });
}

/**
 * What the naming and establishing controllers write once names are free: accepted names equal the spec's, and the
 * NamesAccepted and Established conditions are True. The server applies this as its own status update.
 */
export function establishCRD(crd: KubeObject, now: Date = new Date()): void {
  const o = crd as unknown as Obj;
  const spec = asObj(o.spec) ?? {};
  const status = ensureObj(o, 'status');
  status.acceptedNames = clone(asObj(spec.names) ?? {});
  const time = `${now.toISOString().slice(0, 19)}Z`;
  status.conditions = [
    {
      type: 'NamesAccepted',
      status: 'True',
      lastTransitionTime: time,
      reason: 'NoConflicts',
      message: 'no conflicts found',
    },
    {
      type: 'Established',
      status: 'True',
      lastTransitionTime: time,
      reason: 'InitialNamesAccepted',
      message: 'the initial names have been accepted',
    },
  ];
  if (!asArr(status.storedVersions)?.length) {
    const storage = storageVersion(spec);
    status.storedVersions = storage ? [storage] : [];
  }
}

/** The per-version view of a CRD a custom-resource strategy needs. */
export interface CustomResourceVersion {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  hasStatus: boolean;
  schema: CompiledSchema;
  /** For /scale: where the replicas live. */
  scale?: { specReplicasPath: string; statusReplicasPath: string };
}

export function customResourceVersion(crd: KubeObject, version: string): CustomResourceVersion {
  const spec = asObj((crd as unknown as Obj).spec) ?? {};
  const v = versionsOf(spec).find((x) => x.name === version);
  if (!v) throw new Error(`${crd.metadata?.name ?? 'crd'} has no version ${version}`);
  const sub = asObj(v.subresources) ?? {};
  const scale = asObj(sub.scale);
  return {
    group: asStr(spec.group) ?? '',
    version,
    kind: asStr(asObj(spec.names)?.kind) ?? '',
    namespaced: spec.scope === 'Namespaced',
    hasStatus: isObj(sub.status),
    schema: compileSchema(asObj(v.schema)?.openAPIV3Schema),
    scale: scale
      ? {
          specReplicasPath: asStr(scale.specReplicasPath) ?? '',
          statusReplicasPath: asStr(scale.statusReplicasPath) ?? '',
        }
      : undefined,
  };
}

/**
 * Custom resources: prune and default on every write (the codec does it in the real server), generation 1 on create,
 * bumped when anything but metadata (and status, with a status subresource) changes. `readFromStorage` applies the
 * same pruning and defaulting to stored objects, as the real storage decoder does.
 */
export interface CustomResourceStrategy extends KindStrategy {
  readonly version: CustomResourceVersion;
  readFromStorage(obj: KubeObject): void;
}

export function customResourceStrategy(crd: KubeObject, version: string): CustomResourceStrategy {
  const info = customResourceVersion(crd, version);
  const apiVersion = `${info.group}/${info.version}`;
  const normalize = (o: Obj): void => {
    info.schema.default(o);
    info.schema.prune(o);
  };
  const typeMeta = (o: Obj): StatusCause[] => {
    const causes: StatusCause[] = [];
    if (o.kind !== info.kind) causes.push(invalidValue('kind', asStr(o.kind) ?? '', `must be ${info.kind}`));
    if (o.apiVersion !== apiVersion)
      causes.push(invalidValue('apiVersion', asStr(o.apiVersion) ?? '', `must be ${apiVersion}`));
    return causes;
  };
  const validate = (o: Obj): StatusCause[] => {
    const tm = typeMeta(o);
    if (tm.length) return tm;
    return [
      ...validateObjectMeta(o.metadata, { namespaced: info.namespaced, name: nameIsDNSSubdomain }),
      ...info.schema.validate(o),
      ...validateScaleFields(o, info),
    ];
  };
  const base = defineKind({
    namespaced: info.namespaced,
    name: nameIsDNSSubdomain,
    generation: info.hasStatus ? 'spec' : 'content',
    defaults: normalize,
    prepareCreate(o) {
      if (info.hasStatus) delete o.status;
    },
    metaCauses: () => [],
    validate,
    validateStatus: (o) => {
      const tm = typeMeta(o);
      return tm.length ? tm : [...info.schema.validate(o), ...validateScaleFields(o, info)];
    },
  });
  return {
    ...base,
    version: info,
    validateCreate: (obj) => dedupe(base.validateCreate(obj)),
    validateUpdate: (obj, old) =>
      dedupe([
        ...validateObjectMetaUpdate((obj as unknown as Obj).metadata, (old as unknown as Obj).metadata),
        ...validate(obj as unknown as Obj),
      ]),
    readFromStorage(obj) {
      normalize(obj as unknown as Obj);
    },
    prepareCreate(obj) {
      ensureGeneratedName(obj);
      base.prepareCreate(obj);
    },
  };
}

/** ValidateScaleSpec/Status: replicas at the scale paths must be non-negative integers when present. */
function validateScaleFields(o: Obj, info: CustomResourceVersion): StatusCause[] {
  if (!info.scale) return [];
  const causes: StatusCause[] = [];
  const read = (path: string): unknown => {
    let cur: unknown = o;
    for (const part of path.replace(/^\./, '').split('.')) cur = asObj(cur)?.[part];
    return cur;
  };
  for (const path of [info.scale.specReplicasPath, info.scale.statusReplicasPath]) {
    if (!path) continue;
    const v = read(path);
    const field = path.replace(/^\./, '');
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v))
      causes.push(invalidValue(field, String(v), 'should be an integer'));
    else if (v < 0) causes.push(invalidValue(field, v, 'should be a non-negative integer'));
  }
  return causes;
}
