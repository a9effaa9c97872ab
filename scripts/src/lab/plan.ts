// The address plan: which hosts exist, their interfaces, MACs, addresses and routes. Pure: derived
// from the options alone, so `status`, `down` and `Lab.attach` recompute it from the state file.
//
//   Only documentation ranges: 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32. Never 192.0.2.0/24,
//   which the machine's own uplink uses.
//
//   segment (bridge br0 in <prefix>-sw)   198.51.100.0/24      2001:db8:1::/64
//     router                              198.51.100.1         2001:db8:1::1
//     node k (k = 1..7)                   198.51.100.(10+k)    2001:db8:1::(10+k)   e.g. node1 .11 / ::11
//     client                              198.51.100.100       2001:db8:1::100
//     free for layer-2 LoadBalancer pools 198.51.100.200-254   2001:db8:1::200-2ff
//   pod network of node k                 203.0.113.(16k)/28   2001:db8:100:k::/64
//     node k's side (veth-pod)            203.0.113.(16k+1)    2001:db8:100:k::1
//     pod k host (eth0, default via node) 203.0.113.(16k+2)    2001:db8:100:k::2
//     its pods pod{k}-{i}, i = 0..4       203.0.113.(16k+2+i)  2001:db8:100:k::(2+i)  (podAddresses.ts; i=0: the host)
//   free for BGP LoadBalancer pools       203.0.113.128/25     2001:db8:200::/64    (client routes them via router)
//
//   The client reaches pod k's subnet only via node k (a static route per node); the router forwards.
//   Every node routes every other node's pod subnet via that node's segment address, as a host-gw CNI does,
//   so traffic a node sends (or DNATs) to another node's pod arrives.
//   BGP: router AS 64512 listens passively for every node (AS 64513) on its segment addresses.
import { mustParsePrefix, contains, type Prefix } from './cidr';
import { netnsName } from './names';

export type RouterKind = 'bird' | 'frr' | 'gobgp' | 'none';
export const ROUTER_KINDS: readonly RouterKind[] = ['bird', 'frr', 'gobgp', 'none'];
export const MAX_NODES = 7;

export interface PlanOptions {
  prefix: string;
  nodes: number;
  router: RouterKind;
  ipv6: boolean;
  routerAsn?: number;
  nodeAsn?: number;
}

export interface IfacePlan {
  name: string;
  mac: string;
  ipv4: string;
  ipv4Len: number;
  ipv6?: string;
  ipv6Len: number;
}

export interface RoutePlan {
  dst: string;
  via: string;
}

export type HostRole = 'router' | 'node' | 'client' | 'pod';

export interface HostPlan {
  name: string;
  role: HostRole;
  netns: string;
  /** eth0 (to the bridge, or for pods to their node); nodes have a second one, veth-pod. */
  ifaces: IfacePlan[];
  routes: RoutePlan[];
  forwarding: boolean;
  /** For nodes and pods: k. */
  index?: number;
}

/** One veth pair: `a` stays in `aNetns`, the peer `b` is created directly in `bNetns`. */
export interface WirePlan {
  aNetns: string;
  aName: string;
  aMac: string;
  bNetns: string;
  bName: string;
  bMac: string;
  /** Enslave `a` to the switch bridge. */
  bridged: boolean;
}

export interface LabPlan {
  prefix: string;
  router: RouterKind;
  ipv6: boolean;
  switchNetns: string;
  bridge: string;
  hosts: HostPlan[];
  wires: WirePlan[];
  segment4: string;
  segment6: string;
  routerAsn: number;
  nodeAsn: number;
  pools: { l2v4: string; l2v6: string; bgpV4: string; bgpV6: string };
}

export const ALLOWED_RANGES = ['198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'];
/** The machine's uplink: nothing in a lab may ever use it. */
export const FORBIDDEN_RANGE = '192.0.2.0/24';

const mac = (a: number, b: number, c: number): string =>
  ['02', '1b', '1b', a, b, c].map((x) => (typeof x === 'number' ? x.toString(16).padStart(2, '0') : x)).join(':');

