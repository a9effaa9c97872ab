/** The ironlb.io custom resources as both daemons read them, and the merge patch both write with. */
import {
  PatchStrategy,
  setHeaderOptions,
  type CustomObjectsApi,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';

export const GROUP = 'ironlb.io';
export const VERSION = 'v1beta1';

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The watch path of one kind of ours in one namespace. */
export const customPath = (namespace: string, plural: string): string =>
  `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${plural}`;

/** Every object of one kind of ours in one namespace. */
export async function listCustom(
  custom: CustomObjectsApi,
  namespace: string,
  plural: string,
): Promise<KubernetesListObject<KubernetesObject>> {
  const list: unknown = await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural });
  return list as KubernetesListObject<KubernetesObject>;
}
