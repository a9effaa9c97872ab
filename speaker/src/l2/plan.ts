/**
 * Who answers ARP/NDP for which IP, as a pure function of what every speaker sees alike (the SpeakerView): the
 * pools, the L2Advertisements, the Nodes, the Services' IPs, the EndpointSlices and which speakers are alive. Every
 * speaker computes the whole plan and acts on its own rows, so they agree without talking about Services. Each IP
 * without a node carries the reason, as a value. IPs linked through Services are announced from one node (planL2).
 */
import type { ParsedIP } from '@ironlb/shared';
import { coversNode, coversPool, poolOf, type L2Advertisement } from '@ironlb/shared/config';
import { ipsOf, nodeIneligibility, sortedNodes, type SharedIP } from '../mode/eligibility';
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
  /**
   * Set when the IP's group (IPs linked through Services) could not share a node, no node being eligible for all of
   * them, so each was placed alone: the group's IPs, in text order.
   */
  readonly split?: readonly ParsedIP[];
}

/** Picks one node for an IP from its eligible nodes; the same answer on every speaker. */
export type Chooser = (ip: ParsedIP, eligible: readonly string[]) => string | undefined;

const nodeMatches = (adv: L2Advertisement, node: NodeView): boolean => coversNode(adv, node.labels);

function interfacesFor(advs: readonly L2Advertisement[]): Interfaces {
  const names = [...new Set(advs.flatMap((a) => a.interfaces))].sort();
  return { names, auto: advs.some((a) => a.interfaces.length === 0) };
}

/** One IP some node may announce: the advertisements covering it and its eligible nodes (sorted by name). */
interface Candidate {
  readonly key: string;
  readonly ip: ParsedIP;
  readonly services: readonly string[];
  readonly advs: readonly L2Advertisement[];
  readonly eligible: readonly string[];
  /** The other nodes, with why each may not announce it. */
  readonly why: readonly { readonly node: string; readonly why: NodeIneligibility }[];
}

/**
 * The plan for every IP shown by a Service, keyed by the IP's text.
 *
 * IPs linked through Services (a dual-stack Service's two families; Services sharing an IP, which links their other
 * IPs too) form a group, and a group is announced from one node, so a client reaches all of a Service's IPs, and
 * every Service sharing them, over one path. The node is chosen among those eligible for every IP of the group, with
 * the group's lowest IP (by text) as the ranking's key: a group of one IP gets exactly the per-IP choice, so adding
 * groups moved no single-IP Service. IPs no node may announce (no pool, no advertisement, no eligible node) keep
 * their reason and are left out of their group's choice. When no node is eligible for every IP of a group (their
 * advertisements select disjoint nodes), each IP is placed alone and its row names the group (`split`): answering
 * every IP, over two paths, is better than leaving one family unannounced, and the reason says why.
 */
export function planL2(view: SpeakerView, choose: Chooser): Map<string, IPPlan> {
  const out = new Map<string, IPPlan>();
  const nodes = sortedNodes(view);
  const shared = ipsOf(view.services);
  const candidates = new Map<string, Candidate>();
  for (const { key, ip, services } of shared) {
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
    if (eligible.length === 0) {
      out.set(key, { ...base, reason: { code: 'noEligibleNode', nodes: why } });
      continue;
    }
    candidates.set(key, { key, ...base, advs, eligible, why });
  }
  const place = (c: Candidate, node: string | undefined, split?: readonly ParsedIP[]): void => {
    if (node === undefined) {
      out.set(c.key, { ip: c.ip, services: c.services, reason: { code: 'noEligibleNode', nodes: c.why } });
      return;
    }
    const viewNode = view.nodes.get(node);
    const matching = viewNode ? c.advs.filter((a) => nodeMatches(a, viewNode)) : c.advs;
    out.set(c.key, {
      ip: c.ip,
      services: c.services,
      node,
      interfaces: interfacesFor(matching),
      ...(split ? { split } : {}),
    });
  };
  for (const group of groupsOf(shared)) {
    const members = group.flatMap((key) => candidates.get(key) ?? []);
    if (members.length === 0) continue;
    // Members are in IP text order: the first is the group's key.
    const common = members.reduce<readonly string[]>(
      (acc, c) => acc.filter((n) => c.eligible.includes(n)),
      members[0].eligible,
    );
    if (common.length > 0) {
      const node = choose(members[0].ip, common);
      for (const c of members) place(c, node);
    } else {
      const split = members.map((c) => c.ip);
      for (const c of members) place(c, choose(c.ip, c.eligible), split);
    }
  }
  // Rows in IP text order, as every speaker logs and reports them.
  const rows = new Map<string, IPPlan>();
  for (const { key } of shared) {
    const row = out.get(key);
    if (row) rows.set(key, row);
  }
  return rows;
}

/**
 * The IPs linked through Services, as groups of IP keys (union-find: a Service links all its IPs, so Services
 * sharing an IP link theirs too), each group and the groups in IP text order.
 */
function groupsOf(shared: readonly SharedIP[]): string[][] {
  const parent = new Map<string, string>(shared.map(({ key }) => [key, key]));
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    for (let k = key; k !== root;) {
      const next = parent.get(k) ?? root;
      parent.set(k, root);
      k = next;
    }
    return root;
  };
  const union = (a: string, b: string): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(rb, ra);
  };
  const firstIPOf = new Map<string, string>();
  for (const { key, services } of shared) {
    for (const s of services) {
      const first = firstIPOf.get(s.key);
      if (first === undefined) firstIPOf.set(s.key, key);
      else union(first, key);
    }
  }
  const groups = new Map<string, string[]>();
  for (const { key } of shared) {
    const root = find(key);
    const group = groups.get(root);
    if (group) group.push(key);
    else groups.set(root, [key]);
  }
  return [...groups.values()];
}
