/** Speakers alive by their node Leases, and BGP sessions by the status objects that name them. */
import { createdOf, list, nameOf, rec, str, strings, timeOf, type RawObject } from './raw';

export interface SpeakerFact {
  readonly node: string;
  /** The Lease was renewed within its duration. */
  readonly alive: boolean;
  /** RFC 3339: when this holder took the Lease (the speaker's start). */
  readonly since?: string;
  /** RFC 3339: the last renewal. */
  readonly renewed?: string;
}

export interface BgpSessionFact {
  readonly node: string;
  readonly peer: string;
  /** Services whose routes the session carries. */
  readonly services: number;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function lease(o: RawObject): { renew?: number; acquire?: number; durationMs: number } {
  const spec = rec(o.spec);
  const seconds = typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : 0;
  return { renew: timeOf(spec.renewTime), acquire: timeOf(spec.acquireTime), durationMs: seconds * 1000 };
}

const isAlive = (l: ReturnType<typeof lease>, now: number): boolean =>
  l.renew !== undefined && now <= l.renew + l.durationMs;

/** Whether the Lease `name` is current at `now`; false when there is none. */
export function leaseAlive(leases: readonly RawObject[], name: string, now: number): boolean {
  const found = leases.find((l) => nameOf(l) === name);
  return found !== undefined && isAlive(lease(found), now);
}

/** One row per speaker Lease (`<prefix><node>`), sorted by node. */
export function speakersOf(leases: readonly RawObject[], prefix: string, now: number): SpeakerFact[] {
  return leases
    .filter((l) => nameOf(l).startsWith(prefix))
    .map((l) => {
      const t = lease(l);
      const since = iso(t.acquire ?? createdOf(l));
      const renewed = iso(t.renew);
      return {
        node: nameOf(l).slice(prefix.length),
        alive: isAlive(t, now),
        ...(since === undefined ? {} : { since }),
        ...(renewed === undefined ? {} : { renewed }),
      };
    })
    .sort((a, b) => a.node.localeCompare(b.node));
}

/**
 * The established sessions the ServiceBGPStatus objects show (a status names the peers whose established session
 * carries the Service's routes): per node and peer, how many Services. A session carrying nothing is not seen here.
 */
export function bgpSessionsOf(statuses: readonly RawObject[]): BgpSessionFact[] {
  const counts = new Map<string, BgpSessionFact>();
  for (const o of list(statuses).map(rec)) {
    const s = rec(o.status);
    const node = str(s.node);
    if (node === undefined) continue;
    for (const peer of strings(s.peers)) {
      const k = `${node}\u0000${peer}`;
      counts.set(k, { node, peer, services: (counts.get(k)?.services ?? 0) + 1 });
    }
  }
  return [...counts.values()].sort((a, b) => a.node.localeCompare(b.node) || a.peer.localeCompare(b.peer));
}
