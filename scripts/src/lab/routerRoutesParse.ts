// The router's routes, kernel FIB and BFD sessions in one shape whatever daemon runs. Pure: parsers of
// `birdc show route all`, `vtysh ... json`, `gobgp global rib -j` and `ip -j route` output (fixtures/ holds
// captures from the real daemons).

export interface RouterPath {
  /** Where the router forwards: the path's next hop. */
  nextHop: string;
  /** The neighbor that sent it: BIRD's protocol name (node1), FRR's and GoBGP's neighbor address. */
  peer: string;
  best: boolean;
  asPath: number[];
  /** Present when the daemon shows one (BIRD always, FRR and GoBGP for iBGP). */
  localPref?: number;
  /** "asn:value", numeric even where the daemon names a well-known one (blackhole -> 65535:666). */
  communities: string[];
  /** "global:local1:local2". */
  largeCommunities: string[];
  /**
   * Kept from a neighbor whose session went down during graceful restart (RFC 4724 4.2) and not yet refreshed:
   * present (true) only then, where the daemon says so (FRR, GoBGP); BIRD's `show route` has no such mark.
   */
  stale?: true;
}

export interface RouterRoute {
  prefix: string;
  paths: RouterPath[];
}

/** The distinct next hops of a route's paths, sorted: what ECMP can spread over. */
export const nextHopsOf = (r: RouterRoute): string[] => [...new Set(r.paths.map((p) => p.nextHop))].sort();

const byPrefix = (a: RouterRoute, b: RouterRoute): number => a.prefix.localeCompare(b.prefix);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const asRecords = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: not JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
}

/**
 * `birdc show route all`: a route line starts with the prefix (or blanks, for the next path of the same
 * prefix): `203.0.113.130/32     unicast [node1 10:10:54.765] * (100) [AS64513i]` (`*`: the best), then
 * tab-indented `via X on eth0` and `BGP.*` attribute lines.
 */
