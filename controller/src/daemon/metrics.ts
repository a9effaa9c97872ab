/**
 * The controller's Prometheus metrics (prom-client), served on --metrics-port when asked: AllocationFailed verdicts
 * written, Services waiting for their addresses, both by refusal code, and Services holding their addresses. Every
 * refusal code is a series from the start, at zero, so a rate or an alert needs no first failure to exist.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { AssignResult } from '../ipam/allocator';
import { REFUSAL_CODES, type RefusalCode } from '../ipam/reasons';

export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly failures: Counter<'reason'>;
  /** Service key → the code of the refusal it waits under. */
  private readonly pending = new Map<string, RefusalCode>();

  /** `assignedCount`: how many Services hold addresses now, read at each scrape. */
  constructor(assignedCount: () => number) {
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
  }

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
