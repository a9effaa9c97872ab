// From captured pcaps to fixture files, for captureBgpVectors: each TCP stream is matched to its planned session,
// cut into messages, deduplicated per sender (one KEEPALIVE per sender), commented, and grouped into
// `<sender>-<kind>.hex` files. Pure: bytes in, text out.
import {
  bgpKind,
  describeBgp,
  formatBgpFixture,
  reassemble,
  splitBgpMessages,
  tcpSegments,
  type BgpKind,
} from './bgpCapture';
import { SESSIONS, type Daemon, type Session } from './bgpCapturePlan';
import { parsePcap } from './l2Capture';

export interface Vector {
  sender: Daemon;
  kind: BgpKind;
  msg: Buffer;
  comments: string[];
}

function sessionOf(src: string, dst: string): { session: Session; sender: Daemon; receiver: Daemon } | undefined {
  for (const s of SESSIONS) {
    if (s.aAddr === src && s.bAddr === dst) return { session: s, sender: s.a, receiver: s.b };
    if (s.bAddr === src && s.aAddr === dst) return { session: s, sender: s.b, receiver: s.a };
  }
  return undefined;
}

/** Every distinct message of every planned session in the pcaps; throws on a stream no planned session explains. */
export function collectVectors(pcaps: readonly { link: string; data: Buffer }[]): Vector[] {
  const streams = pcaps.flatMap((p) =>
    reassemble(tcpSegments(parsePcap(p.data)))
      .filter((stream) => stream.data.length > 0)
      .map((stream) => {
        const who = sessionOf(stream.src, stream.dst);
        if (!who) throw new Error(`a BGP stream ${stream.src} -> ${stream.dst} on ${p.link} is no planned session`);
        return { stream, who };
      }),
  );
  // In the plan's session order (a session's own streams in capture order), so that which of two identical
  // messages is kept, and the order in each file, do not depend on which connection happened to come up first.
  const rank = (s: Session): number => SESSIONS.indexOf(s);
  streams.sort((x, y) => rank(x.who.session) - rank(y.who.session));
  const found: Vector[] = [];
  const seen = new Set<string>();
  const keepaliveFrom = new Set<Daemon>();
  for (const { stream, who } of streams) {
    const s = who.session;
    const transport = s.aAddr.includes(':') ? 'IPv6 transport' : 'IPv4 transport';
    const kindOfSession = s.ibgp
      ? 'iBGP'
      : s.old
        ? 'eBGP, bird2 as 2-octet AS 65001 (no 4-octet AS capability)'
        : 'eBGP';
    for (const msg of splitBgpMessages(stream.data)) {
      const kind = bgpKind(msg);
      const key = `${who.sender} ${msg.toString('hex')}`;
      if (seen.has(key)) continue;
      if (kind === 'keepalive' && keepaliveFrom.has(who.sender)) continue;
      seen.add(key);
      if (kind === 'keepalive') keepaliveFrom.add(who.sender);
      found.push({
        sender: who.sender,
        kind,
        msg,
        comments: [
          `${who.sender} -> ${who.receiver}, ${transport}, ${kind.toUpperCase()}`,
          `session ${s.name}: ${stream.src} -> ${stream.dst}, ${kindOfSession}, families ${s.families.join(' ')}`,
          describeBgp(msg, !s.old),
        ],
      });
    }
  }
  return found;
}

/** The fixture files, by name: one per sender and kind, messages in the order found. */
export function fixtureFiles(vectors: readonly Vector[]): { name: string; text: string; count: number }[] {
  const files = new Map<string, Vector[]>();
  for (const v of vectors) {
    const name = `${v.sender}-${v.kind}.hex`;
    files.set(name, [...(files.get(name) ?? []), v]);
  }
  return [...files]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ name, text: formatBgpFixture(list), count: list.length }));
}
