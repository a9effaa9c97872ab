// The addresses of the lab's pods. Each node k has one pod host, `pod{k}`, standing for every pod on that
// node: pod i (0-based) is one more address on the pod host's eth0, named `pod{k}-{i}`. Pure.
//
//   pod i of node k    203.0.113.(16k+2+i)    2001:db8:100:k::(2+i)    i = 0..4
//
// pod{k}-0 is the pod host's own address (plan.ts); the others are added by addPodAddresses (echo.ts).
// Node k routes its whole /28 and /64 to veth-pod, so every one of them is reachable without a new route.
import { MAX_NODES } from './plan';

/** Pods per node: .16k+2 .. .16k+6, well inside the node's /28 (the node's side is .16k+1). */
export const MAX_PODS_PER_NODE = 5;

export interface PodAddress {
  /** `pod{k}-{i}`: what its echo servers answer, what a test expects back. */
  name: string;
  /** The lab host (network namespace) that holds the address: `pod{k}`. */
  host: string;
  /** The node the pod runs behind: `node{k}`. */
  node: string;
  nodeIndex: number;
  podIndex: number;
  ipv4: string;
  /** Present in every answer; it exists in the lab only when the lab has IPv6. */
  ipv6: string;
}

/** Pod `pod` (0-based) of node `node` (1-based); throws outside 1..MAX_NODES and 0..MAX_PODS_PER_NODE-1. */
export function podAddress(node: number, pod: number): PodAddress {
  if (!Number.isInteger(node) || node < 1 || node > MAX_NODES) {
    throw new Error(`pod address: node must be 1..${MAX_NODES}, got ${node}`);
  }
  if (!Number.isInteger(pod) || pod < 0 || pod >= MAX_PODS_PER_NODE) {
    throw new Error(`pod address: pod must be 0..${MAX_PODS_PER_NODE - 1}, got ${pod}`);
  }
  return {
    name: `pod${node}-${pod}`,
    host: `pod${node}`,
    node: `node${node}`,
    nodeIndex: node,
    podIndex: pod,
    ipv4: `203.0.113.${16 * node + 2 + pod}`,
    ipv6: `2001:db8:100:${node.toString(16)}::${(2 + pod).toString(16)}`,
  };
}

/** The first `count` pods of node `node`: pod{node}-0 .. pod{node}-(count-1). */
export function podsOfNode(node: number, count: number): PodAddress[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PODS_PER_NODE) {
    throw new Error(`pods per node must be 1..${MAX_PODS_PER_NODE}, got ${count}`);
  }
  return Array.from({ length: count }, (_, i) => podAddress(node, i));
}

/** The pod named `pod{k}-{i}`; throws on any other name. */
export function podByName(name: string): PodAddress {
  const m = /^pod([1-9]\d*)-(\d+)$/.exec(name);
  if (!m) throw new Error(`not a pod name (pod{node}-{index}): '${name}'`);
  return podAddress(Number(m[1]), Number(m[2]));
}

/** The pod's address in a family. */
export function podIp(pod: PodAddress, family: 4 | 6): string {
  return family === 4 ? pod.ipv4 : pod.ipv6;
}
