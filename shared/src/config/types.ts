/**
 * ironlb's configuration: one validated, immutable value built from the ironlb.io objects. The allocator and the
 * speakers' modes see only this, never raw objects.
 */

import type { IPFamily, ParsedIP } from '../ip/ip';
export type { IPFamily, ParsedIP };

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

/**
 * Which pools a layer 2 announcement covers and from which nodes. MetalLB's meaning: no pools and no pool selectors
 * = every pool; no node selectors = every node; no interfaces = every interface with an address in the IP's subnet.
 */
export interface L2Advertisement {
  readonly name: string;
  readonly ipAddressPools: readonly string[];
  readonly ipAddressPoolSelectors: readonly LabelSelector[];
  readonly nodeSelectors: readonly LabelSelector[];
  readonly interfaces: readonly string[];
}

/**
 * Which pools a BGP announcement covers, from which nodes, to which peers, and with what attributes. As for
 * L2Advertisement: no pools and no pool selectors = every pool; no node selectors = every node; and no peers = every
 * BGPPeer.
 */
export interface BGPAdvertisement {
  readonly name: string;
  /** The prefix length IPv4 addresses are announced with, 1..32; default 32 (each address alone). */
  readonly aggregationLength: number;
  /** The prefix length IPv6 addresses are announced with, 1..128; default 128. */
  readonly aggregationLengthV6: number;
  /** LOCAL_PREF, 1..4294967295. Absent: none set (0 in the object means absent, as in MetalLB). */
  readonly localPref?: number;
  /** Literal or by Community alias, each once, sorted (standard by value, then large). */
  readonly communities: readonly CommunityValue[];
  readonly ipAddressPools: readonly string[];
  readonly ipAddressPoolSelectors: readonly LabelSelector[];
  readonly nodeSelectors: readonly LabelSelector[];
  /** BGPPeer names; empty = every peer. Names of peers that are not loaded select nothing. */
  readonly peers: readonly string[];
}

/** A Secret by name; the parser records the reference and never reads the Secret. */
export interface SecretReference {
  readonly name: string;
  /** Absent: ironlb's own namespace, where the CRD says the Secret lives. */
  readonly namespace?: string;
}

/**
 * A BGP router the speakers open sessions with, MetalLB's BGPPeer. Timers in milliseconds (whole seconds, as BGP
 * carries them), named after the field they came from; every default filled in.
 */
export interface BGPPeer {
  readonly name: string;
  /** 1..4294967295. */
  readonly myASN: number;
  /** 1..4294967295; equal to myASN for iBGP. */
  readonly peerASN: number;
  readonly peerAddress: ParsedIP;
  /** Default 179. */
  readonly peerPort: number;
  /** Of peerAddress's family. */
  readonly sourceAddress?: ParsedIP;
  /** IPv4, never 0.0.0.0. Absent: the speaker picks one. */
  readonly routerID?: ParsedIP;
  /** spec.holdTime: 0 (no hold timer) or 3 s..65535 s. Default 90 s, or 3 × keepaliveTime when only that is set. */
  readonly holdTimeMs: number;
  /** spec.keepaliveTime: shorter than the hold time (0 when that is 0). Default a third of the hold time. */
  readonly keepaliveTimeMs: number;
  /** spec.connectTime: 1 s..65535 s between connection attempts. Absent: the BGP implementation's default. */
  readonly connectTimeMs?: number;
  /** The TCP MD5 password in clear text. Never put it in a message or a log line. */
  readonly password?: string;
  /** Where the TCP MD5 password is instead: the Secret's `password` key. Never with `password`. */
  readonly passwordSecret?: SecretReference;
  /** The name of a BFDProfile in Config.bfdProfiles. Absent: no BFD. */
  readonly bfdProfile?: string;
  readonly ebgpMultiHop: boolean;
  readonly enableGracefulRestart: boolean;
  readonly disableMP: boolean;
  /** The nodes that open the session: any selector matching; empty = every node. */
  readonly nodeSelectors: readonly LabelSelector[];
  /** The host VRF the session runs in. Absent: the default VRF. */
  readonly vrf?: string;
}

/**
 * The timers and modes of a BFD session (RFC 5880) run beside a BGP session, MetalLB's BFDProfile. Intervals in
 * milliseconds, as the CRD writes them; every field has its default filled in.
 */
export interface BFDProfile {
  readonly name: string;
  /** The shortest interval at which this end can receive control packets; default 300. */
  readonly receiveIntervalMs: number;
  /** The shortest interval, less jitter, at which this end sends control packets; default 300. */
  readonly transmitIntervalMs: number;
  /** Control packets missed before the session is down; default 3. */
  readonly detectMultiplier: number;
  /** The shortest interval at which this end can handle echo packets; default 50. */
  readonly echoIntervalMs: number;
  /** Echo packets sent (single-hop sessions only, RFC 5883); default false. */
  readonly echoMode: boolean;
  /** Wait for the peer to send first; default false. */
  readonly passiveMode: boolean;
  /** Multihop sessions only: the lowest TTL accepted on incoming control packets; default 254. */
  readonly minimumTtl: number;
}

/**
 * A BGP community: standard (RFC 1997), the 32-bit value of `a:b` (a × 65536 + b), or large (RFC 8092), three
 * 32-bit numbers. formatCommunity prints either back as a user writes it.
 */
export type CommunityValue =
  | { readonly kind: 'standard'; readonly value: number }
  | { readonly kind: 'large'; readonly global: number; readonly local1: number; readonly local2: number };

export interface Config {
  /** Pools by name. */
  readonly pools: ReadonlyMap<string, Pool>;
  /**
   * Pools that exist but did not load, by name: the errors of the object that had the name (the first by name
   * order), each as `errors` has it. A Service that names one is told why rather than sent to another pool.
   */
  readonly refusedPools: ReadonlyMap<string, readonly ConfigError[]>;
  /** Sorted by name, so every speaker reads them in one order. */
  readonly l2Advertisements: readonly L2Advertisement[];
  /** Sorted by name. */
  readonly bgpAdvertisements: readonly BGPAdvertisement[];
  /** Sorted by name. */
  readonly bgpPeers: readonly BGPPeer[];
  /** BFD profiles by name, in name order. */
  readonly bfdProfiles: ReadonlyMap<string, BFDProfile>;
  /** Every Community alias -> its value, in alias order. */
  readonly communities: ReadonlyMap<string, CommunityValue>;
}

/** A problem in one config object, named so the user can find it. */
export interface ConfigError {
  /** e.g. `IPAddressPool ironlb-system/lab` */
  readonly object: string;
  /** e.g. `spec.addresses[2]` */
  readonly field: string;
  readonly message: string;
}
