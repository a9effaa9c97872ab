/**
 * Which pools a Service may draw from, and in which order they are tried. As in MetalLB, `namespaces` and
 * `namespaceSelectors` together list the namespaces admitted (a namespace named or selected may use the pool),
 * and `serviceSelectors` further narrow to matching Services.
 */
import { matchesSelector, type Pool } from '@ironlb/shared/config';
import { namespaceOf, type ServiceRequest } from './service';

export function mayUsePool(pool: Pool, svc: ServiceRequest): boolean {
  return exclusionOf(pool, svc) === undefined;
}

/**
 * Which serviceAllocation rule keeps the Service out of the pool: its namespace is neither named nor selected, or
 * (checked after) its labels match no service selector; undefined when it may use the pool.
 */
export function exclusionOf(pool: Pool, svc: ServiceRequest): 'namespace' | 'service' | undefined {
  const allocation = pool.serviceAllocation;
  if (!allocation) return undefined;
  const { namespaces, namespaceSelectors, serviceSelectors } = allocation;
  if (namespaces.length > 0 || namespaceSelectors.length > 0) {
    const named = namespaces.includes(namespaceOf(svc.key));
    if (!named && !namespaceSelectors.some((s) => matchesSelector(s, svc.namespaceLabels))) return 'namespace';
  }
  if (serviceSelectors.length === 0 || serviceSelectors.some((s) => matchesSelector(s, svc.labels))) return undefined;
  return 'service';
}

/** Lowest priority value first, pools without a priority after all others, then by name so the order is stable. */
export function byPreference(a: Pool, b: Pool): number {
  const pa = a.serviceAllocation?.priority;
  const pb = b.serviceAllocation?.priority;
  if (pa !== pb) {
    if (pa === undefined) return 1;
    if (pb === undefined) return -1;
    return pa - pb;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
