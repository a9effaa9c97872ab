/**
 * The routable resources: the built-in kinds plus the served versions of every established CRD. Routing,
 * discovery and storage all look resources up here.
 */
import { BUILTIN_RESOURCES, groupResource, type ResourceInfo } from '../api/registry';
import type { KubeObject } from '../types';
import { asArray, asObject, asString } from './json';

export class ResourceTable {
  private readonly byGV = new Map<string, Map<string, ResourceInfo>>();
  private readonly crdResources = new Map<string, ResourceInfo[]>();

  constructor(builtins: readonly ResourceInfo[] = BUILTIN_RESOURCES) {
    for (const r of builtins) this.add(r);
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    const r = this.byGV.get(`${group}/${version}`)?.get(resource);
    // Discovery lists these (bindings, componentstatuses) but nothing here serves them.
    return r?.listedOnly ? undefined : r;
  }

  /** Whether the group/version is served at all (an unknown one answers 404 for every path under it). */
  servesGroupVersion(group: string, version: string): boolean {
    return this.byGV.has(`${group}/${version}`);
  }

  /** Some served version of a storage (`services`, `ipaddresspools.ironlb.io`), for work that is not per request. */
  byStorage(storage: string): ResourceInfo | undefined {
    let shared: ResourceInfo | undefined;
    for (const m of this.byGV.values()) {
      for (const r of m.values()) {
        // A shared storage is the owner's (core events), whose strategy reads the stored form as it is.
        if (groupResource(r) === storage) return r;
        if (!shared && storageKeyOf(r) === storage) shared = r;
      }
    }
    return shared;
  }

  all(): ResourceInfo[] {
    const out: ResourceInfo[] = [];
    for (const m of this.byGV.values()) out.push(...m.values());
    return out;
  }

  /** Registers the served versions of a CRD, replacing what it registered before. */
  registerCRD(crd: KubeObject): ResourceInfo[] {
    const name = crd.metadata.name ?? '';
    this.unregisterCRD(name);
    const infos = crdResourceInfos(crd);
    for (const r of infos) this.add(r);
    this.crdResources.set(name, infos);
    return infos;
  }

  unregisterCRD(name: string): ResourceInfo[] {
    const old = this.crdResources.get(name) ?? [];
    for (const r of old) {
      const gv = this.byGV.get(`${r.group}/${r.version}`);
      gv?.delete(r.resource);
      if (gv && gv.size === 0) this.byGV.delete(`${r.group}/${r.version}`);
    }
    this.crdResources.delete(name);
    return old;
  }

  private add(r: ResourceInfo): void {
    const key = `${r.group}/${r.version}`;
    let gv = this.byGV.get(key);
    if (!gv) this.byGV.set(key, (gv = new Map()));
    gv.set(r.resource, r);
  }
}

/** Group-resources stored under another's key, as the real server's etcd keys are: events.k8s.io Events are core. */
const SHARED_STORAGE: Record<string, string> = { 'events.events.k8s.io': 'events' };

/** The storage key of a resource: all versions of a group-resource share one table, as they share etcd keys. */
export const storageKeyOf = (r: Pick<ResourceInfo, 'group' | 'resource'>): string => {
  const gr = groupResource(r);
  return SHARED_STORAGE[gr] ?? gr;
};

/** The apiextensions-apiserver's verb list for custom resources, in its own order (discovery shows it as is, 092). */
const CUSTOM_RESOURCE_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** ResourceInfo for each served version of a CRD. */
export function crdResourceInfos(crd: KubeObject): ResourceInfo[] {
  const spec = asObject(crd.spec) ?? {};
  const names = asObject(spec.names) ?? {};
  const group = asString(spec.group) ?? '';
  const plural = asString(names.plural) ?? '';
  const kind = asString(names.kind) ?? '';
  const out: ResourceInfo[] = [];
  for (const v of asArray(spec.versions) ?? []) {
    const version = asObject(v);
    if (!version || version.served === false) continue;
    const subs = asObject(version.subresources) ?? {};
    const subresources: Array<'status' | 'scale'> = [];
    if (asObject(subs.status)) subresources.push('status');
    if (asObject(subs.scale)) subresources.push('scale');
    out.push({
      group,
      version: asString(version.name) ?? '',
      resource: plural,
      singular: asString(names.singular) ?? kind.toLowerCase(),
      kind,
      listKind: asString(names.listKind) ?? `${kind}List`,
      namespaced: spec.scope !== 'Cluster',
      shortNames: (asArray(names.shortNames) ?? []).filter((s): s is string => typeof s === 'string'),
      categories: (asArray(names.categories) ?? []).filter((s): s is string => typeof s === 'string'),
      verbs: CUSTOM_RESOURCE_VERBS,
      subresources,
      crd: crd.metadata.name,
    });
  }
  return out;
}
