/**
 * The HTTP edge: one request handler for TCP, TLS and Unix-socket listeners. It parses the URL, query and body
 * into typed values, calls the Registry, and writes every answer as JSON (or YAML/Table as negotiated). Every
 * failure is a Status: StatusErrors as they are, anything unexpected as 500 InternalError.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { groupVersion, type ResourceInfo } from '../api/registry';
import { StatusError, badRequest } from '../errors';
import type { Json, JsonObject, KubeObject } from '../types';
import { managerFromRequest, validatePatchOptions } from '../patch/managedfields';
import { parseDeleteOptions, parseEviction, parseObjectBody, parsePatchBody, patchTypeOf, readBody } from './body';
import { type FieldSelector, parseFieldSelector } from './fields';
import { isObject } from './json';
import { parseLabelSelector } from './labels';
import { negotiate, type Representation } from './negotiate';
import type { ListOptions, Registry, WriteContext } from './rest';
import { type ResourceRoute, notFoundPath, parseResourcePath } from './routes';
import { scaleOf, scalePatch } from './scale';
import type { Presenter } from './seams';
import { type WatchHub } from './watch';
import { warningHeader } from '../admission/review';
import { authorizeRequest } from '../authz/request';
import { type WatchSettings, serveWatch } from './watch-http';

export interface HandlerDeps {
  registry: Registry;
  hub: WatchHub;
  presenter: Presenter;
  settings: WatchSettings;
}

export const VERSION_INFO = {
  major: '1',
  minor: '35',
  emulationMajor: '1',
  emulationMinor: '35',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '34',
  gitVersion: 'v1.35.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-12-17T00:00:00Z',
  goVersion: 'go1.25.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const HEALTH = new Set(['/healthz', '/readyz', '/livez']);

const methodNotAllowed = (): StatusError =>
  new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

function send(res: ServerResponse, status: number, body: unknown, rep: Representation = { kind: 'json' }): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const yaml = rep.kind === 'yaml';
  const text = yaml ? toYaml(body) : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': yaml ? 'application/yaml' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e =
    err instanceof StatusError
      ? err
      : new StatusError(
          500,
          'InternalError',
          `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
        );
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, e.code, e.toStatus());
}

/** The request handler; never throws and never leaves a request unanswered. */
export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, deps).catch((err: unknown) => sendError(res, err));
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: HandlerDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const method = (req.method ?? 'GET').toUpperCase();
  const query = url.searchParams;

  if (HEALTH.has(path) || path.startsWith('/healthz/') || path.startsWith('/readyz/') || path.startsWith('/livez/')) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('ok');
    return;
  }
  if (path === '/version') return send(res, 200, VERSION_INFO);

  const route = parseResourcePath(path, deps.registry.resources);
  if (!route) {
    if (method !== 'GET' && method !== 'HEAD') throw notFoundPath();
    const answer = deps.presenter.discovery(path, query, req.headers.accept, {
      resources: () => deps.registry.resources.all(),
      crds: () => deps.registry.crds(),
    });
    if (!answer) throw notFoundPath();
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'Content-Type': answer.contentType,
      'Content-Length': Buffer.byteLength(text),
      ...(answer.headers ?? {}),
    });
    res.end(text);
    return;
  }
  authorizeRequest(req, route, method, query, isWatch(route, query), deps.registry.store);
  await handleResource(req, res, route, method, query, deps);
}

