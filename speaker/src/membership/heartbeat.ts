/** What one speaker tells its peers ten times a second, and which of those messages a receiver believes. */

export interface Heartbeat {
  readonly node: string;
  /**
   * The sending process's start time, ms since the epoch (wall clock, because it must order processes across
   * restarts): a larger one is a restarted speaker, whose sequence starts again.
   */
  readonly incarnation: number;
  /** Counts up per heartbeat within an incarnation, so reordered, duplicated and old packets can be told apart. */
  readonly seq: number;
  /** Sent a few times on a graceful stop: the peer is dead at once. */
  readonly leaving: boolean;
  /**
   * The sender has planned with every list synced: it may own IPs. A started speaker heartbeats at once (so it is
   * alive) but sends this only once it is ready, so that its peers keep announcing its IPs until it can.
   */
  readonly ready: boolean;
}

/** The newest message accepted from a peer, and when it arrived on the receiver's clock. */
export interface Heard {
  readonly incarnation: number;
  readonly seq: number;
  readonly leaving: boolean;
  readonly ready: boolean;
  readonly at: number;
  /** Incarnations this peer has been seen to replace (the latest few): their packets are never news again. */
  readonly retired: readonly number[];
}

export const MAX_SEQ = 0xffff_ffff;
const RETIRED_KEPT = 4;

/**
 * Whether `msg` is news. Within an incarnation only a higher sequence is, always: so a heartbeat overtaken by the
 * leave that followed it can never revive a node that left. A replaced incarnation never is: its process is gone. A
 * higher incarnation is a restart. A lower one is normally a delayed packet from a dead process, but it is also what a
 * restart looks like after the wall clock stepped back; once the current incarnation has been silent for
 * `deadAfterMs`, it is taken as the restart (a packet delayed that long does not happen on a LAN).
 */
export function isNews(msg: Heartbeat, last: Heard | undefined, now: number, deadAfterMs: number): boolean {
  if (last === undefined) return true;
  if (msg.incarnation === last.incarnation) return msg.seq > last.seq;
  if (last.retired.includes(msg.incarnation)) return false;
  return msg.incarnation > last.incarnation || now - last.at >= deadAfterMs;
}

/** What is known of a peer once `msg`, which isNews said is news, has arrived at `now`. */
export function heard(msg: Heartbeat, last: Heard | undefined, now: number): Heard {
  const replaced = last !== undefined && last.incarnation !== msg.incarnation;
  const retired = replaced ? [...last.retired, last.incarnation].slice(-RETIRED_KEPT) : (last?.retired ?? []);
  return { incarnation: msg.incarnation, seq: msg.seq, leaving: msg.leaving, ready: msg.ready, at: now, retired };
}

/** The sender's next (incarnation, seq): the sequence wraps (after 13.6 years at 10/s) into a new incarnation. */
export function nextSequence(
  current: { readonly incarnation: number; readonly seq: number },
  wallNow: number,
): { incarnation: number; seq: number } {
  if (current.seq < MAX_SEQ) return { incarnation: current.incarnation, seq: current.seq + 1 };
  return { incarnation: Math.max(current.incarnation + 1, wallNow), seq: 0 };
}
