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

  async writeIngress(namespace: string, name: string, ingress: readonly IngressEntry[]): Promise<void> {
    // An empty ingress list is written as null, so the merge patch removes the field instead of leaving `[]`.
    const body = { status: { loadBalancer: { ingress: ingress.length > 0 ? ingress : null } } };
    await this.client.mergePatch(`/api/v1/namespaces/${namespace}/services/${name}/status`, body);
  }

  /** The Service's status conditions, whole (a merge patch replaces a list): ours changed, the others as read. */
  async writeConditions(
    namespace: string,
    name: string,
    conditions: readonly Record<string, unknown>[],
  ): Promise<void> {
    const body = { status: { conditions: conditions.length > 0 ? conditions : null } };
    await this.client.mergePatch(`/api/v1/namespaces/${namespace}/services/${name}/status`, body);
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
