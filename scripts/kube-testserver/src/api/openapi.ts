import { createHash } from 'node:crypto';
import { StatusError, statusAnswer } from '../errors';
import type { JsonObject, KubeObject } from '../types';
import { parseAccept } from './discovery';
import { groupVersion, type ResourceInfo } from './registry';
import { KIND_SCHEMAS, SHARED_SCHEMAS, ref, refsOf, str, type Schema } from './schemas';

/**
 * OpenAPI for kubectl and helm. kubectl 1.35 reads /openapi/v3 (index) then /openapi/v3/<api/v1|apis/g/v>:
 * - `kubectl apply` checks that the PATCH operation of the kind lists a `fieldValidation` parameter, and if so
 *   validates server-side (`?fieldValidation=Strict`); for client-side apply it reads the strategic-merge-patch
 *   keys (x-kubernetes-patch-merge-key/-strategy) from components.schemas, found by x-kubernetes-group-version-kind;
 * - `kubectl explain` renders components.schemas.
 * /openapi/v2 is asked for as protobuf only; we answer JSON when JSON is acceptable and 406 otherwise, which
 * client-go treats as "no v2" (apply then falls back to its compiled-in types, explain uses v3 anyway).
 */

const OPENAPI_INFO = { title: 'Kubernetes', version: 'v1.35.0' };

/** `apis/<g>/<v>` or `api/v1`: the key of a group-version in the v3 index. */
export const gvPath = (group: string, version: string): string =>
  group ? `apis/${group}/${version}` : `api/${version}`;

