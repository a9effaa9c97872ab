/**
 * The controller's state and decisions: Services, Namespaces and pools in, status, Events and pool counts out. A thin
 * shell around the pure pieces (parseConfig, serviceRequestOf, Allocator, codedOutcomeOf). No API error stops it: a
 * failed write is retried later, because an API server that goes away comes back, and the allocator's answer stands.
 */
import type { KubernetesObject, V1Namespace, V1Service } from '@kubernetes/client-node';
import { formatConfigError, parseConfig } from '@ironlb/shared/config';
import { Allocator, formatIP, parseIP, sameIP, type IPAddress } from '../ipam';
import { sameLabels } from '../ipam/service';
import {
  codedOutcomeOf,
  currentIngressIPs,
  invalidServiceEvent,
  invalidVerdict,
  sameVerdict,
  verdictOf,
  type CodedEvent,
  type IngressEntry,
  type Verdict,
} from '../service/outcome';
import { reasonText } from '../service/reasonText';
import { conditionOf, conditionsToWrite } from '../service/condition';
import { serviceRequestOf } from '../service/request';
import { poolStatuses, statusMatches } from '../status/poolStatus';
import type { ClusterApi } from './clusterApi';
import { eventFor, stripBookkeeping, timeOf, watchForever, type Watching } from '@ironlb/shared/k8s';
import { COMPONENT, errorText, log } from './log';
import { ControllerMetrics } from './metrics';

const RETRY_MS = 2_000;
/** Status writes in flight at once: enough to hide the API round trip, few enough not to flood the server. */
const MAX_IN_FLIGHT = 16;
/** Pool counts change with every allocation; they are written at most this often. */
const POOL_STATUS_DELAY_MS = 1_000;

