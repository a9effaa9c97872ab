/**
 * IP address text to and from unsigned integers. Hand-written rather than node:net so the config stays pure and the
 * accepted spellings are exactly the ones listed here: dotted quads without leading zeros (Go's net.ParseIP refuses
 * them too, so a pool MetalLB refused is not silently accepted here) and RFC 4291 IPv6 text without zones.
 */
/** An address family, as Kubernetes spells it in spec.ipFamilies. */
export type IPFamily = 'IPv4' | 'IPv6';

export interface ParsedIP {
  readonly family: IPFamily;
  readonly value: bigint;
}

export const BITS: Readonly<Record<IPFamily, number>> = { IPv4: 32, IPv6: 128 };

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!OCTET.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/** The 16-bit groups of one side of `::`; a trailing dotted quad counts as two groups. */
function groups(side: string, last: boolean): bigint[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const out: bigint[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (last && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIPv4(p);
      if (v4 === undefined) return undefined;
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else if (HEXTET.test(p)) out.push(BigInt(`0x${p}`));
    else return undefined;
  }
  return out;
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let all: bigint[];
  if (halves.length === 1) {
    const g = groups(text, true);
    if (!g || g.length !== 8) return undefined;
    all = g;
  } else {
    const head = groups(halves[0], false);
    const tail = groups(halves[1], true);
    // `::` must stand for at least one zero group.
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    all = [...head, ...Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  }
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An IPv4 or IPv6 address, or undefined when the text is not exactly one. */
export function parseIP(text: string): ParsedIP | undefined {
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 'IPv6', value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 'IPv4', value };
}

/** An address written in code (a constant, a test's table): anything that does not parse is a bug, so it throws. */
export function mustParseIP(text: string): ParsedIP {
  const ip = parseIP(text);
  if (ip === undefined) throw new TypeError(`not an IP address: ${JSON.stringify(text)}`);
  return ip;
}

/** ::ffff:a.b.c.d names an IPv4 address; Go (and so MetalLB) treats it as IPv4, so a pool holding one is ambiguous. */
export function isIPv4Mapped(ip: ParsedIP): boolean {
  return ip.family === 'IPv6' && ip.value >> 32n === 0xffffn;
}

/**
 * Canonical text: dotted quad, or RFC 5952 (lowercase, the longest run of two or more zero groups as `::`), with an
 * IPv4-mapped address as `::ffff:a.b.c.d`.
 */
export function formatIP({ family, value }: ParsedIP): string {
  if (family === 'IPv4') return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  // As Go's netip prints it, so that an IPv4-mapped address reads back as IPv6.
  if (value >> 32n === 0xffffn) return `::ffff:${formatIP({ family: 'IPv4', value: value & 0xffffffffn })}`;
  const g: bigint[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) g.push((value >> s) & 0xffffn);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0n) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: bigint[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}
