/**
 * Why the allocator refuses a Service an address, warns about one it gave, or reports one a config change took
 * away: each a value with a `code` (one per rule, a closed set that metrics may use as a label) and the data its
 * words need. The words themselves live in one place, the controller's reasonText; nothing here is text for users.
 */
import type { ConfigError, IPFamily, LabelSelector } from '@ironlb/shared/config';
import type { IPAddress } from './ip';
import type { Protocol, TrafficPolicy } from './service';

/**
 * What `wantedFamilies` refuses: the Service's spec.ipFamilies cannot be served under its spec.ipFamilyPolicy.
 * `families` is spec.ipFamilies as given.
 */
export type FamiliesRefusal =
  | { readonly code: 'noIPFamilies' }
  | { readonly code: 'ipFamilyRepeated'; readonly families: readonly IPFamily[] }
  /** RequireDualStack with only one family listed. */
  | { readonly code: 'dualStackOneFamily'; readonly family: IPFamily };

/**
 * Why two Services may not hold one address (MetalLB's rules). For the rules every holder of `ip` shares (key,
 * traffic policy, Local selector), `holders` names all of them (`namespace/name`, sorted, the Service asking left
 * out), so the answer does not depend on the order they came in; for a port, `holder` is the one using it.
 */
export type SharingConflict =
  /** Both need the same non-empty key; an absent key is no key (`holderKey` absent: the holder never shares). */
  | {
      readonly code: 'sharingKeyMismatch';
      readonly holders: readonly string[];
      readonly ip: IPAddress;
      readonly holderKey?: string;
      readonly key?: string;
    }
  /** One is Local, the other Cluster; `holderPolicy` is the holders', the Service asking has the other. */
  | {
      readonly code: 'trafficPolicyMismatch';
      readonly holders: readonly string[];
      readonly ip: IPAddress;
      readonly holderPolicy: TrafficPolicy;
    }
  /**
   * Both Local, but not to the same pods: `withoutSelector` names the one without a selector (which never shares),
   * absent when both have one and they differ.
   */
  | {
      readonly code: 'localPolicySelectorMismatch';
      readonly holders: readonly string[];
      readonly ip: IPAddress;
      readonly withoutSelector?: 'holder' | 'service';
    }
  /** `holder` already uses this (port, protocol) on the address. */
  | {
      readonly code: 'portConflict';
      readonly holder: string;
      readonly ip: IPAddress;
      readonly port: number;
      readonly protocol: Protocol;
    };

/**
 * Why no address from the pools. `requireDualStack`: the search for one family of a RequireDualStack Service came
 * up empty, so that family fails the Service whole (the words say so first); false for a refused requested address.
 */
export type PoolRefusal =
  /**
   * The named pool exists but did not load: `errors` are its object's, as the config parser gives them (the
   * controller logs the same). The Service waits; it is not sent to another pool.
   */
  | { readonly code: 'poolInvalid'; readonly pool: string; readonly errors: readonly ConfigError[] }
  /** The named pool does not admit the Service (serviceAllocation). */
  | { readonly code: 'poolForbidden'; readonly pool: string; readonly requireDualStack: boolean }
  /** The named pool has no range of the family. */
  | {
      readonly code: 'poolLacksFamily';
      readonly pool: string;
      readonly family: IPFamily;
      readonly requireDualStack: boolean;
    }
  /** No auto-assign pool with the family admits the Service. */
  | { readonly code: 'noUsablePool'; readonly family: IPFamily; readonly requireDualStack: boolean }
  /** Every pool the Service may use, in the order tried, is full for the family. */
  | {
      readonly code: 'poolExhausted';
      readonly family: IPFamily;
      readonly pools: readonly string[];
      readonly requireDualStack: boolean;
    };