/** 1..n */
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

function hostIface(ipv6: boolean, name: string, macAddr: string, v4: string, v4Len: number, v6: string): IfacePlan {
  return { name, mac: macAddr, ipv4: v4, ipv4Len: v4Len, ipv6: ipv6 ? v6 : undefined, ipv6Len: 64 };
}

export function planLab(opts: PlanOptions): LabPlan {
  const { prefix, nodes, router, ipv6 } = opts;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new Error(`--nodes must be 1..${MAX_NODES} (each node's pods get a /28 below 203.0.113.128), got ${nodes}`);
  }
  const ns = (h: string): string => netnsName(prefix, h);
  const hosts: HostPlan[] = [];
  const wires: WirePlan[] = [];
  const bridged = (name: string, macAddr: string, portMac: string): void => {
    wires.push({
      aNetns: ns('sw'),
      aName: name,
      aMac: portMac,
      bNetns: ns(name),
      bName: 'eth0',
      bMac: macAddr,
      bridged: true,
    });
  };

  const routerRoutes: RoutePlan[] = [];
  hosts.push({
    name: 'router',
    role: 'router',
    netns: ns('router'),
    ifaces: [hostIface(ipv6, 'eth0', mac(0, 0, 1), '198.51.100.1', 24, '2001:db8:1::1')],
    routes: routerRoutes,
    forwarding: true,
  });
  bridged('router', mac(0, 0, 1), mac(0xff, 0, 1));

  const clientRoutes: RoutePlan[] = [];
  const podRoutesVia = (k: number): RoutePlan[] => [
    { dst: `203.0.113.${16 * k}/28`, via: `198.51.100.${10 + k}` },
    ...(ipv6 ? [{ dst: `2001:db8:100:${k}::/64`, via: `2001:db8:1::${10 + k}` }] : []),
  ];
  for (let k = 1; k <= nodes; k++) {
    const seg4 = `198.51.100.${10 + k}`;
    const seg6 = `2001:db8:1::${10 + k}`;
    const pod4 = (h: number): string => `203.0.113.${16 * k + h}`;
    const pod6 = (h: number): string => `2001:db8:100:${k}::${h}`;
    hosts.push({
      name: `node${k}`,
      role: 'node',
      netns: ns(`node${k}`),
      ifaces: [
        hostIface(ipv6, 'eth0', mac(1, k, 0), seg4, 24, seg6),
        hostIface(ipv6, 'veth-pod', mac(1, k, 1), pod4(1), 28, pod6(1)),
      ],
      routes: range(nodes)
        .filter((j) => j !== k)
        .flatMap(podRoutesVia),
      forwarding: true,
      index: k,
    });
    bridged(`node${k}`, mac(1, k, 0), mac(0xff, 1, k));
    hosts.push({
      name: `pod${k}`,
      role: 'pod',
      netns: ns(`pod${k}`),
      ifaces: [hostIface(ipv6, 'eth0', mac(2, k, 2), pod4(2), 28, pod6(2))],
      routes: [{ dst: 'default', via: pod4(1) }, ...(ipv6 ? [{ dst: 'default', via: pod6(1) }] : [])],
      forwarding: false,
      index: k,
    });
    wires.push({
      aNetns: ns(`node${k}`),
      aName: 'veth-pod',
      aMac: mac(1, k, 1),
      bNetns: ns(`pod${k}`),
      bName: 'eth0',
      bMac: mac(2, k, 2),
      bridged: false,
    });
    for (const r of [clientRoutes, routerRoutes]) r.push(...podRoutesVia(k));
  }

  const pools = {
    l2v4: '198.51.100.200-198.51.100.254',
    l2v6: '2001:db8:1::200-2001:db8:1::2ff',
    bgpV4: '203.0.113.128/25',
    bgpV6: '2001:db8:200::/64',
  };
  // BGP pools are reached through the router, which learns them from the speakers.
  clientRoutes.push({ dst: pools.bgpV4, via: '198.51.100.1' });
  if (ipv6) clientRoutes.push({ dst: pools.bgpV6, via: '2001:db8:1::1' });
  hosts.push({
    name: 'client',
    role: 'client',
    netns: ns('client'),
    ifaces: [hostIface(ipv6, 'eth0', mac(3, 0, 0), '198.51.100.100', 24, '2001:db8:1::100')],
    routes: clientRoutes,
    forwarding: false,
  });
  bridged('client', mac(3, 0, 0), mac(0xff, 3, 0));

  const plan: LabPlan = {
    prefix,
    router,
    ipv6,
    switchNetns: ns('sw'),
    bridge: 'br0',
    hosts,
    wires,
    segment4: '198.51.100.0/24',
    segment6: '2001:db8:1::/64',
    routerAsn: opts.routerAsn ?? 64512,
    nodeAsn: opts.nodeAsn ?? 64513,
    pools,
  };
  assertDocumentationOnly(plan);
  return plan;
}

