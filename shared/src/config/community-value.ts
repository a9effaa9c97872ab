/**
 * The text of a BGP community, as a Community alias's value or a BGPAdvertisement's `spec.communities` entry:
 *
 * - standard (RFC 1997): `a:b`, two 16-bit decimal numbers, the attribute's 32-bit value being a × 65536 + b;
 * - large (RFC 8092): `large:a:b:c`, three 32-bit decimal numbers (global administrator, local data 1 and 2);
 * - a well-known standard community by its name, as FRR and GoBGP spell it (`no-export` is 65535:65281).
 *
 * MetalLB reads the first two forms alike (internal/bgp/community) and has no names; the names are ironlb's, so that
 * `no-export` needs no Community alias. Printed back (formatCommunity) a value is always numeric, which both this
 * parser and MetalLB's read.
 */
import type { CommunityValue } from './types';

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** The IANA "BGP Well-known Communities" with an RFC, by the names routers give them. */
const WELL_KNOWN: ReadonlyMap<string, number> = new Map([
  ['graceful-shutdown', 0xffff0000], // RFC 8326
  ['accept-own', 0xffff0001], // RFC 7611
  ['llgr-stale', 0xffff0006], // RFC 9494
  ['no-llgr', 0xffff0007], // RFC 9494
  ['blackhole', 0xffff029a], // RFC 7999: 65535:666
  ['no-export', 0xffffff01], // RFC 1997
  ['no-advertise', 0xffffff02], // RFC 1997
  ['no-export-subconfed', 0xffffff03], // RFC 1997
  ['local-as', 0xffffff03], // the same, by FRR's and Cisco's name
  ['no-peer', 0xffffff04], // RFC 3765
]);

const NUMBER = /^[0-9]+$/;
const STANDARD = /^[^:]*:[^:]*$/;
const LARGE_PREFIX = 'large:';

const EXPECTED = `expected a:b with numbers from 0 to ${U16_MAX} (65535:65281), large:a:b:c with numbers from 0 to ${U32_MAX} (large:64512:1:2), or a well-known name (${[...WELL_KNOWN.keys()].join(', ')})`;

export type CommunityResult = { readonly value: CommunityValue } | { readonly error: string };

/** The parts of `text` as numbers up to `max`, or why not. */
function numbers(text: string, parts: readonly string[], max: number, kind: string): number[] | string {
  const out: number[] = [];
  for (const p of parts) {
    if (!NUMBER.test(p))
      return `invalid community ${JSON.stringify(text)}: ${JSON.stringify(p)} is not a decimal number; ${EXPECTED}`;
    const n = Number(p);
    if (n > max)
      return `invalid community ${JSON.stringify(text)}: ${p} is out of range; each part of a ${kind} community is from 0 to ${max}`;
    out.push(n);
  }
  return out;
}

export function parseCommunityValue(text: string): CommunityResult {
  const named = WELL_KNOWN.get(text);
  if (named !== undefined) return { value: Object.freeze({ kind: 'standard', value: named }) };
  if (text.startsWith(LARGE_PREFIX)) {
    const parts = text.slice(LARGE_PREFIX.length).split(':');
    if (parts.length !== 3) return { error: `invalid community ${JSON.stringify(text)}: ${EXPECTED}` };
    const n = numbers(text, parts, U32_MAX, 'large');
    if (typeof n === 'string') return { error: n };
    return { value: Object.freeze({ kind: 'large', global: n[0], local1: n[1], local2: n[2] }) };
  }
  if (!STANDARD.test(text)) return { error: `invalid community ${JSON.stringify(text)}: ${EXPECTED}` };
  const n = numbers(text, text.split(':'), U16_MAX, 'standard');
  if (typeof n === 'string') return { error: n };
  return { value: Object.freeze({ kind: 'standard', value: n[0] * 0x10000 + n[1] }) };
}

/**
 * Whether `text` is written as a number (`a:b`, `large:...`) rather than a name: in a BGPAdvertisement, text that
 * is no Community alias is a wrong number when it has this shape, else the name of a missing alias.
 */
export const looksNumeric = (text: string): boolean => text.includes(':');

/** The canonical text: `65535:65281`, `large:64512:1:2`; parseCommunityValue reads it back to the same value. */
export function formatCommunity(c: CommunityValue): string {
  if (c.kind === 'large') return `${LARGE_PREFIX}${c.global}:${c.local1}:${c.local2}`;
  return `${Math.floor(c.value / 0x10000)}:${c.value % 0x10000}`;
}

/** Standard communities first, by value; then large ones, by their parts in order. */
export function compareCommunities(a: CommunityValue, b: CommunityValue): number {
  if (a.kind === 'standard') return b.kind === 'standard' ? a.value - b.value : -1;
  if (b.kind === 'standard') return 1;
  return a.global - b.global || a.local1 - b.local1 || a.local2 - b.local2;
}
