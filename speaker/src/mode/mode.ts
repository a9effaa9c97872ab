/**
 * The seam an announcement mode implements (layer 2 now, BGP next). The daemon owns everything modes share:
 * watches and caches that survive a lost API server, the settle before the first plan, the bounded write queue,
 * Events and status objects. A mode owns three things: a pure plan from the SpeakerView to this node's
 * announcements (with a reason for every IP it does not announce), an idempotent apply of the whole desired set
 * to its edge (responders, BGP sessions), and the fields of its status object.
 *
 * (MetalLB's speaker has the same seam as ShouldAnnounce / SetBalancer / DeleteBalancer; here the plan comes first
 * and is pure, and apply always takes the whole set, so a missed delete cannot leave an announcement behind.)
 */
import type { ParsedIP } from '@ironlb/shared';
import type { Config, ConfigObjects } from '@ironlb/shared/config';
import type { ServiceEvent } from '@ironlb/shared/k8s';
import type { NotAnnounced } from './reasons';
import type { SpeakerView } from './view';

/** One IP this node announces, with every Service shown on it (sorted keys). */
export interface Announcement {
  readonly ip: ParsedIP;
  readonly services: readonly string[];
}

export interface ModePlan<Planned extends Announcement> {
  /** This node's announcements, by IP text. */
  readonly announce: ReadonlyMap<string, Planned>;
  /** Every other IP a Service shows, by IP text, with why this node does not announce it. */
  readonly skip: ReadonlyMap<string, { readonly services: readonly string[]; readonly reason: NotAnnounced }>;
}

/** A config kind a mode needs beyond the pools: its ConfigObjects key and its resource (plural). */
export interface ConfigKind {
  readonly key: keyof ConfigObjects;
  readonly plural: string;
}

/** The status object a mode reports per Service and announcing node (ServiceL2Status; ServiceBGPStatus next). */
export interface StatusKind<Applied extends Announcement> {
  readonly kind: string;
  readonly plural: string;
  /**
   * The mode's own status fields for one Service, from this node's applied announcements that carry it; undefined
   * when none of them is live (layer 2: answered on no interface), so no status and no nodeAssigned Event.
   */
  fields(applied: readonly Applied[]): Readonly<Record<string, unknown>> | undefined;
}

export interface AnnouncementMode<Planned extends Announcement = Announcement, Applied extends Announcement = Planned> {
  /** The `protocol` word in nodeAssigned Events and the `mode` label of logs and metrics: `layer2`, `bgp`. */
  readonly name: string;
  readonly configKinds: readonly ConfigKind[];
  readonly status: StatusKind<Applied>;
  /** Whether the config gives the mode anything to announce (any advertisement of its kind). */
  active(config: Config): boolean;
  plan(view: SpeakerView): ModePlan<Planned>;
  /** Makes the edge announce exactly `desired` (the same set twice changes nothing); returns what is live now. */
  apply(desired: ReadonlyMap<string, Planned>): ReadonlyMap<string, Applied>;
  /** Withdraws everything and releases sockets, on shutdown. */
  close(): void;
}

/** Where a mode sends Events about Services (layer 2's L2Conflict); the daemon writes them. */
export interface ServiceEventSink {
  emit(service: string, event: ServiceEvent): void;
}
