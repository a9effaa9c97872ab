/**
 * What both daemons' API edges share: the clients, the namespace their config objects and Leases live in, and the
 * calls they make alike (Events, lists of our kinds, a named Lease). Each daemon extends it with its own calls.
 */
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type CoreV1Event,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { LeaseStore } from '../lease';
import type { ApiClientFactory } from './apiClients';
import { customPath, listCustom } from './custom';
import { apiLeaseStore } from './lease';

export class NamespacedApi {
  protected readonly core: CoreV1Api;
  protected readonly custom: CustomObjectsApi;
  protected readonly coordination: CoordinationV1Api;

  constructor(
    readonly kc: KubeConfig,
    /** Where the config objects and the Leases live (ironlb-system). */
    readonly namespace: string,
    protected readonly clients: ApiClientFactory,
  ) {
    this.core = clients(CoreV1Api);
    this.custom = clients(CustomObjectsApi);
    this.coordination = clients(CoordinationV1Api);
  }

  /** The watch path of one of our kinds in our namespace. */
  readonly customPath = (plural: string): string => customPath(this.namespace, plural);

  listCustom(plural: string): Promise<KubernetesListObject<KubernetesObject>> {
    return listCustom(this.custom, this.namespace, plural);
  }

  async createEvent(event: CoreV1Event): Promise<void> {
    await this.core.createNamespacedEvent({ namespace: event.metadata.namespace ?? 'default', body: event });
  }

  lease(name: string): LeaseStore {
    return apiLeaseStore(this.coordination, this.namespace, name);
  }
}
