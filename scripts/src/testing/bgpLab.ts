/**
 * What the BGP end-to-end tests, benchmarks and the demo share: the BGP config a user would apply in the lab
 * (a pool routed via the router, an advertisement, one BGPPeer per transport family), Services in that pool, and
 * the router's next hops for a VIP named by node.
 */
import { routerRoutes } from '../lab/routerQueries';
import { nextHopsOf } from '../lab/routerRoutesParse';
import type { Lab } from '../lab/lab';
import { familyServiceYaml } from './ironlbYaml';

export interface BgpConfigOptions {
  readonly nodeAsn?: number;
  readonly routerAsn?: number;
  /** Extra BGPPeer spec lines (indented two spaces), e.g. `  bfdProfile: fast`. */
  readonly peerSpec?: string;
  /** Documents the others refer to (a BFDProfile, a Secret), separated by `---`; they come first. */
  readonly extra?: string;
  readonly communities?: readonly string[];
}

export function bgpConfigYaml(o: BgpConfigOptions = {}): string {
  const peer = (name: string, address: string): string => `apiVersion: ironlb.io/v1beta1
kind: BGPPeer
metadata:
  name: ${name}
  namespace: ironlb-system
spec:
  myASN: ${o.nodeAsn ?? 64513}
  peerASN: ${o.routerAsn ?? 64512}
  peerAddress: ${address}
${o.peerSpec ?? ''}`;
  // `extra` first: what the peers name (a BFDProfile) must exist before them, or the webhook refuses them.
  return [
    ...(o.extra ? [o.extra] : []),
    `apiVersion: ironlb.io/v1beta1
kind: IPAddressPool
metadata:
  name: bgp
  namespace: ironlb-system
spec:
  addresses: [203.0.113.128/25, 2001:db8:200::/64]
`,
    `apiVersion: ironlb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: bgp
  namespace: ironlb-system
spec:
  ipAddressPools: [bgp]
${o.communities ? `  communities: [${o.communities.map((c) => JSON.stringify(c)).join(', ')}]\n` : ''}`,
    peer('router-v4', '198.51.100.1'),
    peer('router-v6', '2001:db8:1::1'),
  ].join('---\n');
}

/** A LoadBalancer Service of one family in the BGP pool. */
export const bgpServiceYaml = (name: string, family: 'IPv4' | 'IPv6', extraSpec = ''): string =>
  familyServiceYaml(name, family, { pool: 'bgp', extraSpec });

/** The BFDProfile `fast`: 100 ms x 3, what the issue's failover figures use. */
export const BFD_PROFILE_FAST = `apiVersion: ironlb.io/v1beta1
kind: BFDProfile
metadata:
  name: fast
  namespace: ironlb-system
spec:
  receiveInterval: 100
  transmitInterval: 100
  detectMultiplier: 3
`;

export const hostRoute = (ip: string): string => (ip.includes(':') ? `${ip}/128` : `${ip}/32`);

/** Node name by each of its segment addresses. */
export function nodesByAddress(lab: Lab): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of lab.plan.hosts) {
    if (h.role !== 'node') continue;
    out.set(h.ifaces[0].ipv4, h.name);
    if (h.ifaces[0].ipv6) out.set(h.ifaces[0].ipv6, h.name);
  }
  return out;
}

/** The router's BGP next hops for `ip`'s host route, as node names, sorted. */
export async function routerNextHopNodes(lab: Lab, ip: string): Promise<string[]> {
  const byAddress = nodesByAddress(lab);
  const route = (await routerRoutes(lab, hostRoute(ip))).find((r) => r.prefix === hostRoute(ip));
  return route ? nextHopsOf(route).map((h) => byAddress.get(h) ?? h) : [];
}
