/**
 * What a speaker tells the user about one mode's announcements, decided purely from this node's applied rows:
 * a `nodeAssigned` Event on each Service when this node starts announcing it in that mode (seed 003 shows the
 * form), and one status object per Service and announcing node (ServiceL2Status for layer 2) with the mode's
 * fields. Stale statuses (this node's, or any whose Service no longer exists) are deleted.
 */
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

/** What was reported before in one mode: Services told about, and the status written per object name. */
export interface Reported {
  readonly told: Set<string>;
  readonly written: Map<string, string>;
}

/**
 * `<namespace>.<name>.<node>`: unique, since neither a namespace nor a Service name may hold a dot. One per node,
 * because a dual-stack Service's two IPs may be announced by two nodes.
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
  services: ReadonlySet<string>,
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
    .filter((e) => (e.node === self && !ownKeys.has(e.service)) || !services.has(e.service))
    .map((e) => ({ name: e.name, resourceVersion: e.resourceVersion }));
  for (const d of deletes) reported.written.delete(d.name);
  return { events, writes, deletes };
}
