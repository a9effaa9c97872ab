/**
 * The speaker's state and decisions: watches in, the plan computed, this node's rows handed to the announcer, and
 * Events and ServiceL2Status out. Caches survive a lost watch (the watch restarts and relists), so announcements
 * are withdrawn only on a definite change, never because the API server went away.
 */
import type { KubernetesObject, ListPromise, V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { parseConfig, formatConfigError } from '@ironlb/shared/config';
import { eventFor, errorText, watchForever, type Watching } from '@ironlb/shared/k8s';
import { winner } from '../election';
import { planL2, type Interfaces, type IPPlan, type NodeView } from '../l2/plan';
import { formatIP, type ParsedIP } from '@ironlb/shared';
import { WriteQueue } from './writeQueue';
import { reportsFor, type ExistingStatus, type OwnService, type Reported } from './reports';
import { L2_STATUS_NODE_LABEL, SPEAKER_LEASE_PREFIX, type SpeakerApi } from './speakerApi';
import { endpointNodesOf, internalIPsOf, keyOf, nodeViewOf, serviceViewOf } from './views';

export const COMPONENT = 'ironlb-speaker';
const RETRY_MS = 2_000;
const WRITES_IN_FLIGHT = 8;
/** How long after start a speaker listens to its peers before it plans (a few heartbeat intervals). */
const SETTLE_MS = 500;

export interface DesiredIP {
  readonly ip: ParsedIP;
  readonly interfaces: Interfaces;
}

/** Answers ARP/NDP for the IPs it is given; returns the interfaces each IP is answered on now. */
export interface Announcer {
  apply(desired: ReadonlyMap<string, DesiredIP>): ReadonlyMap<string, readonly string[]>;
}

/** Which speakers are alive (this one included), fed with the peers' addresses and their Lease renewals. */
export interface Liveness {
  alive(): ReadonlySet<string>;
  setPeers(peers: ReadonlyMap<string, readonly string[]>): void;
  leaseObserved(node: string, renewTime: number): void;
}

type Raw = Record<string, unknown>;
const rec = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});
const nameOf = (o: unknown): string => String(rec(rec(o).metadata).name ?? '');

export class Speaker {
  private readonly services = new Map<string, V1Service>();
  private readonly nodes = new Map<string, KubernetesObject>();
  private readonly slices = new Map<string, KubernetesObject>();
  private readonly pools = new Map<string, KubernetesObject>();
  private readonly advertisements = new Map<string, KubernetesObject>();
  private readonly statuses = new Map<string, KubernetesObject>();
  private readonly reported: Reported = { told: new Set(), written: new Map() };
  private readonly lastReasons = new Map<string, string>();
  private readonly conflictsSeen = new Set<string>();
  private configErrors = '';
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Events and ServiceL2Status writes, a few at a time (a burst of Services must not open a socket each). */
  private readonly writes = new WriteQueue(WRITES_IN_FLIGHT);
  private startedAt = 0;
  /** Watches whose first list has not arrived yet. */
  private readonly unsynced = new Set<string>();
  private watches: Watching[] = [];
  private plan = new Map<string, IPPlan>();

  constructor(
    private readonly api: SpeakerApi,
    private readonly self: string,
    private readonly lbClass: string,
    private readonly liveness: Liveness,
    private readonly announcer: Announcer,
    private readonly log: Logger,
  ) {}

  /** How many IPs this node answers for now. */
  get announcedCount(): number {
    let n = 0;
    for (const row of this.plan.values()) if (row.node === this.self) n++;
    return n;
  }

