/**
 * The payload bytes of a host's BGP sessions as the kernel counts them (`ss -ti`, tcp_info): bytes_acked is what
 * the peer acknowledged of what this end sent (each byte once, retransmissions aside), bytes_received what came in.
 */
import type { Lab } from './lab';

export interface TcpBytes {
  readonly local: string;
  readonly peer: string;
  readonly acked: number;
  readonly received: number;
}

/**
 * `ss -HtinO` lines (one per socket with -O; no State column under a single-state filter): addresses, then
 * tcp_info's counters; a missing counter is 0.
 */
export function parseSsBytes(text: string): TcpBytes[] {
  const out: TcpBytes[] = [];
  for (const line of text.split('\n')) {
    const ends = /^(?:[A-Z][A-Z-]*\s+)?\d+\s+\d+\s+(\S+)\s+(\S+)/.exec(line);
    if (!ends) continue;
    const counter = (name: string): number => Number(new RegExp(`\\b${name}:(\\d+)`).exec(line)?.[1] ?? 0);
    out.push({ local: ends[1], peer: ends[2], acked: counter('bytes_acked'), received: counter('bytes_received') });
  }
  return out;
}

/** The established TCP connections to or from port 179 in `host`, with their byte counters. */
export async function bgpSessionBytes(lab: Lab, host: string): Promise<TcpBytes[]> {
  const r = await lab.exec(host, ['ss', '-HtinO', 'state', 'established', '( sport = :179 or dport = :179 )']);
  if (r.code !== 0) throw new Error(`ss in ${host} exited ${r.code}: ${r.stderr}`);
  return parseSsBytes(r.stdout);
}
