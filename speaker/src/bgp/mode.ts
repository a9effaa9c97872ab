/**
 * BGP as an announcement mode: the plan (planBgp) says which BGPPeers this node opens sessions with and which
 * routes each hears; apply keeps one peer edge per peer (made by an injected PeerEdgeFactory: the real one with
 * sockets, a fake in tests) and hands each its routes; the IPs some established session carries are reported as
 * ServiceBGPStatus. An edge's state change calls `changed`, so the loop applies and reports again.
 *
 * Sessions follow the plan, not the Services: a peer selecting this node gets its session even with nothing to
 * advertise (the router shows it up, which is what a user checks first), and a drained node keeps its sessions and
 * withdraws its routes. The plan made for an apply carries the peers; an apply with no plan before it (the config
 * has no BGPAdvertisement, so the loop skipped plan) closes every session.
 */
import type { Logger } from 'pino';
import type { BGPPeer, Config, SecretReference } from '@ironlb/shared/config';
import { errorText, formatIP } from '@ironlb/shared';
import type { LocalInterface } from '../l2/interfaces';
import type { Announcement, AnnouncementMode, ModePlan, StatusKind } from '../mode/mode';
import type { NotAnnounced } from '../mode/reasons';
import type { SpeakerView } from '../mode/view';
import type { PasswordSource } from './passwords';
import { peerSpecOf, sameSpec } from './peerSpecs';
import type { BgpPeerEdge, PeerEdgeFactory, PeerSpec, PeerStatus } from './peer/types';
import { planBgp, prefixText, type BgpPlan } from './plan';
import type { Route } from './rib/types';

export interface BgpPlanned extends Announcement {
  /** Per peer name, the routes that carry the IP to it. */
  readonly routes: ReadonlyMap<string, readonly Route[]>;
}

export interface BgpApplied extends Announcement {
  /** The peers (names, sorted) whose session is established and carries the IP. */
  readonly peers: readonly string[];
}

export const BGP_STATUS: StatusKind<BgpApplied> = {
  kind: 'ServiceBGPStatus',
  plural: 'servicebgpstatuses',
  fields(applied) {
    const peers = [...new Set(applied.flatMap((a) => a.peers))].sort();
    return peers.length === 0 ? undefined : { peers };
  },
};

