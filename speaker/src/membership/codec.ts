/**
 * The heartbeat on the wire: fixed binary fields, so decoding untrusted bytes is a few bounds checks and never a
 * parser (port 7946 may also receive MetalLB memberlist traffic or anything else). Version 1:
 *
 *   offset  size  field
 *        0     2  magic "IL" (0x49 0x4c)
 *        2     1  version = 1
 *        3     1  flags: bit 0 leaving, bit 1 ready; the other bits are ignored, so a flag can be added without a
 *                  new version
 *        4     8  incarnation, unsigned big-endian (at most 2^53 - 1)
 *       12     4  sequence, unsigned big-endian
 *       16     1  n = length of the node name (1..253)
 *       17     n  node name, a DNS subdomain (lowercase ASCII)
 *
 * Anything else is rejected with a reason, for counting; decode never throws. A speaker only understands its own
 * version: one that changes the layout should send both versions for a release, or upgraded nodes look dead to old
 * ones (the Lease rule would revive them, after a second or two).
 */
import type { Heartbeat } from './heartbeat';

export const VERSION = 1;
const MAGIC = 0x494c;
const HEADER = 17;
const MAX_NAME = 253;
export const MAX_DATAGRAM = HEADER + MAX_NAME;
const LEAVING = 0x01;
const READY = 0x02;

/** A Kubernetes Node name: a DNS-1123 subdomain. */
const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export type RejectReason = 'truncated' | 'magic' | 'version' | 'oversize' | 'trailing' | 'name' | 'incarnation';

export type Decoded =
  { readonly ok: true; readonly heartbeat: Heartbeat } | { readonly ok: false; readonly reason: RejectReason };

export function isNodeName(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_NAME && NODE_NAME.test(name);
}

/** Throws on a message no peer would accept (a bad name or out-of-range number): that is a bug in the caller. */
export function encodeHeartbeat(h: Heartbeat): Buffer {
  if (!isNodeName(h.node)) throw new RangeError(`not a node name: ${JSON.stringify(h.node)}`);
  if (!Number.isSafeInteger(h.incarnation) || h.incarnation < 0) throw new RangeError('incarnation out of range');
  if (!Number.isInteger(h.seq) || h.seq < 0 || h.seq > 0xffff_ffff) throw new RangeError('seq out of range');
  const buf = Buffer.alloc(HEADER + h.node.length);
  buf.writeUInt16BE(MAGIC, 0);
  buf.writeUInt8(VERSION, 2);
  buf.writeUInt8((h.leaving ? LEAVING : 0) | (h.ready ? READY : 0), 3);
  buf.writeBigUInt64BE(BigInt(h.incarnation), 4);
  buf.writeUInt32BE(h.seq, 12);
  buf.writeUInt8(h.node.length, 16);
  buf.write(h.node, HEADER, 'latin1');
  return buf;
}

export function decodeHeartbeat(buf: Uint8Array): Decoded {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const reject = (reason: RejectReason): Decoded => ({ ok: false, reason });
  if (b.length < 3) return reject('truncated');
  if (b.readUInt16BE(0) !== MAGIC) return reject('magic');
  if (b[2] !== VERSION) return reject('version');
  if (b.length > MAX_DATAGRAM) return reject('oversize');
  if (b.length < HEADER) return reject('truncated');
  const n = b[16];
  if (b.length < HEADER + n) return reject('truncated');
  if (b.length > HEADER + n) return reject('trailing');
  const node = b.toString('latin1', HEADER);
  if (!isNodeName(node)) return reject('name');
  const incarnation = b.readBigUInt64BE(4);
  if (incarnation > BigInt(Number.MAX_SAFE_INTEGER)) return reject('incarnation');
  const heartbeat = {
    node,
    incarnation: Number(incarnation),
    seq: b.readUInt32BE(12),
    leaving: (b[3] & LEAVING) !== 0,
    ready: (b[3] & READY) !== 0,
  };
  return { ok: true, heartbeat };
}
