/**
 * Ethernet II headers as an AF_PACKET socket delivers and sends them: destination, source, EtherType; no preamble
 * and no FCS. The ARP and NDP codecs read the EtherType in place and write the header into their own buffer, so
 * nothing here allocates. 802.1Q / 802.1ad tagged frames are declined ('vlan-tagged'): on Linux the speaker opens the
 * untagged interface (a VLAN's own interface receives its frames with the tag already stripped), so a tag that still
 * reaches us belongs to a VLAN we were not asked to serve.
 */
import { assertMac, MAC_LENGTH } from './mac';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
/** The pre-standard QinQ tag some switches still send. */
export const ETHERTYPE_QINQ_OLD = 0x9100;

export const ETHERNET_HEADER_LENGTH = 14;
/** The shortest Ethernet frame without its 4-byte FCS: shorter ones are padded with zeros to this length. */
export const ETHERNET_MIN_FRAME_LENGTH = 60;

/** Is this EtherType a VLAN tag (802.1Q, 802.1ad, or the old 0x9100)? */
export function isVlanEtherType(etherType: number): boolean {
  return etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_QINQ_OLD;
}

/** The EtherType at bytes 12-13, or undefined for a frame too short to have one; reads, allocates nothing. */
export function peekEtherType(frame: Uint8Array): number | undefined {
  return frame.length < ETHERNET_HEADER_LENGTH ? undefined : (frame[12] << 8) | frame[13];
}

/** Writes the 14-byte header at the start of `out`. */
export function writeEthernetHeader(out: Buffer, dst: Uint8Array, src: Uint8Array, etherType: number): void {
  assertMac(dst, 'Ethernet destination');
  assertMac(src, 'Ethernet source');
  out.set(dst, 0);
  out.set(src, MAC_LENGTH);
  out.writeUInt16BE(etherType, 12);
}