/** io.ironlb.v1beta1.IPAddressPool: the real server's schema name for a custom resource. */
function crdSchemaName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A served CRD version's schema, shaped as the apiextensions OpenAPI builder publishes it. */
function crdKindSchema(version: Obj, group: string, kind: string): Schema {
  const raw = isObj(version.schema) && isObj(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : {};
  const schema = JSON.parse(JSON.stringify(raw)) as Schema;
  if (!schema.type) schema.type = 'object';
  const props = isObj(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  schema.properties = {
    ...props,
    apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
    kind: str('Kind is a string value representing the REST resource this object represents.'),
    metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', "Standard object's metadata."),
  };
  schema['x-kubernetes-group-version-kind'] = [{ group, kind, version: String(version.name) }];
  return schema;
}

interface KindEntry {
  info: ResourceInfo;
  schemaName: string;
  schemas: Record<string, Schema>;
}

function kindEntries(resources: readonly ResourceInfo[], crds: readonly KubeObject[]): KindEntry[] {
  const out: KindEntry[] = [];
  for (const info of resources) {
    if (info.crd) {
      const crd = crds.find((c) => c.metadata.name === info.crd);
      const spec = isObj(crd?.spec) ? crd.spec : {};
      const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObj) : [];
      const v = versions.find((x) => x.name === info.version) ?? { name: info.version };
      const name = crdSchemaName(info.group, info.version, info.kind);
      const list = crdSchemaName(info.group, info.version, info.listKind);
      out.push({
        info,
        schemaName: name,
        schemas: {
          [name]: crd
            ? crdKindSchema(v, info.group, info.kind)
            : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          [list]: {
            type: 'object',
            required: ['items'],
            properties: {
              apiVersion: str(),
              items: { type: 'array', items: ref(name) },
              kind: str(),
              metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta'),
            },
            'x-kubernetes-group-version-kind': [{ group: info.group, kind: info.listKind, version: info.version }],
          },
        },
      });
      continue;
    }
    const schemas = KIND_SCHEMAS[`${info.group}/${info.version}/${info.kind}`];
    if (!schemas) continue;
    const schemaName = Object.keys(schemas).find((k) => k.endsWith(`.${info.kind}`)) ?? '';
    out.push({ info, schemaName, schemas });
  }
  return out;
}

// ---- paths ----

const param = (name: string, description: string, inWhere = 'query'): Schema => ({
  name,
  in: inWhere,
  description,
  ...(inWhere === 'path' ? { required: true } : {}),
  schema: { type: 'string', uniqueItems: true },
});
const DRY_RUN = param('dryRun', 'When present, indicates that modifications should not be persisted.');
const FIELD_MANAGER = param(
  'fieldManager',
  'fieldManager is a name associated with the actor or entity that is making these changes.',
);
const FIELD_VALIDATION = param(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Strict - Warn',
);
const FORCE = {
  ...param('force', 'Force is going to "force" Apply requests.'),
  schema: { type: 'boolean', uniqueItems: true },
};

const json = (schemaName: string): Schema => ({
  'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } },
  'application/yaml': { schema: { $ref: `#/components/schemas/${schemaName}` } },
});

function operation(
  e: KindEntry,
  action: string,
  verb: string,
  params: Schema[],
  schemaName: string,
  body?: Schema,
  suffix = '',
): Schema {
  const { info } = e;
  const op: Schema = {
    description: `${action} ${info.kind}${suffix}`,
    operationId: `${action}${info.kind}${suffix}`,
    tags: [info.group ? groupVersion(info).replace(/[./]/g, '_') : 'core_v1'],
    parameters: params,
    responses: { '200': { description: 'OK', content: json(schemaName) } },
    'x-kubernetes-action': verb,
    'x-kubernetes-group-version-kind': { group: info.group, kind: info.kind, version: info.version },
  };
  if (body) op.requestBody = body;
  return op;
}

function pathsFor(e: KindEntry): Record<string, Schema> {
  const { info } = e;
  const prefix = `/${gvPath(info.group, info.version)}`;
  const ns = info.namespaced ? '/namespaces/{namespace}' : '';
  const collection = `${prefix}${ns}/${info.resource}`;
  const item = `${collection}/{name}`;
  const listName = e.schemaName.replace(new RegExp(`${info.kind}$`), info.listKind);
  const jsonBody = { content: json(e.schemaName), required: true };
  const patchBody = {
    content: Object.fromEntries(
      [
        'application/json-patch+json',
        'application/merge-patch+json',
        // Custom resources have no strategic merge patch; kubectl's client-side apply reads this list to fall back
        // to a JSON merge patch for them, as it must (the server answers 415 otherwise).
        ...(info.crd ? [] : ['application/strategic-merge-patch+json']),
        'application/apply-patch+yaml',
        'application/apply-patch+cbor',
      ].map((t) => [t, { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } }]),
    ),
    required: true,
  };
  const pathParams = [
    ...(info.namespaced
      ? [param('namespace', 'object name and auth scope, such as for teams and projects', 'path')]
      : []),
  ];
  const named = [param('name', `name of the ${info.kind}`, 'path'), ...pathParams];
  const paths: Record<string, Schema> = {
    [collection]: {
      get: operation(e, 'list', 'list', [], listName),
      post: operation(e, 'create', 'post', [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], e.schemaName, jsonBody),
      delete: operation(
        e,
        'deletecollection',
        'deletecollection',
        [DRY_RUN],
        'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
      ),
      parameters: pathParams,
    },
    [item]: {
      get: operation(e, 'read', 'get', [], e.schemaName),
      put: operation(e, 'replace', 'put', [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], e.schemaName, jsonBody),
      patch: operation(e, 'patch', 'patch', [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], e.schemaName, patchBody),
      delete: operation(e, 'delete', 'delete', [DRY_RUN], e.schemaName),
      parameters: named,
    },
  };
  if (info.namespaced)
    paths[`${prefix}/${info.resource}`] = {
      get: operation(e, 'list', 'list', [], listName, undefined, 'ForAllNamespaces'),
    };
  for (const sub of info.subresources) {
    if (sub !== 'status') continue;
    paths[`${item}/status`] = {
      get: operation(e, 'read', 'get', [], e.schemaName, undefined, 'Status'),
      put: operation(e, 'replace', 'put', [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], e.schemaName, jsonBody, 'Status'),
      patch: operation(
        e,
        'patch',
        'patch',
        [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
        e.schemaName,
        patchBody,
        'Status',
      ),
      parameters: named,
    };
  }
  return paths;
}

const EXTRA_META: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
    type: 'object',
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status': {
    type: 'object',
    description: "Status is a return value for calls that don't return other objects.",
    'x-kubernetes-preserve-unknown-fields': true,
  },
};

/** Every schema `roots` reach through $refs. */
function closure(roots: Record<string, Schema>): Record<string, Schema> {
  const all: Record<string, Schema> = { ...SHARED_SCHEMAS, ...EXTRA_META, ...roots };
  const out: Record<string, Schema> = {};
  const queue = Object.keys(roots);
  while (queue.length) {
    const name = queue.shift() as string;
    if (out[name] || !all[name]) continue;
    out[name] = all[name];
    for (const r of refsOf(all[name])) queue.push(r);
  }
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((k) => [k, out[k]]),
  );
}

