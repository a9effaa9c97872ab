/**
 * What both daemons' API edges share: the client, the namespace their config objects and Leases live in, and the
 * calls they make alike (Events, lists of our kinds, a named Lease). Each daemon extends it with its own calls.
 */
import type { CoreV1Event, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { LeaseStore } from '../lease';
import type { KubeClient } from './client';
import { customPath, listCustom } from './custom';
import { apiLeaseStore } from './lease';

export class NamespacedApi {
  constructor(
    readonly client: KubeClient,
    /** Where the config objects and the Leases live (ironlb-system). */
    readonly namespace: string,
  ) {}

  /** The path of one of our kinds in our namespace. */
  readonly customPath = (plural: string): string => customPath(this.namespace, plural);

  listCustom(plural: string): Promise<KubernetesListObject<KubernetesObject>> {
    return listCustom(this.client, this.namespace, plural);
  }

  async createEvent(event: CoreV1Event): Promise<void> {
    await this.client.post(`/api/v1/namespaces/${event.metadata.namespace ?? 'default'}/events`, event);
  }

  lease(name: string): LeaseStore {
    return apiLeaseStore(this.client, this.namespace, name);
  }
}
