/** The ironlb.io custom resources as both daemons read them. */
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from './client';

export const GROUP = 'ironlb.io';
export const VERSION = 'v1beta1';

/** The path of one kind of ours in one namespace (list, watch; `/<name>` for one object). */
export const customPath = (namespace: string, plural: string): string =>
  `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${plural}`;

/** Every object of one kind of ours in one namespace. */
export function listCustom(
  client: KubeClient,
  namespace: string,
  plural: string,
): Promise<KubernetesListObject<KubernetesObject>> {
  return client.get(customPath(namespace, plural));
}
