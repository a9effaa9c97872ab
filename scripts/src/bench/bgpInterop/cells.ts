/**
 * The BGP interop matrix, described: each router daemon x transport x option set the speaker is tried with, what an
 * option set makes the lab's router and the speaker run (router options, BGPPeer/BGPAdvertisement/Secret YAML), and
 * what a cell expects to see at the router. Pure; the runner (run.ts) applies it in the lab, checks.ts judges.
 *
 * One option set runs its three transport cells at once: the speaker has a BGPPeer for the router's IPv4 address
 * (carrying IPv4 and, as disableMP is false, IPv6 NLRI) and one for its IPv6 address; each cell looks at the paths
 * from its own session.
 */
import type { BgpRouterOptions } from '../../lab/bgpOptions';

export const INTEROP_ROUTERS = ['bird', 'frr', 'gobgp'] as const;
export type InteropRouter = (typeof INTEROP_ROUTERS)[number];

/**
 * ipv4: IPv4 routes over the IPv4 session; ipv6: IPv6 routes over the IPv6 session; ipv6-over-ipv4: IPv6 routes in
 * MP_REACH over the IPv4 session (RFC 4760), next hop the node's IPv6 address.
 */
export const TRANSPORTS = ['ipv4', 'ipv6', 'ipv6-over-ipv4'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * plain eBGP; md5: TCP MD5 (RFC 2385), the IPv4 peer's key in spec.password, the IPv6 peer's in a Secret
 * (spec.passwordSecret); ibgp: one AS, LOCAL_PREF checked; multihop: eBGP with ebgpMultiHop (TTL 255) to a router
 * that accepts TTL > 1; gr: graceful restart (RFC 4724), the router keeps a restarting speaker's routes; bfd:
 * single-hop BFD (RFC 5880, 5881) at 100 ms x 3 on every session, Up at the router before the routes are judged.
 */
export const VARIANTS = ['plain', 'md5', 'ibgp', 'multihop', 'gr', 'bfd'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface Cell {
  /** `<router> <transport> <variant>`, the jest test's name. */
  readonly id: string;
  readonly router: InteropRouter;
  readonly transport: Transport;
  readonly variant: Variant;
  /** Why the router cannot do this cell: it is reported n/a with this reason, and not run. */
  readonly notApplicable?: string;
}

/**
 * GoBGP 3.10 (Debian's gobgpd 3.10.0, the lab's) has no BFD: its neighbor config has no BFD section and the only
 * BFD names in gobgpd are zebra API message types (FRR's zebra protocol, not a BFD speaker). Native BFD came in
 * GoBGP 4.6 (osrg/gobgp#3402).
 */
export const GOBGP_NO_BFD = 'GoBGP 3.10 has no BFD (native BFD came in GoBGP 4.6)';

/**
 * What a router cannot do, by cell id (`<router> <transport> <variant>`): shown as n/a with the reason, never
 * dropped, and not run (a set whose cells are all n/a leaves the router as it is).
 */
export const NOT_APPLICABLE: Readonly<Record<string, string>> = Object.fromEntries(
  TRANSPORTS.map((t) => [`gobgp ${t} bfd`, GOBGP_NO_BFD]),
);

const notApplicableReason = (router: InteropRouter, transport: Transport, variant: Variant): string | undefined =>
  NOT_APPLICABLE[`${router} ${transport} ${variant}`];

/** Every cell, routers in order, then option sets, then transports (the order they run in). */
export function interopCells(
  routers: readonly InteropRouter[] = INTEROP_ROUTERS,
  notApplicable: (r: InteropRouter, t: Transport, v: Variant) => string | undefined = notApplicableReason,
): Cell[] {
  const out: Cell[] = [];
  for (const router of routers) {
    for (const variant of VARIANTS) {
      for (const transport of TRANSPORTS) {
        const na = notApplicable(router, transport, variant);
        out.push({
          id: `${router} ${transport} ${variant}`,
          router,
          transport,
          variant,
          ...(na ? { notApplicable: na } : {}),
        });
      }
    }
  }
  return out;
}

export const MD5_PASSWORD = 'interop-md5-key';
export const MD5_SECRET = 'bgp-interop-md5';
export const COMMUNITY = '64512:100';
export const LARGE_COMMUNITY = '64512:1:2';
/** Added to the advertisement while the GR cell's speaker is down: its path carries it once refreshed. */
export const FRESH_COMMUNITY = '64512:101';
export const LOCAL_PREF = 150;
export const HOLD_TIME_SEC = 9;
export const GR_RESTART_SEC = 60;
export const MULTIHOP_TTL = 2;
/** The bfd set's timers, both ends: 100 ms x 3, so a lost node is detected in 300 ms. */
export const BFD_INTERVAL_MS = 100;
export const BFD_MULTIPLIER = 3;
export const BFD_PROFILE = 'interop-bfd';
export const POOL = 'interop';
/** The node whose speaker the GR cell restarts. */
export const GR_NODE = 'node1';

/** The lab router's options for an option set; every set also carries IPv6 over the IPv4 session. */
export function routerOptionsOf(variant: Variant): BgpRouterOptions {
  // errorWaitSec: a session refused while the speaker's config catches up is accepted again within a second.
  const base: BgpRouterOptions = { ipv6OverIpv4: true, holdTimeSec: HOLD_TIME_SEC, errorWaitSec: 1 };
  if (variant === 'md5') return { ...base, md5Password: MD5_PASSWORD };
  if (variant === 'ibgp') return { ...base, ibgp: true };
  if (variant === 'multihop') return { ...base, multihop: MULTIHOP_TTL };
  if (variant === 'gr') return { ...base, gracefulRestartSec: GR_RESTART_SEC };
  if (variant === 'bfd') return { ...base, bfd: { intervalMs: BFD_INTERVAL_MS, multiplier: BFD_MULTIPLIER } };
  return base;
}

export interface RouterAddresses {
  readonly ipv4: string;
  readonly ipv6: string;
}

export interface Asns {
  readonly routerAsn: number;
  readonly nodeAsn: number;
}

const NS = 'ironlb-system';

/** The pool the Services take their IPs from (in the lab plan's BGP ranges). */
export const POOL_YAML = `apiVersion: ironlb.io/v1beta1
kind: IPAddressPool
metadata:
  name: ${POOL}
  namespace: ${NS}
spec:
  addresses: [203.0.113.128/25, 2001:db8:200::/64]
`;

export function advertisementYaml(communities: readonly string[]): string {
  return `apiVersion: ironlb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: ${POOL}
  namespace: ${NS}
spec:
  ipAddressPools: [${POOL}]
  communities: [${[...communities, `large:${LARGE_COMMUNITY}`].map((c) => JSON.stringify(c)).join(', ')}]
  localPref: ${LOCAL_PREF}
`;
}

/** The Secret a passwordSecret names: key `password`, base64 as the API carries it. */
export function md5SecretYaml(): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${MD5_SECRET}
  namespace: ${NS}
type: kubernetes.io/basic-auth
data:
  password: ${Buffer.from(MD5_PASSWORD, 'utf8').toString('base64')}
`;
}

/** The BFDProfile the bfd set's BGPPeers name: the router's timers. */
export function bfdProfileYaml(): string {
  return `apiVersion: ironlb.io/v1beta1
kind: BFDProfile
metadata:
  name: ${BFD_PROFILE}
  namespace: ${NS}
spec:
  receiveInterval: ${BFD_INTERVAL_MS}
  transmitInterval: ${BFD_INTERVAL_MS}
  detectMultiplier: ${BFD_MULTIPLIER}
`;
}

/**
 * The option set's BGPPeers, one per router address, and what they name: the Secret the md5 set's IPv6 peer reads
 * its key from, the bfd set's BFDProfile.
 */
export function peersYaml(variant: Variant, router: RouterAddresses, asns: Asns): string {
  const peer = (name: string, address: string, extra: string[]): string =>
    [
      'apiVersion: ironlb.io/v1beta1',
      'kind: BGPPeer',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${NS}`,
      'spec:',
      `  myASN: ${asns.nodeAsn}`,
      `  peerASN: ${asns.routerAsn}`,
      `  peerAddress: "${address}"`,
      `  holdTime: ${HOLD_TIME_SEC}s`,
      // A session the router refused (its config was changing) is dialled again within a second.
      '  connectTime: 1s',
      ...extra.map((l) => `  ${l}`),
      '',
    ].join('\n');
  const v4: string[] = [];
  const v6: string[] = [];
  if (variant === 'md5') {
    v4.push(`password: ${MD5_PASSWORD}`);
    v6.push('passwordSecret:', `  name: ${MD5_SECRET}`, `  namespace: ${NS}`);
  }
  if (variant === 'multihop') for (const p of [v4, v6]) p.push('ebgpMultiHop: true');
  if (variant === 'gr') for (const p of [v4, v6]) p.push('enableGracefulRestart: true');
  if (variant === 'bfd') for (const p of [v4, v6]) p.push(`bfdProfile: ${BFD_PROFILE}`);
  const docs = [peer('interop-v4', router.ipv4, v4), peer('interop-v6', router.ipv6, v6)];
  if (variant === 'md5') docs.unshift(md5SecretYaml());
  if (variant === 'bfd') docs.unshift(bfdProfileYaml());
  return docs.join('---\n');
}

