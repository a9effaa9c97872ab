/**
 * The edge of authorization in the server: reads the bearer token and the RBAC objects from the store, and turns a
 * refusal into the real server's 403.
 */
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../errors';
import type { KubeObject } from '../types';
import type { ResourceRoute } from '../server/routes';
import type { Store } from '../server/store';
import {
  forbiddenMessage,
  rbacAllows,
  requestVerb,
  selectedName,
  userFromToken,
  type RbacObjects,
  type RequestAttributes,
} from './rbac';

const RBAC = 'rbac.authorization.k8s.io';

function rbacObjects(store: Store): RbacObjects {
  const all = (resource: string): KubeObject[] => [...store.list(`${resource}.${RBAC}`)].map(([, o]) => o);
  return {
    roles: all('roles'),
    clusterRoles: all('clusterroles'),
    roleBindings: all('rolebindings'),
    clusterRoleBindings: all('clusterrolebindings'),
  };
}

/** Throws the real server's 403 when a service account's request is not allowed by RBAC; the admin passes. */
export function authorizeRequest(
  req: IncomingMessage,
  route: ResourceRoute,
  method: string,
  query: URLSearchParams,
  watching: boolean,
  store: Store,
): void {
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const user = userFromToken(token);
  if (!user) return;
  const verb = requestVerb(method, route.name !== undefined, watching);
  const name =
    route.name ?? (verb === 'list' || verb === 'watch' ? selectedName(query.get('fieldSelector')) : undefined);
  const attrs: RequestAttributes = {
    verb,
    apiGroup: route.info.group,
    resource: route.info.resource,
    ...(route.subresource !== undefined ? { subresource: route.subresource } : {}),
    ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
    ...(name !== undefined ? { name } : {}),
  };
  if (rbacAllows(user, attrs, rbacObjects(store))) return;
  throw new StatusError(403, 'Forbidden', forbiddenMessage(user, attrs), {
    ...(name !== undefined ? { name } : {}),
    group: route.info.group,
    kind: route.info.resource,
  });
}
