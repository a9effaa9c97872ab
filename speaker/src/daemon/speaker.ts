/**
 * The one speaker loop, whatever the modes: watches in, caches kept, one SpeakerView built, and each mode the
 * config activates plans, applies and is reported on (nodeAssigned Events, its status objects, reasons in the log
 * and metrics). Caches survive a lost watch (the watch restarts and relists), so announcements are withdrawn only
 * on a definite change, never because the API server went away.
 */
import type { EventEmitter } from 'node:events';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { parseConfig, formatConfigError, type ConfigObjects } from '@ironlb/shared/config';
import {
  errorText,
  timeOf,
  trimEndpointSlice,
  trimNode,
  watchForever,
  type WatchOptions,
  type Watching,
} from '@ironlb/shared/k8s';
import type { AnnouncementMode, Announcement, ModePlan } from '../mode/mode';
import { notAnnouncedText } from '../mode/reasons';
import type { NodeView, ServiceView, SpeakerView } from '../mode/view';
import { cacheEvent, type ClusterCache } from './cache';
import { firstPlanDelay } from './coldStart';
import type { SpeakerMetrics } from './metrics';
import {
  announcersOf,
  isOwnEcho,
  reportsFor,
  type ExistingStatus,
  type OwnService,
  type Reported,
  type ReportScope,
} from './reports';
import type { DataplaneFeed } from '../dataplane/feed';
import type { ServiceEvents } from './serviceEvents';
import { PlanPacer } from './planPacer';
import { WriteQueue } from './writeQueue';
import { SPEAKER_LEASE_PREFIX, STATUS_NODE_LABEL, type SpeakerApi } from './speakerApi';
import { endpointNodesOf, internalIPsOf, nodeViewOf, serviceViewOf } from './views';

const RETRY_MS = 2_000;
const WRITES_IN_FLIGHT = 8;
/** How long after start a speaker listens to its peers before it plans (a few heartbeat intervals). */
const SETTLE_MS = 500;
/** Plans for changed API objects are at least this far apart (planPacer.ts says why). */
const PLAN_GAP_MS = 100;
/** The kind every mode reads: the pools its IPs come from. */
const POOLS = { key: 'ipAddressPools', plural: 'ipaddresspools' } as const;

/**
 * Which speakers may own IPs (alive and ready, this one once it said so), fed with the peers' addresses and their
 * Lease renewals.
 */
export interface Liveness {
  eligible(): ReadonlySet<string>;
  /** Peers alive but not ready yet: starting. */
  starting(): ReadonlySet<string>;
  /** This speaker has everything it needs to plan: tell the peers, who hand back its IPs. */
  markReady(): void;
  setPeers(peers: ReadonlyMap<string, readonly string[]>): void;
  leaseObserved(node: string, renewTime: number): void;
}

export interface SpeakerDeps {
  readonly api: SpeakerApi;
  /** The node this speaker runs on. */
  readonly self: string;
  /** spec.loadBalancerClass served. */
  readonly lbClass: string;
  readonly liveness: Liveness;
  readonly modes: readonly AnnouncementMode[];
  readonly cache: ClusterCache;
  readonly events: ServiceEvents;
  readonly metrics: SpeakerMetrics;
  /** Emits 'change' when something outside the API (a peer, a link) calls for a new plan. */
  readonly changes: EventEmitter;
  readonly log: Logger;
  /** Told after every plan what this node serves (the modes' live announcements); absent: --dataplane none. */
  readonly dataplane?: Pick<DataplaneFeed, 'update'>;
}

type Raw = Record<string, unknown>;
const rec = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});
const nameOf = (o: unknown): string => String(rec(rec(o).metadata).name ?? '');

