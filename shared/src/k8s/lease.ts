import type { V1Lease } from '@kubernetes/client-node';
import type { LeaseRecord, LeaseStore, StoredLease } from '../lease';
import type { KubeClient } from './client';
import { statusCodeOf, timeOf } from './values';

/** One named Lease in one namespace. */
export function apiLeaseStore(client: KubeClient, namespace: string, name: string): LeaseStore {
  return new ApiLeaseStore(client, namespace, name);
}

/** MicroTime as the API writes it: RFC 3339 with microseconds. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** The Lease through coordination.k8s.io/v1; a 404 reads as no Lease, a 409 as another replica writing first. */
class ApiLeaseStore implements LeaseStore {
  private readonly collection: string;

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.collection = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  }

  async get(): Promise<StoredLease | undefined> {
    try {
      const lease = await this.client.get<V1Lease>(`${this.collection}/${this.name}`);
      const s = lease.spec ?? {};
      return {
        resourceVersion: lease.metadata?.resourceVersion ?? '',
        record: {
          holderIdentity: s.holderIdentity ?? '',
          leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
          acquireTime: timeOf(s.acquireTime) || 0,
          renewTime: timeOf(s.renewTime) || 0,
          leaseTransitions: s.leaseTransitions ?? 0,
        },
      };
    } catch (e) {
      if (statusCodeOf(e) === 404) return undefined;
      throw e;
    }
  }

  private body(r: LeaseRecord, resourceVersion?: string): unknown {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace, ...(resourceVersion ? { resourceVersion } : {}) },
      spec: {
        holderIdentity: r.holderIdentity,
        leaseDurationSeconds: r.leaseDurationSeconds,
        acquireTime: microTime(r.acquireTime),
        renewTime: microTime(r.renewTime),
        leaseTransitions: r.leaseTransitions,
      },
    };
  }

  async create(r: LeaseRecord): Promise<boolean> {
    return this.conflictIsFalse(() => this.client.post(this.collection, this.body(r)));
  }

  async update(r: LeaseRecord, resourceVersion: string): Promise<boolean> {
    return this.conflictIsFalse(() =>
      this.client.put(`${this.collection}/${this.name}`, this.body(r, resourceVersion)),
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
