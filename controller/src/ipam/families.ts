/**
 * The address families a Service gets, from spec.ipFamilyPolicy and spec.ipFamilies as Kubernetes defines them:
 * SingleStack one address of the primary family, PreferDualStack the primary and the other if one is available,
 * RequireDualStack both or nothing.
 */
import type { IPFamily } from '@ironlb/shared/config';
import type { FamiliesRefusal } from './reasons';
import type { ServiceRequest } from './service';

export interface WantedFamilies {
  readonly required: readonly IPFamily[];
  readonly optional: readonly IPFamily[];
}

export function wantedFamilies(svc: ServiceRequest): WantedFamilies | { readonly error: FamiliesRefusal } {
  const fams = svc.ipFamilies;
  if (fams.length === 0) return { error: { code: 'noIPFamilies' } };
  // Three or more entries repeat one of the two families, so a repeat is the only check needed.
  if (new Set(fams).size < fams.length) {
    return { error: { code: 'ipFamilyRepeated', families: [...fams] } };
  }
  switch (svc.ipFamilyPolicy) {
    case 'SingleStack':
      return { required: [fams[0]], optional: [] };
    case 'PreferDualStack':
      return { required: [fams[0]], optional: fams.slice(1) };
    case 'RequireDualStack':
      if (fams.length < 2) return { error: { code: 'dualStackOneFamily', family: fams[0] } };
      return { required: fams, optional: [] };
  }
}

export const allFamilies = (w: WantedFamilies): readonly IPFamily[] => [...w.required, ...w.optional];
