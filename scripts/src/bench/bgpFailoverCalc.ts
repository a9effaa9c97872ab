/**
 * The pure part of the bgp-failover benchmark: reading `ip -ts monitor` lines (when a link went down, when the
 * router's kernel route changed), the gaps in a series of FIB polls, and BFD Down transitions from the routers'
 * session tables. Text in, numbers out; unit-tested.
 */

/** `ip -ts monitor` prefixes each event with its receipt time, `[2026-12-02T10:50:41.444223]` (run with TZ=UTC). */
export function stampOf(line: string): number | undefined {
  const m = /^\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})\]/.exec(line);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, us] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) + us / 1000;
}

/** The first event at or after `from` saying `ifname` lost its administrative UP flag (`ip link set down`). */
export function linkDownAt(lines: readonly string[], ifname: string, from: number): number | undefined {
  for (const line of lines) {
    const at = stampOf(line);
    if (at === undefined || at < from) continue;
    const flags = new RegExp(`\\d+: ${ifname}(?:@\\S+)?: <([^>]*)>`).exec(line)?.[1];
    if (flags !== undefined && !flags.split(',').includes('UP')) return at;
  }
  return undefined;
}

/** Route and nexthop-object events of `ip -ts monitor route nexthop` that can change `ip`'s kernel route. */
const touches = (line: string, ip: string): boolean => {
  const text = line.replace(/^\[[^\]]*\]\s*/, '').replace(/^Deleted\s+/, '');
  // Nexthop objects (FRR installs routes through nexthop groups): changing one changes the routes using it.
  return text.startsWith(`${ip} `) || text.startsWith(`${ip}/`) || text.startsWith('id ');
};

/** The last event touching `ip`'s route received within [from, to]: when the route seen at `to` came to be. */
export function routeChangeAt(lines: readonly string[], ip: string, from: number, to: number): number | undefined {
  let last: number | undefined;
  for (const line of lines) {
    const at = stampOf(line);
    if (at !== undefined && at >= from && at <= to && touches(line, ip)) last = at;
  }
  return last;
}

export interface FibSample {
  /** ms, any clock. */
  readonly at: number;
  /** The nodes the kernel route forwarded to at that poll. */
  readonly nodes: readonly string[];
}

export interface NodeGaps {
  /** Polls where this node's next hop was missing. */
  readonly missing: number;
  /** The longest run of such polls, from its first poll to the next poll that had the node again (or the last). */
  readonly longestMs: number;
}

/** Per node: the polls that lacked it and the longest gap; plus the polls that lacked any node. */
export function fibGaps(
  samples: readonly FibSample[],
  nodes: readonly string[],
): { anyMissing: number; byNode: Map<string, NodeGaps> } {
  const byNode = new Map<string, NodeGaps>();
  for (const n of nodes) {
    let missing = 0;
    let longestMs = 0;
    let since: number | undefined;
    for (const s of samples) {
      if (s.nodes.includes(n)) {
        if (since !== undefined) longestMs = Math.max(longestMs, s.at - since);
        since = undefined;
      } else {
        missing++;
        since ??= s.at;
      }
    }
    const last = samples.at(-1);
    if (since !== undefined && last) longestMs = Math.max(longestMs, last.at - since);
    byNode.set(n, { missing, longestMs });
  }
  const anyMissing = samples.filter((s) => nodes.some((n) => !s.nodes.includes(n))).length;
  return { anyMissing, byNode };
}

export interface BfdRow {
  readonly state: string;
  /** When the state last changed, as the daemon shows it (BIRD), or its count of Down events (FRR). */
  readonly mark: string;
}

/**
 * `birdc show bfd sessions`: per peer address, its state and its "Since" column. A session that went down and up
 * again between two polls keeps its state but changes its Since: that is a Down too.
 */
export function parseBirdBfdRows(text: string): Map<string, BfdRow> {
  const out = new Map<string, BfdRow>();
  for (const line of text.split('\n')) {
    const m =
      /^([0-9a-fA-F:.]*[.:][0-9a-fA-F:.]*)\s+\S+\s+(Up|Down|Init|AdminDown)\s+(.+?)\s+[0-9.]+\s+[0-9.]+\s*$/.exec(line);
    if (m) out.set(m[1], { state: m[2].toLowerCase(), mark: m[3] });
  }
  return out;
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x))
    : [];
}

/** `vtysh -c 'show bfd peers counters json'`: per peer address, its count of Down events (`session-down`). */
export function parseFrrBfdCounters(json: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of records(JSON.parse(json) as unknown)) {
    const down = p['session-down'];
    if (typeof p.peer === 'string' && typeof down === 'number') out.set(p.peer, down);
  }
  return out;
}

/** A BIRD session seen Up at one poll and not (or not the same Up) at the next; `after` is absent when it vanished. */
export interface BirdDown {
  readonly peer: string;
  readonly before: BfdRow;
  readonly after?: BfdRow;
}

/**
 * BIRD prints Since by turning its monotonic clock into wall time at each query, so the same instant reads a
 * millisecond apart from one poll to the next (seen: 12:57:26.853, then .854, then .853). A real Down and Up
 * again moves it by at least the detection time (300 ms here): within SINCE_JITTER_MS it is the same instant.
 */
export const SINCE_JITTER_MS = 50;

/** Milliseconds into the day of a "HH:MM:SS[.fff]" Since, or undefined for any other form (a date). */
function timeOfDayMs(mark: string): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(mark);
  if (!m) return undefined;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number((m[4] ?? '0').padEnd(3, '0'));
}

/** Whether two Since marks name the same instant: within SINCE_JITTER_MS as times of day (across midnight too). */
export function sameSince(a: string, b: string): boolean {
  const x = timeOfDayMs(a);
  const y = timeOfDayMs(b);
  if (x === undefined || y === undefined) return a === b;
  const d = Math.abs(x - y);
  return Math.min(d, 86_400_000 - d) <= SINCE_JITTER_MS;
}

/** Down transitions of BIRD sessions between two polls: Up then not Up, or Up both times with a new Since. */
export function birdDownsBetween(prev: ReadonlyMap<string, BfdRow>, next: ReadonlyMap<string, BfdRow>): BirdDown[] {
  const downs: BirdDown[] = [];
  for (const [peer, before] of prev) {
    const after = next.get(peer);
    if (before.state !== 'up') continue;
    if (!after || after.state !== 'up' || !sameSince(after.mark, before.mark)) downs.push({ peer, before, after });
  }
  return downs;
}
