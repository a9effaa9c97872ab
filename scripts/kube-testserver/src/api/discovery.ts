import { createHash } from 'node:crypto';
import { StatusError, statusAnswer } from '../errors';
import type { JsonObject } from '../types';
import { groupVersion, type ResourceInfo } from './registry';

/**
 * Discovery documents, built from the one resource list the server serves (built-ins plus Established CRDs).
 * Legacy discovery is what `/api`, `/api/v1`, `/apis`, `/apis/<g>` and `/apis/<g>/<v>` answer to plain JSON;
 * aggregated discovery (apidiscovery.k8s.io/v2) is what kubectl 1.35 and helm 4 ask `/api` and `/apis` for first,
 * so one round trip gives them every resource. Both are pure functions of the list.
 */

/** The Content-Type a v2 aggregated answer must carry: client-go decides how to decode from it (g, v, as). */
export const AGGREGATED_V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface DiscoveryOptions {
  /** `host:port` the client reached us at: `/api` echoes it in serverAddressByClientCIDRs. */
  serverAddress?: string;
  /**
   * Storage version per group-resource (`ipaddresspools.example.io` -> `v1`) for CRDs whose storage version is not
   * the served one: storageVersionHash hashes the storage version.
   */
  storageVersions?: Record<string, string>;
}

/** Kubernetes' discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

// ---- version and group ordering ------------------------------------------------------------------------------

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes' version priority: GA > beta > alpha, higher numbers first, then anything not shaped like a Kubernetes
 * version, alphabetically. Negative when `a` is preferred.
 */
export function compareKubeVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const rank = (m: RegExpExecArray): number => (m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1);
  if (rank(ma) !== rank(mb)) return rank(mb) - rank(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

/**
 * The aggregator's group priorities (kube-aggregator apiVersionPriorities): built-in groups come in this order,
 * groups it does not know (CRDs) after them, by name.
 */
const GROUP_PRIORITY: Record<string, number> = {
  'apiregistration.k8s.io': 17800,
  apps: 17800,
  'events.k8s.io': 17750,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'admissionregistration.k8s.io': 16700,
  'apiextensions.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
  'resource.k8s.io': 15900,
};

function compareGroups(a: string, b: string): number {
  const pa = GROUP_PRIORITY[a] ?? 1000;
  const pb = GROUP_PRIORITY[b] ?? 1000;
  if (pa !== pb) return pb - pa;
  // Equal priority: the aggregator breaks ties by name.
  return a < b ? -1 : a > b ? 1 : 0;
}

interface GroupEntry {
  name: string;
  /** Preferred first. */
  versions: string[];
}

/** The non-core groups with their versions in preference order, in the order `/apis` lists them. */
function groupsOf(resources: readonly ResourceInfo[]): GroupEntry[] {
  const byGroup = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!r.group) continue;
    const set = byGroup.get(r.group) ?? new Set<string>();
    set.add(r.version);
    byGroup.set(r.group, set);
  }
  return [...byGroup.entries()]
    .map(([name, vs]) => ({ name, versions: [...vs].sort(compareKubeVersions) }))
    .sort((a, b) => compareGroups(a.name, b.name));
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

// ---- legacy discovery ----------------------------------------------------------------------------------------

/** GET /api. The real server sends no apiVersion here (090). */
export function apiVersions(opts: DiscoveryOptions = {}): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: opts.serverAddress ?? '127.0.0.1:6443' }],
  };
}

/** The verbs and response kind a subresource answers with. */
function subresourceShape(
  r: ResourceInfo,
  sub: 'status' | 'scale',
): { gvk: [string, string, string]; verbs: string[] } {
  return sub === 'scale'
    ? { gvk: ['autoscaling', 'v1', 'Scale'], verbs: ['get', 'patch', 'update'] }
    : { gvk: [r.group, r.version, r.kind], verbs: ['get', 'patch', 'update'] };
}

interface SubresourceEntry {
  name: string;
  gvk: [string, string, string];
  verbs: string[];
  /** Answers in another group-version than the resource (deployments/scale, pods/eviction). */
  foreign: boolean;
}

