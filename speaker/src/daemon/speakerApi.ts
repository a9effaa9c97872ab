/**
 * Every call the speaker makes to the API server. API load grows with nodes, never with Services: steady state is
 * one Lease renewal per node per second; Events and ServiceL2Status writes happen only when an announcement moves.
 */
import type { V1Node, V1Secret } from '@kubernetes/client-node';
import type { LeaseStore } from '@ironlb/shared';
import { GROUP, NamespacedApi, statusCodeOf, VERSION } from '@ironlb/shared/k8s';

export const SPEAKER_LEASE_PREFIX = 'ironlb-speaker-';
export const STATUS_NODE_LABEL = 'ironlb.io/node';

/** A status object's status: which node announces which Service, plus the mode's own fields. */
export interface StatusBody {
  readonly node: string;
  readonly serviceName: string;
  readonly serviceNamespace: string;
  readonly [field: string]: unknown;
}

/** Which status kind (ServiceL2Status, ...): its kind and resource. */
export interface StatusResource {
  readonly kind: string;
  readonly plural: string;
}

export class SpeakerApi extends NamespacedApi {
  /** Where this speaker's kind of object is listed and watched. */
  readonly leasesPath = (): string => `/apis/coordination.k8s.io/v1/namespaces/${this.namespace}/leases`;

  /**
   * Creates the Node when no kubelet has (the lab and the demo run none), with its InternalIP addresses, so the
   * other speakers know where to send heartbeats. An existing Node is left alone.
   */
  async ensureNode(name: string, internalIPs: readonly string[]): Promise<'created' | 'exists'> {
    try {
      await this.client.get(`/api/v1/nodes/${name}`);
      return 'exists';
    } catch (e) {
      if (statusCodeOf(e) !== 404) throw e;
    }
    const body: V1Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    };
    try {
      await this.client.post('/api/v1/nodes', body);
    } catch (e) {
      if (statusCodeOf(e) !== 409) throw e;
      return 'exists';
    }
    const addresses = [
      ...internalIPs.map((address) => ({ type: 'InternalIP', address })),
      { type: 'Hostname', address: name },
    ];
    await this.client.mergePatch(`/api/v1/nodes/${name}/status`, { status: { addresses } });
    return 'created';
  }

  /**
   * A Secret, in our namespace unless told (the heartbeat key; a BGPPeer's passwordSecret); undefined when it does
   * not exist.
   */
  async readSecret(name: string, namespace = this.namespace): Promise<V1Secret | undefined> {
    try {
      return await this.client.get<V1Secret>(`/api/v1/namespaces/${namespace}/secrets/${name}`);
    } catch (e) {
      if (statusCodeOf(e) === 404) return undefined;
      throw e;
    }
  }

  /** The list and watch path of that one Secret (a field selector, so RBAC may name it alone). */
  readonly secretPath = (name: string): string =>
    `/api/v1/namespaces/${this.namespace}/secrets?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`;

  nodeLease(node: string): LeaseStore {
    return this.lease(`${SPEAKER_LEASE_PREFIX}${node}`);
  }

  /** Creates or updates the status object `name`, labelled with its node so a speaker finds its own. */
  async writeStatus(resource: StatusResource, name: string, status: StatusBody): Promise<void> {
    const labels = {
      [STATUS_NODE_LABEL]: status.node,
      'ironlb.io/service-name': status.serviceName,
      'ironlb.io/service-namespace': status.serviceNamespace,
    };
    const collection = this.customPath(resource.plural);
    try {
      await this.client.post(collection, {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: resource.kind,
        metadata: { name, labels },
        spec: {},
      });
    } catch (e) {
      if (statusCodeOf(e) !== 409) throw e;
      await this.client.mergePatch(`${collection}/${name}`, { metadata: { labels } });
    }
    await this.client.mergePatch(`${collection}/${name}/status`, { status });
  }

  /**
   * Deletes it only if it is still at `resourceVersion`; false when it has changed since (the caller looks again
   * once its watch has the newer version).
   */
  async deleteStatus(resource: StatusResource, name: string, resourceVersion: string): Promise<boolean> {
    try {
      await this.client.delete(`${this.customPath(resource.plural)}/${name}`, {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        preconditions: { resourceVersion },
      });
      return true;
    } catch (e) {
      const code = statusCodeOf(e);
      if (code === 404) return true;
      if (code === 409) return false;
      throw e;
    }
  }
}
