/**
 * Which pools a Service may draw from, and in which order they are tried. As in MetalLB, `namespaces` and
 * `namespaceSelectors` together list the namespaces admitted (a namespace named or selected may use the pool),
 * and `serviceSelectors` further narrow to matching Services.
 */
import { matchesSelector, type Pool } from '@ironlb/shared/config';
import { namespaceOf, type ServiceRequest } from './service';

export function mayUsePool(pool: Pool, svc: ServiceRequest): boolean {
  const allocation = pool.serviceAllocation;
  if (!allocation) return true;
  const { namespaces, namespaceSelectors, serviceSelectors } = allocation;
  if (namespaces.length > 0 || namespaceSelectors.length > 0) {
    const named = namespaces.includes(namespaceOf(svc.key));
    if (!named && !namespaceSelectors.some((s) => matchesSelector(s, svc.namespaceLabels))) return false;
  }
  return serviceSelectors.length === 0 || serviceSelectors.some((s) => matchesSelector(s, svc.labels));
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
