/**
 * Runs one router's interop cells in one speaker lab (2 nodes, the router daemon, the API server, the controller, a
 * speaker per node): per option set, the router restarts with its options, the speakers get the set's BGPPeers,
 * an IPv4 and an IPv6 Service come and go, and each transport cell is judged on what the router shows. Thin edge:
 * what to apply and what to expect is in cells.ts, the judging in checks.ts. Never throws: whatever goes wrong
 * becomes a FAIL of the cells it touched, and the lab is always taken down.
 */
import { bgpAsns } from '../../lab/bgpOptions';
import { routerBfdSessions, routerRoutes } from '../../lab/routerQueries';
import type { RouterRoute } from '../../lab/routerRoutesParse';
import { serviceIPOf, startSpeakerLab, type SpeakerLab } from '../../testing/speakerLab';
import { errorText } from '@ironlb/shared';
import {
  advertisementYaml,
  COMMUNITY,
  expectationOf,
  FRESH_COMMUNITY,
  GR_NODE,
  hostRoute,
  interopCells,
  peersYaml,
  POOL_YAML,
  routerOptionsOf,
  serviceName,
  servicesYaml,
  VARIANTS,
  type Asns,
  type Cell,
  type CellExpectation,
  type InteropRouter,
  type NodeAddresses,
  type Variant,
} from './cells';
import { arrivalProblem, bfdProblem, freshProblem, keptProblem, sessionProblem, withdrawnProblem } from './checks';
import type { CellResult } from './matrix';

const NODES = 2;
const SESSION_TIMEOUT_MS = 30_000;
const ROUTE_TIMEOUT_MS = 20_000;
const POLL_MS = 100;

export interface RouterRunOptions {
  readonly prefix: string;
  /** Called once per cell of `router`, as soon as its outcome is known. */
  readonly onResult: (cell: Cell, result: CellResult) => void;
  readonly log?: (line: string) => void;
}

/** One cell of an option set: its expectation, its first problem (it is then no longer checked) and when it last
 * passed a check or failed. */
interface Live {
  readonly cell: Cell;
  readonly exp: CellExpectation;
  problem?: string;
  at?: number;
}

type Routes = { readonly IPv4?: RouterRoute; readonly IPv6?: RouterRoute };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `read` until `problem` is undefined for every cell still live, or `timeoutMs` passes; a cell passes at the
 * first snapshot without a problem (its time is then), and one still failing at the deadline gets its last problem,
 * prefixed by `phase`.
 */
async function pollCells<T>(
  live: readonly Live[],
  phase: string,
  read: () => Promise<T>,
  problem: (l: Live, snapshot: T) => string | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = live.filter((l) => l.problem === undefined);
  while (pending.length > 0) {
    const snapshot = await read();
    const now = Date.now();
    const failing: Live[] = [];
    for (const l of pending) {
      const p = problem(l, snapshot);
      l.at = now;
      if (p === undefined) continue;
      if (now > deadline) l.problem = `${phase}: ${p}`;
      else failing.push(l);
    }
    pending = failing;
    if (pending.length > 0) await sleep(POLL_MS);
  }
}

function nodesOf(l: SpeakerLab): NodeAddresses[] {
  return l.lab.plan.hosts
    .filter((h) => h.role === 'node')
    .map((h) => ({ name: h.name, ipv4: h.ifaces[0].ipv4, ipv6: h.ifaces[0].ipv6 ?? '' }));
}

function routerAddresses(l: SpeakerLab): { ipv4: string; ipv6: string } {
  const eth0 = l.lab.host('router').ifaces[0];
  return { ipv4: eth0.ipv4, ipv6: eth0.ipv6 ?? '' };
}