const keyOf = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Reconciler {
  private allocator = new Allocator(parseConfig({}).config);
  /** Served by main on --metrics-port; kept up to date whether or not it is. */
  readonly metrics = new ControllerMetrics(
    () => this.allocator.assignedServices(),
    () => this.allocator.usage(),
  );
  private readonly services = new Map<string, V1Service>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly pools = new Map<string, KubernetesObject>();
  /**
   * The verdict whose Events were last written per Service, so a re-check that reaches the same verdict (a resync, a
   * retry after an address was freed elsewhere) writes none; verdicts are compared as values, not as words.
   */
  private readonly lastVerdicts = new Map<string, Verdict>();
  /**
   * Services that are pending or keep an address a pool edit took away: an address freed anywhere may be the one
   * they wait for, so every release re-checks them.
   */
  private readonly waiting = new Set<string>();
  private readonly queue = new Set<string>();
  private readonly busy = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  private poolStatusTimer: NodeJS.Timeout | undefined;
  private watches: Watching[] = [];
  private stopped = false;
  /** Why /readyz says no: the first pass is not over yet; undefined once it is and the watches run. */
  private waitingFor: string | undefined = 'listing IPAddressPools, Namespaces and Services';

  constructor(
    private readonly api: ClusterApi,
    private readonly lbClass: string,
  ) {}

  /** The first pass: every address already shown is adopted before anything new is handed out, so a restart moves no IP. */
  async start(): Promise<void> {
    for (;;) {
      try {
        const pools = await this.api.listPools();
        const namespaces = await this.api.listNamespaces();
        const services = await this.api.listServices();
        // As the watches do: what no code reads is not kept for the process's life (see trim.ts).
        for (const p of pools.items) this.pools.set(keyOf(p), stripBookkeeping(p));
        this.loadConfig();
        for (const ns of namespaces.items) this.setNamespace(ns);
        // Oldest first, so when two shown addresses clash the Service that had it first keeps it, deterministically.
        const sorted = services.items
          .map(stripBookkeeping)
          .sort(
            (a, b) =>
              (timeOf(a.metadata?.creationTimestamp) || 0) - (timeOf(b.metadata?.creationTimestamp) || 0) ||
              keyOf(a).localeCompare(keyOf(b)),
          );
        for (const svc of sorted) {
          this.services.set(keyOf(svc), svc);
          this.adopt(svc);
        }
        for (const svc of sorted) this.enqueue(keyOf(svc));
        break;
      } catch (e) {
        log.error({ err: errorText(e) }, 'initial list failed; retrying');
        await sleep(RETRY_MS);
      }
    }
    this.waitingFor = 'adopting and assigning the listed Services';
    await this.idle();
    if (this.stopped) return;
    this.startInformers();
    this.waitingFor = undefined;
  }

  /** Why the controller is not ready (its first pass is not over), or undefined once it follows changes. */
  notReady(): string | undefined {
    return this.waitingFor;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poolStatusTimer) clearTimeout(this.poolStatusTimer);
    await Promise.allSettled(this.watches.map((w) => w.stop()));
  }

  private loadConfig(): void {
    const { config, errors } = parseConfig({ ipAddressPools: [...this.pools.values()] });
    for (const e of errors) log.error({ pool: e.object, field: e.field }, formatConfigError(e));
    this.metrics.config.parsed(errors.length);
    for (const s of this.allocator.updateConfig(config)) {
      log.warn(
        { service: s.key, ip: formatIP(s.ip), reason: s.reason.code },
        `keeps an address the config no longer allows: ${reasonText(s.reason)}`,
      );
    }
    log.info({ pools: [...config.pools.keys()] }, 'config loaded');
    this.schedulePoolStatus();
  }

  private adopt(svc: V1Service): void {
    const shown = currentIngressIPs(svc.status);
    if (shown.length === 0) return;
    const req = serviceRequestOf(svc, this.labelsFor(svc), { lbClass: this.lbClass });
    if (req.kind !== 'request') return;
    const ips = shown.map(parseIP);
    if (ips.some((ip) => ip === undefined)) {
      log.warn({ service: keyOf(svc), shown }, 'status shows an unparsable address; not adopted');
      return;
    }
    const r = this.allocator.adopt(req.request, ips as IPAddress[]);
    if (r.ok && r.warnings.length > 0) {
      const kept = { service: keyOf(svc), ips: shown, reason: r.warnings[0].code };
      log.warn({ ...kept, warnings: r.warnings.map(reasonText) }, 'adopted');
    } else if (r.ok) log.info({ service: keyOf(svc), ips: shown }, 'adopted');
    else log.warn({ service: keyOf(svc), ips: shown, reason: r.reason.code }, `not adopted: ${reasonText(r.reason)}`);
  }

  private labelsFor(svc: V1Service): Record<string, string> {
    return this.namespaceLabels.get(svc.metadata?.namespace ?? '') ?? {};
  }

  private setNamespace(ns: V1Namespace): void {
    this.namespaceLabels.set(ns.metadata?.name ?? '', { ...(ns.metadata?.labels ?? {}) });
  }

  private enqueue(key: string): void {
    this.queue.add(key);
    this.pump();
  }

  /**
   * Starts reconciles up to MAX_IN_FLIGHT, never two for one Service. The allocator runs synchronously at the start
   * of each, so addresses are handed out in queue order whatever the writes' timing.
   */
  private pump(): void {
    for (const key of this.queue) {
      if (this.busy.size >= MAX_IN_FLIGHT || this.stopped) break;
      if (this.busy.has(key)) continue;
      this.queue.delete(key);
      this.busy.add(key);
      this.reconcile(key)
        .catch((e: unknown) => {
          log.error({ service: key, err: errorText(e) }, 'reconcile failed; retrying');
          setTimeout(() => this.enqueue(key), RETRY_MS);
        })
        .finally(() => {
          this.busy.delete(key);
          this.pump();
        });
    }
    if (this.queue.size === 0 && this.busy.size === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private idle(): Promise<void> {
    if (this.queue.size === 0 && this.busy.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async reconcile(key: string): Promise<void> {
    const svc = this.services.get(key);
    if (!svc) {
      this.forget(key);
      if (this.allocator.release(key).length > 0) {
        log.info({ service: key }, 'released');
        this.freed();
      }
      return;
    }
    const shown = currentIngressIPs(svc.status);
    const req = serviceRequestOf(svc, this.labelsFor(svc), { lbClass: this.lbClass });
    if (req.kind === 'ignore') {
      // Only addresses this controller handed out are taken back; another implementation's status is not ours.
      const released = this.allocator.release(key);
      this.forget(key);
      if (released.length === 0) return;
      this.freed();
      const showsReleased = shown.some((text) => released.some((ip) => showsIP(text, ip)));
      await this.writeStatus(svc, showsReleased ? [] : undefined, undefined);
      return;
    }
    if (req.kind === 'invalid') {
      this.waiting.delete(key);
      this.metrics.forget(key);
      if (this.allocator.release(key).length > 0) this.freed();
      // A released address left in the status would be shown on two Services once it is handed out again.
      const invalid = invalidVerdict(req.field, req.message);
      await this.writeStatus(svc, shown.length > 0 ? [] : undefined, invalid);
      await this.emit(svc, invalid, [{ event: invalidServiceEvent(req.field, req.message) }]);
      return;
    }
    const before = this.allocator.addressesOf(key);
    const result = this.allocator.assign(req.request);
    const moved = result.ok
      ? before.some((ip) => !result.ips.some((now) => sameIP(now, ip)))
      : result.released.length > 0;
    if (moved) this.freed();
    else if (result.ok && result.changed) this.schedulePoolStatus();
    if (!result.ok || result.warnings.length > 0) this.waiting.add(key);
    else this.waiting.delete(key);
    this.metrics.verdict(key, result);
    const outcome = codedOutcomeOf(key, result, shown);
    const verdict = verdictOf(result);
    await this.writeStatus(svc, outcome.ingress, verdict);
    // The allocation's log line names what it is about: the Service, and its addresses and their pools.
    const about = result.ok ? { ips: result.ips.map(formatIP), pools: result.pools } : {};
    const written = await this.emit(svc, verdict, outcome.events, about);
    if (written && !result.ok) this.metrics.failureWritten(result.reason.code);
  }

  private forget(key: string): void {
    this.lastVerdicts.delete(key);
    this.waiting.delete(key);
    this.metrics.forget(key);
  }

  /** An address went back to a pool: counts change, and a waiting Service may now get it. */
  private freed(): void {
    this.schedulePoolStatus();
    for (const key of this.waiting) this.enqueue(key);
  }

  /**
   * Writes, in one status patch, the ingress list when given and the ironlb.io/IPAllocated condition saying
   * `verdict` (undefined: none of ours) when the Service does not show it already; nothing when neither changes.
   */
  private async writeStatus(
    svc: V1Service,
    ingress: readonly IngressEntry[] | undefined,
    verdict: Verdict | undefined,
  ): Promise<void> {
    const key = keyOf(svc);
    const want = verdict === undefined ? undefined : conditionOf(key, verdict);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const conditions = conditionsToWrite(svc.status, want, svc.metadata?.generation, now);
    if (ingress === undefined && conditions === undefined) return;
    await this.api.writeServiceStatus(svc.metadata?.namespace ?? '', svc.metadata?.name ?? '', {
      ...(ingress !== undefined ? { ingress } : {}),
      ...(conditions !== undefined ? { conditions } : {}),
    });
    const written = {
      ...(ingress !== undefined ? { ingress: ingress.map((i) => i.ip) } : {}),
      ...(conditions !== undefined ? { condition: want?.reason ?? null } : {}),
    };
    log.info({ service: key, ...written }, 'status written');
  }

  /**
   * Writes the verdict's Events unless the Service's last verdict was the same; each log line carries its code.
   * Whether it wrote any.
   */
  private async emit(
    svc: V1Service,
    verdict: Verdict,
    events: readonly CodedEvent[],
    about: object = {},
  ): Promise<boolean> {
    const key = keyOf(svc);
    if (sameVerdict(this.lastVerdicts.get(key), verdict)) return false;
    for (const { event, code } of events) {
      const fields = { service: key, ...about, event: event.reason, reason: code };
      (event.type === 'Warning' ? log.warn : log.info).call(log, fields, event.message);
      await this.api.createEvent(eventFor(COMPONENT, svc, event));
    }
    this.lastVerdicts.set(key, verdict);
    return events.length > 0;
  }

  private schedulePoolStatus(): void {
    if (this.poolStatusTimer || this.stopped) return;
    this.poolStatusTimer = setTimeout(() => {
      this.poolStatusTimer = undefined;
      this.writePoolStatuses().catch((e: unknown) => {
        log.error({ err: errorText(e) }, 'pool status write failed; retrying');
        this.schedulePoolStatus();
      });
    }, POOL_STATUS_DELAY_MS);
  }

  /** Writes each pool's counts when they differ from what its object shows; the watch brings the new status back. */
  private async writePoolStatuses(): Promise<void> {
    let failed = false;
    for (const [name, want] of poolStatuses(this.allocator.usage())) {
      const current = this.pools.get(`${this.api.namespace}/${name}`);
      if (current === undefined || statusMatches((current as { status?: unknown }).status, want)) continue;
      try {
        await this.api.writePoolStatus(name, want);
        this.pools.set(keyOf(current), { ...current, status: want } as KubernetesObject);
      } catch (e) {
        // Each pool's failure names it; the others are still written, and all are tried again.
        log.error({ pool: name, err: errorText(e) }, 'pool status write failed; retrying');
        failed = true;
      }
    }
    if (failed) this.schedulePoolStatus();
  }

  private startInformers(): void {
    const services = watchForever<V1Service>(log, this.api.client, 'services', '/api/v1/services', {
      upsert: (svc) => {
        this.services.set(keyOf(svc), svc);
        this.enqueue(keyOf(svc));
      },
      remove: (svc) => {
        this.services.delete(keyOf(svc));
        this.enqueue(keyOf(svc));
      },
    });
    const namespaces = watchForever<V1Namespace>(log, this.api.client, 'namespaces', '/api/v1/namespaces', {
      upsert: (ns) => {
        const before = this.namespaceLabels.get(ns.metadata?.name ?? '');
        this.setNamespace(ns);
        if (before !== undefined && sameLabels(before, ns.metadata?.labels ?? {})) return;
        // Pool selectors may match namespace labels, so the Services there are re-checked.
        for (const [key, svc] of this.services) if (svc.metadata?.namespace === ns.metadata?.name) this.enqueue(key);
      },
      remove: (ns) => this.namespaceLabels.delete(ns.metadata?.name ?? ''),
    });
    const pools = watchForever<KubernetesObject>(log, this.api.client, 'ipaddresspools', this.api.poolsPath(), {
      upsert: (p) => this.poolChanged(p, true),
      remove: (p) => this.poolChanged(p, false),
    });
    this.watches = [services, namespaces, pools];
  }

  /** A status-only update (our own count write) changes no config; anything else re-checks every Service. */
  private poolChanged(pool: KubernetesObject, present: boolean): void {
    const key = keyOf(pool);
    const before = this.pools.get(key);
    if (present) this.pools.set(key, pool);
    else this.pools.delete(key);
    if (present && before !== undefined && sameSpec(before, pool)) return;
    this.loadConfig();
    for (const k of this.services.keys()) this.enqueue(k);
  }
}

function showsIP(text: string, ip: IPAddress): boolean {
  const shown = parseIP(text);
  return shown !== undefined && sameIP(shown, ip);
}

const specOf = (o: KubernetesObject): string =>
  JSON.stringify([(o as { spec?: unknown }).spec, o.metadata?.labels ?? {}]);
const sameSpec = (a: KubernetesObject, b: KubernetesObject): boolean => specOf(a) === specOf(b);
