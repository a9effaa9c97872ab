/**
 * Which node announces an IP in layer 2 mode. Every speaker computes this alone, from the same inputs (the IP and the
 * nodes it believes alive and eligible), so the answer must be a pure function that is identical on every node:
 * rendezvous (highest-random-weight) hashing. Each node scores hash(node, IP); the highest score wins, ties go to the
 * lower name.
 *
 * Rendezvous rather than a ring or modulo: when a node leaves, only the IPs it won move (each to its runner-up), and a
 * node that joins takes only the IPs it now scores highest on; every other IP stays where it is, so no gratuitous
 * ARP/NDP storm follows a membership change.
 *
 * The hash is SHA-256 of `<node>#<ip>` (the IP in canonical text), its first 8 bytes read as a big-endian unsigned
 * integer. SHA-256 because it is specified byte for byte (FIPS 180-4) and node:crypto's OpenSSL computes it the same on
 * every platform and Node version, and because rendezvous hashing needs scores of similar inputs (node-1, node-2;
 * consecutive pool addresses) to be independent. A 64-bit FNV-1a is not: its last input bytes barely reach the high
 * bits that decide the comparison, and over 3,000 consecutive IPv6 addresses and node-1..node-7 it gives two nodes
 * nothing and one node half (the spread test shows it). The cost, a few microseconds per score, is nothing beside an
 * ARP reply. `#` cannot occur in a node name (a DNS subdomain) or in an IP text, so `<node>#<ip>` is unambiguous; it is
 * also the string MetalLB hashes (MetalLB sorts by the whole digest ascending, so its choice differs from ours).
 *
 * Changing the hash, the separator or the canonical form changes the winner of most IPs: in a cluster running two
 * speaker versions, both would announce them. The golden values in the tests pin all three.
 */
import { createHash } from 'node:crypto';
import { formatIP, parseIP, type ParsedIP } from '@ironlb/shared';

/** The IP's canonical text (formatIP), so `2001:DB8::1` and `2001:db8:0::1` are the same input. */
function canonical(ip: ParsedIP | string): string {
  if (typeof ip !== 'string') return formatIP(ip);
  const parsed = parseIP(ip);
  if (parsed === undefined) throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
  return formatIP(parsed);
}

/**
 * Scores computed before, by hash input: every plan ranks every IP on every node again (hundreds of plans in a burst
 * of Services), and a score never changes. Bounded, and simply emptied when full: 3 nodes x 1,000 IPs take 3,000
 * entries; a cluster with more (node, IP) pairs than this pays the hashes as if there were no cache.
 */
const SCORE_CACHE_MAX = 16_384;
const scores = new Map<string, bigint>();

/** A node's score for an IP given in canonical text. */
export function scoreCanonical(node: string, ipText: string): bigint {
  const input = `${node}#${ipText}`;
  const known = scores.get(input);
  if (known !== undefined) return known;
  const s = createHash('sha256').update(input, 'utf8').digest().readBigUInt64BE(0);
  if (scores.size >= SCORE_CACHE_MAX) scores.clear();
  scores.set(input, s);
  return s;
}

/** A node's score for an IP: the first 8 bytes of SHA-256(`<node>#<canonical ip>`), big-endian. */
export function score(node: string, ip: ParsedIP | string): bigint {
  return scoreCanonical(node, canonical(ip));
}

/** Distinct nodes, highest score first, ties by name; split out so the tie rule can be tested with chosen scores. */
export function rankByScore(nodes: Iterable<string>, scoreOf: (node: string) => bigint): string[] {
  const scored = [...new Set(nodes)].map((node) => ({ node, s: scoreOf(node) }));
  scored.sort((a, b) => (a.s !== b.s ? (a.s > b.s ? -1 : 1) : a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return scored.map((x) => x.node);
}

/**
 * The nodes in the order they would take the IP over: the first announces it, the second takes over if the first
 * goes, and so on. Duplicates in `nodes` count once; their order does not matter. Throws on text that is not an IP
 * (the caller parses Service status first, as it must to choose ARP or NDP).
 */
export function rankNodes(ip: ParsedIP | string, nodes: Iterable<string>): string[] {
  const text = canonical(ip);
  return rankByScore(nodes, (node) => scoreCanonical(node, text));
}

/** The node that announces the IP, or undefined when no node is eligible. */
export function winner(ip: ParsedIP | string, nodes: Iterable<string>): string | undefined {
  return rankNodes(ip, nodes)[0];
}
