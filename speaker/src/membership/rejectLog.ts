/**
 * Which rejected heartbeats to log: the first from each sender at once, then at most one line per sender and
 * `everyMs`, carrying the counts held back since. A forger or a replayer is thus named within a minute without a
 * flood of log lines; the metric counts every one. Senders are remembered least recently active first out, at most
 * `maxSenders`, so spoofed source addresses cannot grow the memory. Pure: the time is passed in.
 */

export interface RejectLine {
  readonly sender: string;
  /** Rejections by reason since the sender's last line, this one included. */
  readonly counts: Readonly<Record<string, number>>;
}

interface Sender {
  loggedAt: number;
  held: Record<string, number>;
}

export class RejectLog {
  private readonly senders = new Map<string, Sender>();

  constructor(
    private readonly everyMs = 60_000,
    private readonly maxSenders = 1_024,
  ) {}

  get size(): number {
    return this.senders.size;
  }

  /** Notes one rejection; the line to log now, if any. */
  note(sender: string, reason: string, now: number): RejectLine | undefined {
    const known = this.senders.get(sender);
    this.senders.delete(sender);
    if (known !== undefined && now - known.loggedAt < this.everyMs) {
      known.held[reason] = (known.held[reason] ?? 0) + 1;
      this.senders.set(sender, known);
      return undefined;
    }
    const counts = { ...known?.held };
    counts[reason] = (counts[reason] ?? 0) + 1;
    this.senders.set(sender, { loggedAt: now, held: {} });
    while (this.senders.size > this.maxSenders) {
      const [oldest] = this.senders.keys();
      this.senders.delete(oldest);
    }
    return { sender, counts };
  }
}