/** GET /openapi/v3/<api/v1|apis/g/v>: undefined when no such group-version is served. */
export function openapiV3Document(
  resources: readonly ResourceInfo[],
  crds: readonly KubeObject[],
  path: string,
): JsonObject | undefined {
  const entries = kindEntries(resources, crds).filter((e) => gvPath(e.info.group, e.info.version) === path);
  if (!entries.length) return undefined;
  const roots: Record<string, Schema> = { ...EXTRA_META };
  const paths: Record<string, Schema> = {};
  for (const e of entries) {
    Object.assign(roots, e.schemas);
    Object.assign(paths, pathsFor(e));
  }
  return {
    openapi: '3.0.0',
    info: OPENAPI_INFO,
    paths: Object.fromEntries(
      Object.keys(paths)
        .sort()
        .map((k) => [k, paths[k]]),
    ),
    components: {
      schemas: closure(roots),
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
  };
}

const hashOf = (doc: JsonObject): string =>
  createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();

/** GET /openapi/v3: every served group-version with a content-addressed URL (clients cache by it). */
export function openapiV3Index(resources: readonly ResourceInfo[], crds: readonly KubeObject[]): JsonObject {
  const paths: JsonObject = {};
  const gvs = [...new Set(resources.map((r) => gvPath(r.group, r.version)))].sort();
  for (const p of gvs) {
    const doc = openapiV3Document(resources, crds, p);
    if (doc) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(doc)}` };
  }
  return { paths };
}

/** v3 schema -> Swagger 2: refs point at #/definitions/, `allOf` wrappers stay (kubectl reads them). */
function toV2(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toV2);
  if (!isObj(s)) return s;
  const out: Obj = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/components/schemas/', '#/definitions/');
    else if (k === 'nullable') continue;
    else out[k] = toV2(v);
  }
  return out;
}

/** GET /openapi/v2 as JSON: definitions for every kind, paths omitted (kubectl only reads definitions). */
export function openapiV2Document(resources: readonly ResourceInfo[], crds: readonly KubeObject[]): JsonObject {
  const roots: Record<string, Schema> = {};
  for (const e of kindEntries(resources, crds)) Object.assign(roots, e.schemas);
  return {
    swagger: '2.0',
    info: OPENAPI_INFO,
    paths: {},
    definitions: toV2(closure(roots)) as JsonObject,
    securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}

export interface OpenAPIAnswer {
  status: number;
  contentType: string;
  body: JsonObject;
  headers?: Record<string, string>;
}

const notFound = (path: string): OpenAPIAnswer =>
  statusAnswer(new StatusError(404, 'NotFound', `the server could not find the requested resource (get ${path})`, {}));

const acceptsJSON = (accept: string | undefined): boolean =>
  parseAccept(accept).some((r) => r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*');

/**
 * Answers GET /openapi/v2, /openapi/v3 and /openapi/v3/<gv>; undefined for any other path. `path` excludes the
 * query (the `hash` parameter only makes the URL cacheable; any hash gets the current document).
 */
export function openapiResponse(
  path: string,
  accept: string | undefined,
  resources: readonly ResourceInfo[],
  crds: readonly KubeObject[] = [],
): OpenAPIAnswer | undefined {
  const p = path.replace(/\/+$/, '');
  if (p !== '/openapi/v2' && p !== '/openapi/v3' && !p.startsWith('/openapi/v3/')) return undefined;
  if (!acceptsJSON(accept)) {
    return statusAnswer(
      new StatusError(406, 'NotAcceptable', 'only the following media types are accepted: application/json'),
    );
  }
  if (p === '/openapi/v2')
    return { status: 200, contentType: 'application/json', body: openapiV2Document(resources, crds) };
  if (p === '/openapi/v3')
    return { status: 200, contentType: 'application/json', body: openapiV3Index(resources, crds) };
  const doc = openapiV3Document(resources, crds, p.slice('/openapi/v3/'.length));
  if (!doc) return notFound(p);
  return { status: 200, contentType: 'application/json', body: doc, headers: { Etag: `"${hashOf(doc)}"` } };
}