export class Speaker {
  /** Per mode name. */
  private readonly reported = new Map<string, Reported>();
  private readonly active = new Map<string, boolean>();
  /** The last reason logged per `mode ip`, so each change is logged once. */
  private readonly lastReasons = new Map<string, string>();
  private configErrors = '';
  private scheduled = false;
  private readonly pacer = new PlanPacer(PLAN_GAP_MS, () => this.schedule());
  private retryTimer: NodeJS.Timeout | undefined;
  /** Events and status writes, a few at a time (a burst of Services must not open a socket each). */
  private readonly writes = new WriteQueue(WRITES_IN_FLIGHT);
  private startedAt = 0;
  /** When this speaker said it is ready (0: not yet), and whether it has planned since. */
  private readyAt = 0;
  private planned = false;
  /** Whether a whole plan has been made and applied: what /readyz waits for. */
  private plannedOnce = false;
  /** Watches whose first list has not arrived yet. */
  private readonly unsynced = new Set<string>();
  private watches: Watching[] = [];
  private readonly serviceViews = new WeakMap<object, ServiceView | undefined>();

  constructor(private readonly deps: SpeakerDeps) {
    for (const mode of deps.modes) this.reported.set(mode.name, { told: new Set(), written: new Map() });
    deps.changes.on('change', () => this.schedule());
  }

  start(): void {
    this.startedAt = Date.now();
    const { api, cache, modes } = this.deps;
    const cached =
      <T extends KubernetesObject>(m: Map<string, T>, after?: (o: T, present: boolean) => void) =>
      (o: T, present: boolean): void => {
        cacheEvent(m, o, present);
        after?.(o, present);
        this.pacer.changed();
      };
    const configKinds = new Map([POOLS, ...modes.flatMap((m) => m.configKinds)].map((k) => [k.key, k.plural]));
    this.watches = [
      this.watch('services', '/api/v1/services', cached(cache.services)),
      this.watch(
        'nodes',
        '/api/v1/nodes',
        cached(cache.nodes, () => this.peersChanged()),
        { trim: trimNode },
      ),
      this.watch('endpointslices', '/apis/discovery.k8s.io/v1/endpointslices', cached(cache.slices), {
        trim: trimEndpointSlice,
      }),
      ...[...configKinds].map(([key, plural]) =>
        this.watch(plural, api.customPath(plural), cached(cache.configOf(key))),
      ),
      ...modes.map((mode) => {
        const plural = mode.status.plural;
        const statuses = cache.statusesOf(plural);
        return this.watch(plural, api.customPath(plural), (o: KubernetesObject, present: boolean) => {
          cacheEvent(statuses, o, present);
          const written = this.reportedOf(mode).written;
          const name = o.metadata?.name ?? '';
          if (!present) written.delete(name);
          else if (isOwnEcho(written.get(name), (o as { status?: unknown }).status)) return;
          this.pacer.changed();
        });
      }),
      this.watch('leases', api.leasesPath(), (o, present) => this.leaseSeen(o, present)),
    ];
  }

  /** Why this speaker is not ready, in one line (/readyz), or undefined once it has planned once. */
  notReady(): string | undefined {
    if (this.plannedOnce) return undefined;
    if (this.startedAt === 0) return 'not started';
    if (this.unsynced.size > 0) return `waiting for the first list of ${[...this.unsynced].sort().join(', ')}`;
    return 'waiting for the peers to settle before the first plan';
  }

  async stop(): Promise<void> {
    this.pacer.stop();
    await Promise.allSettled(this.watches.map((w) => w.stop()));
  }

