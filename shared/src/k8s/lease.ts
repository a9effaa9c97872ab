import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import type { LeaseRecord, LeaseStore, StoredLease } from '../lease';
import { statusCodeOf } from './errors';

/** One named Lease in one namespace, through the given client. */
export function apiLeaseStore(api: CoordinationV1Api, namespace: string, name: string): LeaseStore {
  return new ApiLeaseStore(api, namespace, name);
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