  /**
   * Another MAC answered for one of our IPs. Logged and sent as a Warning Event on its Services, at most once per IP
   * and MAC; the ranking decides who keeps it, so nothing else changes here.
   */
  conflict(ip: ParsedIP, mac: string, ifname: string): void {
    const key = formatIP(ip);
    const seen = `${key} ${mac}`;
    if (this.conflictsSeen.has(seen)) return;
    this.conflictsSeen.add(seen);
    const message = `another host (MAC ${mac}) answers for ${key} on ${ifname} of node "${this.self}", which announces it`;
    this.log.warn({ ip: key, mac, interface: ifname }, message);
    for (const service of this.plan.get(key)?.services ?? []) {
      const svc = this.services.get(service);
      if (!svc) continue;
      this.api
        .createEvent(eventFor(COMPONENT, svc, { type: 'Warning', reason: 'L2Conflict', message }))
        .catch((e: unknown) => this.log.error({ err: errorText(e) }, 'conflict Event failed'));
    }
  }

  /** The current plan, by IP text (for tests and the status log). */
  get currentPlan(): ReadonlyMap<string, IPPlan> {
    return this.plan;
  }

  start(): void {
    this.startedAt = Date.now();
    const cache =
      <T extends KubernetesObject>(m: Map<string, T>, after?: () => void, removed?: (o: T) => void) =>
      (o: T, present: boolean): void => {
        if (present) m.set(keyOf(o), o);
        else {
          m.delete(keyOf(o));
          removed?.(o);
        }
        after?.();
        this.schedule();
      };
    const api = this.api;
    const watch = <T extends KubernetesObject>(
      name: string,
      path: string,
      list: ListPromise<T>,
      on: (o: T, present: boolean) => void,
    ): Watching => {
      this.unsynced.add(name);
      return watchForever<T>(this.log, api.kc, name, path, list, {
        upsert: (o) => on(o, true),
        remove: (o) => on(o, false),
        synced: () => {
          this.unsynced.delete(name);
          this.schedule();
        },
      });
    };
    this.watches = [
      watch('services', '/api/v1/services', api.listServices, cache(this.services)),
      watch(
        'nodes',
        '/api/v1/nodes',
        api.listNodes,
        cache(this.nodes, () => this.peersChanged()),
      ),
      watch('endpointslices', '/apis/discovery.k8s.io/v1/endpointslices', api.listEndpointSlices, cache(this.slices)),
      watch(
        'ipaddresspools',
        api.customPath('ipaddresspools'),
        () => api.listCustom('ipaddresspools'),
        cache(this.pools),
      ),
      watch(
        'l2advertisements',
        api.customPath('l2advertisements'),
        () => api.listCustom('l2advertisements'),
        cache(this.advertisements),
      ),
      watch(
        'servicel2statuses',
        api.customPath('servicel2statuses'),
        () => api.listCustom('servicel2statuses'),
        cache(this.statuses, undefined, (o) => this.reported.written.delete(o.metadata?.name ?? '')),
      ),
      watch('leases', `/apis/coordination.k8s.io/v1/namespaces/${api.namespace}/leases`, api.listLeases, (o, present) =>
        this.leaseSeen(o, present),
      ),
    ];
  }

