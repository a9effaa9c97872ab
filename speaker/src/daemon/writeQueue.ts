/**
 * API writes with a bound on how many are in flight, keyed so that a newer write for the same object replaces one
 * still waiting. A burst of 1,000 Services must become a steady trickle of writes, not 1,000 sockets at once: an API
 * server (or the lab's forwarder) refuses the flood, and the retries that follow feed it.
 */
export class WriteQueue {
  private readonly waiting = new Map<string, () => Promise<void>>();
  private readonly running = new Set<string>();

  constructor(private readonly maxInFlight: number) {}

  /** Queues `write` for `key`, replacing a write for the same key that has not started yet. */
  push(key: string, write: () => Promise<void>): void {
    this.waiting.set(key, write);
    this.pump();
  }

  get size(): number {
    return this.waiting.size + this.running.size;
  }

  private pump(): void {
    for (const [key, write] of this.waiting) {
      if (this.running.size >= this.maxInFlight) return;
      // One write per object at a time: a later one waits for the earlier to finish.
      if (this.running.has(key)) continue;
      this.waiting.delete(key);
      this.running.add(key);
      write()
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(key);
          this.pump();
        });
    }
  }
}
