/**
 * Answers ARP requests and Neighbor Solicitations on one interface for the IPs this node announces, announces a
 * newly won IP (gratuitous ARP / unsolicited NA, repeated), and watches for another MAC answering for one of ours.
 * Frames for other addresses are dropped after a few byte reads, so a flood costs little per frame.
 *
 * A newly won IP is probed first (an ARP probe, RFC 5227 §2.1.1; a DAD Neighbor Solicitation, RFC 4862 §5.4.2) and
 * answered only once a probe window passes in which no other MAC spoke for it. A node that takes an IP back, or that
 * briefly believes itself alone (its link just came back), thus waits for the current owner to let go instead of
 * answering beside it: the owner answers the probe until it has heard this node again and withdrawn (a heartbeat or
 * two, so windows stay probeMs long for the first PROBE_FAST_MS, and the handover gap stays near probeMs). After that
 * each window is twice as long (at most PROBE_WINDOW_MAX_MS), so a node wrongly claiming many IPs cannot flood the
 * segment with probes; after PROBE_DEFER_MAX_MS the IP is answered anyway (the plan decides who owns it) and the other
 * MAC is reported as a conflict.
 *
 * An IP another node now owns is released rather than removed: it is answered on until the new owner probes for it
 * (that probe is not answered, so the new owner's window passes in silence) or announces it, or RELEASE_MAX_MS
 * passes, and its pending gratuitous ARPs are dropped. A handover thus costs one probe window however long the new
 * owner takes to start probing (a restarted speaker's first plan, its socket opening, a loaded machine), and the two
 * never answer at once. The releasing node also probes the IP itself (every RELEASE_PROBE_MS): if the new owner is
 * answering already (it never stopped, as when this node answered beside it after its link came back), its reply
 * ends the release at once.
 */
import type { ParsedIP } from '@ironlb/shared';
import {
  arpProbe,
  arpReply,
  decodeArp,
  decodeNeighborDiscovery,
  encodeArp,
  encodeNeighborDiscovery,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV6,
  formatMac,
  gratuitousArp,
  IPV6_UNSPECIFIED,
  isIgnored,
  multicastMac,
  neighborAdvertisementFor,
  solicitedNodeMulticast,
  unsolicitedNeighborAdvertisement,
} from './codec';
import { announcedFilter, broadFilter } from './bpf';
import type { PacketSocket } from './packetSocket';

export interface AnnounceTiming {
  /** Gratuitous ARPs / unsolicited NAs sent on takeover: the first at once, then one per interval. */
  readonly gratuitousCount: number;
  readonly gratuitousIntervalMs: number;
  /** How long a newly won IP is probed for another owner before it is answered (RFC 5227, shortened). */
  readonly probeMs: number;
  /**
   * The IPv6 source of our Neighbor Advertisements. `target`: the VIP itself, as the kernel does for an address it
   * owns; ndisc6 and other tools that match the answer's source to the address asked about accept only this.
   * `link-local`: the interface's link-local address, the literal reading of RFC 4861 §7.2.4 for an address not
   * configured on the interface (MetalLB's choice). Kernels accept both.
   */
  readonly naSource: 'target' | 'link-local';
}

/** Longest a newly won IP waits for another MAC that speaks for it to stop before it is answered anyway. */
export const PROBE_DEFER_MAX_MS = 1_000;
/** Longest a released IP is answered on while nobody takes it over (a deleted Service, an owner that never probes). */
export const RELEASE_MAX_MS = 1_000;
/** How often a released IP is probed, to find an owner already answering for it. */
export const RELEASE_PROBE_MS = 100;
/** How long deferred probes keep probeMs windows before they back off. */
export const PROBE_FAST_MS = 200;
/** The longest probe window while deferring (windows double from probeMs after PROBE_FAST_MS). */
export const PROBE_WINDOW_MAX_MS = 100;

/**
 * The longest narrowed program (about 250 IPv4 or 110 IPv6 addresses per interface). The kernel converts it to eBPF
 * (a few times larger) and charges old and new programs to the socket's option memory while it swaps them; a 3,000
 * instruction program was refused in the lab with 330 IPv6 addresses. Beyond this the broad filter is used.
 */
export const NARROW_FILTER_MAX = 1024;

