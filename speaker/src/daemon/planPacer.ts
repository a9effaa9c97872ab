/**
 * The pace of plans for changed API objects. A burst of Services brings thousands of watch events (each Service, its
 * status, every node's ServiceL2Status), and a plan per event costs O(Services) each time, in CPU and in garbage the
 * heap grows to hold; so such changes are planned at most every `gapMs`: at once when the last plan is that old,
 * else once it is. Changes in liveness, links and answering do not come through here: they are planned at once.
 */
export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(t: NodeJS.Timeout | undefined): void;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t),
};

export class PlanPacer {
  private plannedAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  /** `schedule` asks for a plan (the loop's own coalescing on the next turn). */
  constructor(
    private readonly gapMs: number,
    private readonly schedule: () => void,
    private readonly clock: PacerClock = realClock,
  ) {}

  /** An API object changed. */
  changed(): void {
    const wait = this.plannedAt + this.gapMs - this.clock.now();
    if (wait <= 0) return this.schedule();
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, wait);
  }

  /** A plan is being made, whatever asked for it. */
  planned(): void {
    this.plannedAt = this.clock.now();
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
