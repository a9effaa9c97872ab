/**
 * Every call the controller makes to the API server, behind one small class, so the reconciler reads as decisions
 * and the wire details (merge patches, status subresources, Lease concurrency) live in one place.
 */
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
  type CoreV1Event,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Lease,
  type V1NamespaceList,
  type V1ServiceList,
} from '@kubernetes/client-node';
import { statusCodeOf, type ApiClientFactory } from '@ironlb/shared/k8s';
import type { LeaseRecord, LeaseStore, StoredLease } from '../leader/election';
import type { IngressEntry } from '../service/outcome';
import type { PoolStatus } from '../status/poolStatus';

export const GROUP = 'ironlb.io';
export const VERSION = 'v1beta1';
export const POOLS = 'ipaddresspools';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

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

  readonly poolsPath = (): string => `/apis/${GROUP}/${VERSION}/namespaces/${this.namespace}/${POOLS}`;

  async listPools(): Promise<KubernetesListObject<KubernetesObject>> {
    const list: unknown = await this.custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: POOLS,
    });
    return list as KubernetesListObject<KubernetesObject>;
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
    return new ApiLeaseStore(this.coordination, this.namespace, name);
  }
}

/** The Lease through coordination.k8s.io/v1; a 404 reads as no Lease, a 409 as another replica writing first. */
class ApiLeaseStore implements LeaseStore {
  constructor(
    private readonly api: CoordinationV1Api,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  async get(): Promise<StoredLease | undefined> {
    try {
      const lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
      const s = lease.spec ?? {};
      return {
        resourceVersion: lease.metadata?.resourceVersion ?? '',
        record: {
          holderIdentity: s.holderIdentity ?? '',
          leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
          acquireTime: s.acquireTime ? new Date(s.acquireTime).getTime() : 0,
          renewTime: s.renewTime ? new Date(s.renewTime).getTime() : 0,
          leaseTransitions: s.leaseTransitions ?? 0,
        },
      };
    } catch (e) {
      if (statusCodeOf(e) === 404) return undefined;
      throw e;
    }
  }

  private body(r: LeaseRecord, resourceVersion?: string): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace, resourceVersion },
      spec: {
        holderIdentity: r.holderIdentity,
        leaseDurationSeconds: r.leaseDurationSeconds,
        acquireTime: new V1MicroTime(r.acquireTime),
        renewTime: new V1MicroTime(r.renewTime),
        leaseTransitions: r.leaseTransitions,
      },
    };
  }

  async create(r: LeaseRecord): Promise<boolean> {
    return this.conflictIsFalse(() =>
      this.api.createNamespacedLease({ namespace: this.namespace, body: this.body(r) }),
    );
  }

  async update(r: LeaseRecord, resourceVersion: string): Promise<boolean> {
    return this.conflictIsFalse(() =>
      this.api.replaceNamespacedLease({
        name: this.name,
        namespace: this.namespace,
        body: this.body(r, resourceVersion),
      }),
    );
  }

  private async conflictIsFalse(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (e) {
      if (statusCodeOf(e) === 409) return false;
      throw e;
    }
  }
}
