/**
 * Time as this speaker lived it: a monotonic clock with the stretches it was not running taken out, so that silence
 * is measured only across time the speaker could have heard something. A speaker frozen for 350 ms (SIGSTOP, a
 * machine so loaded it was not scheduled, a long GC) wakes with its peers' heartbeats still queued on its socket,
 * and its timers may fire before they are read: by the raw clock its peers were silent for all that time, and it
 * would declare them dead. By this clock they were not.
 *
 * A stall is told by lateness: the membership ticks every `tickMs`, so the loop never goes longer than a tick without
 * reading this clock; a gap between two readings of more than two ticks means the loop did not run, and all of it
 * beyond one tick is taken out. Whichever callback runs first after the stall (the late tick, or the receipt of a
 * queued heartbeat) sees it, and the time it is given is already the running time. Pure: the raw time is passed in.
 */
export class StallClock {
  private last: number;
  private stalled = 0;
  private count = 0;

  constructor(
    private readonly tickMs: number,
    startRaw: number,
  ) {
    this.last = startRaw;
  }

  /** The running time at raw time `raw` (a reading from the loop: a timer, a datagram, a call from the daemon). */
  observe(raw: number): number {
    const gap = raw - this.last;
    if (gap > 2 * this.tickMs) {
      this.stalled += gap - this.tickMs;
      this.count++;
    }
    if (gap > 0) this.last = raw;
    return this.last - this.stalled;
  }

  /** Time taken out so far, and in how many stalls. */
  get stalledMs(): number {
    return this.stalled;
  }

  get stalls(): number {
    return this.count;
  }
}
