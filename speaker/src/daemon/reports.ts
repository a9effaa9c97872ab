/**
 * What a speaker tells the user about its own announcements, decided purely from the plan's rows for this node:
 * a `nodeAssigned` Event on each Service when this node starts announcing it (seed 003 shows the form), and one
 * ServiceL2Status per Service and announcing node, naming the node and interfaces. Stale statuses (this node's, or
 * any whose Service no longer exists) are deleted.
 */
import type { L2StatusBody } from './speakerApi';

export interface OwnService {
  /** `namespace/name` */
  readonly key: string;
  /** The interfaces its IPs are answered on, sorted, without repeats. */
  readonly interfaces: readonly string[];
}

export interface ExistingStatus {
  readonly name: string;
  readonly resourceVersion: string;
  readonly node: string;
  readonly service: string;
}

export interface Reports {
  readonly events: readonly { service: string; message: string }[];
  readonly writes: readonly { name: string; status: L2StatusBody }[];
  readonly deletes: readonly { name: string; resourceVersion: string }[];
}

/** What was reported before: Services told about, and the status written per object name. */
export interface Reported {
  readonly told: Set<string>;
  readonly written: Map<string, string>;
}

/**
 * `<namespace>.<name>.<node>`: unique, since neither a namespace nor a Service name may hold a dot. One per node,
 * because a dual-stack Service's two IPs may be announced by two nodes.
 */
export const statusNameOf = (service: string, node: string): string => `${service.replace('/', '.')}.${node}`;

export const nodeAssignedMessage = (node: string): string => `announcing from node "${node}" with protocol "layer2"`;

export function reportsFor(
  self: string,
  own: readonly OwnService[],
  existing: readonly ExistingStatus[],
  services: ReadonlySet<string>,
  reported: Reported,
): Reports {
  const events: { service: string; message: string }[] = [];
  const writes: { name: string; status: L2StatusBody }[] = [];
  const ownKeys = new Set(own.map((s) => s.key));
  for (const s of own) {
    if (!reported.told.has(s.key)) {
      events.push({ service: s.key, message: nodeAssignedMessage(self) });
      reported.told.add(s.key);
    }
    const [serviceNamespace, serviceName] = s.key.split('/');
    const status: L2StatusBody = {
      node: self,
      serviceName,
      serviceNamespace,
      interfaces: s.interfaces.map((name) => ({ name })),
    };
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