/** Why a Service gets no address (AssignFailure) or keeps none it showed (AdoptResult). */
export type Refusal =
  | FamiliesRefusal
  | SharingConflict
  | PoolRefusal
  /** adopt was given no address. */
  | { readonly code: 'nothingToAdopt' }
  /** Two addresses of one family: requested (the annotation) or shown (adopt). */
  | { readonly code: 'tooManyAddresses'; readonly family: IPFamily; readonly requested: boolean }
  /** An address of a family the Service does not use; `families` are the ones it may have. */
  | { readonly code: 'familyMismatch'; readonly ip: IPAddress; readonly families: readonly IPFamily[] }
  /** RequireDualStack with requested addresses of one family only; `family` is the one missing. */
  | { readonly code: 'dualStackRequestIncomplete'; readonly family: IPFamily }
  /** adopt: the shown address is not the one the Service requests. */
  | { readonly code: 'notRequestedAddress'; readonly ip: IPAddress; readonly requested: IPAddress }
  /** A requested address in no pool at all (MetalLB's words, which users search for). */
  | { readonly code: 'notInAnyPool'; readonly ip: IPAddress }
  /** The named pool, which admits the Service, does not have the address in its ranges, nor does any other pool. */
  | { readonly code: 'notInNamedPool'; readonly ip: IPAddress; readonly pool: string }
  /** The requested address is in `pool`, not in the pool `named` that the Service names. */
  | { readonly code: 'inOtherPool'; readonly ip: IPAddress; readonly named: string; readonly pool: string }
  /** The requested address is in `pool`'s ranges, but the pool has avoidBuggyIPs and it ends in .0 or .255. */
  | { readonly code: 'buggyIPAvoided'; readonly ip: IPAddress; readonly pool: string }
  /**
   * The requested address is in `pool`, whose serviceAllocation admits only the namespaces it names or selects, and
   * the Service's `namespace` is neither.
   */
  | {
      readonly code: 'namespaceNotAdmitted';
      readonly ip: IPAddress;
      readonly pool: string;
      readonly namespace: string;
      readonly namespaces: readonly string[];
      readonly namespaceSelectors: readonly LabelSelector[];
    }
  /** The requested address is in `pool`, whose serviceSelectors the Service's labels match none of. */
  | {
      readonly code: 'serviceNotSelected';
      readonly ip: IPAddress;
      readonly pool: string;
      readonly serviceSelectors: readonly LabelSelector[];
    };

/** Worth a Warning although the Service got its addresses. */
export type AllocationWarning =
  /** The named pool does not exist: the address comes from the auto-assign pools. */
  | { readonly code: 'poolMissing'; readonly pool: string }
  /** A config change took the address away; the Service keeps it until another is free, or because it asked for it. */
  | { readonly code: 'keptAfterPoolEdit'; readonly ip: IPAddress; readonly why: 'untilAnotherIsFree' | 'requested' };

/** Why updateConfig reports an address a Service keeps (StaleAssignment). */
export type StaleReason = { readonly code: 'noLongerInPool'; readonly ip: IPAddress };

export type Reason = Refusal | AllocationWarning | StaleReason;
export type ReasonCode = Reason['code'];
export type RefusalCode = Refusal['code'];

/** Each refusal code once; the type makes the list complete (a missing or extra code does not compile). Only the keys
 * are read. */
const refusalCodes: Record<RefusalCode, null> = {
  noIPFamilies: null,
  ipFamilyRepeated: null,
  dualStackOneFamily: null,
  sharingKeyMismatch: null,
  trafficPolicyMismatch: null,
  localPolicySelectorMismatch: null,
  portConflict: null,
  poolInvalid: null,
  poolForbidden: null,
  poolLacksFamily: null,
  noUsablePool: null,
  poolExhausted: null,
  nothingToAdopt: null,
  tooManyAddresses: null,
  familyMismatch: null,
  dualStackRequestIncomplete: null,
  notRequestedAddress: null,
  notInAnyPool: null,
  notInNamedPool: null,
  inOtherPool: null,
  buggyIPAvoided: null,
  namespaceNotAdmitted: null,
  serviceNotSelected: null,
};

/** Every refusal code, for label values known in advance (metrics start each at zero). */
export const REFUSAL_CODES: readonly RefusalCode[] = Object.keys(refusalCodes) as RefusalCode[];
