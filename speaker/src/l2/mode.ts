/**
 * Layer 2 as an announcement mode: the plan picks one node per IP among those its L2Advertisements allow, this
 * node's rows go to the announcer (ARP/NDP responders), and the IPs answered on at least one interface (past their
 * probe) are reported as ServiceL2Status. Another MAC answering for one of our IPs becomes an L2Conflict Event.
 */
import type { Logger } from 'pino';
import { formatIP, type ParsedIP } from '@ironlb/shared';
import type { Config } from '@ironlb/shared/config';
import type { AnnouncementMode, Announcement, ModePlan, ServiceEventSink, StatusKind } from '../mode/mode';
import type { NotAnnounced } from '../mode/reasons';
import type { SpeakerView } from '../mode/view';
import { L2Announcer, type SocketOpener } from './announcer';
import type { LocalInterface } from './interfaces';
import { planL2, type Chooser, type Interfaces } from './plan';
import type { AnnounceTiming } from './responder';

export interface L2Planned extends Announcement {
  readonly interfaces: Interfaces;
}

export interface L2Applied extends Announcement {
  /**
   * The interfaces the IP is answered on now, sorted: past its probe there, so not while it probes or waits for
   * another MAC to let go (a node whose link just came back plans every IP for itself for a moment and answers none).
   */
  readonly answeredOn: readonly string[];
}

/** What layer 2 counts per IP, for the speaker's metrics (ResponderEvents says what each is). */
export interface L2Counters {
  answered(ip: ParsedIP): void;
  requested(ip: ParsedIP): void;
  gratuitous(ip: ParsedIP): void;
  conflict(ip: ParsedIP): void;
}

export const L2_STATUS: StatusKind<L2Applied> = {
  kind: 'ServiceL2Status',
  plural: 'servicel2statuses',
  fields(applied) {
    const names = [...new Set(applied.flatMap((a) => a.answeredOn))].sort();
    return names.length === 0 ? undefined : { interfaces: names.map((name) => ({ name })) };
  },
};

export class Layer2Mode implements AnnouncementMode<L2Planned, L2Applied> {
  readonly name = 'layer2';
  readonly configKinds = [{ key: 'l2Advertisements', plural: 'l2advertisements' }] as const;
  readonly status = L2_STATUS;
  private readonly announcer: L2Announcer;
  /** This node's announcements from the last plan, with their Services, to name them in conflict Events. */
  private desired: ReadonlyMap<string, L2Planned> = new Map();
  private readonly conflictsSeen = new Set<string>();

  constructor(
    private readonly self: string,
    open: SocketOpener,
    timing: AnnounceTiming,
    private readonly choose: Chooser,
    private readonly events: ServiceEventSink,
    private readonly counters: L2Counters,
    /** Called when an IP starts being answered on an interface, so the loop applies and reports again. */
    changed: () => void,
    private readonly log: Logger,
  ) {
    this.announcer = new L2Announcer(
      open,
      timing,
      {
        conflict: (ip, mac, ifname) => this.conflict(ip, mac, ifname),
        answered: (ip) => counters.answered(ip),
        requested: (ip) => counters.requested(ip),
        gratuitous: (ip) => counters.gratuitous(ip),
        // What apply returns has changed: the loop applies again and reports the IP.
        answering: () => changed(),
      },
      log,
    );
  }

  active(config: Config): boolean {
    return config.l2Advertisements.length > 0;
  }

  plan(view: SpeakerView): ModePlan<L2Planned> {
    const announce = new Map<string, L2Planned>();
    const skip = new Map<string, { services: readonly string[]; reason: NotAnnounced }>();
    for (const [key, row] of planL2(view, this.choose)) {
      if (row.node === view.self && row.interfaces) {
        announce.set(key, { ip: row.ip, services: row.services, interfaces: row.interfaces });
      } else {
        const owner = row.node ?? '';
        const reason: NotAnnounced =
          row.reason ?? (row.split ? { code: 'groupSplit', owner, ips: row.split } : { code: 'notOwner', owner });
        skip.set(key, { services: row.services, reason });
      }
    }
    return { announce, skip };
  }

  apply(desired: ReadonlyMap<string, L2Planned>): ReadonlyMap<string, L2Applied> {
    this.desired = desired;
    const placed = this.announcer.apply(desired);
    return new Map(
      [...desired].map(([key, a]) => [key, { ip: a.ip, services: a.services, answeredOn: placed.get(key) ?? [] }]),
    );
  }

  /** The node's interfaces changed (rtnetlink said so): the announcer re-places every IP at once. */
  setInterfaces(table: readonly LocalInterface[]): void {
    this.announcer.setInterfaces(table);
  }

  /** A graceful stop: each IP answered until its new owner probes for it (at most a second); later plans ignored. */
  handOver(): Promise<void> {
    return this.announcer.handOver();
  }

  close(): void {
    this.announcer.close();
  }

  /**
   * Another MAC answered for one of our IPs. Logged and sent as a Warning Event on its Services, at most once per
   * IP and MAC; the ranking decides who keeps it, so nothing else changes here.
   */
  private conflict(ip: ParsedIP, mac: string, ifname: string): void {
    this.counters.conflict(ip);
    const key = formatIP(ip);
    const seen = `${key} ${mac}`;
    if (this.conflictsSeen.has(seen)) return;
    this.conflictsSeen.add(seen);
    const message = `another host (MAC ${mac}) answers for ${key} on ${ifname} of node "${this.self}", which announces it`;
    this.log.warn({ ip: key, mac, interface: ifname }, message);
    for (const service of this.desired.get(key)?.services ?? []) {
      this.events.emit(service, { type: 'Warning', reason: 'L2Conflict', message });
    }
  }
}
