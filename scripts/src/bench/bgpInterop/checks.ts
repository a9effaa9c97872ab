/**
 * A cell's checks, judged on what the router shows: sessions (and their BFD), the path each node's session brought (next hop,
 * AS path, communities, LOCAL_PREF), the path kept while a speaker restarts (graceful restart) and refreshed after,
 * and the withdrawal. Pure: each returns the first problem in words, or undefined when the cell passes.
 */
import type { BfdState, RouterPath, RouterRoute } from '../../lab/routerRoutesParse';
import type { BgpSession } from '../../lab/routerStatusParse';
import { FRESH_COMMUNITY, LOCAL_PREF, type CellExpectation } from './cells';

const list = (xs: readonly (string | number)[]): string => `[${xs.join(' ')}]`;

export function sessionProblem(exp: CellExpectation, sessions: readonly BgpSession[]): string | undefined {
  for (const name of exp.sessions) {
    const s = sessions.find((x) => x.name === name);
    if (!s) return `router has no session ${name}`;
    if (!s.established) return `session ${name} ${s.state} (${s.info.trim()})`;
  }
  return undefined;
}

/** BFD cells: the router's BFD session with each node, at the address of the cell's BGP session, is Up. */
export function bfdProblem(exp: CellExpectation, bfd: Readonly<Record<string, BfdState>>): string | undefined {
  if (exp.bfd !== true) return undefined;
  for (const p of exp.paths) {
    const state = bfd[p.peer];
    if (state !== 'Up') return `BFD with ${p.node} (${p.peer}) ${state ?? 'absent'} at the router`;
  }
  return undefined;
}

type ExpectedPath = CellExpectation['paths'][number];

/** The node's path over the cell's session, or why there is not exactly one. */
function pathOf(route: RouterRoute | undefined, p: ExpectedPath): RouterPath | string {
  const from = (route?.paths ?? []).filter((x) => x.peer === p.peer);
  if (from.length === 0) return `no path from ${p.node} (${p.peer})`;
  if (from.length > 1) return `${from.length} paths from ${p.node} (${p.peer})`;
  return from[0];
}

function attributeProblem(exp: CellExpectation, path: RouterPath, node: string, communities: readonly string[]) {
  if (path.nextHop !== exp.paths.find((p) => p.node === node)?.nextHop) {
    return `${node}: next hop ${path.nextHop || 'none'}`;
  }
  if (list(path.asPath) !== list(exp.asPath)) return `${node}: AS path ${list(path.asPath)}, want ${list(exp.asPath)}`;
  if (exp.localPref !== undefined && path.localPref !== exp.localPref) {
    return `${node}: local pref ${path.localPref ?? 'none'}, want ${exp.localPref}`;
  }
  // LOCAL_PREF goes to iBGP peers only (RFC 4271 5.1.5); no daemon defaults to the advertisement's value.
  if (exp.localPref === undefined && path.localPref === LOCAL_PREF) {
    return `${node}: the advertisement's local pref ${LOCAL_PREF} reached an eBGP router`;
  }
  for (const c of communities) {
    if (!path.communities.includes(c)) return `${node}: communities ${list(path.communities)} lack ${c}`;
  }
  for (const c of exp.largeCommunities) {
    if (!path.largeCommunities.includes(c))
      return `${node}: large communities ${list(path.largeCommunities)} lack ${c}`;
  }
  return undefined;
}

/** Every node's path arrived over the cell's session with the expected attributes. */
export function arrivalProblem(exp: CellExpectation, route: RouterRoute | undefined): string | undefined {
  for (const p of exp.paths) {
    const path = pathOf(route, p);
    if (typeof path === 'string') return path;
    const problem = attributeProblem(exp, path, p.node, exp.communities);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * While `node`'s speaker is down: its path is still there (graceful restart), marked stale when the daemon shows
 * the mark (`marksStale`: FRR, GoBGP), and the other nodes' paths are untouched.
 */
export function keptProblem(
  exp: CellExpectation,
  route: RouterRoute | undefined,
  node: string,
  marksStale: boolean,
): string | undefined {
  for (const p of exp.paths) {
    const path = pathOf(route, p);
    if (typeof path === 'string') return `${path} while ${node}'s speaker restarts`;
    if (p.node === node && marksStale && !path.stale) return `${node}: path kept but not marked stale`;
    if (p.node !== node && path.stale) return `${p.node}: stale, though its speaker runs`;
  }
  return undefined;
}

/** After the restart: `node`'s path was sent again (it carries the community added meanwhile) and is not stale. */
export function freshProblem(exp: CellExpectation, route: RouterRoute | undefined, node: string): string | undefined {
  for (const p of exp.paths) {
    const path = pathOf(route, p);
    if (typeof path === 'string') return `${path} after ${node}'s speaker restarted`;
    const problem = attributeProblem(exp, path, p.node, [...exp.communities, FRESH_COMMUNITY]);
    if (problem) return `not refreshed after the restart: ${problem}`;
    if (path.stale) return `${p.node}: still stale after its speaker restarted`;
  }
  return undefined;
}

/** No node's path over the cell's session is left. */
export function withdrawnProblem(exp: CellExpectation, route: RouterRoute | undefined): string | undefined {
  for (const p of exp.paths) {
    if (route?.paths.some((x) => x.peer === p.peer)) return `${p.node}'s path (${p.peer}) not withdrawn`;
  }
  return undefined;
}
