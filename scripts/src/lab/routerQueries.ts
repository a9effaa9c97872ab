// What the lab's router knows, asked of whichever daemon runs: its BGP routes, its kernel FIB, its BFD
// sessions, the client's route to a VIP; and a route refresh request. Thin edge: commands here, parsing in
// routerRoutesParse.ts.
import type { Lab } from './lab';
import { bgpNeighbors, type BgpNeighbor } from './routerConfig';
import { birdSocket, frrDir, frrQuery, gobgpQuery } from './routerDaemon';
import {
  parseBirdBfdSessions,
  parseBirdRoutes,
  parseFrrBfdPeers,
  parseFrrRouteDetail,
  parseFrrRouteTable,
  parseGobgpRib,
  parseIpRouteGet,
  parseIpRouteNextHops,
  type BfdState,
  type FibHop,
  type RouteGet,
  type RouterRoute,
} from './routerRoutesParse';
import { mustRun, runCmd } from './sh';

async function ok(what: string, p: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

const birdc = (lab: Lab, args: string[]): Promise<string> =>
  ok(`birdc ${args.join(' ')}`, runCmd(['birdc', '-s', birdSocket(lab.dir), ...args], { timeoutMs: 10000 }));

/** vtysh prints errors on stdout with exit 0 for some commands: a '%' line is an error too. */
async function vtysh(lab: Lab, command: string, daemon: 'bgpd' | 'bfdd' = 'bgpd'): Promise<string> {
  const out = await ok(`vtysh -c '${command}'`, frrQuery(frrDir(lab.dir), command, daemon));
  if (/^%/m.test(out)) throw new Error(`vtysh -c '${command}': ${out.trim()}`);
  return out;
}

/** The order the parsers use, across families too. */
const byPrefix = (a: RouterRoute, b: RouterRoute): number => a.prefix.localeCompare(b.prefix);

const familyOf = (prefixOrIp: string): 4 | 6 => (prefixOrIp.includes(':') ? 6 : 4);

/**
 * The router's BGP routes with every path (next hops, peer address, AS path, local pref, communities), sorted
 * by prefix; only `prefix` (exact) when given. FRR shows communities per prefix only: without `prefix` its
 * paths have none (ask per prefix for them). GoBGP and BIRD show everything either way.
 */
export async function routerRoutes(lab: Lab, prefix?: string): Promise<RouterRoute[]> {
  const families =
    prefix === undefined ? ([4, 6] as const).filter((f) => f === 4 || lab.plan.ipv6) : [familyOf(prefix)];
  if (lab.plan.router === 'bird') {
    const args = ['show', 'route', ...(prefix === undefined ? [] : [prefix]), 'all'];
    const r = await runCmd(['birdc', '-s', birdSocket(lab.dir), ...args], { timeoutMs: 10000 });
    // BIRD answers a route it does not hold with "Network not found" and exit 1: no route, not a failure.
    if (r.code !== 0 && /Network not found/.test(r.stdout)) return [];
    const text = await ok(`birdc ${args.join(' ')}`, Promise.resolve(r));
    // BIRD names the protocol, not the neighbor: report the address, like the other daemons.
    const byName = new Map(bgpNeighbors(lab.plan).map((n) => [n.name, n.address]));
    return parseBirdRoutes(text).map((r) => ({
      ...r,
      paths: r.paths.map((p) => ({ ...p, peer: byName.get(p.peer) ?? p.peer })),
    }));
  }
  if (lab.plan.router === 'frr') {
    const out: RouterRoute[] = [];
    for (const f of families) {
      const cmd = `show bgp ipv${f} unicast${prefix === undefined ? '' : ` ${prefix}`} json`;
      const json = await vtysh(lab, cmd);
      out.push(...(prefix === undefined ? parseFrrRouteTable(json) : parseFrrRouteDetail(json)));
    }
    return out.sort(byPrefix);
  }
  if (lab.plan.router === 'gobgp') {
    const out: RouterRoute[] = [];
    for (const f of families) {
      const args = ['global', 'rib', '-a', `ipv${f}`, ...(prefix === undefined ? [] : [prefix])];
      const r = await gobgpQuery(lab.plan, args);
      // gobgp prints "Network not in table" (exit 1) for an absent prefix.
      if (r.code !== 0 && prefix !== undefined && /not in table/i.test(r.stdout + r.stderr)) continue;
      out.push(...parseGobgpRib(await ok(`gobgp ${args.join(' ')}`, Promise.resolve(r))));
    }
    return out.sort(byPrefix);
  }
  throw new Error('the lab has no router daemon (--router none)');
}

/** The next hops of the router's KERNEL route to `prefix` (several with ECMP); none if it has no such route. */
export async function routerFib(lab: Lab, prefix: string): Promise<FibHop[]> {
  const netns = lab.host('router').netns;
  const json = await mustRun(['ip', '-n', netns, '-j', `-${familyOf(prefix)}`, 'route', 'show', prefix]);
  return parseIpRouteNextHops(json.trim() === '' ? '[]' : json);
}

/** The router's BFD sessions: peer address -> state (BIRD, FRR; GoBGP has no BFD, so none). */
export async function routerBfdSessions(lab: Lab): Promise<Record<string, BfdState>> {
  if (lab.plan.router === 'bird') {
    if (lab.bgpOptions.bfd === undefined) return {};
    return parseBirdBfdSessions(await birdc(lab, ['show', 'bfd', 'sessions']));
  }
  if (lab.plan.router === 'frr') {
    if (lab.bgpOptions.bfd === undefined) return {};
    return parseFrrBfdPeers(await vtysh(lab, 'show bfd peers json', 'bfdd'));
  }
  return {};
}

/** `ip route get <ip>` in the client: the way a request to a VIP would leave. */
export async function clientRouteGet(lab: Lab, ip: string): Promise<RouteGet> {
  return parseIpRouteGet(await mustRun(['ip', '-n', lab.host('client').netns, '-j', 'route', 'get', ip]));
}

/** A neighbor by node/session name (node1, node1_v6) or address. */
function neighbor(lab: Lab, which: string): BgpNeighbor {
  const n = bgpNeighbors(lab.plan).find((x) => x.name === which || x.address === which);
  if (!n) throw new Error(`no BGP neighbor '${which}' on the router (node<k>, node<k>_v6 or an address)`);
  return n;
}

/** Asks the router to have the neighbor resend its routes (ROUTE-REFRESH, RFC 2918): a soft inbound reset. */
export async function routerRequestRefresh(lab: Lab, which: string): Promise<void> {
  const n = neighbor(lab, which);
  if (lab.plan.router === 'bird') await birdc(lab, ['reload', 'in', n.name]);
  else if (lab.plan.router === 'frr') await vtysh(lab, `clear bgp ${n.address} soft in`);
  else if (lab.plan.router === 'gobgp') {
    await ok('gobgp neighbor softresetin', gobgpQuery(lab.plan, ['neighbor', n.address, 'softresetin']));
  } else throw new Error('the lab has no router daemon (--router none)');
}
