/**
 * Which speakers are alive, fast enough that a dead speaker's IPs move in well under a second, without any per-Service
 * traffic to the API server. Every speaker computes this alone and feeds it to the announcer ranking, so what matters is that
 * live speakers converge on the same answer quickly, and that a speaker never believes it is alone when it is not
 * (it would announce every IP, and the segment would see two answers for each).
 *
 * Three rules, in order of precedence:
 *
 * 1. Heartbeats (fast). Every speaker sends every peer a UDP heartbeat each intervalMs (50 ms). A peer is alive
 *    while its newest heartbeat arrived less than deadAfterMs (500 ms) ago on this speaker's clock, a clock that
 *    leaves out the time this speaker itself was not running (stall.ts: a frozen or starved speaker must not take
 *    the heartbeats queued on its socket meanwhile for silence); the edge ticks every tickMs (20 ms). A peer whose
 *    port refused a heartbeat after its newest one (ICMP port unreachable: the process is gone) is dead once that
 *    heartbeat is refusedAfterMs (150 ms) old, so a killed speaker is dropped 100-170 ms after the kill while a
 *    frozen one survives 350 ms and more of silence. Only authenticated news
 *    counts (the MAC is checked by the codec; see isNews): reordered, duplicated, old and replayed packets neither
 *    refresh nor revive a peer, and an earlier process replaces the current one only once the node's Lease shows the
 *    restart (restartShown). A heartbeat with `leaving` (sent on SIGTERM) kills the peer at once, so a graceful stop
 *    hands over without waiting.
 *
 * 2. Leases (slow, authoritative). Each speaker renews a coordination.k8s.io Lease named after its node every
 *    leaseRenewMs (1 s); the daemon watches them and feeds every renewTime here. A peer that heartbeats call dead but
 *    whose Lease is seen renewed twice after that death, the last time within leaseDurationMs (10 s), is alive
 *    again. This heals a partition between speakers that both still reach the API server (a firewall dropping the
 *    heartbeat port, say): each side would otherwise think itself the survivor and both would announce; with the
 *    Leases both compute the same set and the ranking picks one. The price is one Lease write per node per second,
 *    independent of the number of Services. The daemon must (a) renew its Lease only while its announcing link is up,
 *    so a node cut off from the segment is not revived by a Lease it can still renew over another path, and (b) stop
 *    renewing before it sends `leaving`, so a graceful stop is not undone by renewals still in flight.
 *
 * 3. Startup. A speaker that has just started has heard nobody; taking that as "I am alone" would make it announce
 *    everything for a moment. So until startupGraceMs (2 x deadAfterMs) has passed, a peer not yet heard counts
 *    alive if its Lease was renewed within leaseDurationMs, by comparing renewTime with this speaker's clock (the
 *    only place renewTime meets the local clock; a lease duration of tolerance covers clock skew). A live peer is
 *    heard within an interval, and from then on rule 1 decides; a peer not heard by the end of the grace is dead. So
 *    the daemon must have fed the Lease list before its first announcement.
 *
 * Readiness. Alive is not enough to own IPs: a speaker that has just started heartbeats at once (so its peers know
 * it lives and do not count it dead), but it can answer only once it has listed everything and planned. Until its
 * heartbeats say `ready`, its peers keep its IPs (eligible() leaves it out), so a restart hands over twice without a
 * silence instead of leaving its IPs unanswered while it starts. This speaker is eligible once the daemon says so
 * (setReady). A peer alive by its Lease or by the startup rule is as ready as its last heartbeat said (ready when never
 * heard): every speaker reads readiness from the same heartbeats, so they agree on who may own what.
 *
 * What a speaker does not survive alone: being partitioned from its peers and from the API server at once (it then
 * thinks itself alone, and so do they about themselves, as in any such design), and a partition that begins during
 * startup, which leaves a peer dead from the end of the grace until its second observed renewal (about a second).
 *
 * Pure: the clock is passed into every call. `now` must come from a clock that does not step (the edge uses a
 * monotonic clock anchored at the epoch at start), and is milliseconds since the epoch so the startup rule can read
 * renewTime against it.
 */
