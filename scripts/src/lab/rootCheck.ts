// The safety check behind "nothing of the lab touches the machine": the planned prefixes must not
// overlap any address or route of the root namespace. Pure: parses `ip -j` output.
import { overlaps, parsePrefix, type Prefix } from './cidr';

export interface RootEntry {
  prefix: Prefix;
  /** Where it came from, for the error message: "address 192.0.2.2/24 on eth0". */
  what: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `ip -j addr show`: every address with its prefix length. */
export function parseIpAddrJson(json: string): RootEntry[] {
  const doc: unknown = JSON.parse(json || '[]');
  if (!Array.isArray(doc)) return [];
  const out: RootEntry[] = [];
  for (const link of doc.filter(isRecord)) {
    const infos = Array.isArray(link.addr_info) ? link.addr_info.filter(isRecord) : [];
    for (const a of infos) {
      const p = parsePrefix(`${String(a.local)}/${String(a.prefixlen)}`);
      if (p) out.push({ prefix: p, what: `address ${p.text} on ${String(link.ifname)}` });
    }
  }
  return out;
}

/**
 * `ip -j route show table all`: every route's destination. Default routes are skipped: they "overlap"
 * everything, and the lab never routes anything through the root namespace anyway.
 */
export function parseIpRouteJson(json: string): RootEntry[] {
  const doc: unknown = JSON.parse(json || '[]');
  if (!Array.isArray(doc)) return [];
  const out: RootEntry[] = [];
  for (const r of doc.filter(isRecord)) {
    const dst = String(r.dst);
    if (dst === 'default') continue;
    const p = parsePrefix(dst);
    if (!p || p.length === 0) continue;
    const table = r.table === undefined ? '' : ` table ${String(r.table)}`;
    out.push({ prefix: p, what: `route ${dst}${r.dev ? ` dev ${String(r.dev)}` : ''}${table}` });
  }
  return out;
}

/** Every (planned, root) pair that overlaps, as readable lines; empty means safe. */
export function findOverlaps(planned: Prefix[], root: RootEntry[]): string[] {
  const out: string[] = [];
  for (const p of planned) for (const r of root) if (overlaps(p, r.prefix)) out.push(`${p.text} overlaps ${r.what}`);
  return out;
}
