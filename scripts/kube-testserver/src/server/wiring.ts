/**
 * The server's three seams filled with the full implementations: kube/validation (defaulting, validation,
 * allocation), kube/patch (merge, JSON, strategic, server-side apply, managedFields) and kube/api (discovery,
 * OpenAPI, Tables). Kept apart from the server core so each side is testable on its own.
 */
import { openapiResponse } from '../api/openapi';
import { discoveryResponse } from '../api/discovery';
import type { ResourceInfo } from '../api/registry';
import { toTable, wantsTable, type PrinterColumn } from '../api/table';
import { StatusError, badRequest } from '../errors';
import { applyJsonPatch } from '../patch/jsonpatch';
import { recordUpdate } from '../patch/managedfields';
import { jsonMergePatch } from '../patch/merge';
import { parseApplyBody, serverSideApply } from '../patch/ssa';
import { strategicMergePatch } from '../patch/strategic';
import { builtinSchemaInfo, crdSchemaInfo, type SchemaInfo } from '../patch/typeinfo';
import type { Json, JsonObject, KubeObject } from '../types';
import { createStrategies, customResourceStrategy, type StrategyOptions } from '../validation';
import { isObject } from './json';
import type { Patcher, Presenter, ServerStrategy, StrategyProvider } from './seams';

/** The served version of a CRD named by a custom resource's ResourceInfo. */
function crdVersion(crd: KubeObject, version: string): JsonObject | undefined {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions.filter(isObject).find((v) => v.name === version);
}

export function fullStrategyProvider(options: StrategyOptions = {}): StrategyProvider {
  const builtins = createStrategies(options);
  const crds = new Map<string, KubeObject>();
  const custom = new Map<string, ServerStrategy>();
  return {
    forResource(group, resource, info) {
      if (!info.crd) return builtins.forResource(group, resource);
      const key = `${info.crd}/${info.version}`;
      let s = custom.get(key);
      if (!s) {
        const crd = crds.get(info.crd);
        if (!crd) throw new StatusError(500, 'InternalError', `no CustomResourceDefinition ${info.crd} is established`);
        s = customResourceStrategy(crd, info.version);
        custom.set(key, s);
      }
      return s;
    },
    crdChanged(crd, removed) {
      const name = crd.metadata.name ?? '';
      if (removed) crds.delete(name);
      else crds.set(name, crd);
      for (const key of [...custom.keys()]) if (key.startsWith(`${name}/`)) custom.delete(key);
    },
  };
}

/** SchemaInfo (field types, list semantics) of the kind an endpoint serves. */
function schemaInfoFor(
  info: ResourceInfo,
  crd: KubeObject | undefined,
  cache: WeakMap<KubeObject, Map<string, SchemaInfo>>,
): SchemaInfo {
  if (!crd) return builtinSchemaInfo(info.group, info.kind);
  let perVersion = cache.get(crd);
  if (!perVersion) cache.set(crd, (perVersion = new Map()));
  let out = perVersion.get(info.version);
  if (!out) {
    const v = crdVersion(crd, info.version);
    const schema = v && isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
    const hasStatus = !!(v && isObject(v.subresources) && v.subresources.status !== undefined);
    out = crdSchemaInfo(schema, hasStatus);
    perVersion.set(info.version, out);
  }
  return out;
}

const objectResult = (v: Json, what: string): JsonObject => {
  if (!isObject(v)) throw badRequest(`${what} must leave a JSON object`);
  return v;
};

export function fullPatcher(): Patcher {
  const schemas = new WeakMap<KubeObject, Map<string, SchemaInfo>>();
  return {
    merge: (target, patch) => objectResult(jsonMergePatch(target, patch), 'a merge patch'),
    json: (target, ops) => objectResult(applyJsonPatch(target, ops), 'a JSON patch'),
    strategic(target, patch, info, crd) {
      // The real server has no strategic merge metadata for custom resources.
      if (crd) throw new StatusError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
      return strategicMergePatch(target, patch, builtinSchemaInfo(info.group, info.kind));
    },
    apply(live, appliedText, opts) {
      const applied = parseApplyBody(appliedText) as unknown as KubeObject;
      return serverSideApply(live, applied, {
        manager: opts.manager,
        force: opts.force,
        apiVersion: opts.apiVersion,
        subresource: opts.subresource,
        now: opts.now,
        info: schemaInfoFor(opts.info, opts.crd, schemas),
      });
    },
    recordUpdate: (old, obj, manager, apiVersion, subresource, now, info, crd) =>
      recordUpdate(
        old,
        obj,
        manager,
        apiVersion,
        subresource,
        now,
        info ? schemaInfoFor(info, crd, schemas) : undefined,
      ),
  };
}

function printerColumnsOf(crd: KubeObject | undefined, version: string): PrinterColumn[] | undefined {
  if (!crd) return undefined;
  const columns = crdVersion(crd, version)?.additionalPrinterColumns;
  if (!Array.isArray(columns)) return undefined;
  return columns.filter(isObject).map((c) => ({
    name: String(c.name ?? ''),
    type: String(c.type ?? 'string'),
    jsonPath: String(c.jsonPath ?? ''),
    ...(typeof c.format === 'string' ? { format: c.format } : {}),
    ...(typeof c.description === 'string' ? { description: c.description } : {}),
    ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
  }));
}

export function fullPresenter(): Presenter {
  return {
    discovery(path, _query, accept, view) {
      const openapi = openapiResponse(path, accept, view.resources(), view.crds());
      if (openapi) return openapi;
      return discoveryResponse(path, accept, view.resources());
    },
    table(info, objects, req) {
      const table = toTable(info, objects, {
        includeObject: req.includeObject,
        now: req.now,
        printerColumns: printerColumnsOf(req.crd, info.version),
        resourceVersion: req.resourceVersion,
        continue: req.continue,
        remainingItemCount: req.remainingItemCount,
        tableVersion: wantsTable(req.accept) ?? 'v1',
      });
      // Watch events after the first carry no column definitions, as the real server sends them.
      if (req.noHeaders) table.columnDefinitions = null;
      return table;
    },
  };
}
