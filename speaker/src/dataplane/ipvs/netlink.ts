/**
 * Generic netlink framing, both ways, pure: a request as the exact bytes to write on the socket, and the kernel's
 * datagrams split back into messages and attributes. Netlink's own integers (header fields, u16/u32 attributes)
 * are in the host's byte order; the order is a parameter (default: this host's) so the tests can pin it.
 */
import { endianness } from 'node:os';
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_CMD_GETFAMILY,
  CTRL_REQUEST_VERSION,
  GENL_HDRLEN,
  GENL_ID_CTRL,
  NLA_ALIGNTO,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
  NLM_F_ACK,
  NLM_F_REQUEST,
  NLMSG_HDRLEN,
} from './uapi';

export type ByteOrder = 'LE' | 'BE';
export const HOST_ORDER: ByteOrder = endianness();

/** A netlink attribute to write: raw payload bytes, or nested attributes. */
export type Attr =
  { readonly type: number; readonly payload: Buffer } | { readonly type: number; readonly nested: readonly Attr[] };

const align = (n: number): number => (n + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);

export function u16(v: number, order: ByteOrder): Buffer {
  const b = Buffer.alloc(2);
  if (order === 'LE') b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

export function u32(v: number, order: ByteOrder): Buffer {
  const b = Buffer.alloc(4);
  if (order === 'LE') b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

/** A __be16 (network order whatever the host). */
export function be16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}

/** A __be32. */
export function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

/** An NLA_NUL_STRING: the characters and one NUL, as nla_put_string writes it. */
export function stringz(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(1)]);
}

function writeAttrs(attrs: readonly Attr[], order: ByteOrder): Buffer {
  const parts: Buffer[] = [];
  for (const a of attrs) {
    // A nest is written without NLA_F_NESTED, as the kernel writes its own (nla_nest_start_noflag); see messages.ts.
    const body = 'payload' in a ? a.payload : writeAttrs(a.nested, order);
    const len = NLA_HDRLEN + body.length;
    if (len > 0xffff) throw new RangeError(`netlink attribute ${a.type} too long: ${len} bytes`);
    const out = Buffer.alloc(align(len));
    if (order === 'LE') {
      out.writeUInt16LE(len, 0);
      out.writeUInt16LE(a.type, 2);
    } else {
      out.writeUInt16BE(len, 0);
      out.writeUInt16BE(a.type, 2);
    }
    body.copy(out, NLA_HDRLEN);
    parts.push(out);
  }
  return Buffer.concat(parts);
}

export interface GenlRequest {
  /** nlmsg_type: the generic netlink family's id. */
  readonly family: number;
  /** nlmsg_flags */
  readonly flags: number;
  readonly seq: number;
  readonly cmd: number;
  readonly version: number;
  readonly attrs: readonly Attr[];
}

/** nlmsghdr (pid 0: the kernel fills in the sender's port) + genlmsghdr + attributes. */
export function encodeGenl(req: GenlRequest, order: ByteOrder = HOST_ORDER): Buffer {
  const attrs = writeAttrs(req.attrs, order);
  const head = Buffer.alloc(NLMSG_HDRLEN + GENL_HDRLEN);
  const len = head.length + attrs.length;
  if (order === 'LE') {
    head.writeUInt32LE(len, 0);
    head.writeUInt16LE(req.family, 4);
    head.writeUInt16LE(req.flags, 6);
    head.writeUInt32LE(req.seq >>> 0, 8);
    head.writeUInt32LE(0, 12);
  } else {
    head.writeUInt32BE(len, 0);
    head.writeUInt16BE(req.family, 4);
    head.writeUInt16BE(req.flags, 6);
    head.writeUInt32BE(req.seq >>> 0, 8);
    head.writeUInt32BE(0, 12);
  }
  head.writeUInt8(req.cmd, 16);
  head.writeUInt8(req.version, 17);
  return Buffer.concat([head, attrs]);
}

/** The kernel sent bytes that are not netlink as its headers describe it. */
export class NetlinkFormatError extends Error {
  override readonly name = 'NetlinkFormatError';
}

export interface NetlinkMessage {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  /** What follows the nlmsghdr, nlmsg_len - 16 bytes. */
  readonly payload: Buffer;
}

