/**
 * What a decoder returns for a frame that is not for us. Decoders face the wire: they never throw, and a flood of
 * foreign or malformed frames must cost nothing but the checks, so every reason is one preallocated frozen object.
 */
export type IgnoreReason =
  /** Shorter than its headers, or than its own length fields say. */
  | 'truncated'
  /** 802.1Q / 802.1ad tagged: the speaker listens on the untagged interface (a VLAN interface strips tags). */
  | 'vlan-tagged'
  | 'not-arp'
  /** ARP for something other than IPv4 over Ethernet (htype 1, ptype 0x0800, hlen 6, plen 4). */
  | 'not-ipv4-over-ethernet'
  /** ARP opcode other than 1 (request) and 2 (reply), e.g. RARP. */
  | 'unknown-op'
  | 'not-ipv6'
  /** IP version nibble is not 6. */
  | 'bad-ip-version'
  /** Next header is not ICMPv6 (58): other protocols, and every extension header. */
  | 'not-icmpv6'
  /** ICMPv6, but neither a Neighbor Solicitation (135) nor an Advertisement (136). */
  | 'not-neighbor-discovery'
  /** The target address is not one the caller's filter wants (checked before the checksum, to bail out early). */
  | 'not-wanted'
  /** RFC 4861 §7.1.1/§7.1.2: hop limit must be 255 (the packet cannot come from off-link). */
  | 'bad-hop-limit'
  | 'bad-code'
  | 'bad-checksum'
  /** ICMP length (from the IPv6 payload length) below 24. */
  | 'too-short'
  | 'multicast-target'
  /** An option of length 0, running past the message, or a link-layer address option that is not 6 bytes long. */
  | 'bad-option'
  /** NS from the unspecified address (DAD) not sent to a solicited-node multicast address. */
  | 'dad-not-solicited-node'
  /** NS from the unspecified address (DAD) carrying a Source Link-Layer Address option. */
  | 'dad-with-slla'
  /** NA to a multicast destination with the Solicited flag set. */
  | 'solicited-multicast-na';

export interface Ignored {
  readonly ignored: IgnoreReason;
}

const cache = new Map<IgnoreReason, Ignored>();

/** The one frozen Ignored value for `reason` (no allocation after the first). */
export function ignore(reason: IgnoreReason): Ignored {
  let r = cache.get(reason);
  if (r === undefined) {
    r = Object.freeze({ ignored: reason });
    cache.set(reason, r);
  }
  return r;
}

/** True when a decoder declined the frame. */
export function isIgnored<T extends object>(r: T | Ignored): r is Ignored {
  return 'ignored' in r;
}

/**
 * Which target addresses a decoder should go on with (ParsedIP.value of the ARP or ND target): asked before any
 * checksum or object is made, so a flood for addresses nobody here announces is cheap to drop.
 */
export type TargetFilter = (target: bigint) => boolean;
