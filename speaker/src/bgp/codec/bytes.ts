/** Big-endian reads and a writer of exact or growing size: the codec's only byte-level helpers. */
import type { ParsedIP } from '@ironlb/shared';
import { prefixBytes, writeAddress, writePrefix } from './prefix';
import type { Family, Prefix } from './types';

export function u16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

export function u32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

/** Writes big-endian fields; grows when it was not given the exact size up front. */
export class Writer {
  private buf: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.room(2);
    this.buf[this.pos++] = v >>> 8;
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.buf[this.pos++] = v >>> 24;
    this.buf[this.pos++] = v >>> 16;
    this.buf[this.pos++] = v >>> 8;
    this.buf[this.pos++] = v;
  }

  bytes(v: Uint8Array): void {
    this.room(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** A prefix of `family` (throws when it is not one, or has host bits set). */
  prefix(p: Prefix, family: Family): void {
    this.room(prefixBytes(p));
    this.pos = writePrefix(this.buf, this.pos, p, family);
  }

  address(ip: ParsedIP, family: Family): void {
    this.room(family === 'ipv4' ? 4 : 16);
    this.pos = writeAddress(this.buf, this.pos, ip, family);
  }

  /** Overwrites a 16-bit field written earlier (a length known only after its contents). */
  patchU16(at: number, v: number): void {
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
  }

  /** The bytes written; the whole buffer when it was sized exactly. */
  finish(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos);
  }
}

/** A value the caller built wrongly (not something a peer sent): encoding it is a bug, so it throws. */
export function checkRange(what: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what} out of range: ${v}`);
}
