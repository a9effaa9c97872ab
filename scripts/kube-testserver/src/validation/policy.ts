import type { StatusCause } from '../types';
import { defineKind, type KindStrategy } from './base';
import { goRaw, invalidValue, notSupported } from './fielderrors';
import { asObj, asStr, type Obj } from './json';
import { nameIsDNSSubdomain } from './meta';
import { validateIntOrPercent, validateLabelSelector } from './apps';

/**
 * PodDisruptionBudget (policy/v1), stored and validated as ValidatePodDisruptionBudgetSpec does: minAvailable or
 * maxUnavailable (not both), each an integer >= 0 or a percentage up to 100%, a label selector, and the eviction
 * policy's two values. No disruption controller runs here: the status stays as created (zeros).
 */

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/**
 * The real message prints the spec with %#v, pointers as addresses (`MinAvailable:(*intstr.IntOrString)(0xc...)`),
 * which no client can match anyway; the fields set are shown instead.
 */
const goSpec = (spec: Obj): ReturnType<typeof goRaw> =>
  goRaw(
    `policy.PodDisruptionBudgetSpec{${['minAvailable', 'maxUnavailable']
      .map((k) => `${k[0].toUpperCase()}${k.slice(1)}:${JSON.stringify(spec[k])}`)
      .join(', ')}}`,
  );

export function podDisruptionBudgetStrategy(): KindStrategy {
  return defineKind({
    namespaced: true,
    name: nameIsDNSSubdomain,
    generation: 'spec',
    prepareCreate(o) {
      // PodDisruptionBudgetStatus's four counters have no omitempty: a new PDB shows them as zeros.
      o.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    },
    validate(o) {
      const spec = asObj(o.spec) ?? {};
      const causes: StatusCause[] = [];
      const isSet = (v: unknown): boolean => v !== undefined && v !== null;
      if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable))
        causes.push(invalidValue('spec', goSpec(spec), 'minAvailable and maxUnavailable cannot be both set'));
      if (isSet(spec.minAvailable)) causes.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
      if (isSet(spec.maxUnavailable)) causes.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
      causes.push(...validateLabelSelector(spec.selector, 'spec.selector'));
      const policy = asStr(spec.unhealthyPodEvictionPolicy);
      if (policy !== undefined && !EVICTION_POLICIES.includes(policy))
        causes.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, EVICTION_POLICIES));
      return causes;
    },
  });
}
