/**
 * The captured byte vectors in fixtures/ (see fixtures/README.md), for the codec tests: `#` lines are comments,
 * the rest is the frame in hex. Tests only; reads files next to the sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseIP, type ParsedIP } from '@ironlb/shared';
import { parseMac } from './mac';

export const FIXTURES_DIR = path.join(__dirname, 'fixtures');

/** Every vector's name (the file name without .hex). */
export function vectorNames(): string[] {
  return fs
    .readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.hex'))
    .map((f) => f.slice(0, -'.hex'.length))
    .sort();
}

/** The frame of fixtures/<name>.hex; throws on a missing file or hex that is not whole bytes. */
export function vector(name: string): Buffer {
  const text = fs.readFileSync(path.join(FIXTURES_DIR, `${name}.hex`), 'utf8');
  const hex = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})+$/.test(hex)) throw new Error(`fixtures/${name}.hex: not whole bytes of lowercase hex`);
  return Buffer.from(hex, 'hex');
}

/** An address the test knows to be valid. */
export function ip(text: string): ParsedIP {
  const p = parseIP(text);
  if (!p) throw new Error(`bad test address ${text}`);
  return p;
}

export function mac(text: string): Buffer {
  const m = parseMac(text);
  if (!m) throw new Error(`bad test MAC ${text}`);
  return m;
}

/** The lab hosts the vectors were captured between (scripts/src/lab/plan.ts). */
export const LAB = {
  client: { mac: mac('02:1b:1b:03:00:00'), ipv4: ip('198.51.100.100'), ipv6: ip('2001:db8:1::100') },
  node1: { mac: mac('02:1b:1b:01:01:00'), ipv4: ip('198.51.100.11'), ipv6: ip('2001:db8:1::11') },
  node2: { mac: mac('02:1b:1b:01:02:00'), ipv4: ip('198.51.100.12'), ipv6: ip('2001:db8:1::12') },
  /** EUI-64 link-local addresses the kernel derived from those MACs. */
  clientLinkLocal: ip('fe80::1b:1bff:fe03:0'),
  node1LinkLocal: ip('fe80::1b:1bff:fe01:100'),
  vip4: ip('198.51.100.200'),
  vip6: ip('2001:db8:1::200'),
} as const;