/** The option set's cells through every phase; each live cell ends ok or with its first problem. */
async function runVariant(l: SpeakerLab, variant: Variant, live: Live[], asns: Asns, first: boolean): Promise<void> {
  const ns = ['-n', 'ironlb-system'];
  if (!first) await l.lab.restartRouter(routerOptionsOf(variant));
  await l.ok(
    ['apply', '-f', '-'],
    `${advertisementYaml([COMMUNITY])}---\n${peersYaml(variant, routerAddresses(l), asns)}`,
  );
  await pollCells(
    live,
    'session',
    () => l.lab.routerStatus(),
    (x, st) => sessionProblem(x.exp, st.sessions),
    SESSION_TIMEOUT_MS,
  );
  if (variant === 'bfd') {
    await pollCells(
      live,
      'bfd',
      () => routerBfdSessions(l.lab),
      (x, s) => bfdProblem(x.exp, s),
      SESSION_TIMEOUT_MS,
    );
  }

  await l.ok(['apply', '-f', '-'], servicesYaml(variant));
  const ips = {
    IPv4: await serviceIPOf(l, serviceName(variant, 'IPv4')),
    IPv6: await serviceIPOf(l, serviceName(variant, 'IPv6')),
  };
  const readRoutes = async (): Promise<Routes> => {
    const out: { IPv4?: RouterRoute; IPv6?: RouterRoute } = {};
    for (const family of ['IPv4', 'IPv6'] as const) {
      const prefix = hostRoute(ips[family]);
      out[family] = (await routerRoutes(l.lab, prefix)).find((r) => r.prefix === prefix);
    }
    return out;
  };
  const routeOf = (x: Live, r: Routes): RouterRoute | undefined => r[x.exp.family];
  await pollCells(live, 'arrival', readRoutes, (x, r) => arrivalProblem(x.exp, routeOf(x, r)), ROUTE_TIMEOUT_MS);

  if (variant === 'gr') {
    const down = new Set(live.flatMap((x) => x.exp.sessions.filter((s) => s.startsWith(GR_NODE))));
    await l.killSpeaker(GR_NODE, 'SIGTERM');
    // Judge the kept routes only once the router has seen the sessions close.
    await pollCells(
      live,
      'restart',
      () => l.lab.routerStatus(),
      (_, st) => {
        const up = st.sessions.filter((s) => down.has(s.name) && s.established).map((s) => s.name);
        return up.length > 0 ? `router still has ${up.join(', ')} Established after SIGTERM` : undefined;
      },
      ROUTE_TIMEOUT_MS,
    );
    const marksStale = l.lab.plan.router !== 'bird';
    const kept = await readRoutes();
    for (const x of live.filter((y) => y.problem === undefined)) {
      const p = keptProblem(x.exp, routeOf(x, kept), GR_NODE, marksStale);
      if (p) x.problem = `graceful restart: ${p}`;
    }
    // A community the restarted speaker's paths must carry: proof they were sent again, not merely kept.
    await l.ok(['apply', '-f', '-'], advertisementYaml([COMMUNITY, FRESH_COMMUNITY]));
    l.startSpeaker(GR_NODE);
    await pollCells(live, 'refresh', readRoutes, (x, r) => freshProblem(x.exp, routeOf(x, r), GR_NODE), 30_000);
  }

  await l.ok(['delete', 'service', serviceName(variant, 'IPv4'), serviceName(variant, 'IPv6')]);
  await pollCells(live, 'withdraw', readRoutes, (x, r) => withdrawnProblem(x.exp, routeOf(x, r)), ROUTE_TIMEOUT_MS);
  // The next option set starts from no peers: the speakers close these sessions before the router restarts.
  await l.ok(['delete', 'bgppeers,bgpadvertisements,bfdprofiles', '--all', ...ns]);
}

/** Runs every cell of `router` in its own lab; resolves when all are reported and the lab is down. */
export async function runRouter(router: InteropRouter, opts: RouterRunOptions): Promise<{ labStartMs: number }> {
  const log = opts.log ?? ((): void => undefined);
  const cells = interopCells([router]);
  const reported = new Set<string>();
  const report = (cell: Cell, r: CellResult): void => {
    if (reported.has(cell.id)) return;
    reported.add(cell.id);
    opts.onResult(cell, r);
  };
  for (const c of cells) if (c.notApplicable !== undefined) report(c, { status: 'n/a', reason: c.notApplicable });
  const t0 = Date.now();
  let l: SpeakerLab | undefined;
  let labStartMs = 0;
  try {
    l = await startSpeakerLab({ prefix: opts.prefix, nodes: NODES, router, bgp: routerOptionsOf(VARIANTS[0]) });
    labStartMs = Date.now() - t0;
    log(`${router}: lab up in ${labStartMs} ms`);
    await l.ok(['apply', '-f', '-'], POOL_YAML);
    const nodes = nodesOf(l);
    for (const [i, variant] of VARIANTS.entries()) {
      const start = Date.now();
      // The AS numbers follow the router's options (iBGP: the nodes join the router's AS), as the lab's plan does.
      const asns = bgpAsns(routerOptionsOf(variant));
      const live: Live[] = cells
        .filter((c) => c.variant === variant && c.notApplicable === undefined)
        .map((cell) => ({ cell, exp: expectationOf(cell, nodes, asns) }));
      // Every cell n/a (GoBGP's bfd): nothing to run, the router is left as it is.
      if (live.length === 0) continue;
      try {
        await runVariant(l, variant, live, asns, i === 0);
      } catch (e) {
        for (const x of live) x.problem ??= `${variant}: ${errorText(e)}`;
      }
      // A failure that left the GR node's speaker down must not fail the option sets after it.
      if (l.speakers.get(GR_NODE)?.running() !== true) l.startSpeaker(GR_NODE);
      const end = Date.now();
      const logs = l.logs();
      for (const x of live) {
        const ms = (x.problem === undefined ? (x.at ?? end) : end) - start;
        report(
          x.cell,
          x.problem === undefined
            ? { status: 'ok', ms }
            : { status: 'FAIL', reason: x.problem, ms, detail: logs.slice(-4000) },
        );
      }
      log(
        `${router} ${variant}: ${live.map((x) => `${x.cell.transport} ${x.problem ?? 'ok'}`).join('; ')} (${end - start} ms)`,
      );
    }
  } catch (e) {
    for (const c of cells) {
      report(c, {
        status: 'FAIL',
        reason: `lab: ${errorText(e)}`,
        ms: Date.now() - t0,
        detail: l?.logs().slice(-4000),
      });
    }
  } finally {
    await l?.stop();
  }
  return { labStartMs };
}