  async stop(): Promise<void> {
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
        this.log.error({ err: errorText(e) }, 'recompute failed');
      }
    });
  }

  private peersChanged(): void {
    const peers = new Map<string, readonly string[]>();
    for (const n of this.nodes.values()) {
      const name = nameOf(n);
      if (name && name !== this.self) peers.set(name, internalIPsOf(n));
    }
    this.liveness.setPeers(peers);
  }

  private leaseSeen(lease: KubernetesObject, present: boolean): void {
    const name = lease.metadata?.name ?? '';
    if (!present || !name.startsWith(SPEAKER_LEASE_PREFIX)) return;
    const renew = rec(rec(lease).spec).renewTime;
    const at = renew instanceof Date ? renew.getTime() : typeof renew === 'string' ? Date.parse(renew) : NaN;
    if (Number.isFinite(at)) this.liveness.leaseObserved(name.slice(SPEAKER_LEASE_PREFIX.length), at);
    this.schedule();
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
    const { config, errors } = parseConfig({
      ipAddressPools: [...this.pools.values()],
      l2Advertisements: [...this.advertisements.values()],
    });
    const problems = errors.map(formatConfigError).join('\n');
    if (problems !== this.configErrors) {
      for (const p of problems ? problems.split('\n') : []) this.log.error(p);
      this.configErrors = problems;
    }
    const nodes = new Map<string, NodeView>();
    for (const n of this.nodes.values()) {
      const v = nodeViewOf(n);
      if (v) nodes.set(v.name, v);
    }
    const services = [...this.services.values()].flatMap((s) => serviceViewOf(s, this.lbClass) ?? []);
    this.plan = planL2(
      {
        config,
        advertisements: config.l2Advertisements,
        nodes,
        services,
        endpointNodes: endpointNodesOf(this.slices.values()),
        live: this.liveness.alive(),
      },
      winner,
    );
    const desired = new Map<string, DesiredIP>();
    for (const [key, row] of this.plan) {
      if (row.node === this.self && row.interfaces) desired.set(key, { ip: row.ip, interfaces: row.interfaces });
      const why = row.reason ?? `announced by ${row.node ?? ''}`;
      if (this.lastReasons.get(key) !== why) {
        this.log.info({ ip: key, services: row.services }, why);
        this.lastReasons.set(key, why);
      }
    }
    for (const key of [...this.lastReasons.keys()]) if (!this.plan.has(key)) this.lastReasons.delete(key);
    const answeredOn = this.announcer.apply(desired);
    this.report(answeredOn, new Set(services.map((s) => s.key)));
  }

  private report(answeredOn: ReadonlyMap<string, readonly string[]>, services: ReadonlySet<string>): void {
    const byService = new Map<string, Set<string>>();
    for (const [key, row] of this.plan) {
      const ifaces = answeredOn.get(key);
      if (row.node !== this.self || !ifaces || ifaces.length === 0) continue;
      for (const s of row.services) {
        const set = byService.get(s) ?? new Set<string>();
        for (const i of ifaces) set.add(i);
        byService.set(s, set);
      }
    }
    const own: OwnService[] = [...byService].map(([key, ifaces]) => ({ key, interfaces: [...ifaces].sort() }));
    const existing: ExistingStatus[] = [...this.statuses.values()].map((o) => {
      const meta = rec(rec(o).metadata);
      const status = rec(rec(o).status);
      const labels = rec(meta.labels);
      return {
        name: String(meta.name ?? ''),
        resourceVersion: String(meta.resourceVersion ?? ''),
        node: String(status.node ?? labels[L2_STATUS_NODE_LABEL] ?? ''),
        service: `${String(status.serviceNamespace ?? '')}/${String(status.serviceName ?? '')}`,
      };
    });
    const r = reportsFor(this.self, own, existing, services, this.reported);
    for (const e of r.events) this.writes.push(`event ${e.service}`, () => this.tell(e.service, e.message));
    for (const w of r.writes) {
      this.writes.push(`status ${w.name}`, () =>
        this.api
          .writeL2Status(w.name, w.status)
          .catch((err: unknown) => this.retry(`ServiceL2Status ${w.name}`, err, w.name)),
      );
    }
    for (const d of r.deletes) {
      this.writes.push(`status ${d.name}`, () =>
        this.api.deleteL2Status(d.name, d.resourceVersion).then(
          (deleted) => {
            if (!deleted) this.retryLater();
          },
          (err: unknown) => this.retry(`delete ServiceL2Status ${d.name}`, err),
        ),
      );
    }
  }

  private async tell(service: string, message: string): Promise<void> {
    const svc = this.services.get(service);
    if (!svc) return;
    this.log.info({ service }, message);
    try {
      await this.api.createEvent(eventFor(COMPONENT, svc, { type: 'Normal', reason: 'nodeAssigned', message }));
    } catch (err) {
      this.reported.told.delete(service);
      this.retry(`Event on ${service}`, err);
    }
  }

  private retry(what: string, err: unknown, written?: string): void {
    if (written) this.reported.written.delete(written);
    this.log.error({ err: errorText(err) }, `${what} failed; retrying`);
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
