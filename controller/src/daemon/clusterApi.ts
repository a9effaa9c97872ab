/**
 * Every call the controller makes to the API server, behind one small class, so the reconciler reads as decisions
 * and the wire details (merge patches, status subresources, Lease concurrency) live in one place.
 */
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type CoreV1Event,
  type KubernetesListObject,
  type KubernetesObject,
  type V1NamespaceList,
  type V1ServiceList,
} from '@kubernetes/client-node';
import {
  apiLeaseStore,
  customPath,
  GROUP,
  listCustom,
  mergePatch,
  VERSION,
  type ApiClientFactory,
} from '@ironlb/shared/k8s';
import type { LeaseStore } from '@ironlb/shared';
import type { IngressEntry } from '../service/outcome';
import type { PoolStatus } from '../status/poolStatus';

export const POOLS = 'ipaddresspools';

export class ClusterApi {
  readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly coordination: CoordinationV1Api;

  constructor(
    readonly kc: KubeConfig,
    /** Where the config objects and the Lease live. */
    readonly namespace: string,
    clients: ApiClientFactory,
  ) {
    this.core = clients(CoreV1Api);
    this.custom = clients(CustomObjectsApi);
    this.coordination = clients(CoordinationV1Api);
  }

  readonly poolsPath = (): string => customPath(this.namespace, POOLS);

  listPools(): Promise<KubernetesListObject<KubernetesObject>> {
    return listCustom(this.custom, this.namespace, POOLS);
  }

  listNamespaces(): Promise<V1NamespaceList> {
    return this.core.listNamespace();
  }

  listServices(): Promise<V1ServiceList> {
    return this.core.listServiceForAllNamespaces();
  }

  async writeIngress(namespace: string, name: string, ingress: readonly IngressEntry[]): Promise<void> {
    // An empty ingress list is written as null, so the merge patch removes the field instead of leaving `[]`.
    const body = { status: { loadBalancer: { ingress: ingress.length > 0 ? ingress : null } } };
    await this.core.patchNamespacedServiceStatus({ name, namespace, body }, mergePatch);
  }

  async writePoolStatus(name: string, status: PoolStatus): Promise<void> {
    await this.custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace: this.namespace, plural: POOLS, name, body: { status } },
      mergePatch,
    );
  }

  async createEvent(event: CoreV1Event): Promise<void> {
    await this.core.createNamespacedEvent({ namespace: event.metadata.namespace ?? 'default', body: event });
  }

  leaseStore(name: string): LeaseStore {
    return apiLeaseStore(this.coordination, this.namespace, name);
  }
}
