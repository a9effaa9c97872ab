/**
 * Resource URLs: `/api/v1/...` and `/apis/<group>/<version>/...`, optionally under `namespaces/<ns>/`, with a name
 * and a subresource, and the legacy `/watch/` prefix. Anything else is not a resource path.
 */
import type { ResourceInfo } from '../api/registry';
import { StatusError } from '../errors';
import type { ResourceTable } from './resources';

export interface ResourceRoute {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The legacy `/api/v1/watch/...` form. */
  legacyWatch: boolean;
}

export const notFoundPath = (): StatusError =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});

/** Parses a resource path; undefined when it is not under /api/v1 or /apis/<g>/<v>. Unknown resources throw 404. */
export function parseResourcePath(path: string, resources: ResourceTable): ResourceRoute | undefined {
  const segs = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else return undefined;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // `namespaces/<ns>/<resource>` when <resource> is a namespaced resource; otherwise the namespaces resource itself
  // (`namespaces/<name>/status`, `namespaces/<name>/finalize`).
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = resources.lookup(group, version, rest[2]);
    if (inner?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) throw notFoundPath();
  const info = resources.lookup(group, version, resource);
  if (!info) throw notFoundPath();
  if (namespace !== undefined && !info.namespaced) throw notFoundPath();
  if (subresource !== undefined && !(info.subresources as string[]).includes(subresource)) {
    const served =
      info.group === '' &&
      ((info.resource === 'namespaces' && subresource === 'finalize') ||
        (info.resource === 'pods' && subresource === 'eviction'));
    if (!served) throw notFoundPath();
  }
  return { info, namespace, name, subresource, legacyWatch };
}
