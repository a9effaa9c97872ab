/**
 * One `spec.addresses` entry: a CIDR (`198.51.100.0/24`, `2001:db8::/120`) or an inclusive range
 * (`198.51.100.10-198.51.100.20`, spaces around the dash allowed as MetalLB allows them).
 *
 * A CIDR with host bits set is refused, although Go's net.ParseCIDR (and so MetalLB) silently widens it to its
 * network: `198.51.100.7/24` most likely means "this address, on a /24", and widening it would hand out the whole
 * /24, router and broadcast included. The message says what to write instead.
 */
import { BITS, formatIP, isIPv4Mapped, parseIP, type ParsedIP } from '../ip/ip';
import type { AddressRange } from './types';

export type EntryResult = { readonly range: AddressRange } | { readonly error: string };

const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;
const EXAMPLES = 'a CIDR like 198.51.100.0/24 or a range like 198.51.100.10-198.51.100.20';

function address(text: string, entry: string, role: string): ParsedIP | string {
  const ip = parseIP(text);
  if (!ip) return `invalid ${role}address ${JSON.stringify(text)} in ${JSON.stringify(entry)}`;
  if (isIPv4Mapped(ip))
    return `${JSON.stringify(text)} in ${JSON.stringify(entry)} is an IPv4-mapped IPv6 address: write the IPv4 address ${formatIP({ family: 'IPv4', value: ip.value & 0xffffffffn })}`;
  return ip;
}

function parseCIDR(entry: string): EntryResult {
  const [ipText, lenText] = entry.split('/');
  if (entry.split('/').length !== 2) return { error: `invalid CIDR ${JSON.stringify(entry)}: expected ${EXAMPLES}` };
  const ip = address(ipText, entry, '');
  if (typeof ip === 'string') return { error: ip };
  const bits = BITS[ip.family];
  const len = PREFIX_LENGTH.test(lenText) ? Number(lenText) : NaN;
  if (!(len <= bits))
    return {
      error: `invalid CIDR ${JSON.stringify(entry)}: the prefix length must be a number from 0 to ${bits} for ${ip.family}`,
    };
  const hostBits = BigInt(bits - len);
  const hostMask = (1n << hostBits) - 1n;
  if ((ip.value & hostMask) !== 0n) {
    const network = formatIP({ family: ip.family, value: ip.value & ~hostMask });
    const last = formatIP({ family: ip.family, value: ip.value | hostMask });
    return {
      error: `invalid CIDR ${JSON.stringify(entry)}: host bits are set; write the network ${network}/${len}, or the range ${ipText}-${last}`,
    };
  }
  return { range: { family: ip.family, first: ip.value, last: ip.value | hostMask } };
}

function parseRange(entry: string): EntryResult {
  const dash = entry.indexOf('-');
  const firstText = entry.slice(0, dash).trim();
  const lastText = entry.slice(dash + 1).trim();
  const first = address(firstText, entry, 'first ');
  if (typeof first === 'string') return { error: first };
  const last = address(lastText, entry, 'last ');
  if (typeof last === 'string') return { error: last };
  if (first.family !== last.family)
    return {
      error: `invalid range ${JSON.stringify(entry)}: ${firstText} is ${first.family} and ${lastText} is ${last.family}; both ends must be of one family`,
    };
  if (first.value > last.value)
    return {
      error: `invalid range ${JSON.stringify(entry)}: the first address ${firstText} is after the last ${lastText}`,
    };
  return { range: { family: first.family, first: first.value, last: last.value } };
}

export function parseAddressEntry(text: string): EntryResult {
  const entry = text.trim();
  if (entry.includes('-')) return parseRange(entry);
  if (entry.includes('/')) return parseCIDR(entry);
  if (parseIP(entry)) {
    const single = entry.includes(':') ? 128 : 32;
    return {
      error: `invalid address ${JSON.stringify(entry)}: a pool entry is a CIDR or a range; write ${entry}/${single} for this one address`,
    };
  }
  return { error: `invalid address ${JSON.stringify(entry)}: expected ${EXAMPLES}` };
}
