/**
 * The controller's Prometheus metrics (prom-client), served on --metrics-port: AllocationFailed verdicts written,
 * Services waiting for their addresses, both by refusal code, and Services holding their addresses. Every refusal
 * code is a series from the start, at zero, so a rate or an alert needs no first failure to exist. Beside them,
 * MetalLB's names under ironlb_ (dashboards and alerts written for MetalLB read them): addresses per pool, from the
 * allocator's view, and whether a config was loaded and whether the newest objects failed to parse.
 */
import { configGauges, type ConfigGauges } from '@ironlb/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AssignResult, PoolUsage } from '../ipam/allocator';
import { REFUSAL_CODES, type RefusalCode } from '../ipam/reasons';

export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly failures: Counter<'reason'>;
  /** Service key → the code of the refusal it waits under. */
  private readonly pending = new Map<string, RefusalCode>();

  /**
   * `assignedCount`: how many Services hold addresses now; `usage`: the allocator's per pool and family counts. Both
   * are read at each scrape.
   */
  constructor(assignedCount: () => number, usage: () => readonly PoolUsage[] = () => []) {
    this.failures = new Counter({
      name: 'ironlb_controller_allocation_failures_total',
      help: 'AllocationFailed Events written, by the code of the refusal',
      labelNames: ['reason'] as const,
      registers: [this.registry],
    });
    for (const reason of REFUSAL_CODES) this.failures.inc({ reason }, 0);
    const pending = this.pending;
    new Gauge({
      name: 'ironlb_controller_pending_services',
      help: 'LoadBalancer Services without their addresses, by the code of their last refusal',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect() {
        const byCode = new Map<RefusalCode, number>();
        for (const code of pending.values()) byCode.set(code, (byCode.get(code) ?? 0) + 1);
        for (const reason of REFUSAL_CODES) this.set({ reason }, byCode.get(reason) ?? 0);
      },
    });
    new Gauge({
      name: 'ironlb_controller_assigned_services',
      help: 'LoadBalancer Services holding their addresses',
      registers: [this.registry],
      collect() {
        this.set(assignedCount());
      },
    });
    poolGauges(this.registry, usage);
    this.config = configGauges(this.registry);
  }

  /** The config was parsed from the objects read from the API server; `errors`: how many objects it left out. */
  readonly config: ConfigGauges;

  /** The allocator's answer for a Service: refused, it waits under that code; assigned, it waits for nothing. */
  verdict(key: string, result: AssignResult): void {
    if (result.ok) this.pending.delete(key);
    else this.pending.set(key, result.reason.code);
  }

  /** An AllocationFailed Event for this refusal was written (a repeat of the last verdict is not). */
  failureWritten(code: RefusalCode): void {
    this.failures.inc({ reason: code });
  }

  /** The Service is gone or no longer ours to serve (ignored, invalid): it waits for nothing. */
  forget(key: string): void {
    this.pending.delete(key);
  }
}

/**
 * Per IPAddressPool, from the allocator's view (the pools it loaded; a refused pool has no series): addresses held
 * by Services and usable addresses in all (both families; IPv4 .0 and .255 not counted where the pool avoids them).
 * A pool no longer loaded loses its series at the next scrape.
 */
function poolGauges(registry: Registry, usage: () => readonly PoolUsage[]): void {
  const counts = (): Map<string, { inUse: number; total: number }> => {
    const out = new Map<string, { inUse: number; total: number }>();
    for (const u of usage()) {
      const c = out.get(u.pool) ?? { inUse: 0, total: 0 };
      out.set(u.pool, { inUse: c.inUse + u.assigned, total: c.total + u.assigned + Number(u.available) });
    }
    return out;
  };
  new Gauge({
    name: 'ironlb_allocator_addresses_in_use_total',
    help: 'Addresses of the IPAddressPool held by Services',
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, c] of counts()) this.set({ pool }, c.inUse);
    },
  });
  new Gauge({
    name: 'ironlb_allocator_addresses_total',
    help: 'Usable addresses of the IPAddressPool',
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, c] of counts()) this.set({ pool }, c.total);
    },
  });
}