import { heard, isNews, type Heard, type Heartbeat } from './heartbeat';
import { freshByClock, observeLease, renewedSince, type LeaseSeen } from './lease';
import { membershipTiming, type MembershipTiming } from './timing';

/** Why a node is alive (self, heartbeat, lease, startup) or dead (the rest; unknown: not a peer). */
export type LivenessReason =
  'self' | 'heartbeat' | 'lease' | 'startup' | 'leaving' | 'refused' | 'silent' | 'unheard' | 'unknown';

export interface LivenessVerdict {
  readonly alive: boolean;
  readonly why: LivenessReason;
}

export interface NodeChange {
  readonly node: string;
  readonly why: LivenessReason;
}

export interface MembershipChange {
  /** Sorted by node name. */
  readonly joined: readonly NodeChange[];
  readonly left: readonly NodeChange[];
  /** Nodes that became eligible (alive and ready), and alive ones that stopped being (a restart); sorted. */
  readonly ready: readonly string[];
  readonly unready: readonly string[];
  readonly alive: ReadonlySet<string>;
  readonly eligible: ReadonlySet<string>;
}

/** What became of a heartbeat: news, not news, from a node that is not a peer, or bearing this speaker's own name. */
export type HeartbeatVerdict = 'accepted' | 'stale' | 'unknown' | 'self';

interface Peer {
  /** When it became a peer: a peer never heard counts as heartbeat-dead from then (rule 2 counts renewals from it). */
  readonly addedAt: number;
  heard?: Heard;
  /** When its heartbeat port last refused a heartbeat (the process behind it is gone). */
  refusedAt?: number;
}

const byName = (a: NodeChange, b: NodeChange): number => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((x) => b.has(x));

export class Membership {
  readonly timing: MembershipTiming;
  private readonly peers = new Map<string, Peer>();
  /** Kept for nodes that are not peers (yet) too: the Lease list may arrive before the node list. */
  private readonly leases = new Map<string, LeaseSeen>();
  private reported: ReadonlySet<string> = new Set();
  private reportedEligible: ReadonlySet<string> = new Set();
  private selfReady = false;

  constructor(
    readonly self: string,
    private readonly startedAt: number,
    timing: Partial<MembershipTiming> = {},
  ) {
    this.timing = membershipTiming(timing);
  }

  /** The other speakers' node names; this node's own name is ignored. Known peers keep what was heard from them. */
  setPeers(nodes: Iterable<string>, now: number): void {
    const next = new Set(nodes);
    next.delete(this.self);
    for (const node of this.peers.keys()) if (!next.has(node)) this.peers.delete(node);
    for (const node of next) if (!this.peers.has(node)) this.peers.set(node, { addedAt: now });
  }

  heartbeat(msg: Heartbeat, now: number): HeartbeatVerdict {
    if (msg.node === this.self) return 'self';
    const peer = this.peers.get(msg.node);
    if (peer === undefined) return 'unknown';
    if (!isNews(msg, peer.heard, this.restartShown(msg.node, now))) return 'stale';
    peer.heard = heard(msg, peer.heard, now);
    return 'accepted';
  }

  /** A node's Lease as read from the API (list or watch event), renewTime in ms since the epoch. */
  leaseObserved(node: string, renewTime: number, now: number): void {
    this.leases.set(node, observeLease(this.leases.get(node), renewTime, now));
  }

  leaseDeleted(node: string): void {
    this.leases.delete(node);
  }

  /**
   * The peer's heartbeat port refused a heartbeat (ICMP port unreachable, seen as ECONNREFUSED on a connected socket):
   * no process listens there. Undefined for a node that is not a peer.
   */
  refused(node: string, now: number): true | undefined {
    const peer = this.peers.get(node);
    if (peer === undefined) return undefined;
    peer.refusedAt = now;
    return true;
  }