/** Served and listed-only subresources together; built-ins sorted by name, CRDs status before scale. */
function subresourcesOf(r: ResourceInfo): SubresourceEntry[] {
  const served = (r.crd ? r.subresources : [...r.subresources].sort()).map((sub): SubresourceEntry => {
    const { gvk, verbs } = subresourceShape(r, sub);
    return { name: sub, gvk, verbs, foreign: sub === 'scale' };
  });
  if (!r.listedSubresources?.length) return served;
  const listed = r.listedSubresources.map((l): SubresourceEntry => ({
    name: l.name,
    gvk: [l.group ?? r.group, l.version ?? r.version, l.kind],
    verbs: [...l.verbs],
    foreign: l.group !== undefined,
  }));
  return [...served, ...listed].sort((a, b) => byName(a, b));
}

function legacyEntries(r: ResourceInfo, opts: DiscoveryOptions): JsonObject[] {
  const storageVersion = opts.storageVersions?.[r.group ? `${r.resource}.${r.group}` : r.resource] ?? r.version;
  const main: JsonObject = {
    name: r.resource,
    // Since 1.27 built-ins fill singularName too (1.26, recorded in 091, sent "").
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length) main.shortNames = [...r.shortNames];
  if (r.categories.length) main.categories = [...r.categories];
  // Only stored resources have a storage version to hash (bindings and componentstatuses have none).
  if (!r.listedOnly) main.storageVersionHash = storageVersionHash(r.group, storageVersion, r.kind);
  return [
    main,
    ...subresourcesOf(r).map((sub): JsonObject => {
      const e: JsonObject = { name: `${r.resource}/${sub.name}`, singularName: '', namespaced: r.namespaced };
      // Only a subresource answering in another group-version names it (pods/eviction, deployments/scale).
      if (sub.foreign) {
        e.group = sub.gvk[0];
        e.version = sub.gvk[1];
      }
      e.kind = sub.gvk[2];
      e.verbs = sub.verbs;
      return e;
    }),
  ];
}

/** GET /api/v1 or /apis/<group>/<version>; undefined when nothing is served there (the caller answers 404). */
export function apiResourceList(
  resources: readonly ResourceInfo[],
  group: string,
  version: string,
  opts: DiscoveryOptions = {},
): JsonObject | undefined {
  const served = resources.filter((r) => r.group === group && r.version === version);
  if (!served.length) return undefined;
  const builtins = served.filter((r) => !r.crd).flatMap((r) => legacyEntries(r, opts));
  builtins.sort((a, b) => byName({ name: String(a.name) }, { name: String(b.name) }));
  const crds = served
    .filter((r) => r.crd)
    .sort((a, b) => byName({ name: a.resource }, { name: b.resource }))
    .flatMap((r) => legacyEntries(r, opts));
  const list: JsonObject = { kind: 'APIResourceList' };
  // The core group's list carries no apiVersion (091); every group's does (092).
  if (group) list.apiVersion = 'v1';
  list.groupVersion = groupVersion({ group, version });
  list.resources = [...builtins, ...crds];
  return list;
}

function groupDoc(g: GroupEntry): JsonObject {
  const gv = (v: string): JsonObject => ({ groupVersion: `${g.name}/${v}`, version: v });
  return { name: g.name, versions: g.versions.map(gv), preferredVersion: gv(g.versions[0]) };
}

/** GET /apis. */
export function apiGroupList(resources: readonly ResourceInfo[]): JsonObject {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsOf(resources).map(groupDoc) };
}

/** GET /apis/<group>; undefined when the group is not served. */
export function apiGroup(resources: readonly ResourceInfo[], group: string): JsonObject | undefined {
  const g = groupsOf(resources).find((e) => e.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) } : undefined;
}

// ---- aggregated discovery (apidiscovery.k8s.io/v2) -----------------------------------------------------------

function aggregatedResource(r: ResourceInfo): JsonObject {
  // Built-ins answer with an empty group/version in responseKind (the APIResource had none); CRDs fill them in.
  const kindOf = (group: string, version: string, kind: string): JsonObject =>
    r.crd ? { group, version, kind } : { group: '', version: '', kind };
  const doc: JsonObject = {
    resource: r.resource,
    responseKind: kindOf(r.group, r.version, r.kind),
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length) doc.shortNames = [...r.shortNames];
  if (r.categories.length) doc.categories = [...r.categories];
  const subs = subresourcesOf(r);
  if (subs.length) {
    doc.subresources = subs.map((sub): JsonObject => ({
      subresource: sub.name,
      // A subresource in another group-version names it even for built-ins (deployments/scale).
      responseKind: sub.foreign ? { group: sub.gvk[0], version: sub.gvk[1], kind: sub.gvk[2] } : kindOf(...sub.gvk),
      verbs: sub.verbs,
    }));
  }
  return doc;
}