export function parseBirdRoutes(text: string): RouterRoute[] {
  const routes = new Map<string, RouterPath[]>();
  let prefix = '';
  let path: RouterPath | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S+)?\s+unicast\s+\[(\S+)[^\]]*\]\s+(\*)?/.exec(line);
    if (head) {
      if (head[1] !== undefined) prefix = head[1];
      path = { nextHop: '', peer: head[2], best: head[3] === '*', asPath: [], communities: [], largeCommunities: [] };
      routes.set(prefix, [...(routes.get(prefix) ?? []), path]);
      continue;
    }
    if (!path || !line.startsWith('\t')) {
      if (!/^\s/.test(line)) path = undefined;
      continue;
    }
    const via = /^\tvia (\S+)/.exec(line);
    if (via) path.nextHop = via[1];
    const attr = /^\tBGP\.(\w+): (.*)$/.exec(line);
    if (!attr) continue;
    const [, key, value] = attr;
    if (key === 'next_hop' && path.nextHop === '') path.nextHop = value.split(' ')[0];
    if (key === 'as_path')
      path.asPath = value
        .split(/\s+/)
        .filter((x) => /^\d+$/.test(x))
        .map(Number);
    if (key === 'local_pref') path.localPref = Number(value);
    if (key === 'community') path.communities = [...value.matchAll(/\((\d+),(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);
    if (key === 'large_community') {
      path.largeCommunities = [...value.matchAll(/\((\d+), (\d+), (\d+)\)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
    }
  }
  return [...routes].map(([p, paths]) => ({ prefix: p, paths })).sort(byPrefix);
}

/** FRR's names for the well-known communities (RFC 1997, 7999, 8326, 8642; bgpd's community_str). */
const FRR_WELL_KNOWN: Record<string, string> = {
  gshut: '65535:0',
  acceptOwn: '65535:1',
  routeFilterTranslatedV4: '65535:2',
  routeFilterV4: '65535:3',
  routeFilterTranslatedV6: '65535:4',
  routeFilterV6: '65535:5',
  llgrStale: '65535:6',
  noLlgr: '65535:7',
  acceptOwnNexthop: '65535:8',
  blackhole: '65535:666',
  noExport: '65535:65281',
  noAdvertise: '65535:65282',
  localAs: '65535:65283',
  noPeer: '65535:65284',
};

const frrCommunities = (v: unknown): string[] =>
  isRecord(v) && Array.isArray(v.list) ? v.list.map((c) => FRR_WELL_KNOWN[String(c)] ?? String(c)) : [];

/** The global (not link-local) next hop FRR uses; IPv6 paths list both. */
function frrNextHop(v: unknown): string {
  const hops = asRecords(v);
  const global = hops.find((h) => h.scope === undefined || h.scope === 'global') ?? hops[0];
  return global && typeof global.ip === 'string' ? global.ip : '';
}

const asPathOf = (s: unknown): number[] =>
  typeof s === 'string'
    ? s
        .split(/\s+/)
        .filter((x) => /^\d+$/.test(x))
        .map(Number)
    : [];

/** `show bgp ipv4|ipv6 unicast json`: the table (no communities in it: FRR prints them per prefix only). */
export function parseFrrRouteTable(json: string): RouterRoute[] {
  const doc = parseJson(json, 'vtysh show bgp json');
  if (!isRecord(doc)) throw new Error('vtysh show bgp json: not an object');
  const routes = isRecord(doc.routes) ? doc.routes : {};
  return Object.entries(routes)
    .map(([prefix, paths]) => ({
      prefix,
      paths: asRecords(paths).map((p) => ({
        nextHop: frrNextHop(p.nexthops),
        peer: String(p.peerId ?? ''),
        best: p.bestpath === true,
        asPath: asPathOf(p.path),
        ...(typeof p.locPrf === 'number' ? { localPref: p.locPrf } : {}),
        communities: [],
        largeCommunities: [],
      })),
    }))
    .sort(byPrefix);
}

/** `show bgp ipv4|ipv6 unicast <prefix> json`: one prefix with every attribute; no route: an empty object. */
export function parseFrrRouteDetail(json: string): RouterRoute[] {
  const doc = parseJson(json, 'vtysh show bgp <prefix> json');
  if (!isRecord(doc)) throw new Error('vtysh show bgp <prefix> json: not an object');
  if (typeof doc.prefix !== 'string') return [];
  const paths = asRecords(doc.paths).map((p) => ({
    nextHop: frrNextHop(p.nexthops),
    peer: isRecord(p.peer) ? String(p.peer.peerId ?? '') : '',
    best: isRecord(p.bestpath) && p.bestpath.overall === true,
    asPath: asPathOf(isRecord(p.aspath) ? p.aspath.string : undefined),
    ...(typeof p.locPrf === 'number' ? { localPref: p.locPrf } : {}),
    communities: frrCommunities(p.community),
    largeCommunities: isRecord(p.largeCommunity) ? frrCommunities(p.largeCommunity) : [],
    ...(p.stale === true ? { stale: true as const } : {}),
  }));
  return [{ prefix: doc.prefix, paths }];
}

/** GoBGP path attributes by type code (RFC 4271 5, RFC 1997, RFC 4760, RFC 8092). */
function gobgpPath(p: Record<string, unknown>): RouterPath {
  const path: RouterPath = {
    nextHop: '',
    peer: String(p['neighbor-ip'] ?? ''),
    best: p.best === true,
    asPath: [],
    communities: [],
    largeCommunities: [],
    ...(p.stale === true ? { stale: true as const } : {}),
  };
  for (const a of asRecords(p.attrs)) {
    if (a.type === 2)
      path.asPath = asRecords(a.as_paths).flatMap((s) => (Array.isArray(s.asns) ? s.asns.map(Number) : []));
    if ((a.type === 3 || a.type === 14) && typeof a.nexthop === 'string') path.nextHop = a.nexthop;
    if (a.type === 5 && typeof a.value === 'number') path.localPref = a.value;
    if (a.type === 8 && Array.isArray(a.communities)) {
      path.communities = a.communities.map(Number).map((c) => `${Math.floor(c / 65536)}:${c % 65536}`);
    }
    if (a.type === 32) {
      path.largeCommunities = asRecords(a.value).map((c) => `${c.ASN}:${c.LocalData1}:${c.LocalData2}`);
    }
  }
  return path;
}

/** `gobgp global rib -a ipv4|ipv6 [prefix] -j`: an object keyed by prefix. */
export function parseGobgpRib(json: string): RouterRoute[] {
  const doc = parseJson(json, 'gobgp global rib -j');
  if (!isRecord(doc)) throw new Error('gobgp global rib -j: not an object');
  return Object.entries(doc)
    .map(([prefix, paths]) => ({ prefix, paths: asRecords(paths).map(gobgpPath) }))
    .sort(byPrefix);
}

export interface FibHop {
  gateway: string;
  dev: string;
}

/** `ip -j route show <prefix>`: the kernel route's next hops (several with ECMP), sorted by gateway. */
export function parseIpRouteNextHops(json: string): FibHop[] {
  const doc = parseJson(json, 'ip -j route');
  const hops = asRecords(doc).flatMap((r) =>
    Array.isArray(r.nexthops) ? asRecords(r.nexthops) : typeof r.gateway === 'string' ? [r] : [],
  );
  return hops
    .map((h) => ({ gateway: String(h.gateway ?? ''), dev: String(h.dev ?? '') }))
    .sort((a, b) => a.gateway.localeCompare(b.gateway));
}

export interface RouteGet {
  dst: string;
  gateway?: string;
  dev: string;
  prefsrc?: string;
}

/** `ip -j route get <ip>`. */
export function parseIpRouteGet(json: string): RouteGet {
  const r = asRecords(parseJson(json, 'ip -j route get'))[0];
  if (!r) throw new Error(`ip -j route get: no route in ${json.slice(0, 200)}`);
  return {
    dst: String(r.dst ?? ''),
    dev: String(r.dev ?? ''),
    ...(typeof r.gateway === 'string' ? { gateway: r.gateway } : {}),
    ...(typeof r.prefsrc === 'string' ? { prefsrc: r.prefsrc } : {}),
  };
}

export type BfdState = 'Up' | 'Down' | 'Init' | 'AdminDown';

function bfdState(s: string): BfdState {
  const k = s.toLowerCase().replace(/[^a-z]/g, '');
  if (k === 'up') return 'Up';
  if (k === 'init') return 'Init';
  if (k === 'admindown' || k === 'shutdown') return 'AdminDown';
  return 'Down';
}

/** `birdc show bfd sessions`: a table per BFD protocol; peer address -> state. */
export function parseBirdBfdSessions(text: string): Record<string, BfdState> {
  const out: Record<string, BfdState> = {};
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F:.]+)\s+\S+\s+(Up|Down|Init|AdminDown)\s/.exec(line);
    if (m && (m[1].includes('.') || m[1].includes(':'))) out[m[1]] = bfdState(m[2]);
  }
  return out;
}

/** `vtysh -c 'show bfd peers json'`: peer address -> state. */
export function parseFrrBfdPeers(json: string): Record<string, BfdState> {
  const out: Record<string, BfdState> = {};
  for (const p of asRecords(parseJson(json, 'show bfd peers json'))) {
    if (typeof p.peer === 'string') out[p.peer] = bfdState(String(p.status ?? 'down'));
  }
  return out;
}
