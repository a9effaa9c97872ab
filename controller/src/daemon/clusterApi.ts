/**
 * Every call the controller makes to the API server, behind one small class, so the reconciler reads as decisions
 * and the wire details (merge patches, status subresources, Lease concurrency) live in one place.
 */
import type { KubernetesListObject, KubernetesObject, V1NamespaceList, V1ServiceList } from '@kubernetes/client-node';
import { NamespacedApi, statusCodeOf } from '@ironlb/shared/k8s';
import type { LeaseStore } from '@ironlb/shared';
import type { IngressEntry } from '../service/outcome';
import type { PoolStatus } from '../status/poolStatus';

export const POOLS = 'ipaddresspools';

/** What a Service's status write changes: either part, or both, in one request. */
export interface ServiceStatusChange {
  readonly ingress?: readonly IngressEntry[];
  readonly conditions?: readonly Record<string, unknown>[];
}

export class ClusterApi extends NamespacedApi {
  readonly poolsPath = (): string => this.customPath(POOLS);

  listPools(): Promise<KubernetesListObject<KubernetesObject>> {
    return this.listCustom(POOLS);
  }

  listNamespaces(): Promise<V1NamespaceList> {
    return this.client.get('/api/v1/namespaces');
  }

  listServices(): Promise<V1ServiceList> {
    return this.client.get('/api/v1/services');
  }

  /**
   * One merge patch of the Service's status: the ingress list and/or the conditions (whole: a merge patch replaces a
   * list, so ours changed and the others as read). An empty list is written as null, so the patch removes the field
   * instead of leaving `[]`.
   */
  async writeServiceStatus(namespace: string, name: string, change: ServiceStatusChange): Promise<void> {
    const orNull = <T>(list: readonly T[]): readonly T[] | null => (list.length > 0 ? list : null);
    const status = {
      ...(change.ingress !== undefined ? { loadBalancer: { ingress: orNull(change.ingress) } } : {}),
      ...(change.conditions !== undefined ? { conditions: orNull(change.conditions) } : {}),
    };
    await this.client.mergePatch(`/api/v1/namespaces/${namespace}/services/${name}/status`, { status });
  }

  async writePoolStatus(name: string, status: PoolStatus): Promise<void> {
    await this.client.mergePatch(`${this.customPath(POOLS)}/${name}/status`, { status });
  }

  /** Creates an Opaque Secret in our namespace unless one of that name exists (a 409), which is left as it is. */
  async createSecretIfAbsent(name: string, data: Record<string, string>): Promise<'created' | 'exists'> {
    const body = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name }, data };
    try {
      await this.client.post(`/api/v1/namespaces/${this.namespace}/secrets`, body);
      return 'created';
    } catch (e) {
      if (statusCodeOf(e) === 409) return 'exists';
      throw e;
    }
  }

  leaseStore(name: string): LeaseStore {
    return this.lease(name);
  }
}
