/**
 * Who answers ARP/NDP for which IP, as a pure function of what every speaker sees alike (the SpeakerView): the
 * pools, the L2Advertisements, the Nodes, the Services' IPs, the EndpointSlices and which speakers are alive. Every
 * speaker computes the whole plan and acts on its own rows, so they agree without talking about Services. Each IP
 * without a node carries the reason, as a value.
 */
import type { ParsedIP } from '@ironlb/shared';
import { coversNode, coversPool, poolOf, type L2Advertisement } from '@ironlb/shared/config';
import { ipsOf, nodeIneligibility, sortedNodes } from '../mode/eligibility';
import type { NodeIneligibility, NotAnnounced } from '../mode/reasons';
import type { NodeView, SpeakerView } from '../mode/view';

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
  readonly reason?: NotAnnounced;
}

/** Picks one node for an IP from its eligible nodes; the same answer on every speaker. */
export type Chooser = (ip: ParsedIP, eligible: readonly string[]) => string | undefined;

const nodeMatches = (adv: L2Advertisement, node: NodeView): boolean => coversNode(adv, node.labels);

function interfacesFor(advs: readonly L2Advertisement[]): Interfaces {
  const names = [...new Set(advs.flatMap((a) => a.interfaces))].sort();
  return { names, auto: advs.some((a) => a.interfaces.length === 0) };
}

/** The plan for every IP shown by a Service, keyed by the IP's text. */
export function planL2(view: SpeakerView, choose: Chooser): Map<string, IPPlan> {
  const out = new Map<string, IPPlan>();
  const nodes = sortedNodes(view);
  for (const { key, ip, services } of ipsOf(view.services)) {
    const base = { ip, services: services.map((s) => s.key) };
    const pool = poolOf(view.config, ip);
    if (!pool) {
      out.set(key, { ...base, reason: { code: 'notInAnyPool', ip } });
      continue;
    }
    const advs = view.config.l2Advertisements.filter((a) => coversPool(a, pool));
    if (advs.length === 0) {
      out.set(key, {
        ...base,
        reason: { code: 'noAdvertisement', advertisementKind: 'L2Advertisement', pool: pool.name },
      });
      continue;
    }
    const why: { node: string; why: NodeIneligibility }[] = [];
    const eligible: string[] = [];
    for (const node of nodes) {
      const reason: NodeIneligibility | undefined = advs.some((a) => nodeMatches(a, node))
        ? nodeIneligibility(view, node, services)
        : { code: 'nodeNotSelected', advertisementKind: 'L2Advertisement' };
      if (reason) why.push({ node: node.name, why: reason });
      else eligible.push(node.name);
    }
    const node = choose(ip, eligible);
    if (node === undefined) {
      out.set(key, { ...base, reason: { code: 'noEligibleNode', nodes: why } });
      continue;
    }
    const viewNode = view.nodes.get(node);
    const matching = viewNode ? advs.filter((a) => nodeMatches(a, viewNode)) : advs;
    out.set(key, { ...base, node, interfaces: interfacesFor(matching) });
  }
  return out;
}
