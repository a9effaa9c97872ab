// IPv4/IPv6 prefix arithmetic with bigints: enough to tell whether two prefixes overlap, which is
// how the lab proves it never plans an address the machine itself uses. Pure, no I/O.

export interface Prefix {
  family: 4 | 6;
  /** The network address as an integer (host bits cleared). */
  network: bigint;
  length: number;
  text: string;
}

function parseV4(addr: string): bigint | undefined {
  const parts = addr.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(addr: string): bigint | undefined {
  // An embedded dotted quad (::ffff:1.2.3.4) becomes two hextets.
  let text = addr.toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[2]);
    if (v4 === undefined) return undefined;
    text = `${dotted[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** Parses `addr` or `addr/len`; a bare address is a host prefix (/32 or /128). Undefined when not an IP. */
export function parsePrefix(text: string): Prefix | undefined {
  const [addr, len, ...rest] = text.split('/');
  if (rest.length > 0) return undefined;
  const family: 4 | 6 = addr.includes(':') ? 6 : 4;
  const value = family === 4 ? parseV4(addr) : parseV6(addr);
  if (value === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  const length = len === undefined ? bits : /^\d+$/.test(len) ? Number(len) : NaN;
  if (!Number.isInteger(length) || length < 0 || length > bits) return undefined;
  const hostBits = BigInt(bits - length);
  return { family, network: (value >> hostBits) << hostBits, length, text };
}

export function mustParsePrefix(text: string): Prefix {
  const p = parsePrefix(text);
  if (!p) throw new Error(`not an IP prefix: ${text}`);
  return p;
}

/** True when `outer` contains every address of `inner`. */
export function contains(outer: Prefix, inner: Prefix): boolean {
  if (outer.family !== inner.family || outer.length > inner.length) return false;
  const hostBits = BigInt((outer.family === 4 ? 32 : 128) - outer.length);
  return inner.network >> hostBits === outer.network >> hostBits;
}

/** Two prefixes overlap when one contains the other (prefixes nest or are disjoint). */
export function overlaps(a: Prefix, b: Prefix): boolean {
  return contains(a, b) || contains(b, a);
}