export const DEFAULT_ANNOUNCE_TIMING: AnnounceTiming = {
  gratuitousCount: 3,
  gratuitousIntervalMs: 250,
  probeMs: 20,
  naSource: 'target',
};

export interface ResponderEvents {
  /** Another MAC answered or announced one of our IPs. */
  conflict(ip: ParsedIP, mac: string, ifname: string): void;
  /** An ARP reply or Neighbor Advertisement was sent for the IP, answering a request. */
  answered(ip: ParsedIP): void;
  /**
   * An ARP request or Neighbor Solicitation from another MAC asked for one of our IPs, whatever its state (probing,
   * answered, released): the requests not answered are the difference with `answered`.
   */
  requested?(ip: ParsedIP): void;
  /** A gratuitous ARP or unsolicited Neighbor Advertisement was sent for the IP (on taking it). */
  gratuitous?(ip: ParsedIP): void;
  /** A held IP passed its probe and is answered from now on (until removed): what is live has changed. */
  answering?(ip: ParsedIP, ifname: string): void;
  warn?(message: string): void;
  /** The last IP was removed (a released one handed over): the socket may be closed. */
  idle?(): void;
}

interface Held {
  readonly ip: ParsedIP;
  /** Answering starts once a probe window passes in which no other MAC spoke for the IP. */
  answering: boolean;
  /** While probing: the MAC that spoke for the IP in the current window, if any. */
  inUse?: string;
  /** When probing began (Date.now()), and the current window's length. */
  readonly probingSince: number;
  window: number;
  timers: NodeJS.Timeout[];
  /** Released: answered until another MAC probes for it or announces it, or RELEASE_MAX_MS. */
  releasing: boolean;
}

const ARP_OP = 14 + 6;
const ARP_SENDER_IP = 14 + 14;
const ARP_TARGET_IP = 14 + 24;

export class InterfaceResponder {
  private readonly v4 = new Map<number, Held>();
  private readonly v6 = new Map<bigint, Held>();
  private refilterPending = false;
  private readonly toProbe: Held[] = [];
  private closed = false;
  /** Solicited-node groups joined, with how many of our IPs need each. */
  private readonly groups = new Map<string, number>();

  constructor(
    private readonly socket: PacketSocket,
    private readonly linkLocal: ParsedIP | undefined,
    private readonly timing: AnnounceTiming,
    private readonly events: ResponderEvents,
  ) {}

  get ifname(): string {
    return this.socket.ifname;
  }

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  has(ip: ParsedIP): boolean {
    return this.held(ip) !== undefined;
  }

  /** Whether requests for the IP are answered now: held and past its probe (not probing or deferring). */
  answering(ip: ParsedIP): boolean {
    return this.held(ip)?.answering === true;
  }

  private held(ip: ParsedIP): Held | undefined {
    return ip.family === 'IPv4' ? this.v4.get(Number(ip.value)) : this.v6.get(ip.value);
  }

  add(ip: ParsedIP): void {
    const known = this.held(ip);
    if (known !== undefined) {
      // Taken back while released: still ours, still answered.
      if (known.releasing) this.clearTimers(known);
      known.releasing = false;
      return;
    }
    const held: Held = {
      ip,
      answering: false,
      probingSince: Date.now(),
      window: this.timing.probeMs,
      timers: [],
      releasing: false,
    };
    if (ip.family === 'IPv4') this.v4.set(Number(ip.value), held);
    else {
      if (!this.ndSender(ip)) return; // No link-local address to answer from (RFC 4861 §7.2.4).
      this.v6.set(ip.value, held);
      this.join(ip);
    }
    // Probed once the filter lets replies for it through (the same tick, after every add of a batch).
    this.toProbe.push(held);
    this.refilter();
  }

  /** Stops answering for `ip` now. */
  remove(ip: ParsedIP): void {
    const held = this.held(ip);
    if (!held) return;
    this.clearTimers(held);
    if (ip.family === 'IPv4') this.v4.delete(Number(ip.value));
    else {
      this.v6.delete(ip.value);
      this.leave(ip);
    }
    this.refilter();
    if (this.size === 0) this.events.idle?.();
  }

