/**
 * Ethernet II frames as an AF_PACKET socket delivers and sends them: destination, source, EtherType, payload; no
 * preamble and no FCS. 802.1Q / 802.1ad tagged frames are declined ('vlan-tagged'): on Linux the speaker opens the
 * untagged interface (a VLAN's own interface receives its frames with the tag already stripped), so a tag that still
 * reaches us belongs to a VLAN we were not asked to serve.
 */
import { ignore, type Ignored } from './ignored';
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

export interface EthernetFrame {
  dst: Buffer;
  src: Buffer;
  etherType: number;
  /** Everything after the header, padding included (the layer above knows its own length). */
  payload: Buffer;
}

/** Is this EtherType a VLAN tag (802.1Q, 802.1ad, or the old 0x9100)? */
export function isVlanEtherType(etherType: number): boolean {
  return etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_QINQ_OLD;
}

/** The EtherType at bytes 12-13, or undefined for a frame too short to have one; reads, allocates nothing. */
export function peekEtherType(frame: Uint8Array): number | undefined {
  return frame.length < ETHERNET_HEADER_LENGTH ? undefined : (frame[12] << 8) | frame[13];
}

/**
 * The header fields and payload of an Ethernet II frame. `dst`, `src` and `payload` are views into `frame`, not
 * copies: copy them (Buffer.from) to keep them after the frame's buffer is reused.
 */
export function decodeEthernet(frame: Buffer): EthernetFrame | Ignored {
  const etherType = peekEtherType(frame);
  if (etherType === undefined) return ignore('truncated');
  if (isVlanEtherType(etherType)) return ignore('vlan-tagged');
  if (etherType < 0x0600) return ignore('not-ethernet-ii');
  return {
    dst: frame.subarray(0, MAC_LENGTH),
    src: frame.subarray(MAC_LENGTH, 2 * MAC_LENGTH),
    etherType,
    payload: frame.subarray(ETHERNET_HEADER_LENGTH),
  };
}

/** Writes the 14-byte header at the start of `out`. */
export function writeEthernetHeader(out: Buffer, dst: Uint8Array, src: Uint8Array, etherType: number): void {
  assertMac(dst, 'Ethernet destination');
  assertMac(src, 'Ethernet source');
  out.set(dst, 0);
  out.set(src, MAC_LENGTH);
  out.writeUInt16BE(etherType, 12);
}

/**
 * The frame's bytes, zero-padded to `minLength` when shorter (0: no padding). Throws on a MAC that is not 6 bytes
 * or an EtherType out of range: encoders only ever see what our own code built.
 */
export function encodeEthernet(f: EthernetFrame, minLength = 0): Buffer {
  if (!Number.isInteger(f.etherType) || f.etherType < 0x0600 || f.etherType > 0xffff) {
    throw new RangeError(`Ethernet II EtherType must be 0x0600..0xffff, got ${f.etherType}`);
  }
  const out = Buffer.alloc(Math.max(ETHERNET_HEADER_LENGTH + f.payload.length, minLength));
  writeEthernetHeader(out, f.dst, f.src, f.etherType);
  out.set(f.payload, ETHERNET_HEADER_LENGTH);
  return out;
}
