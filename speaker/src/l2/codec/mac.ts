/** MAC addresses: 6-byte Buffers in the codecs, `02:1b:1b:01:01:00` (lowercase, colons) as text. */
export const MAC_LENGTH = 6;

/** ff:ff:ff:ff:ff:ff. Shared: copy it before changing it (the encoders only read it). */
export const BROADCAST_MAC: Buffer = Buffer.alloc(MAC_LENGTH, 0xff);
/** 00:00:00:00:00:00: the "unknown" target hardware address of ARP requests (RFC 5227 §2.1.1). */
export const ZERO_MAC: Buffer = Buffer.alloc(MAC_LENGTH, 0);

const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** `aa:bb:cc:dd:ee:ff` (either case) to 6 bytes; undefined for anything else (no `-` or dotted forms). */
export function parseMac(text: string): Buffer | undefined {
  if (!MAC_RE.test(text)) return undefined;
  return Buffer.from(text.replace(/:/g, ''), 'hex');
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The 6 bytes at `offset` as `aa:bb:cc:dd:ee:ff`; throws when fewer than 6 bytes are there (a caller's bug). */
export function formatMac(mac: Uint8Array, offset = 0): string {
  if (offset < 0 || mac.length < offset + MAC_LENGTH) throw new RangeError(`formatMac: need 6 bytes at ${offset}`);
  let s = HEX[mac[offset]];
  for (let i = 1; i < MAC_LENGTH; i++) s += `:${HEX[mac[offset + i]]}`;
  return s;
}

/** The group bit (I/G, lowest bit of the first byte): broadcast and multicast destinations. */
export function isMulticastMac(mac: Uint8Array): boolean {
  return (mac[0] & 1) === 1;
}

/** Throws unless `mac` is exactly 6 bytes (the encoders' check of what our own code passes them). */
export function assertMac(mac: Uint8Array, what: string): void {
  if (mac.length !== MAC_LENGTH) throw new RangeError(`${what}: a MAC is 6 bytes, got ${mac.length}`);
}
