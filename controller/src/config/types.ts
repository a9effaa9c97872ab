/**
 * The controller's configuration: one validated, immutable value built from the ironlb.io CRDs. The allocator and
 * the speakers see only this, never raw objects.
 */

import type { IPFamily } from '@ironlb/shared';
export type { IPFamily };

/** An inclusive address range of one family; addresses as unsigned integers (IPv4 32-bit, IPv6 128-bit). */
export interface AddressRange {
  readonly family: IPFamily;
  readonly first: bigint;
  readonly last: bigint;
}

/** A Kubernetes label selector (matchLabels + matchExpressions), already validated. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: ReadonlyArray<{
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values: readonly string[];
  }>;
}

export interface ServiceAllocation {
  /** Lower value = chosen first; pools without a priority come after every pool with one. */
  readonly priority?: number;
  /** Namespaces whose Services may use the pool (empty = no restriction by name). */
  readonly namespaces: readonly string[];
  /** The Service's namespace must match one of these (empty = no restriction). */
  readonly namespaceSelectors: readonly LabelSelector[];
  /** The Service must match one of these (empty = no restriction). */
  readonly serviceSelectors: readonly LabelSelector[];
}

export interface Pool {
  readonly name: string;
  /** Sorted by family then first address; non-overlapping. */
  readonly ranges: readonly AddressRange[];
  readonly autoAssign: boolean;
  /** Skip IPv4 addresses ending in .0 or .255. */
  readonly avoidBuggyIPs: boolean;
  /** Absent: any Service may use the pool. */
  readonly serviceAllocation?: ServiceAllocation;
  /** metadata.labels, which L2Advertisement and BGPAdvertisement pool selectors match. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface Config {
  /** Pools by name. */
  readonly pools: ReadonlyMap<string, Pool>;
}

/** A problem in one config object, named so the user can find it. */
export interface ConfigError {
  /** e.g. `IPAddressPool ironlb-system/lab` */
  readonly object: string;
  /** e.g. `spec.addresses[2]` */
  readonly field: string;
  readonly message: string;
}