function aggregatedVersion(resources: readonly ResourceInfo[], group: string, version: string): JsonObject {
  const served = resources.filter((r) => r.group === group && r.version === version);
  const sorted = [
    ...served.filter((r) => !r.crd).sort((a, b) => byName({ name: a.resource }, { name: b.resource })),
    ...served.filter((r) => r.crd).sort((a, b) => byName({ name: a.resource }, { name: b.resource })),
  ];
  return { version, resources: sorted.map(aggregatedResource), freshness: 'Current' };
}

/** GET /api (`root: 'api'`, the core group only) or /apis (every other group), aggregated. */
export function aggregatedDiscovery(resources: readonly ResourceInfo[], root: 'api' | 'apis'): JsonObject {
  const items: JsonObject[] =
    root === 'api'
      ? [{ metadata: {}, versions: [aggregatedVersion(resources, '', 'v1')] }]
      : groupsOf(resources).map((g) => ({
          metadata: { name: g.name },
          versions: g.versions.map((v) => aggregatedVersion(resources, g.name, v)),
        }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

// ---- negotiation ---------------------------------------------------------------------------------------------

export type DiscoveryForm = 'aggregated' | 'legacy' | 'not-acceptable';

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

/** Splits an Accept header into media ranges, best first (by q, then by position, as Go's negotiation does). */
export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept || !accept.trim()) return [{ type: '*/*', params: {}, q: 1 }];
  const ranges = accept
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, i) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      delete params.q;
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0, i };
    });
  return ranges
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map(({ type, params, q }) => ({ type, params, q }));
}

const jsonLike = (t: string): boolean => t === 'application/json' || t === 'application/*' || t === '*/*';

/**
 * Which discovery form to answer with. Aggregated only on `/api` and `/apis` (`root`), and only v2: 1.35 no longer
 * serves v2beta1, so a client offering v2beta1 and plain JSON gets plain JSON. Protobuf alone is not acceptable
 * (we only speak JSON), nor is a Table.
 */
export function negotiateDiscovery(
  accept: string | undefined,
  root = true,
): { form: DiscoveryForm; contentType: string } {
  for (const r of parseAccept(accept)) {
    if (!jsonLike(r.type)) continue;
    const { g, v, as } = r.params;
    if (g === undefined && v === undefined && as === undefined)
      return { form: 'legacy', contentType: 'application/json' };
    if (
      root &&
      r.type === 'application/json' &&
      g === 'apidiscovery.k8s.io' &&
      v === 'v2' &&
      as === 'APIGroupDiscoveryList'
    )
      return { form: 'aggregated', contentType: AGGREGATED_V2_CONTENT_TYPE };
  }
  return { form: 'not-acceptable', contentType: 'application/json' };
}

// ---- routing -------------------------------------------------------------------------------------------------

export interface DiscoveryAnswer {
  status: number;
  contentType: string;
  body: JsonObject;
}

const notAcceptable = (): DiscoveryAnswer =>
  statusAnswer(
    new StatusError(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json, application/yaml',
    ),
  );

/**
 * Answers a discovery GET, or undefined when `path` is not a discovery path or names nothing we serve (the caller
 * then routes it on, or answers 404). `path` is the URL path without the query; a trailing slash is tolerated.
 */
export function discoveryResponse(
  path: string,
  accept: string | undefined,
  resources: readonly ResourceInfo[],
  opts: DiscoveryOptions = {},
): DiscoveryAnswer | undefined {
  const parts = path.replace(/\/+$/, '').split('/').filter(Boolean);
  const isRoot = parts.length === 1 && (parts[0] === 'api' || parts[0] === 'apis');
  let body: JsonObject | undefined;
  if (parts[0] === 'api' && parts.length <= 2) {
    if (parts.length === 1) body = apiVersions(opts);
    else body = apiResourceList(resources, '', parts[1], opts);
  } else if (parts[0] === 'apis' && parts.length <= 3) {
    if (parts.length === 1) body = apiGroupList(resources);
    else if (parts.length === 2) body = apiGroup(resources, parts[1]);
    else body = apiResourceList(resources, parts[1], parts[2], opts);
  }
  if (!body) return undefined;
  const { form, contentType } = negotiateDiscovery(accept, isRoot);
  if (form === 'not-acceptable') return notAcceptable();
  if (form === 'aggregated') {
    return { status: 200, contentType, body: aggregatedDiscovery(resources, parts[0] === 'api' ? 'api' : 'apis') };
  }
  return { status: 200, contentType, body };
}
