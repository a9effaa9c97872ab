/**
 * The dataplane's model: what it plans from (the Services and endpoints a node serves) and the plan every backend
 * renders (nftables, iptables, IPVS). Plain data: the planner is a pure function from the first to the second, and a
 * backend is a renderer of the plan plus a small edge that hands the rendered text or messages to the kernel.
 */
import type { ParsedIP } from '@ironlb/shared';

export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

/** A Service port as the API gives it; the port on the endpoints comes from the EndpointSlices (named ports resolved). */
export interface ServicePortSpec {
  /** '' for a Service's only, unnamed port. */
  readonly name: string;
  readonly protocol: L4Protocol;
  readonly port: number;
}

/** One Service of type LoadBalancer, as the dataplane needs it. */
export interface DataplaneService {
  /** `namespace/name` */
  readonly key: string;
  readonly ports: readonly ServicePortSpec[];
  /** externalTrafficPolicy: Local: only this node's endpoints, the client's address kept (no source NAT). */
  readonly local: boolean;
  /** sessionAffinity: ClientIP: how long a client sticks to its endpoint, in seconds; absent: no affinity. */
  readonly affinitySec?: number;
  /** spec.loadBalancerSourceRanges as written (the planner validates them); empty: every source. */
  readonly sourceRanges: readonly string[];
}

/** A port an EndpointSlice lists: the endpoints' port for the Service port of the same name and protocol. */
export interface EndpointPort {
  readonly name: string;
  readonly protocol: L4Protocol;
  readonly port: number;
}

/** One endpoint of an EndpointSlice, with the slice's ports (an endpoint has no ports of its own). */
export interface DataplaneEndpoint {
  /** The Service it backs (the slice's kubernetes.io/service-name label), `namespace/name`. */
  readonly service: string;
  readonly address: ParsedIP;
  readonly nodeName?: string;
  /** conditions.ready (absent: true), conditions.serving (absent: ready), conditions.terminating (absent: false). */
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly ports: readonly EndpointPort[];
}

/** What the planner takes: this node, the IPs it serves now (with the Services shown on each), the cluster's view. */
export interface DataplaneInput {
  readonly node: string;
  /** IP text -> the Services this node serves on it (the modes' live announcements). */
  readonly served: ReadonlyMap<string, { readonly ip: ParsedIP; readonly services: readonly string[] }>;
  readonly services: ReadonlyMap<string, DataplaneService>;
  /** Service key -> its endpoints over all its slices. */
  readonly endpoints: ReadonlyMap<string, readonly DataplaneEndpoint[]>;
}

export interface Backend {
  readonly ip: ParsedIP;
  readonly port: number;
}

/** A source prefix, host bits cleared. */
export interface SourcePrefix {
  readonly ip: ParsedIP;
  readonly length: number;
}

/** One VIP:protocol:port and where its new connections go. */
export interface Forward {
  /** `<ip> <protocol> <port>`: unique in a plan, stable across plans (renderers name their objects from it). */
  readonly key: string;
  readonly ip: ParsedIP;
  readonly protocol: L4Protocol;
  readonly port: number;
  readonly service: string;
  readonly portName: string;
  /** Sorted by address then port; empty: new connections are refused (TCP reset, ICMP port unreachable). */
  readonly backends: readonly Backend[];
  /** Source NAT to this node (externalTrafficPolicy Cluster), so replies come back through it. */
  readonly masquerade: boolean;
  readonly affinitySec?: number;
  /** Only these sources may connect (others dropped); empty: every source. */
  readonly sourceRanges: readonly SourcePrefix[];
}

/** Why a part of a Service is not forwarded as written: values, worded once in problemText. */
export type DataplaneProblem =
  | {
      readonly code: 'portTaken';
      readonly key: string;
      /** The Service whose port is forwarded (the first by key) and the one left out. */
      readonly kept: string;
      readonly dropped: string;
    }
  | { readonly code: 'badSourceRange'; readonly service: string; readonly value: string }
  /** Source ranges are given, none of this IP's family: the IP accepts every source, as kube-proxy does. */
  | { readonly code: 'noRangeOfFamily'; readonly service: string; readonly ip: string };

export interface DataplanePlan {
  /** By Forward.key. */
  readonly forwards: ReadonlyMap<string, Forward>;
  readonly problems: readonly DataplaneProblem[];
}