/** Every prefix the lab uses or reserves: what must not overlap anything the machine already has. */
export function plannedPrefixes(plan: LabPlan): Prefix[] {
  const texts = [plan.segment4, plan.pools.bgpV4];
  if (plan.ipv6) texts.push(plan.segment6, plan.pools.bgpV6);
  for (const h of plan.hosts) {
    for (const i of h.ifaces) {
      texts.push(`${i.ipv4}/${i.ipv4Len}`);
      if (i.ipv6) texts.push(`${i.ipv6}/${i.ipv6Len}`);
    }
    for (const r of h.routes) if (r.dst !== 'default') texts.push(r.dst);
  }
  return [...new Set(texts)].map(mustParsePrefix);
}

/** Throws unless every planned prefix lies in the documentation ranges and none touches 192.0.2.0/24. */
export function assertDocumentationOnly(plan: LabPlan): void {
  const allowed = ALLOWED_RANGES.map(mustParsePrefix);
  const forbidden = mustParsePrefix(FORBIDDEN_RANGE);
  for (const p of plannedPrefixes(plan)) {
    if (contains(forbidden, p) || contains(p, forbidden)) {
      throw new Error(`refusing: planned ${p.text} is inside ${FORBIDDEN_RANGE}, the machine's uplink`);
    }
    if (!allowed.some((a) => contains(a, p))) {
      throw new Error(`refusing: planned ${p.text} is outside the documentation ranges ${ALLOWED_RANGES.join(', ')}`);
    }
  }
}

export function findHost(plan: LabPlan, name: string): HostPlan {
  const h = plan.hosts.find((x) => x.name === name);
  if (!h)
    throw new Error(`no host '${name}' in lab ${plan.prefix}; hosts: ${plan.hosts.map((x) => x.name).join(', ')}`);
  return h;
}

/** Human-readable address plan, printed by `ironlb-lab status`. */
export function describePlan(plan: LabPlan): string[] {
  const lines = [
    `segment ${plan.segment4}${plan.ipv6 ? ` ${plan.segment6}` : ''} (bridge ${plan.bridge} in ${plan.switchNetns})`,
  ];
  for (const h of plan.hosts) {
    const addrs = h.ifaces.map(
      (i) => `${i.name} ${i.mac} ${i.ipv4}/${i.ipv4Len}${i.ipv6 ? ` ${i.ipv6}/${i.ipv6Len}` : ''}`,
    );
    lines.push(`${h.name.padEnd(7)} ${h.netns}: ${addrs.join('; ')}`);
  }
  lines.push(`pools free for LoadBalancers: layer 2 ${plan.pools.l2v4}${plan.ipv6 ? `, ${plan.pools.l2v6}` : ''}`);
  lines.push(
    `                              BGP ${plan.pools.bgpV4}${plan.ipv6 ? `, ${plan.pools.bgpV6}` : ''} (via router)`,
  );
  lines.push(`BGP: router AS ${plan.routerAsn} (${plan.router}), nodes AS ${plan.nodeAsn}, passive on the router`);
  return lines;
}