  /**
   * When heartbeats say the peer's current process died, if they do: at its leave, or when its newest heartbeat
   * grew too old (refusedAfterMs after it when its port refused since, deadAfterMs otherwise).
   */
  private diedAt(peer: Peer): { at: number; why: 'leaving' | 'refused' | 'silent' } | undefined {
    const { heard } = peer;
    if (heard === undefined) return undefined;
    if (heard.leaving) return { at: heard.at, why: 'leaving' };
    const refused = peer.refusedAt !== undefined && peer.refusedAt > heard.at;
    return refused
      ? { at: heard.at + this.timing.refusedAfterMs, why: 'refused' }
      : { at: heard.at + this.timing.deadAfterMs, why: 'silent' };
  }

  /**
   * Whether the node's current process is gone and the node restarted: dead by heartbeats and its Lease renewed
   * twice since. Only then may an earlier process (a restart after the wall clock stepped back) replace it;
   * otherwise an earlier process's packets are delayed or replayed ones.
   */
  private restartShown(node: string, now: number): boolean {
    const peer = this.peers.get(node);
    const died = peer && this.diedAt(peer);
    if (died === undefined || now < died.at) return false;
    return renewedSince(this.leases.get(node), died.at, now, this.timing.leaseDurationMs);
  }

  liveness(node: string, now: number): LivenessVerdict {
    if (node === this.self) return { alive: true, why: 'self' };
    const peer = this.peers.get(node);
    if (peer === undefined) return { alive: false, why: 'unknown' };
    const t = this.timing;
    const died = this.diedAt(peer);
    if (died !== undefined && now < died.at) return { alive: true, why: 'heartbeat' };
    const lease = this.leases.get(node);
    // When heartbeats last said the peer died; a peer never heard is dead from when it became a peer.
    if (renewedSince(lease, died?.at ?? peer.addedAt, now, t.leaseDurationMs)) return { alive: true, why: 'lease' };
    if (died === undefined) {
      const inGrace = now < this.startedAt + t.startupGraceMs;
      if (inGrace && freshByClock(lease, now, t.leaseDurationMs)) return { alive: true, why: 'startup' };
      return { alive: false, why: 'unheard' };
    }
    return { alive: false, why: died.why };
  }

  /** Whether this speaker may own IPs: the daemon sets it once it has planned with every list synced. */
  setReady(ready: boolean): void {
    this.selfReady = ready;
  }

  get ready(): boolean {
    return this.selfReady;
  }

  /** This node and every live peer. */
  alive(now: number): Set<string> {
    const out = new Set([this.self]);
    for (const node of this.peers.keys()) if (this.liveness(node, now).alive) out.add(node);
    return out;
  }

  /** The nodes that may own IPs: alive and ready (this one once setReady). */
  eligible(now: number): Set<string> {
    const out = new Set<string>();
    for (const node of this.alive(now)) if (this.isReady(node)) out.add(node);
    return out;
  }

  /** What changed since the last tick (the first reports every live node, this one included), or undefined. */
  tick(now: number): MembershipChange | undefined {
    const alive = this.alive(now);
    const eligible = new Set([...alive].filter((node) => this.isReady(node)));
    const joined: NodeChange[] = [];
    const left: NodeChange[] = [];
    for (const node of alive) if (!this.reported.has(node)) joined.push({ node, why: this.liveness(node, now).why });
    for (const node of this.reported) if (!alive.has(node)) left.push({ node, why: this.liveness(node, now).why });
    const ready = [...eligible].filter((node) => !this.reportedEligible.has(node)).sort();
    const unready = [...this.reportedEligible].filter((node) => alive.has(node) && !eligible.has(node)).sort();
    const changed = joined.length > 0 || left.length > 0 || !sameSet(eligible, this.reportedEligible);
    this.reported = alive;
    this.reportedEligible = eligible;
    if (!changed) return undefined;
    return { joined: joined.sort(byName), left: left.sort(byName), ready, unready, alive: new Set(alive), eligible };
  }

  private isReady(node: string): boolean {
    if (node === this.self) return this.selfReady;
    return this.peers.get(node)?.heard?.ready ?? true;
  }
}
