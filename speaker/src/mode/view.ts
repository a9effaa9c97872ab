/**
 * What every announcement mode plans from: one snapshot of the cluster as every speaker sees it alike, plus which
 * node this is. Built by the daemon from its caches; plain data, so a mode's plan is a pure function of it.
 */
import type { ParsedIP } from '@ironlb/shared';
import type { Config } from '@ironlb/shared/config';

export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** spec.unschedulable: cordoned, or being drained. */
  readonly unschedulable: boolean;
}

export interface ServiceView {
  /** `namespace/name` */
  readonly key: string;
  readonly ips: readonly ParsedIP[];
  /** externalTrafficPolicy: Local: only nodes with a ready endpoint may announce. */
  readonly local: boolean;
}

export interface SpeakerView {
  /** The node this speaker runs on. */
  readonly self: string;
  readonly config: Config;
  readonly nodes: ReadonlyMap<string, NodeView>;
  readonly services: readonly ServiceView[];
  /** Service key → names of nodes that hold a ready endpoint of it. */
  readonly endpointNodes: ReadonlyMap<string, ReadonlySet<string>>;
  /** Nodes whose speaker may own IPs: alive and ready (membership; a just-started speaker is not ready yet). */
  readonly live: ReadonlySet<string>;
}
