/**
 * IP addresses as the allocator holds them: a family and an unsigned integer, so pools of any size are arithmetic.
 * Text is parsed strictly (dotted quads without leading zeros, as Go's net.ParseIP; RFC 4291 IPv6 without zones)
 * because a Service annotation is user input. An IPv4-mapped IPv6 address stays IPv6: it must not match an IPv4
 * pool, or one address could be handed out under two spellings.
 */
import { formatIP, type ParsedIP } from '@ironlb/shared';

/** One grammar and one spelling for pool entries, Service requests and Events: @ironlb/shared's. */
export { formatIP, parseIP } from '@ironlb/shared';
export type IPAddress = ParsedIP;

/** `198.51.100.200:9610/TCP`, `[2001:db8::1]:9610/TCP`: how a port on an address reads in an Event. */
export function formatEndpoint(ip: IPAddress, port: number, protocol: string): string {
  const host = ip.family === 'IPv4' ? formatIP(ip) : `[${formatIP(ip)}]`;
  return `${host}:${port}/${protocol}`;
}

/** A Map key for an address; cheaper than formatting and unambiguous across families. */
export function ipKey(ip: IPAddress): string {
  return `${ip.family}:${ip.value.toString(16)}`;
}

export function sameIP(a: IPAddress, b: IPAddress): boolean {
  return a.family === b.family && a.value === b.value;
}