  /** Another node owns `ip` now: answered on until it probes for it or announces it (see the header). */
  release(ip: ParsedIP): void {
    const held = this.held(ip);
    if (!held || held.releasing) return;
    if (!held.answering) return this.remove(ip);
    this.clearTimers(held);
    held.releasing = true;
    held.timers.push(setTimeout(() => this.remove(held.ip), RELEASE_MAX_MS));
    const probe = (): void => {
      this.sendProbe(held);
      held.timers.push(setTimeout(probe, RELEASE_PROBE_MS));
    };
    probe();
  }

  private clearTimers(held: Held): void {
    for (const t of held.timers) clearTimeout(t);
    held.timers = [];
  }

  close(): void {
    this.closed = true;
    for (const h of [...this.v4.values(), ...this.v6.values()]) for (const t of h.timers) clearTimeout(t);
    this.v4.clear();
    this.v6.clear();
    this.socket.close();
  }

  onFrames(frames: Buffer[]): void {
    for (const f of frames) {
      if (f.length < 14) continue;
      const etherType = (f[12] << 8) | f[13];
      if (etherType === ETHERTYPE_ARP) this.onArp(f);
      else if (etherType === ETHERTYPE_IPV6 && this.v6.size > 0) this.onNdp(f);
    }
  }

  /** One probe, and a window after it in which another MAC speaking for the IP defers answering. */
  private probe(held: Held): void {
    held.inUse = undefined;
    this.sendProbe(held);
    held.timers.push(setTimeout(() => this.probeWindowEnded(held), held.window));
  }

  /** An ARP probe (RFC 5227 §2.1.1), or a Duplicate Address Detection NS (RFC 4862 §5.4.2), for the IP. */
  private sendProbe(held: Held): void {
    if (held.ip.family === 'IPv4') this.send(encodeArp(arpProbe(this.socket.mac, held.ip)));
    else {
      // A Duplicate Address Detection probe (RFC 4862 §5.4.2): from ::, to the solicited-node group, no SLLA.
      const group = solicitedNodeMulticast(held.ip);
      this.send(
        encodeNeighborDiscovery({
          kind: 'ns',
          ethDst: multicastMac(group),
          ethSrc: this.socket.mac,
          srcIP: IPV6_UNSPECIFIED,
          dstIP: group,
          target: held.ip,
        }),
      );
    }
  }

  private probeWindowEnded(held: Held): void {
    held.timers = [];
    const other = held.inUse;
    if (other === undefined || this.timing.probeMs === 0) return this.startAnswering(held);
    const deferred = Date.now() - held.probingSince;
    if (deferred >= PROBE_DEFER_MAX_MS) {
      this.events.conflict(held.ip, other, this.ifname);
      return this.startAnswering(held);
    }
    if (deferred >= PROBE_FAST_MS) held.window = Math.max(held.window, Math.min(2 * held.window, PROBE_WINDOW_MAX_MS));
    this.probe(held);
  }

  /** Another MAC spoke for one of our IPs: deferred while probing, handed over once released, else a conflict. */
  private otherOwner(held: Held, mac: Buffer): void {
    if (mac.equals(this.socket.mac)) return;
    if (held.releasing) this.remove(held.ip);
    else if (held.answering) this.events.conflict(held.ip, formatMac(mac), this.ifname);
    else held.inUse = formatMac(mac);
  }

  private startAnswering(held: Held): void {
    held.answering = true;
    held.inUse = undefined;
    const sendOne = (): void => {
      if (held.ip.family === 'IPv4') this.send(encodeArp(gratuitousArp(this.socket.mac, held.ip)));
      else {
        const from = this.ndSender(held.ip);
        if (!from) return;
        this.send(encodeNeighborDiscovery(unsolicitedNeighborAdvertisement(held.ip, from)));
      }
      this.events.gratuitous?.(held.ip);
    };
    sendOne();
    for (let i = 1; i < this.timing.gratuitousCount; i++) {
      held.timers.push(setTimeout(sendOne, i * this.timing.gratuitousIntervalMs));
    }
    this.events.answering?.(held.ip, this.ifname);
  }

