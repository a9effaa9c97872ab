/**
 * What one speaker tells its peers several times a second, and which of those messages a receiver believes. The
 * MAC (codec.ts) says a message came from a holder of the key; these rules drop the genuine ones that are not news:
 * reordered, duplicated, delayed, or replayed by someone who captured them.
 */

export interface Heartbeat {
  readonly node: string;
  /**
   * The sending process's start time, ms since the epoch (wall clock, because it must order processes across
   * restarts): a larger one is a restarted speaker, whose sequence starts again.
   */
  readonly incarnation: number;
  /** 16 hex digits, random per process: with the incarnation, the process's identity. */
  readonly epoch: string;
  /** Counts up per heartbeat within a process, so reordered, duplicated, old and replayed packets can be told apart. */
  readonly seq: number;
  /** Sent a few times on a graceful stop: the peer is dead at once. */
  readonly leaving: boolean;
  /**
   * The sender has planned with every list synced: it may own IPs. A started speaker heartbeats at once (so it is
   * alive) but sends this only once it is ready, so that its peers keep announcing its IPs until it can.
   */
  readonly ready: boolean;
}

/** A process of a speaker: `incarnation/epoch`. */
export type ProcessId = string;

export const processOf = (m: { readonly incarnation: number; readonly epoch: string }): ProcessId =>
  `${m.incarnation}/${m.epoch}`;

/** The newest message accepted from a peer, and when it arrived on the receiver's clock. */
export interface Heard {
  readonly incarnation: number;
  readonly epoch: string;
  readonly seq: number;
  readonly leaving: boolean;
  readonly ready: boolean;
  readonly at: number;
  /** Processes this peer has been seen to replace (the latest few): their packets are never news again. */
  readonly retired: readonly ProcessId[];
}

export const MAX_SEQ = 0xffff_ffff;
const RETIRED_KEPT = 4;

/** Whether process `a` started after `b`: by incarnation, then (a start in the same millisecond) by epoch. */
function later(a: { incarnation: number; epoch: string }, b: { incarnation: number; epoch: string }): boolean {
  return a.incarnation !== b.incarnation ? a.incarnation > b.incarnation : a.epoch > b.epoch;
}

/**
 * Whether `msg` is news. Within a process only a higher sequence is, always: so a heartbeat overtaken by the leave
 * that followed it can never revive a node that left, and a replayed one changes nothing. A replaced process never
 * is: it is gone. A later process is a restart. An earlier one is normally a delayed or replayed packet of a dead
 * process, but it is also what a restart looks like after the wall clock stepped back: the caller says whether the
 * current process is known gone and the node restarted (`earlierMayReplace`: silent for the dead-after time, and its
 * Lease renewed since), so that replaying an old process's captured heartbeats cannot revive a dead node.
 */
export function isNews(msg: Heartbeat, last: Heard | undefined, earlierMayReplace: boolean): boolean {
  if (last === undefined) return true;
  if (msg.incarnation === last.incarnation && msg.epoch === last.epoch) return msg.seq > last.seq;
  if (last.retired.includes(processOf(msg))) return false;
  return later(msg, last) || earlierMayReplace;
}

/** What is known of a peer once `msg`, which isNews said is news, has arrived at `now`. */
export function heard(msg: Heartbeat, last: Heard | undefined, now: number): Heard {
  const replaced = last !== undefined && processOf(last) !== processOf(msg);
  const retired = replaced ? [...last.retired, processOf(last)].slice(-RETIRED_KEPT) : (last?.retired ?? []);
  return {
    incarnation: msg.incarnation,
    epoch: msg.epoch,
    seq: msg.seq,
    leaving: msg.leaving,
    ready: msg.ready,
    at: now,
    retired,
  };
}

/**
 * The sender's next (incarnation, epoch, seq): the sequence wraps (after 6.8 years at 20/s) into a new process
 * identity, a larger incarnation and a fresh epoch.
 */
export function nextSequence(
  current: { readonly incarnation: number; readonly epoch: string; readonly seq: number },
  wallNow: number,
  freshEpoch: () => string,
): { incarnation: number; epoch: string; seq: number } {
  if (current.seq < MAX_SEQ) return { incarnation: current.incarnation, epoch: current.epoch, seq: current.seq + 1 };
  return { incarnation: Math.max(current.incarnation + 1, wallNow), epoch: freshEpoch(), seq: 0 };
}
