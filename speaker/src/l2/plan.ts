/**
 * Who answers for which IP, as a pure function of what every speaker sees alike: the pools, the L2Advertisements,
 * the Nodes, the Services' IPs, the EndpointSlices and which speakers are alive. Every speaker computes the whole
 * plan and acts on its own rows, so they agree without talking about Services. Each IP without a node carries the
 * reason, which becomes a log line and a test expectation unchanged.
 */
import { formatIP, type ParsedIP } from '@ironlb/shared';
import { coversNode, coversPool, poolOf, type Config, type L2Advertisement } from '@ironlb/shared/config';

/** Nodes with this label never announce (the well-known Kubernetes label; MetalLB honours it too). */
export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** spec.unschedulable: cordoned, or being drained. */
  readonly unschedulable: boolean;
}

export interface ServiceView {
  /** `namespace/name` */
  readonly key: string;
  readonly ips: readonly ParsedIP[];
  /** externalTrafficPolicy: Local: only nodes with a ready endpoint may announce. */
  readonly local: boolean;
}

export interface L2View {
  readonly config: Config;
  readonly advertisements: readonly L2Advertisement[];
  readonly nodes: ReadonlyMap<string, NodeView>;
  readonly services: readonly ServiceView[];
  /** Service key → names of nodes that hold a ready endpoint of it. */
  readonly endpointNodes: ReadonlyMap<string, ReadonlySet<string>>;
  /** Nodes whose speaker is alive (membership). */
  readonly live: ReadonlySet<string>;
}

/** Where an IP is announced from: explicit interface names, plus every interface in its subnet when `auto`. */
export interface Interfaces {
  readonly names: readonly string[];
  readonly auto: boolean;
}

export interface IPPlan {
  readonly ip: ParsedIP;
  /** Every Service on the IP, sorted: they share one node. */
  readonly services: readonly string[];
  readonly node?: string;
  readonly interfaces?: Interfaces;
  /** Why no node announces it. */
  readonly reason?: string;
}

/** Picks one node for an IP from its eligible nodes; the same answer on every speaker. */
export type Chooser = (ip: ParsedIP, eligible: readonly string[]) => string | undefined;

const nodeMatches = (adv: L2Advertisement, node: NodeView): boolean => coversNode(adv, node.labels);

/** Why `node` may not announce an IP whose Services are `services`, or undefined when it may. */
function ineligible(view: L2View, node: NodeView, services: readonly ServiceView[]): string | undefined {
  if (!view.live.has(node.name)) return 'no live speaker';
  if (node.unschedulable) return 'cordoned';
  if (Object.hasOwn(node.labels, EXCLUDE_LABEL)) return `labelled ${EXCLUDE_LABEL}`;
  for (const s of services) {
    if (s.local && !view.endpointNodes.get(s.key)?.has(node.name)) return `no ready endpoint of ${s.key}`;
  }
  return undefined;
}

function interfacesFor(advs: readonly L2Advertisement[]): Interfaces {
  const names = [...new Set(advs.flatMap((a) => a.interfaces))].sort();
  return { names, auto: advs.some((a) => a.interfaces.length === 0) };
}

/** The plan for every IP shown by a Service, keyed by the IP's text. */
export function planL2(view: L2View, choose: Chooser): Map<string, IPPlan> {
  const byIP = new Map<string, { ip: ParsedIP; services: ServiceView[] }>();
  for (const svc of view.services) {
    for (const ip of svc.ips) {
      const key = formatIP(ip);
      const entry = byIP.get(key) ?? { ip, services: [] };
      entry.services.push(svc);
      byIP.set(key, entry);
    }
  }
  const out = new Map<string, IPPlan>();
  const nodes = [...view.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [key, { ip, services }] of [...byIP].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const keys = services.map((s) => s.key).sort();
    const base = { ip, services: keys };
    const pool = poolOf(view.config, ip);
    if (!pool) {
      out.set(key, { ...base, reason: `${key} is in no IPAddressPool` });
      continue;
    }
    const advs = view.advertisements.filter((a) => coversPool(a, pool));
    if (advs.length === 0) {
      out.set(key, { ...base, reason: `no L2Advertisement covers pool "${pool.name}"` });
      continue;
    }
    const why: string[] = [];
    const eligible: string[] = [];
    for (const node of nodes) {
      const matching = advs.filter((a) => nodeMatches(a, node));
      const reason =
        matching.length === 0 ? 'matches no L2Advertisement nodeSelectors' : ineligible(view, node, services);
      if (reason) why.push(`${node.name}: ${reason}`);
      else eligible.push(node.name);
    }
    const node = choose(ip, eligible);
    if (node === undefined) {
      out.set(key, { ...base, reason: `no eligible node (${why.join('; ') || 'no nodes'})` });
      continue;
    }
    const viewNode = view.nodes.get(node);
    const matching = viewNode ? advs.filter((a) => nodeMatches(a, viewNode)) : advs;
    out.set(key, { ...base, node, interfaces: interfacesFor(matching) });
  }
  return out;
}