function writeContext(req: IncomingMessage, query: URLSearchParams): WriteContext {
  const dryRun = query.getAll('dryRun');
  for (const v of dryRun) if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}`);
  return {
    manager: managerFromRequest(query.get('fieldManager') ?? undefined, req.headers['user-agent']),
    dryRun: dryRun.length > 0,
    now: new Date(),
  };
}

function requireVerb(info: ResourceInfo, verb: string): void {
  if (!info.verbs.includes(verb)) throw methodNotAllowed();
}

function listOptions(info: ResourceInfo, query: URLSearchParams): ListOptions {
  const limit = query.get('limit');
  return {
    labels: parseLabelSelector(query.get('labelSelector')),
    fields: parseFieldSelector(query.get('fieldSelector'), info),
    limit: limit ? Number(limit) : undefined,
    continue: query.get('continue') ?? undefined,
  };
}

const includeObjectOf = (query: URLSearchParams): 'None' | 'Metadata' | 'Object' => {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
};

const isTrue = (v: string | null): boolean => v === 'true' || v === '1';

/** A GET that watches: the legacy `/watch/` path or `?watch=true`. */
const isWatch = (route: ResourceRoute, query: URLSearchParams): boolean =>
  route.legacyWatch || isTrue(query.get('watch'));

async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  method: string,
  query: URLSearchParams,
  deps: HandlerDeps,
): Promise<void> {
  const { registry } = deps;
  const { info, namespace, name, subresource } = route;
  const accept = req.headers.accept;
  const rep = negotiate(accept);

  if (method === 'GET' || method === 'HEAD') {
    const watching = isWatch(route, query);
    if (watching) {
      requireVerb(info, 'watch');
      const selector = parseFieldSelector(
        name
          ? [query.get('fieldSelector'), `metadata.name=${name}`].filter(Boolean).join(',')
          : query.get('fieldSelector'),
        info,
      );
      // Stored objects may be in another API's form (events.k8s.io Events are core Events): select on what we show.
      const fields: FieldSelector = { ...selector, matches: (o) => selector.matches(registry.present(info, o)) };
      const timeout = query.get('timeoutSeconds');
      const sie = query.get('sendInitialEvents');
      serveWatch(
        req,
        res,
        {
          info,
          filter: {
            namespace: info.namespaced ? namespace : undefined,
            labels: parseLabelSelector(query.get('labelSelector')),
            fields,
          },
          resourceVersion: query.get('resourceVersion') ?? undefined,
          allowBookmarks: isTrue(query.get('allowWatchBookmarks')),
          sendInitialEvents: sie === null ? undefined : isTrue(sie),
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          representation: rep,
          includeObject: includeObjectOf(query),
          accept,
        },
        deps,
      );
      return;
    }
    if (name === undefined) {
      requireVerb(info, 'list');
      const list = registry.list(info, namespace, listOptions(info, query));
      return send(res, 200, renderList(info, list, rep, query, deps, accept), rep);
    }
    requireVerb(info, 'get');
    const obj = registry.get(info, namespace, name);
    if (subresource === 'scale') return send(res, 200, scaleOf(info, obj), rep);
    return send(res, 200, renderObject(info, obj, rep, query, deps, accept), rep);
  }

  const raw = await readBody(req);
  const text = raw.toString('utf8');
  const ctx: WriteContext = {
    ...writeContext(req, query),
    // Sent with the answer, success or refusal, as the real server does; kubectl prints each as `Warning: ...`.
    warn: (message) => res.appendHeader('Warning', warningHeader(message)),
  };
  switch (method) {
    case 'POST': {
      if (name !== undefined && subresource === 'eviction') {
        const eviction = parseEviction(text, req.headers['content-type'], raw, name);
        await registry.delete(info, namespace, name, eviction, ctx);
        return send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, rep);
      }
      if (name !== undefined) throw methodNotAllowed();
      requireVerb(info, 'create');
      const body = parseObjectBody(text, req.headers['content-type'], info, raw);
      const out = await registry.create(info, namespace, body, ctx);
      return send(res, 201, renderObject(info, out.object, rep, query, deps, accept), rep);
    }
    case 'PUT': {
      if (name === undefined) throw methodNotAllowed();
      requireVerb(info, 'update');
      if (subresource === 'scale') {
        const scale = parseScaleBody(text);
        const out = await registry.patch(info, namespace, name, 'merge', scalePatch(info, scale), {
          ...ctx,
          force: false,
        });
        return send(res, 200, scaleOf(info, out.object), rep);
      }
      const body = parseObjectBody(text, req.headers['content-type'], info, raw);
      const status = subresource === 'status' ? 'status' : undefined;
      const out = await registry.update(info, namespace, name, body, ctx, status);
      return send(res, out.created ? 201 : 200, renderObject(info, out.object, rep, query, deps, accept), rep);
    }
    case 'PATCH': {
      if (name === undefined) throw methodNotAllowed();
      requireVerb(info, 'patch');
      const type = patchTypeOf(req.headers['content-type']);
      const patch = parsePatchBody(text, type);
      const force = isTrue(query.get('force'));
      validatePatchOptions({
        apply: type === 'apply',
        fieldManager: query.get('fieldManager') ?? undefined,
        force: query.has('force') ? force : undefined,
      });
      const pctx = { ...ctx, force, manager: type === 'apply' ? (query.get('fieldManager') ?? '') : ctx.manager };
      if (subresource === 'scale') {
        if (type === 'apply' || typeof patch === 'string')
          throw new StatusError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
        const current = scaleOf(info, registry.get(info, namespace, name));
        const patched = registry.patchValue(type, current, patch, info);
        const out = await registry.patch(info, namespace, name, 'merge', scalePatch(info, patched), pctx);
        return send(res, 200, scaleOf(info, out.object), rep);
      }
      const status = subresource === 'status' ? 'status' : undefined;
      const out = await registry.patch(info, namespace, name, type, patch, pctx, status);
      return send(res, out.created ? 201 : 200, renderObject(info, out.object, rep, query, deps, accept), rep);
    }
    case 'DELETE': {
      const opts = parseDeleteOptions(text, query, req.headers['content-type'], raw);
      const dctx = { ...ctx, dryRun: ctx.dryRun || opts.dryRun };
      if (name === undefined) {
        requireVerb(info, 'deletecollection');
        const items = await registry.deleteCollection(info, namespace, listOptions(info, query), opts, dctx);
        return send(res, 200, listBody(info, items, String(registry.store.resourceVersion)), rep);
      }
      requireVerb(info, 'delete');
      if (subresource !== undefined) throw methodNotAllowed();
      const out = await registry.delete(info, namespace, name, opts, dctx);
      if ('status' in out) return send(res, 200, out.status, rep);
      return send(res, 200, renderObject(info, out.object, rep, query, deps, accept), rep);
    }
    default:
      throw methodNotAllowed();
  }
}

function parseScaleBody(text: string): JsonObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw badRequest('the object provided is unrecognized (must be of type Scale)');
  }
  if (!isObject(v)) throw badRequest('the object provided is unrecognized (must be of type Scale)');
  return v;
}

/** Built-in list items carry no kind/apiVersion (typed lists); custom resources keep them (unstructured). */
function listItem(info: ResourceInfo, o: KubeObject): unknown {
  if (info.crd) return o;
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest;
}

function listBody(
  info: ResourceInfo,
  items: readonly KubeObject[],
  resourceVersion: string,
  cont?: string,
  remaining?: number,
): JsonObject {
  const metadata: JsonObject = { resourceVersion };
  // Custom resource lists are unstructured: SetContinue writes the field even when there is no next page (087).
  if (cont || info.crd) metadata.continue = cont ?? '';
  if (remaining !== undefined) metadata.remainingItemCount = remaining;
  return {
    kind: info.listKind,
    apiVersion: groupVersion(info),
    metadata,
    items: items.map((o) => listItem(info, o)) as Json[],
  };
}

function renderList(
  info: ResourceInfo,
  list: { items: KubeObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number },
  rep: Representation,
  query: URLSearchParams,
  deps: HandlerDeps,
  accept: string | undefined,
): unknown {
  if (rep.kind === 'table') {
    return deps.presenter.table(info, list.items, {
      includeObject: includeObjectOf(query),
      noHeaders: false,
      now: new Date(),
      resourceVersion: list.resourceVersion,
      continue: list.continue,
      remainingItemCount: list.remainingItemCount,
      crd: deps.registry.crdOf(info),
      accept,
    });
  }
  if (rep.kind === 'metadata') {
    const metadata: JsonObject = { resourceVersion: list.resourceVersion };
    if (list.continue) metadata.continue = list.continue;
    return {
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${rep.version}`,
      metadata,
      items: list.items.map((o) => ({
        kind: 'PartialObjectMetadata',
        apiVersion: `meta.k8s.io/${rep.version}`,
        metadata: o.metadata,
      })),
    };
  }
  return listBody(info, list.items, list.resourceVersion, list.continue, list.remainingItemCount);
}

function renderObject(
  info: ResourceInfo,
  obj: KubeObject,
  rep: Representation,
  query: URLSearchParams,
  deps: HandlerDeps,
  accept: string | undefined,
): unknown {
  if (rep.kind === 'table') {
    return deps.presenter.table(info, [obj], {
      includeObject: includeObjectOf(query),
      noHeaders: false,
      now: new Date(),
      resourceVersion: obj.metadata.resourceVersion,
      crd: deps.registry.crdOf(info),
      accept,
    });
  }
  if (rep.kind === 'metadata') {
    return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rep.version}`, metadata: obj.metadata };
  }
  return obj;
}