  /** Recompute soon: many watch events in one tick make one plan. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.recompute();
      } catch (e) {
        this.deps.log.error({ err: errorText(e) }, 'recompute failed');
      }
    });
  }

  private watch<T extends KubernetesObject>(
    name: string,
    path: string,
    on: (o: T, present: boolean) => void,
    opts: WatchOptions = {},
  ): Watching {
    this.unsynced.add(name);
    return watchForever<T>(
      this.deps.log,
      this.deps.api.client,
      name,
      path,
      {
        upsert: (o) => on(o, true),
        remove: (o) => on(o, false),
        synced: () => {
          this.unsynced.delete(name);
          this.schedule();
        },
      },
      opts,
    );
  }

  private reportedOf(mode: AnnouncementMode): Reported {
    const r = this.reported.get(mode.name);
    if (!r) throw new Error(`mode ${mode.name} is not one of this speaker's`);
    return r;
  }

  private peersChanged(): void {
    const peers = new Map<string, readonly string[]>();
    for (const n of this.deps.cache.nodes.values()) {
      const name = nameOf(n);
      if (name && name !== this.deps.self) peers.set(name, internalIPsOf(n));
    }
    this.deps.liveness.setPeers(peers);
  }

  private leaseSeen(lease: KubernetesObject, present: boolean): void {
    const name = lease.metadata?.name ?? '';
    if (!present || !name.startsWith(SPEAKER_LEASE_PREFIX)) return;
    const renew = rec(rec(lease).spec).renewTime;
    const at = timeOf(renew);
    if (Number.isFinite(at)) this.deps.liveness.leaseObserved(name.slice(SPEAKER_LEASE_PREFIX.length), at);
    this.pacer.changed();
  }

  private recompute(): void {
    // A plan from half-listed objects could withdraw what another speaker's full view keeps: wait for every list.
    if (this.startedAt === 0 || this.unsynced.size > 0) return;
    // Peers are heard within a heartbeat or two of the Node list; a plan made before that would see this node
    // alone and answer for every IP for a moment.
    const settling = this.startedAt + SETTLE_MS - Date.now();
    if (settling > 0) {
      setTimeout(() => this.schedule(), settling);
      return;
    }
    // Ready: the peers hear it now and hand back this node's IPs while it plans to take them (its probe waits for
    // them to let go). Before this, they kept answering for it, so a restart leaves no IP silent.
    if (this.readyAt === 0) {
      this.readyAt = Date.now();
      this.deps.log.info('ready: every list synced; this node may own IPs from now on');
      this.deps.liveness.markReady();
    }
    if (!this.planned) {
      const wait = firstPlanDelay(this.readyAt, Date.now(), this.deps.liveness.starting());
      if (wait > 0) {
        // A peer getting ready calls for a plan too (a membership change); this is the bound.
        setTimeout(() => this.schedule(), wait);
        return;
      }
      this.planned = true;
    }
    this.pacer.planned();
    const view = this.view();
    const services = new Set(view.services.map((s) => s.key));
    const served = new Map<string, Announcement>();
    for (const mode of this.deps.modes) {
      const plan: ModePlan<Announcement> = this.isActive(mode, view)
        ? mode.plan(view)
        : { announce: new Map(), skip: new Map() };
      this.logReasons(mode, plan);
      this.deps.metrics.planned(mode.name, plan);
      const applied = mode.apply(plan.announce);
      for (const [ip, a] of applied) {
        const held = served.get(ip);
        served.set(ip, held ? { ip: a.ip, services: [...new Set([...held.services, ...a.services])] } : a);
      }
      this.report(mode, applied, {
        services,
        live: view.live,
        announcers: announcersOf(view.self, plan),
      });
    }
    // Only what the modes made live: an IP this node stopped serving loses its rules in this same pass.
    this.deps.dataplane?.update(served, this.deps.cache.services.values(), this.deps.cache.slices.values());
    if (!this.plannedOnce) this.deps.log.info('planned once: ready (/readyz answers 200 from now on)');
    this.plannedOnce = true;
  }

  private view(): SpeakerView {
    const { cache, log, lbClass, liveness, self } = this.deps;
    const { config, errors } = parseConfig(cache.configObjects() satisfies ConfigObjects);
    this.deps.metrics.configParsed(errors.length);
    const problems = errors.map(formatConfigError).join('\n');
    if (problems !== this.configErrors) {
      // Each line names the object it is about (its kind and name) and the field.
      for (const e of errors) log.error({ object: e.object, field: e.field }, formatConfigError(e));
      this.configErrors = problems;
    }
    const nodes = new Map<string, NodeView>();
    for (const n of cache.nodes.values()) {
      const v = nodeViewOf(n);
      if (v) nodes.set(v.name, v);
    }
    const services = [...cache.services.values()].flatMap((s) => this.serviceView(s, lbClass) ?? []);
    return {
      self,
      config,
      nodes,
      services,
      endpointNodes: endpointNodesOf(cache.slices.values()),
      live: liveness.eligible(),
    };
  }

  /**
   * A Service's view, read once per version of it: the cache replaces an object when it changes and never edits one,
   * so its identity stands for its content, and a plan does not parse a thousand unchanged Services again.
   */
  private serviceView(svc: object, lbClass: string): ServiceView | undefined {
    if (this.serviceViews.has(svc)) return this.serviceViews.get(svc);
    const v = serviceViewOf(svc, lbClass);
    this.serviceViews.set(svc, v);
    return v;
  }