/** The option set's Services: `<variant>-v4` and `<variant>-v6`, single stack, from the interop pool. */
export function serviceName(variant: Variant, family: 'IPv4' | 'IPv6'): string {
  return `${variant}-${family === 'IPv4' ? 'v4' : 'v6'}`;
}

export function servicesYaml(variant: Variant): string {
  return (['IPv4', 'IPv6'] as const)
    .map(
      (family) => `apiVersion: v1
kind: Service
metadata:
  name: ${serviceName(variant, family)}
  annotations:
    metallb.io/address-pool: ${POOL}
spec:
  type: LoadBalancer
  ipFamilyPolicy: SingleStack
  ipFamilies: [${family}]
  selector:
    app: ${variant}
  ports:
    - port: 80
`,
    )
    .join('---\n');
}

export interface NodeAddresses {
  readonly name: string;
  readonly ipv4: string;
  readonly ipv6: string;
}

/** What a cell must see at the router. */
export interface CellExpectation {
  /** The router's session names that must be Established (node1, node1_v6...). */
  readonly sessions: readonly string[];
  /** The Service family whose host route the cell follows. */
  readonly family: 'IPv4' | 'IPv6';
  /** One path per node: from this session address, with this next hop. */
  readonly paths: readonly { readonly node: string; readonly peer: string; readonly nextHop: string }[];
  readonly asPath: readonly number[];
  /** iBGP only: the advertisement's localPref reaches the router. */
  readonly localPref?: number;
  /** BFD only: the router's BFD session with each path's peer address (the BGP session's) is Up. */
  readonly bfd?: true;
  readonly communities: readonly string[];
  readonly largeCommunities: readonly string[];
}

export function expectationOf(cell: Cell, nodes: readonly NodeAddresses[], asns: Asns): CellExpectation {
  const overV6 = cell.transport === 'ipv6';
  const family = cell.transport === 'ipv4' ? 'IPv4' : 'IPv6';
  const ibgp = cell.variant === 'ibgp';
  return {
    sessions: nodes.map((n) => (overV6 ? `${n.name}_v6` : n.name)),
    family,
    paths: nodes.map((n) => ({
      node: n.name,
      peer: overV6 ? n.ipv6 : n.ipv4,
      nextHop: family === 'IPv4' ? n.ipv4 : n.ipv6,
    })),
    // eBGP: the node's AS prepended once; iBGP: empty (RFC 4271 5.1.2).
    asPath: ibgp ? [] : [asns.nodeAsn],
    ...(ibgp ? { localPref: LOCAL_PREF } : {}),
    ...(cell.variant === 'bfd' ? { bfd: true as const } : {}),
    communities: [COMMUNITY],
    largeCommunities: [LARGE_COMMUNITY],
  };
}

/** The host route a Service's IP is advertised as. */
export const hostRoute = (ip: string): string => (ip.includes(':') ? `${ip}/128` : `${ip}/32`);
