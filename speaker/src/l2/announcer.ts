/**
 * The edge between the plan and the wire: one responder (one AF_PACKET socket) per interface that has IPs to answer
 * for, opened when the first IP needs it and closed with the last. An IP the plan drops is released (answered on
 * until its new owner probes for it; see the responder), so a socket stays open until its last released IP is
 * handed over; an interface that went away is closed at once. apply() is idempotent: the same desired set twice
 * changes nothing, so a resync never re-announces. What it returns is what is on the wire: an IP counts on an
 * interface only once its responder answers it there, not while it probes or defers to another MAC; the responder
 * says when that starts (ResponderEvents.answering), and the caller applies again to see it.
 */
import type { Logger } from 'pino';
import { errorText } from '@ironlb/shared';
import type { ParsedIP } from '@ironlb/shared';
import { interfacesForIP, type LocalInterface } from './interfaces';
import type { PacketSocket } from './packetSocket';
import type { Interfaces } from './plan';
import { InterfaceResponder, type AnnounceTiming, type ResponderEvents } from './responder';

export type SocketOpener = (
  ifname: string,
  onFrames: (frames: Buffer[]) => void,
  onError: (e: Error) => void,
) => PacketSocket;

export interface DesiredIP {
  readonly ip: ParsedIP;
  readonly interfaces: Interfaces;
}

export class L2Announcer {
  private readonly responders = new Map<string, InterfaceResponder>();
  /** The IPs each responder answers for, by interface and IP text. */
  private readonly held = new Map<string, Map<string, DesiredIP>>();
  private table: readonly LocalInterface[] = [];
  private desired: ReadonlyMap<string, DesiredIP> = new Map();
  /** Closed for good (the speaker is stopping): nothing new is answered, whatever a late plan asks for. */
  private closed = false;
  /** Resolves handOver() once the last socket has closed. */
  private drained: (() => void) | undefined;

  constructor(
    private readonly open: SocketOpener,
    private readonly timing: AnnounceTiming,
    private readonly events: ResponderEvents,
    private readonly log: Logger,
  ) {}

  /** The interfaces changed (rtnetlink said so): re-place every IP. Returns what apply returns. */
  setInterfaces(table: readonly LocalInterface[]): ReadonlyMap<string, readonly string[]> {
    this.table = table;
    return this.apply(this.desired);
  }

  /** Holds exactly `desired`; returns, per IP, the interfaces it is answered on now (sorted; empty while probing). */
  apply(desired: ReadonlyMap<string, DesiredIP>): ReadonlyMap<string, readonly string[]> {
    if (this.closed) return new Map([...desired.keys()].map((key) => [key, []]));
    this.desired = desired;
    const want = new Map<string, Map<string, DesiredIP>>();
    const placed = new Map<string, string[]>();
    for (const [key, d] of desired) {
      const names = interfacesForIP(d.ip, d.interfaces, this.table);
      placed.set(key, names);
      if (names.length === 0) this.log.warn({ ip: key }, 'no interface to announce from (none up in its subnet)');
      for (const n of names) want.set(n, (want.get(n) ?? new Map<string, DesiredIP>()).set(key, d));
    }
    for (const [name, r] of this.responders) {
      const keep = want.get(name);
      const gone = !this.table.some((i) => i.name === name);
      const held = this.held.get(name) ?? new Map<string, DesiredIP>();
      for (const [key, d] of held) {
        if (keep?.has(key)) continue;
        if (gone) r.remove(d.ip);
        else r.release(d.ip);
        held.delete(key);
      }
      // Closed now, or once its released IPs are handed over (idle).
      if (!keep && (gone || r.size === 0)) this.stopListening(name);
    }
    for (const [name, ips] of want) {
      const r = this.responders.get(name) ?? this.listen(name);
      if (!r) {
        for (const key of ips.keys())
          placed.set(
            key,
            (placed.get(key) ?? []).filter((n) => n !== name),
          );
        continue;
      }
      const held = this.held.get(name) ?? new Map<string, DesiredIP>();
      this.held.set(name, held);
      for (const [key, d] of ips) {
        if (held.has(key)) continue;
        r.add(d.ip);
        held.set(key, d);
      }
    }
    const answered = new Map<string, string[]>();
    for (const [key, names] of placed) {
      const ip = desired.get(key)?.ip;
      answered.set(
        key,
        names.filter((n) => ip !== undefined && this.responders.get(n)?.answering(ip) === true),
      );
    }
    return answered;
  }

  private listen(name: string): InterfaceResponder | undefined {
    const iface = this.table.find((i) => i.name === name);
    try {
      // Frames may only arrive after open() returns, but the handler must exist before it.
      const box: { responder?: InterfaceResponder } = {};
      const socket = this.open(
        name,
        (frames) => box.responder?.onFrames(frames),
        (e) => this.log.error({ interface: name, err: errorText(e) }, 'packet socket failed'),
      );
      const responder = new InterfaceResponder(socket, iface?.linkLocal, this.timing, {
        ...this.events,
        warn: (message) => this.log.warn({ interface: name }, message),
        idle: () => {
          if (!this.held.get(name)?.size) this.stopListening(name);
        },
      });
      box.responder = responder;
      this.responders.set(name, responder);
      this.log.info({ interface: name }, 'listening for ARP and NDP');
      return responder;
    } catch (e) {
      this.log.error({ interface: name, err: errorText(e) }, 'cannot open a packet socket');
      return undefined;
    }
  }

  private stopListening(name: string): void {
    const r = this.responders.get(name);
    if (r === undefined) return;
    r.close();
    this.responders.delete(name);
    this.held.delete(name);
    this.log.info({ interface: name }, 'stopped listening');
    if (this.closed && this.responders.size === 0) this.drained?.();
  }

  /**
   * A graceful stop: every IP released (answered until its new owner probes for it, at most RELEASE_MAX_MS) and
   * later plans ignored; resolves once every socket has closed.
   */
  handOver(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.apply(new Map());
    this.closed = true;
    if (this.responders.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  close(): void {
    this.closed = true;
    for (const r of this.responders.values()) r.close();
    this.responders.clear();
    this.held.clear();
    this.drained?.();
  }
}
