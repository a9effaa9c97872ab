/**
 * The l2-failover benchmark's arithmetic, pure: from the ARP replies the client's pinger recorded (one VIP) and the
 * times a trial acted, the outage (last reply from the old MAC to the first from the new one), the moments two MACs
 * answered at once (split brain), and how the restored node took its IP back. Times are the pinger's milliseconds.
 */
import type { ArpReply } from '../testing/arpPinger';

export type { ArpReply };

/** When a trial acted: the failure (kill / link down), the restore, and when the old node answered alone again. */
export interface TrialMarks {
  readonly action: number;
  readonly restore: number;
  readonly end: number;
}

/** A request, or a slot of `slotMs`, that got replies from more than one MAC. */
export interface DualAnswer {
  /** The first reply of the group. */
  readonly t: number;
  readonly macs: readonly string[];
}

export interface TrialResult {
  /** Last reply from the old MAC to the first from another; undefined when no other MAC answered. */
  readonly outageMs: number | undefined;
  readonly newMac: string | undefined;
  /** Two MACs at once: before the new MAC's first reply, between it and the restore, and from the restore on. */
  readonly dual: { readonly failover: number; readonly afterFailover: number; readonly handback: number };
  /** Replies from the old MAC after the new one first answered and before the restore (must be none). */
  readonly oldAfterFailover: number;
  /** From the restore: last reply from another MAC to the old MAC's first; undefined when it never came back. */
  readonly handbackGapMs: number | undefined;
  /** From the restore: how long another MAC still answered after the old MAC's first reply (0: a clean handover). */
  readonly handbackOverlapMs: number;
}

/**
 * Groups of replies that came from two or more MACs: per request (seq), and per `slotMs` slot of arrival time. A
 * slot that holds a flagged request is not counted again, so one double answer counts once.
 */
export function dualAnswers(replies: readonly ArpReply[], slotMs: number): DualAnswer[] {
  const group = (key: (r: ArpReply) => number): Map<number, ArpReply[]> => {
    const m = new Map<number, ArpReply[]>();
    for (const r of replies) {
      const k = key(r);
      const g = m.get(k);
      if (g) g.push(r);
      else m.set(k, [r]);
    }
    return m;
  };
  const macsOf = (g: readonly ArpReply[]): string[] => [...new Set(g.map((r) => r.mac))].sort();
  const out: DualAnswer[] = [];
  const flaggedSlots = new Set<number>();
  const slot = (r: ArpReply): number => Math.floor(r.t / slotMs);
  for (const g of group((r) => r.seq).values()) {
    const macs = macsOf(g);
    if (macs.length < 2) continue;
    out.push({ t: Math.min(...g.map((r) => r.t)), macs });
    for (const r of g) flaggedSlots.add(slot(r));
  }
  for (const [k, g] of group(slot)) {
    const macs = macsOf(g);
    if (macs.length < 2 || flaggedSlots.has(k)) continue;
    out.push({ t: Math.min(...g.map((r) => r.t)), macs });
  }
  return out.sort((a, b) => a.t - b.t);
}

/**
 * One trial of one VIP. `replies` are that VIP's replies in arrival order, covering at least the trial;
 * `oldMac` answered alone before `marks.action`.
 */
export function analyzeTrial(
  replies: readonly ArpReply[],
  oldMac: string,
  marks: TrialMarks,
  slotMs: number,
): TrialResult {
  const inTrial = replies.filter((r) => r.t >= marks.action && r.t <= marks.end);
  const firstNew = inTrial.find((r) => r.mac !== oldMac && r.t < marks.restore);
  let lastOld: ArpReply | undefined;
  for (const r of replies) {
    if (firstNew ? r.t >= firstNew.t : r.t > marks.restore) break;
    if (r.mac === oldMac) lastOld = r;
  }
  const failedOverAt = firstNew?.t ?? marks.restore;
  const dual = { failover: 0, afterFailover: 0, handback: 0 };
  for (const d of dualAnswers(inTrial, slotMs)) {
    if (d.t < failedOverAt) dual.failover++;
    else if (d.t < marks.restore) dual.afterFailover++;
    else dual.handback++;
  }
  const oldAfterFailover = inTrial.filter((r) => r.mac === oldMac && r.t > failedOverAt && r.t < marks.restore).length;
  const afterRestore = inTrial.filter((r) => r.t >= marks.restore);
  const back = afterRestore.find((r) => r.mac === oldMac);
  let handbackGapMs: number | undefined;
  let handbackOverlapMs = 0;
  if (back) {
    const before = inTrial.filter((r) => r.t < back.t && r.mac !== oldMac);
    const lastOther = before.length > 0 ? before[before.length - 1] : undefined;
    handbackGapMs = lastOther ? back.t - lastOther.t : undefined;
    const lateOthers = afterRestore.filter((r) => r.t > back.t && r.mac !== oldMac);
    if (lateOthers.length > 0) handbackOverlapMs = lateOthers[lateOthers.length - 1].t - back.t;
  }
  return {
    outageMs: firstNew && lastOld ? firstNew.t - lastOld.t : undefined,
    newMac: firstNew?.mac,
    dual,
    oldAfterFailover,
    handbackGapMs,
    handbackOverlapMs,
  };
}

/** The longest time between consecutive replies in [from, to], counting from `from` and up to `to`. */
export function longestGap(replies: readonly ArpReply[], from: number, to: number): number {
  let prev = from;
  let gap = 0;
  for (const r of replies) {
    if (r.t < from) continue;
    if (r.t > to) break;
    gap = Math.max(gap, r.t - prev);
    prev = r.t;
  }
  return Math.max(gap, to - prev);
}

/** The longest silence of one VIP, and how much of a silence was its own rather than every VIP's at once. */
export interface Silence {
  /** The longest time between replies in the window, and where it began (pinger time). */
  readonly silenceMs: number;
  readonly silenceAt: number;
  /**
   * The most any one silence exceeded what the other VIPs went without at the same time (their longest gap within
   * it): on a loaded machine every speaker and the client stall together now and then, and that is not the VIP's.
   */
  readonly exclusiveMs: number;
  /** Where the silence with that excess began (pinger time). */
  readonly at: number;
}

/** `target`'s silences in [from, to] against the replies for other VIPs, answered by other speakers meanwhile. */
export function exclusiveSilence(
  target: readonly ArpReply[],
  others: readonly (readonly ArpReply[])[],
  from: number,
  to: number,
): Silence {
  const union = others.flat().sort((a, b) => a.t - b.t);
  let longest = { silenceMs: 0, silenceAt: from };
  let best = { exclusiveMs: 0, at: from };
  const gap = (a: number, b: number): void => {
    if (b - a > longest.silenceMs) longest = { silenceMs: b - a, silenceAt: a };
    const theirs = others.length === 0 ? 0 : longestGap(union, a, b);
    if (b - a - theirs > best.exclusiveMs) best = { exclusiveMs: b - a - theirs, at: a };
  };
  let prev = from;
  for (const r of target) {
    if (r.t < from) continue;
    if (r.t > to) break;
    gap(prev, r.t);
    prev = r.t;
  }
  gap(prev, to);
  return { ...longest, ...best };
}
