/**
 * Answers ARP requests and Neighbor Solicitations on one interface for the IPs this node announces, announces a
 * newly won IP (gratuitous ARP / unsolicited NA, repeated), and watches for another MAC answering for one of ours.
 * Frames for other addresses are dropped after a few byte reads, so a flood costs little per frame.
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
  isIgnored,
  multicastMac,
  neighborAdvertisementFor,
  solicitedNodeMulticast,
  unsolicitedNeighborAdvertisement,
} from './codec';
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

export const DEFAULT_ANNOUNCE_TIMING: AnnounceTiming = {
  gratuitousCount: 3,
  gratuitousIntervalMs: 250,
  probeMs: 20,
  naSource: 'target',
};

export interface ResponderEvents {
  /** Another MAC answered or announced one of our IPs. */
  conflict(ip: ParsedIP, mac: string, ifname: string): void;
  answered(family: 'IPv4' | 'IPv6'): void;
}

interface Held {
  readonly ip: ParsedIP;
  /** Answering starts once the probe window is over. */
  answering: boolean;
  timers: NodeJS.Timeout[];
}

const ARP_OP = 14 + 6;
const ARP_SENDER_IP = 14 + 14;
const ARP_TARGET_IP = 14 + 24;

export class InterfaceResponder {
  private readonly v4 = new Map<number, Held>();
  private readonly v6 = new Map<bigint, Held>();
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
    return ip.family === 'IPv4' ? this.v4.has(Number(ip.value)) : this.v6.has(ip.value);
  }

  add(ip: ParsedIP): void {
    if (this.has(ip)) return;
    const held: Held = { ip, answering: false, timers: [] };
    if (ip.family === 'IPv4') {
      this.v4.set(Number(ip.value), held);
      this.send(encodeArp(arpProbe(this.socket.mac, ip)));
    } else {
      if (!this.ndSender(ip)) return; // No link-local address to answer from (RFC 4861 §7.2.4).
      this.v6.set(ip.value, held);
      this.join(ip);
    }
    held.timers.push(setTimeout(() => this.startAnswering(held), this.timing.probeMs));
  }

  remove(ip: ParsedIP): void {
    const held = ip.family === 'IPv4' ? this.v4.get(Number(ip.value)) : this.v6.get(ip.value);
    if (!held) return;
    for (const t of held.timers) clearTimeout(t);
    if (ip.family === 'IPv4') this.v4.delete(Number(ip.value));
    else {
      this.v6.delete(ip.value);
      this.leave(ip);
    }
  }

  close(): void {
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

  private startAnswering(held: Held): void {
    held.answering = true;
    const sendOne = (): void => {
      if (held.ip.family === 'IPv4') this.send(encodeArp(gratuitousArp(this.socket.mac, held.ip)));
      else {
        const from = this.ndSender(held.ip);
        if (from) this.send(encodeNeighborDiscovery(unsolicitedNeighborAdvertisement(held.ip, from)));
      }
    };
    sendOne();
    for (let i = 1; i < this.timing.gratuitousCount; i++) {
      held.timers.push(setTimeout(sendOne, i * this.timing.gratuitousIntervalMs));
    }
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
    // Someone else speaking for one of our IPs: a reply, or an announcement (sender = target).
    if (claimed && !arp.senderMac.equals(this.socket.mac)) {
      this.events.conflict(claimed.ip, formatMac(arp.senderMac), this.ifname);
    }
    if (ours?.answering && f.readUInt16BE(ARP_OP) === 1 && sender !== target) {
      this.send(encodeArp(arpReply(arp, this.socket.mac)));
      this.events.answered('IPv4');
    }
  }

  private onNdp(f: Buffer): void {
    const m = decodeNeighborDiscovery(f, (t) => this.v6.has(t));
    if (isIgnored(m)) return;
    const held = this.v6.get(m.target.value);
    if (!held) return;
    if (m.kind === 'na') {
      const mac = m.targetLinkLayer ?? m.ethSrc;
      if (!mac.equals(this.socket.mac)) this.events.conflict(held.ip, formatMac(mac), this.ifname);
      return;
    }
    const from = this.ndSender(m.target);
    if (!held.answering || !from) return;
    this.send(encodeNeighborDiscovery(neighborAdvertisementFor(m, from)));
    this.events.answered('IPv6');
  }

  /** Our MAC and the NA source address for `target`; undefined when link-local is asked for and there is none. */
  private ndSender(target: ParsedIP): { mac: Buffer; linkLocal: ParsedIP } | undefined {
    const source = this.timing.naSource === 'target' ? target : this.linkLocal;
    return source ? { mac: this.socket.mac, linkLocal: source } : undefined;
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
