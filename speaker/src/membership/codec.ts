/**
 * The heartbeat on the wire: fixed binary fields, so decoding untrusted bytes is a few bounds checks and never a
 * parser (port 7946 may also receive MetalLB memberlist traffic or anything else), and a MAC, so that only a holder
 * of the cluster's heartbeat key can speak for a node. Version 2:
 *
 *   offset  size  field
 *        0     2  magic "IL" (0x49 0x4c)
 *        2     1  version = 2
 *        3     1  flags: bit 0 leaving, bit 1 ready; the other bits are ignored (but signed), so a flag can be
 *                 added without a new version
 *        4     8  incarnation, unsigned big-endian (at most 2^53 - 1): the sending process's start, ms since the
 *                 epoch; orders a node's processes across restarts
 *       12     8  epoch: 8 random bytes per process, so two processes never share an identity (a start in the same
 *                 millisecond, a wall clock stepped back to an earlier start)
 *       20     4  sequence, unsigned big-endian: counts up per heartbeat within a process
 *       24     1  n = length of the node name (1..253)
 *       25     n  node name, a DNS subdomain (lowercase ASCII)
 *   25 + n    32  HMAC-SHA256 over bytes 0 .. 24 + n, keyed with the heartbeat key
 *
 * 58 to 310 bytes. Anything else is rejected with a reason, for counting; decode never throws. The MAC is checked
 * before the name and numbers are read, against every accepted key (two during a rotation), in constant time.
 * Replays of genuine datagrams pass the MAC; the receiver drops them by (incarnation, epoch, sequence): see
 * heartbeat.ts. A speaker only understands its own version: one that changes the layout should send both versions
 * for a release, or upgraded nodes look dead to old ones (the Lease rule would revive them after a second or two).
 * Version 1 (the same without epoch and MAC) was never released and is rejected as any other version.
 *
 * Pure: keys are passed in (the daemon reads them from a Secret); HMAC is computation, not I/O.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Heartbeat } from './heartbeat';

export const VERSION = 2;
const MAGIC = 0x494c;
const HEADER = 25;
export const MAC_SIZE = 32;
const MAX_NAME = 253;
export const MAX_DATAGRAM = HEADER + MAX_NAME + MAC_SIZE;
const LEAVING = 0x01;
const READY = 0x02;
const EPOCH = /^[0-9a-f]{16}$/;

/**
 * The key of `--insecure-heartbeats`: public, so it authenticates nothing; it only keeps insecure and keyed
 * speakers from mistaking each other's heartbeats for their own cluster's.
 */
export const INSECURE_KEY: Buffer = Buffer.from('ironlb insecure heartbeats: no key');

/** A Kubernetes Node name: a DNS-1123 subdomain. */
const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export type RejectReason =
  'truncated' | 'magic' | 'version' | 'oversize' | 'trailing' | 'signature' | 'name' | 'incarnation';

export type Decoded =
  | {
      readonly ok: true;
      readonly heartbeat: Heartbeat;
      /** Which of the accepted keys signed it. */ readonly key: number;
    }
  | { readonly ok: false; readonly reason: RejectReason };

export function isNodeName(name: string): boolean {
  // NODE_NAME needs a first character, so an empty name fails it.
  return name.length <= MAX_NAME && NODE_NAME.test(name);
}

const macOf = (key: Uint8Array, body: Uint8Array): Buffer => createHmac('sha256', key).update(body).digest();

/** Throws on a message no peer would accept (a bad name or out-of-range number) or no key: a bug in the caller. */
export function encodeHeartbeat(h: Heartbeat, key: Uint8Array): Buffer {
  if (!isNodeName(h.node)) throw new RangeError(`not a node name: ${JSON.stringify(h.node)}`);
  if (!Number.isSafeInteger(h.incarnation) || h.incarnation < 0) throw new RangeError('incarnation out of range');
  if (!EPOCH.test(h.epoch)) throw new RangeError('epoch must be 16 hex digits');
  if (!Number.isInteger(h.seq) || h.seq < 0 || h.seq > 0xffff_ffff) throw new RangeError('seq out of range');
  if (key.length === 0) throw new RangeError('no key to sign with');
  const body = HEADER + h.node.length;
  const buf = Buffer.alloc(body + MAC_SIZE);
  buf.writeUInt16BE(MAGIC, 0);
  buf.writeUInt8(VERSION, 2);
  buf.writeUInt8((h.leaving ? LEAVING : 0) | (h.ready ? READY : 0), 3);
  buf.writeBigUInt64BE(BigInt(h.incarnation), 4);
  buf.write(h.epoch, 12, 'hex');
  buf.writeUInt32BE(h.seq, 20);
  buf.writeUInt8(h.node.length, 24);
  buf.write(h.node, HEADER, 'latin1');
  macOf(key, buf.subarray(0, body)).copy(buf, body);
  return buf;
}

/** `keys`: every accepted key (the signing one and, during a rotation, one more); none accepts nothing. */
export function decodeHeartbeat(buf: Uint8Array, keys: readonly Uint8Array[]): Decoded {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const reject = (reason: RejectReason): Decoded => ({ ok: false, reason });
  if (b.length < 3) return reject('truncated');
  if (b.readUInt16BE(0) !== MAGIC) return reject('magic');
  if (b[2] !== VERSION) return reject('version');
  if (b.length > MAX_DATAGRAM) return reject('oversize');
  if (b.length < HEADER + MAC_SIZE) return reject('truncated');
  const body = HEADER + b[24];
  if (b.length < body + MAC_SIZE) return reject('truncated');
  if (b.length > body + MAC_SIZE) return reject('trailing');
  const mac = b.subarray(body);
  const key = keys.findIndex((k) => k.length > 0 && timingSafeEqual(macOf(k, b.subarray(0, body)), mac));
  if (key < 0) return reject('signature');
  const node = b.toString('latin1', HEADER, body);
  if (!isNodeName(node)) return reject('name');
  const incarnation = b.readBigUInt64BE(4);
  if (incarnation > BigInt(Number.MAX_SAFE_INTEGER)) return reject('incarnation');
  const heartbeat = {
    node,
    incarnation: Number(incarnation),
    epoch: b.toString('hex', 12, 20),
    seq: b.readUInt32BE(20),
    leaving: (b[3] & LEAVING) !== 0,
    ready: (b[3] & READY) !== 0,
  };
  return { ok: true, heartbeat, key };
}