export interface BgpModeDeps {
  readonly createEdge: PeerEdgeFactory;
  readonly passwords: PasswordSource;
  /** Called when a session changes state (or a Secret is read), so the loop applies and reports again. */
  readonly changed: () => void;
  /** After each apply, every session's status by peer name (the metrics). */
  readonly sessions?: (statuses: ReadonlyMap<string, PeerStatus>) => void;
  readonly log: Logger;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class BgpMode implements AnnouncementMode<BgpPlanned, BgpApplied> {
  readonly name = 'bgp';
  readonly configKinds = [
    { key: 'bgpPeers', plural: 'bgppeers' },
    { key: 'bgpAdvertisements', plural: 'bgpadvertisements' },
    { key: 'bfdProfiles', plural: 'bfdprofiles' },
    { key: 'communities', plural: 'communities' },
  ] as const;
  readonly status = BGP_STATUS;
  private local: readonly LocalInterface[] = [];
  /** The plan the next apply is for (see the file comment), with the config's BFD profiles. */
  private pending: { readonly plan: BgpPlan; readonly config: Config } | undefined;
  private readonly edges = new Map<string, { readonly edge: BgpPeerEdge; routes: string }>();
  /** The last problem logged per peer, so each is logged once. */
  private readonly problems = new Map<string, string>();
  private closed = false;

  constructor(private readonly deps: BgpModeDeps) {}

  active(config: Config): boolean {
    return config.bgpAdvertisements.length > 0;
  }

  /** The node's interfaces changed: next hops and router IDs are taken from the new table at the next plan. */
  setInterfaces(table: readonly LocalInterface[]): void {
    this.local = table;
  }

  plan(view: SpeakerView): ModePlan<BgpPlanned> {
    const plan = planBgp(view, this.local);
    this.pending = { plan, config: view.config };
    const announce = new Map<string, BgpPlanned>();
    const skip = new Map<string, { services: readonly string[]; reason: NotAnnounced }>();
    // Each peer's routes by prefix text, made once per plan: per IP it made the plan quadratic (10,000 Services
    // took minutes, formatting every route's prefix for every IP).
    const byPeer = new Map<string, Map<string, Route>>();
    const routesOf = (peer: string): Map<string, Route> => {
      let table = byPeer.get(peer);
      if (table === undefined) {
        table = new Map((plan.peers.get(peer)?.routes ?? []).map((r) => [prefixText(r.prefix), r]));
        byPeer.set(peer, table);
      }
      return table;
    };
    for (const [key, row] of plan.ips) {
      if (row.reason) {
        skip.set(key, { services: row.services, reason: row.reason });
        continue;
      }
      const routes = new Map<string, readonly Route[]>();
      for (const [peer, texts] of row.prefixes) {
        const byPrefix = routesOf(peer);
        routes.set(
          peer,
          texts.flatMap((t) => byPrefix.get(t) ?? []),
        );
      }
      announce.set(key, { ip: row.ip, services: row.services, routes });
    }
    return { announce, skip };
  }

  apply(desired: ReadonlyMap<string, BgpPlanned>): ReadonlyMap<string, BgpApplied> {
    const pending = this.pending;
    this.pending = undefined;
    if (this.closed) return new Map();
    const peers: BgpPlan['peers'] = pending?.plan.peers ?? new Map();
    const want = new Map<string, Map<string, Route>>();
    for (const a of desired.values()) {
      for (const [peer, routes] of a.routes) {
        const table = want.get(peer) ?? new Map<string, Route>();
        for (const r of routes) table.set(prefixText(r.prefix), r);
        want.set(peer, table);
      }
    }
    for (const [name, held] of [...this.edges]) {
      if (peers.has(name)) continue;
      this.deps.log.info({ peer: name }, 'BGP session closed: the peer no longer selects this node');
      this.drop(name, held.edge);
    }
    for (const [name, { peer }] of peers) {
      const spec = pending ? this.specOf(peer, pending.config) : undefined;
      let held = this.edges.get(name);
      if (spec && held && !sameSpec(held.edge.spec, spec)) {
        this.deps.log.info({ peer: name }, 'BGP session replaced: its BGPPeer, BFDProfile or password changed');
        this.drop(name, held.edge);
        held = undefined;
      }
      if (!held) {
        if (!spec) continue;
        this.deps.log.info(
          { peer: name, address: formatIP(spec.peerAddress), port: spec.peerPort },
          'BGP session opening',
        );
        held = { edge: this.deps.createEdge(spec, () => this.deps.changed()), routes: '' };
        this.edges.set(name, held);
      }
      const routes = [...(want.get(name) ?? new Map<string, Route>())]
        .sort(([a], [b]) => byText(a, b))
        .map(([, r]) => r);
      const signature = JSON.stringify(routes, bigints);
      if (signature !== held.routes) {
        held.edge.setRoutes(routes);
        held.routes = signature;
      }
    }
    const statuses = new Map([...this.edges].map(([name, held]) => [name, held.edge.status()]));
    this.deps.sessions?.(statuses);
    const applied = new Map<string, BgpApplied>();
    for (const [key, a] of desired) {
      const family = a.ip.family === 'IPv4' ? 'ipv4' : 'ipv6';
      // Established, and carrying this IP's family: a route of a family the session did not negotiate is held back.
      const up = [...a.routes.keys()]
        .filter((p) => {
          const st = statuses.get(p);
          return st?.state === 'established' && st.families.includes(family);
        })
        .sort(byText);
      applied.set(key, { ip: a.ip, services: a.services, peers: up });
    }
    return applied;
  }

  /** Every session's status by peer name. */
  sessions(): ReadonlyMap<string, PeerStatus> {
    return new Map([...this.edges].map(([name, held]) => [name, held.edge.status()]));
  }

  /**
   * Ends every session without a NOTIFICATION and without withdrawing (SIGTERM): routers that honour graceful
   * restart keep forwarding to this node until it is back. Later applies do nothing.
   */
  async closeGracefully(): Promise<void> {
    this.closed = true;
    const all = [...this.edges.values()].map((h) => h.edge.close(true));
    this.edges.clear();
    await Promise.allSettled(all);
  }

  close(): void {
    void this.closeGracefully();
  }

  /** The spec for this node, or undefined (the problem logged once) when it cannot be made yet or at all. */
  private specOf(peer: BGPPeer, config: Config): PeerSpec | undefined {
    let password = peer.password;
    if (password === undefined && peer.passwordSecret) {
      const found = this.deps.passwords.lookup(peer.passwordSecret);
      if (found.state === 'pending') return undefined;
      if (found.state === 'failed')
        return this.problem(peer.name, `no TCP MD5 password: ${found.problem}`, peer.passwordSecret);
      password = found.password;
    }
    const r = peerSpecOf(peer, this.local, config.bfdProfiles, password);
    if (!r.ok) return this.problem(peer.name, r.problem);
    this.problems.delete(peer.name);
    return r.spec;
  }

  private problem(peer: string, problem: string, secret?: SecretReference): undefined {
    if (this.problems.get(peer) !== problem) {
      this.deps.log.error({ peer, ...(secret ? { secret: secret.name } : {}) }, `BGP session not opened: ${problem}`);
      this.problems.set(peer, problem);
    }
    return undefined;
  }

  private drop(name: string, edge: BgpPeerEdge): void {
    this.edges.delete(name);
    edge.close(false).catch((e: unknown) => this.deps.log.warn({ peer: name, err: errorText(e) }, 'BGP close failed'));
  }
}

const bigints = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);
