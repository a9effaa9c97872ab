/**
 * What a speaker tells the user about one mode's announcements, decided purely from this node's applied rows:
 * a `nodeAssigned` Event on each Service when this node starts announcing it in that mode (seed 003 shows the
 * form), and one status object per Service and announcing node (ServiceL2Status for layer 2) with the mode's
 * fields. Stale statuses are deleted: this node's, any whose Service no longer exists, and those of a node whose
 * speaker is dead (it cannot delete its own), by exactly one live node (see deletesDeadStatus).
 */
import type { Announcement, ModePlan } from '../mode/mode';
import { ownerOf } from '../mode/reasons';
import type { StatusBody } from './speakerApi';

export interface OwnService {
  /** `namespace/name` */
  readonly key: string;
  /** The mode's status fields (layer 2: the interfaces its IPs are answered on). */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface ExistingStatus {
  readonly name: string;
  readonly resourceVersion: string;
  readonly node: string;
  readonly service: string;
}

export interface Reports {
  readonly events: readonly { service: string; message: string }[];
  readonly writes: readonly { name: string; status: StatusBody }[];
  readonly deletes: readonly { name: string; resourceVersion: string }[];
}

/** What this node knows of the others, as every speaker sees it alike (the SpeakerView and the plan from it). */
export interface ReportScope {
  /** The Services of our class, by key: a status of any other Service is deleted. */
  readonly services: ReadonlySet<string>;
  /** Nodes whose speaker is alive, this one included. */
  readonly live: ReadonlySet<string>;
  /** Per Service, the nodes the plan has announcing it (announcersOf). */
  readonly announcers: ReadonlyMap<string, readonly string[]>;
}

/** What was reported before in one mode: Services told about, and the status written per object name. */
export interface Reported {
  readonly told: Set<string>;
  readonly written: Map<string, string>;
}

/**
 * `<namespace>.<name>.<node>`: unique, since neither a namespace nor a Service name may hold a dot. One per node,
 * because a Service's IPs may be announced by two nodes (when no node may announce them all: planL2).
 */
export const statusNameOf = (service: string, node: string): string => `${service.replace('/', '.')}.${node}`;

/** `mode` is the mode's name, the word MetalLB users know as the protocol (`layer2`, `bgp`). */
export const nodeAssignedMessage = (node: string, mode: string): string =>
  `announcing from node "${node}" with protocol "${mode}"`;

export function reportsFor(
  self: string,
  mode: string,
  own: readonly OwnService[],
  existing: readonly ExistingStatus[],
  scope: ReportScope,
  reported: Reported,
): Reports {
  const events: { service: string; message: string }[] = [];
  const writes: { name: string; status: StatusBody }[] = [];
  const ownKeys = new Set(own.map((s) => s.key));
  for (const s of own) {
    if (!reported.told.has(s.key)) {
      events.push({ service: s.key, message: nodeAssignedMessage(self, mode) });
      reported.told.add(s.key);
    }
    const [serviceNamespace, serviceName] = s.key.split('/');
    const status: StatusBody = { node: self, serviceName, serviceNamespace, ...s.fields };
    const name = statusNameOf(s.key, self);
    const signature = JSON.stringify(status);
    // Written once per content: a write in flight counts, and a status deleted by someone else is forgotten by the
    // caller (from its watch) so that it is written again.
    if (reported.written.get(name) !== signature) {
      writes.push({ name, status });
      reported.written.set(name, signature);
    }
  }
  for (const key of [...reported.told]) if (!ownKeys.has(key)) reported.told.delete(key);
  const deletes = existing
    .filter(
      (e) =>
        (e.node === self && !ownKeys.has(e.service)) ||
        !scope.services.has(e.service) ||
        (!scope.live.has(e.node) && deletesDeadStatus(self, e.service, ownKeys.has(e.service), scope)),
    )
    .map((e) => ({ name: e.name, resourceVersion: e.resourceVersion }));
  for (const d of deletes) reported.written.delete(d.name);
  return { events, writes, deletes };
}

const firstByName = (nodes: Iterable<string>): string | undefined => [...nodes].sort()[0];

/**
 * Whether this node deletes the status a dead speaker left for `service`. Exactly one live node does, decided from
 * what every speaker computes alike: the first by name of the nodes the plan has announcing the Service, once it
 * answers for it here (so the dead node's status goes as the new one is written, and a node that wrongly believes
 * itself alone, its link just down, deletes nothing it does not answer for); when the plan has no node announcing
 * it, the first live node by name.
 */
function deletesDeadStatus(self: string, service: string, answering: boolean, scope: ReportScope): boolean {
  const announcers = scope.announcers.get(service) ?? [];
  if (announcers.length > 0) return firstByName(announcers) === self && answering;
  return firstByName(scope.live) === self;
}

/**
 * Per Service, the nodes a mode's plan has announcing it, sorted: this node for its own rows, and the owner each
 * other row's reason names (`notOwner`, `groupSplit`). The same on every speaker, since every speaker computes the
 * same plan.
 */
export function announcersOf(self: string, plan: ModePlan<Announcement>): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const add = (services: readonly string[], node: string): void => {
    for (const s of services) out.set(s, (out.get(s) ?? new Set<string>()).add(node));
  };
  for (const a of plan.announce.values()) add(a.services, self);
  for (const s of plan.skip.values()) {
    const owner = ownerOf(s.reason);
    if (owner !== undefined) add(s.services, owner);
  }
  return new Map([...out].map(([s, nodes]) => [s, [...nodes].sort()]));
}

/** JSON text with every object's keys sorted: an API server may return a status with its fields in another order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Whether a status object the watch delivers is the echo of this speaker's own last write (`written`, the
 * signature reportsFor recorded): then nothing is to be done and no plan is needed. In BGP mode every node writes a
 * status per Service, so at 10,000 Services the echoes alone would keep the speaker planning for minutes.
 */
export function isOwnEcho(written: string | undefined, status: unknown): boolean {
  if (written === undefined) return false;
  // Created by our write, whose status patch follows (a failed one is retried by the writer, which forgets it).
  if (status === undefined) return true;
  if (status === null || typeof status !== 'object') return false;
  try {
    return canonical(JSON.parse(written)) === canonical(status);
  } catch {
    return false;
  }
}