  private onArp(f: Buffer): void {
    if (f.length < ARP_TARGET_IP + 4) return;
    const target = f.readUInt32BE(ARP_TARGET_IP);
    const sender = f.readUInt32BE(ARP_SENDER_IP);
    const ours = this.v4.get(target);
    const claimed = this.v4.get(sender);
    if (!ours && !claimed) return;
    const arp = decodeArp(f);
    if (isIgnored(arp)) return;
    // Someone else speaking for one of our IPs: a reply (to our probe, say), or an announcement (sender = target).
    if (claimed) this.otherOwner(claimed, arp.senderMac);
    const request = f.readUInt16BE(ARP_OP) === 1 && sender !== target;
    if (ours && request && !arp.senderMac.equals(this.socket.mac)) this.events.requested?.(ours.ip);
    // The new owner of a released IP probing for it: handed over, and the probe is not answered.
    if (ours?.releasing && sender === 0 && !arp.senderMac.equals(this.socket.mac)) return this.remove(ours.ip);
    if (ours?.answering && this.has(ours.ip) && request) {
      this.send(encodeArp(arpReply(arp, this.socket.mac)));
      this.events.answered(ours.ip);
    }
  }

  private onNdp(f: Buffer): void {
    const m = decodeNeighborDiscovery(f, (t) => this.v6.has(t));
    if (isIgnored(m)) return;
    const held = this.v6.get(m.target.value);
    if (!held) return;
    if (m.kind === 'na') {
      this.otherOwner(held, m.targetLinkLayer ?? m.ethSrc);
      return;
    }
    if (!m.ethSrc.equals(this.socket.mac)) this.events.requested?.(held.ip);
    // A DAD probe (from ::) by the new owner of a released IP: handed over, not answered.
    if (held.releasing && m.srcIP.value === 0n && !m.ethSrc.equals(this.socket.mac)) return this.remove(held.ip);
    const from = this.ndSender(m.target);
    if (!held.answering || !from) return;
    this.send(encodeNeighborDiscovery(neighborAdvertisementFor(m, from)));
    this.events.answered(held.ip);
  }

  /** Our MAC and the NA source address for `target`; undefined when link-local is asked for and there is none. */
  private ndSender(target: ParsedIP): { mac: Buffer; linkLocal: ParsedIP } | undefined {
    const source = this.timing.naSource === 'target' ? target : this.linkLocal;
    return source ? { mac: this.socket.mac, linkLocal: source } : undefined;
  }

  /**
   * Narrows the kernel filter to the IPs held now (once per tick, however many were added or removed), so frames
   * for other addresses never reach the receive queue; the broad filter when they do not fit in one program.
   */
  private refilter(): void {
    if (this.refilterPending) return;
    this.refilterPending = true;
    setImmediate(() => {
      this.refilterPending = false;
      if (this.closed) return;
      const narrow = announcedFilter([...this.v4.keys()], [...this.v6.keys()], NARROW_FILTER_MAX);
      try {
        this.socket.setFilter(narrow ?? broadFilter());
      } catch (e) {
        // The kernel may refuse a program its socket memory cannot hold (ENOMEM under net.core.optmem_max): a stale
        // narrow filter would drop requests for the new IPs, so fall back to the broad one.
        this.events.warn?.(`kernel filter not narrowed: ${e instanceof Error ? e.message : String(e)}`);
        try {
          this.socket.setFilter(broadFilter());
        } catch {
          // A socket closing under us: the responder is being dropped with it.
        }
      }
      for (const held of this.toProbe.splice(0)) if (this.has(held.ip)) this.probe(held);
    });
  }

  private join(ip: ParsedIP): void {
    const mac = multicastMac(solicitedNodeMulticast(ip));
    const key = mac.toString('hex');
    const n = this.groups.get(key) ?? 0;
    if (n === 0) this.socket.addMembership(mac);
    this.groups.set(key, n + 1);
  }

  private leave(ip: ParsedIP): void {
    const mac = multicastMac(solicitedNodeMulticast(ip));
    const key = mac.toString('hex');
    const n = this.groups.get(key) ?? 0;
    if (n <= 1) {
      this.groups.delete(key);
      this.socket.dropMembership(mac);
    } else this.groups.set(key, n - 1);
  }

  private send(frame: Buffer): void {
    try {
      this.socket.send(frame);
    } catch {
      // The link went away under us: the interface table update that follows closes this responder.
    }
  }
}
