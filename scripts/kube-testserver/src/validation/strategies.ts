import { daemonSetStrategy, deploymentStrategy } from './apps';
import { NodePortAllocator, ServiceIPs, DEFAULT_SERVICE_CIDRS, type Random } from './allocators';
import { genericStrategy, type KindStrategy } from './base';
import { configMapStrategy, namespaceStrategy, nodeStrategy, secretStrategy, serviceAccountStrategy } from './core';
import { crdStrategy } from './crd';
import { endpointSliceStrategy, leaseStrategy } from './discovery';
import { eventStrategy } from './events';
import { podStrategy } from './pod';
import { podDisruptionBudgetStrategy } from './policy';
import { roleKinds } from './rbac';
import { ServiceStrategy } from './service';
import { validatingWebhookStrategy } from './webhook';

export interface StrategyOptions {
  /**
   * Service networks, primary family first. Default: single-stack `10.96.0.0/12`. Two CIDRs of different families
   * make the cluster dual-stack (then RequireDualStack works). These addresses never reach an interface or a packet.
   */
  serviceCIDRs?: string[];
  /** Shorthand for the two default networks (`10.96.0.0/12`, `2001:db8:fff::/108`) when serviceCIDRs is not given. */
  dualStack?: boolean;
  /** Inclusive node port range; default 30000-32767. */
  nodePortRange?: [number, number];
  /** Injectable randomness (tests); the allocators otherwise use crypto.randomInt. */
  random?: Random;
}

export interface Strategies {
  /** The strategy for a built-in resource; anything unknown gets ObjectMeta-only validation. */
  forResource(group: string, resource: string): KindStrategy;
  readonly service: ServiceStrategy;
}

/**
 * Call order for the server (mirrors the real store):
 * - create: ensureNamespace(obj, urlNamespace, namespaced) → prepareCreate (name generation, defaults, allocation;
 *   may throw a 422/500 StatusError) → validateCreate (non-empty → 422 via invalid(kind, group, name, causes)) →
 *   store; if the store refuses (AlreadyExists) call release(obj) so the allocations come back.
 * - update: check resourceVersion first, copy the stored status into the body (main resource), then prepareUpdate →
 *   validateUpdate → store. Never call release after a refused update.
 * - /status: copy the body's status onto the stored object → prepareStatusUpdate → validateStatusUpdate → store.
 * - delete: release(storedObject) once it is gone. After a restart: restore(obj) for every stored object.
 *
 * One strategy per built-in resource, sharing the cluster's allocators. Custom resources are not here: their
 * strategy depends on the CRD (customResourceStrategy).
 */
export function createStrategies(options: StrategyOptions = {}): Strategies {
  const cidrs =
    options.serviceCIDRs ??
    (options.dualStack ? [DEFAULT_SERVICE_CIDRS.IPv4, DEFAULT_SERVICE_CIDRS.IPv6] : [DEFAULT_SERVICE_CIDRS.IPv4]);
  const service = new ServiceStrategy({
    ips: new ServiceIPs(cidrs, options.random),
    nodePorts: new NodePortAllocator(options.nodePortRange ?? [30000, 32767], options.random),
  });
  const table = new Map<string, KindStrategy>([
    ['/namespaces', namespaceStrategy()],
    ['/services', service],
    ['/nodes', nodeStrategy()],
    ['/pods', podStrategy()],
    ['/events', eventStrategy('v1')],
    ['/configmaps', configMapStrategy()],
    ['/secrets', secretStrategy()],
    ['/serviceaccounts', serviceAccountStrategy()],
    ['events.k8s.io/events', eventStrategy('events.k8s.io/v1')],
    ['coordination.k8s.io/leases', leaseStrategy()],
    ['discovery.k8s.io/endpointslices', endpointSliceStrategy()],
    ['apps/deployments', deploymentStrategy()],
    ['apps/daemonsets', daemonSetStrategy()],
    ['policy/poddisruptionbudgets', podDisruptionBudgetStrategy()],
    ['rbac.authorization.k8s.io/roles', roleKinds.role()],
    ['rbac.authorization.k8s.io/clusterroles', roleKinds.clusterRole()],
    ['rbac.authorization.k8s.io/rolebindings', roleKinds.roleBinding()],
    ['rbac.authorization.k8s.io/clusterrolebindings', roleKinds.clusterRoleBinding()],
    ['admissionregistration.k8s.io/validatingwebhookconfigurations', validatingWebhookStrategy()],
    ['apiextensions.k8s.io/customresourcedefinitions', crdStrategy()],
  ]);
  const clusterScoped = new Set(['/namespaces', '/nodes', '/persistentvolumes']);
  const generic = new Map<string, KindStrategy>();
  return {
    service,
    forResource(group, resource) {
      const key = `${group}/${resource}`;
      const known = table.get(key);
      if (known) return known;
      let g = generic.get(key);
      if (!g) {
        g = genericStrategy(!clusterScoped.has(key));
        generic.set(key, g);
      }
      return g;
    },
  };
}