/** One datagram's messages, in order. */
export function splitMessages(datagram: Buffer, order: ByteOrder = HOST_ORDER): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let off = 0;
  while (off < datagram.length) {
    if (datagram.length - off < NLMSG_HDRLEN)
      throw new NetlinkFormatError(`${datagram.length - off} trailing bytes, less than a netlink header`);
    const r32 = (at: number): number => (order === 'LE' ? datagram.readUInt32LE(at) : datagram.readUInt32BE(at));
    const r16 = (at: number): number => (order === 'LE' ? datagram.readUInt16LE(at) : datagram.readUInt16BE(at));
    const len = r32(off);
    if (len < NLMSG_HDRLEN || off + len > datagram.length)
      throw new NetlinkFormatError(`netlink message length ${len} at offset ${off} of ${datagram.length}`);
    out.push({
      type: r16(off + 4),
      flags: r16(off + 6),
      seq: r32(off + 8),
      pid: r32(off + 12),
      payload: datagram.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align(len);
  }
  return out;
}

/**
 * Attributes by type (NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off, so a nest reads the same with or without
 * the flag); a repeated type keeps the last, as the kernel's nla_parse does.
 */
export function parseAttrs(bytes: Buffer, order: ByteOrder = HOST_ORDER): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let off = 0;
  while (bytes.length - off >= NLA_HDRLEN) {
    const len = order === 'LE' ? bytes.readUInt16LE(off) : bytes.readUInt16BE(off);
    const type = (order === 'LE' ? bytes.readUInt16LE(off + 2) : bytes.readUInt16BE(off + 2)) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > bytes.length)
      throw new NetlinkFormatError(`attribute length ${len} at offset ${off} of ${bytes.length}`);
    out.set(type, bytes.subarray(off + NLA_HDRLEN, off + len));
    off += align(len);
  }
  return out;
}

export interface GenlPayload {
  readonly cmd: number;
  readonly version: number;
  readonly attrs: Map<number, Buffer>;
}

/** A generic netlink message's payload: the genlmsghdr and its attributes. */
export function parseGenl(payload: Buffer, order: ByteOrder = HOST_ORDER): GenlPayload {
  if (payload.length < GENL_HDRLEN) throw new NetlinkFormatError(`generic netlink payload of ${payload.length} bytes`);
  return { cmd: payload[0], version: payload[1], attrs: parseAttrs(payload.subarray(GENL_HDRLEN), order) };
}

/**
 * NLMSG_ERROR's `int error` (struct nlmsgerr's first field): 0 is an acknowledgement, otherwise a negative errno,
 * returned here as the positive errno. NLMSG_DONE carries the same int (non-zero when a dump failed).
 */
export function errnoOf(payload: Buffer, order: ByteOrder = HOST_ORDER): number {
  if (payload.length < 4) throw new NetlinkFormatError(`error message payload of ${payload.length} bytes`);
  const error = order === 'LE' ? payload.readInt32LE(0) : payload.readInt32BE(0);
  return error === 0 ? 0 : -error;
}

export function readU16(b: Buffer | undefined, order: ByteOrder = HOST_ORDER): number | undefined {
  if (b === undefined) return undefined;
  if (b.length < 2) throw new NetlinkFormatError(`a u16 attribute of ${b.length} bytes`);
  return order === 'LE' ? b.readUInt16LE(0) : b.readUInt16BE(0);
}

export function readU32(b: Buffer | undefined, order: ByteOrder = HOST_ORDER): number | undefined {
  if (b === undefined) return undefined;
  if (b.length < 4) throw new NetlinkFormatError(`a u32 attribute of ${b.length} bytes`);
  return order === 'LE' ? b.readUInt32LE(0) : b.readUInt32BE(0);
}

export function readBe16(b: Buffer | undefined): number | undefined {
  if (b === undefined) return undefined;
  if (b.length < 2) throw new NetlinkFormatError(`a be16 attribute of ${b.length} bytes`);
  return b.readUInt16BE(0);
}

export function readBe32(b: Buffer | undefined): number | undefined {
  if (b === undefined) return undefined;
  if (b.length < 4) throw new NetlinkFormatError(`a be32 attribute of ${b.length} bytes`);
  return b.readUInt32BE(0);
}

/** An NLA_NUL_STRING's characters, up to the first NUL. */
export function readString(b: Buffer | undefined): string | undefined {
  if (b === undefined) return undefined;
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('latin1');
}

/** CTRL_CMD_GETFAMILY for one family by name, acknowledged (the reply or an error comes back either way). */
export function encodeGetFamily(name: string, seq: number, order: ByteOrder = HOST_ORDER): Buffer {
  return encodeGenl(
    {
      family: GENL_ID_CTRL,
      flags: NLM_F_REQUEST | NLM_F_ACK,
      seq,
      cmd: CTRL_CMD_GETFAMILY,
      version: CTRL_REQUEST_VERSION,
      attrs: [{ type: CTRL_ATTR_FAMILY_NAME, payload: stringz(name) }],
    },
    order,
  );
}

/** The family id in the controller's CTRL_CMD_NEWFAMILY answer, or undefined when it carries none. */
export function familyIdOf(payload: Buffer, order: ByteOrder = HOST_ORDER): number | undefined {
  return readU16(parseGenl(payload, order).attrs.get(CTRL_ATTR_FAMILY_ID), order);
}