  /** Whether the config gives the mode work; logged when that changes. */
  private isActive(mode: AnnouncementMode, view: SpeakerView): boolean {
    const active = mode.active(view.config);
    if (this.active.get(mode.name) !== active) {
      this.deps.log.info(
        { mode: mode.name },
        active ? 'mode active: the config has advertisements for it' : 'mode inactive: no advertisement of its kind',
      );
      this.active.set(mode.name, active);
    }
    return active;
  }

  private logReasons(mode: AnnouncementMode, plan: ModePlan<Announcement>): void {
    const log = this.deps.log;
    const seen = new Set<string>();
    const note = (ip: string, services: readonly string[], why: string, reason?: string): void => {
      const key = `${mode.name} ${ip}`;
      seen.add(key);
      if (this.lastReasons.get(key) === why) return;
      log.info({ mode: mode.name, ip, services, ...(reason ? { reason } : {}) }, why);
      this.lastReasons.set(key, why);
    };
    for (const [ip, a] of plan.announce) note(ip, a.services, `announced by ${this.deps.self}`);
    for (const [ip, s] of plan.skip) note(ip, s.services, notAnnouncedText(s.reason), s.reason.code);
    const prefix = `${mode.name} `;
    for (const key of [...this.lastReasons.keys()]) {
      if (key.startsWith(prefix) && !seen.has(key)) this.lastReasons.delete(key);
    }
  }

  private report(mode: AnnouncementMode, applied: ReadonlyMap<string, Announcement>, scope: ReportScope): void {
    const { api, cache, self } = this.deps;
    const byService = new Map<string, Announcement[]>();
    for (const a of applied.values()) {
      for (const s of a.services) {
        const list = byService.get(s);
        if (list) list.push(a);
        else byService.set(s, [a]);
      }
    }
    const own: OwnService[] = [];
    for (const [key, list] of byService) {
      const fields = mode.status.fields(list);
      if (fields) own.push({ key, fields });
    }
    const existing: ExistingStatus[] = [...cache.statusesOf(mode.status.plural).values()].map((o) => {
      const meta = rec(rec(o).metadata);
      const status = rec(rec(o).status);
      const labels = rec(meta.labels);
      return {
        name: String(meta.name ?? ''),
        resourceVersion: String(meta.resourceVersion ?? ''),
        node: String(status.node ?? labels[STATUS_NODE_LABEL] ?? ''),
        service: `${String(status.serviceNamespace ?? '')}/${String(status.serviceName ?? '')}`,
      };
    });
    const reported = this.reportedOf(mode);
    const r = reportsFor(self, mode.name, own, existing, scope, reported);
    const kind = mode.status.kind;
    for (const e of r.events) {
      this.writes.push(`event ${mode.name} ${e.service}`, () => this.tell(reported, e.service, e.message));
    }
    for (const w of r.writes) {
      this.writes.push(`status ${kind} ${w.name}`, () =>
        api.writeStatus(mode.status, w.name, w.status).catch((err: unknown) => {
          reported.written.delete(w.name);
          this.retry(`${kind} ${w.name}`, err);
        }),
      );
    }
    for (const d of r.deletes) {
      this.writes.push(`status ${kind} ${d.name}`, () =>
        api.deleteStatus(mode.status, d.name, d.resourceVersion).then(
          (deleted) => {
            if (!deleted) this.retryLater();
          },
          (err: unknown) => this.retry(`delete ${kind} ${d.name}`, err),
        ),
      );
    }
  }

  private async tell(reported: Reported, service: string, message: string): Promise<void> {
    if (!this.deps.cache.service(service)) return;
    this.deps.log.info({ service }, message);
    try {
      await this.deps.events.create(service, { type: 'Normal', reason: 'nodeAssigned', message });
    } catch (err) {
      reported.told.delete(service);
      this.retry(`Event on ${service}`, err);
    }
  }

  private retry(what: string, err: unknown): void {
    this.deps.log.error({ err: errorText(err) }, `${what} failed; retrying`);
    this.retryLater();
  }

  /** One recompute RETRY_MS from now, however many writes failed meanwhile. */
  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, RETRY_MS);
  }
}
