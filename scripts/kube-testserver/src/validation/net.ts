import type { StatusCause } from '../types';
import { invalidValue } from './fielderrors';

/**
 * IP and CIDR parsing with Kubernetes' "sloppy" rules (k8s.io/utils/net ParseIPSloppy): IPv4 octets may carry leading
 * zeros, IPv4-mapped IPv6 counts as IPv4. 1.35 keeps sloppy parsing for the legacy Service fields because the
 * StrictIPCIDRValidation gate is off by default.
 */
export type IPFamily = 'IPv4' | 'IPv6';

export interface ParsedIP {
  family: IPFamily;
  value: bigint;
}

function parseIPv4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | null {
  if (s.includes('%')) return null;
  let tail4: bigint | null = null;
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (tail4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): string[] | null => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !rest) return null;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== null) v = (v & ~0xffffffffn) | tail4;
  return v;
}

const MAPPED_PREFIX = 0xffffn << 32n;

export function parseIP(s: string): ParsedIP | null {
  if (typeof s !== 'string' || s === '') return null;
  if (!s.includes(':')) {
    const v = parseIPv4(s);
    return v === null ? null : { family: 'IPv4', value: v };
  }
  const v = parseIPv6(s);
  if (v === null) return null;
  if (v >> 32n === 0xffffn && (v & ~0xffffffffn) === MAPPED_PREFIX) return { family: 'IPv4', value: v & 0xffffffffn };
  return { family: 'IPv6', value: v };
}

export function formatIP(ip: ParsedIP): string {
  if (ip.family === 'IPv4') {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export interface ParsedCIDR {
  family: IPFamily;
  /** Network address (host bits cleared). */
  base: bigint;
  prefix: number;
  bits: number;
}

export function parseCIDR(s: string): ParsedCIDR | null {
  if (typeof s !== 'string') return null;
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const ipText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  // A mapped IPv6 address keeps its 128-bit prefix length in Go; treat the text family as the prefix family.
  const textFamily: IPFamily = ipText.includes(':') ? 'IPv6' : 'IPv4';
  const bits = textFamily === 'IPv4' ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) return null;
  const raw = textFamily === 'IPv4' ? parseIPv4(ipText) : parseIPv6(ipText);
  if (raw === null) return null;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { family: textFamily, base: raw & mask, prefix, bits };
}

export const formatCIDR = (c: ParsedCIDR): string => `${formatIP({ family: c.family, value: c.base })}/${c.prefix}`;

export const IP_INVALID = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
export const CIDR_INVALID = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** validation.IsValidIP (legacy-field form): 1.35's text carries the examples; 1.26 (026) said only the first half. */
export function validateIP(field: string, value: string): StatusCause[] {
  return parseIP(value) ? [] : [invalidValue(field, value, IP_INVALID)];
}

export function validateCIDR(field: string, value: string): StatusCause[] {
  return parseCIDR(value) ? [] : [invalidValue(field, value, CIDR_INVALID)];
}

/** Endpoint addresses may not be special-purpose (ValidateEndpointIP / ValidateNonSpecialIP). */
export function specialIPReason(ip: ParsedIP, text: string): string | undefined {
  const v = ip.value;
  if (v === 0n) return `may not be unspecified (${text})`;
  if (ip.family === 'IPv4') {
    if (v >> 24n === 127n) return 'may not be in the loopback range (127.0.0.0/8, ::1/128)';
    if (v >> 16n === 0xa9fen) return 'may not be in the link-local range (169.254.0.0/16, fe80::/10)';
    if (v >> 8n === 0xe00000n) return 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)';
    return undefined;
  }
  if (v === 1n) return 'may not be in the loopback range (127.0.0.0/8, ::1/128)';
  if (v >> 118n === 0x3fan) return 'may not be in the link-local range (169.254.0.0/16, fe80::/10)';
  if (v >> 112n === 0xff02n) return 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)';
  return undefined;
}
