// Pure helpers of captureBgpVectors: TCP segments out of captured Ethernet frames, each direction's byte stream
// reassembled in sequence order, the stream cut into BGP messages by the header's length field, and a one-line
// description of each message for the fixture's comments (enough to name it; not a codec: nothing is validated
// beyond what naming needs). No I/O.
import { formatIP } from '@ironlb/shared';

export interface TcpSegment {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  syn: boolean;
  payload: Buffer;
}

const ip4 = (b: Buffer, o: number): string => formatIP({ family: 'IPv4', value: BigInt(b.readUInt32BE(o)) });
const ip6 = (b: Buffer, o: number): string =>
  formatIP({ family: 'IPv6', value: (b.readBigUInt64BE(o) << 64n) | b.readBigUInt64BE(o + 8) });

/** The TCP segments among Ethernet frames (IPv4 or IPv6 without extension headers); anything else is skipped. */
export function tcpSegments(frames: readonly Buffer[]): TcpSegment[] {
  const out: TcpSegment[] = [];
  for (const f of frames) {
    if (f.length < 14) continue;
    const type = f.readUInt16BE(12);
    let src: string;
    let dst: string;
    let tcp: number;
    let end: number;
    if (type === 0x0800 && f.length >= 34 && f[23] === 6) {
      src = ip4(f, 26);
      dst = ip4(f, 30);
      tcp = 14 + (f[14] & 0x0f) * 4;
      end = Math.min(f.length, 14 + f.readUInt16BE(16));
    } else if (type === 0x86dd && f.length >= 54 && f[20] === 6) {
      src = ip6(f, 22);
      dst = ip6(f, 38);
      tcp = 54;
      end = Math.min(f.length, 54 + f.readUInt16BE(18));
    } else continue;
    if (end < tcp + 20) continue;
    const dataAt = tcp + (f[tcp + 12] >> 4) * 4;
    out.push({
      src,
      dst,
      srcPort: f.readUInt16BE(tcp),
      dstPort: f.readUInt16BE(tcp + 2),
      seq: f.readUInt32BE(tcp + 4),
      syn: (f[tcp + 13] & 0x02) !== 0,
      payload: Buffer.from(f.subarray(Math.min(dataAt, end), end)),
    });
  }
  return out;
}

export interface TcpStream {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** The bytes sent, in sequence order, retransmissions once; up to the first hole. */
  data: Buffer;
}

export const flowKey = (s: { src: string; srcPort: number; dst: string; dstPort: number }): string =>
  `${s.src} ${s.srcPort} > ${s.dst} ${s.dstPort}`;

/**
 * Each direction of each connection as one byte stream, in the order connections first appear. A 4-tuple reused by
 * a later connection (a new SYN) starts a new stream.
 */
export function reassemble(segments: readonly TcpSegment[]): TcpStream[] {
  interface Open {
    head: TcpStream;
    base: number | undefined;
    parts: { offset: number; payload: Buffer }[];
  }
  const all: Open[] = [];
  const current = new Map<string, Open>();
  for (const s of segments) {
    const key = flowKey(s);
    let open = current.get(key);
    if (!open || (s.syn && open.base !== undefined && (s.seq + 1) >>> 0 !== open.base)) {
      open = {
        head: { src: s.src, dst: s.dst, srcPort: s.srcPort, dstPort: s.dstPort, data: Buffer.alloc(0) },
        base: undefined,
        parts: [],
      };
      current.set(key, open);
      all.push(open);
    }
    if (s.syn) open.base = (s.seq + 1) >>> 0;
    if (s.payload.length === 0) continue;
    // A stream whose SYN was not captured starts at its first data segment.
    open.base ??= s.seq;
    open.parts.push({ offset: (s.seq - open.base) >>> 0, payload: s.payload });
  }
  return all.map((o) => {
    const sorted = [...o.parts].sort((a, b) => a.offset - b.offset);
    const chunks: Buffer[] = [];
    let at = 0;
    for (const p of sorted) {
      if (p.offset > at) break;
      if (p.offset + p.payload.length > at) chunks.push(p.payload.subarray(at - p.offset));
      at = Math.max(at, p.offset + p.payload.length);
    }
    return { ...o.head, data: Buffer.concat(chunks) };
  });
}

export const BGP_MARKER = Buffer.alloc(16, 0xff);

/** BGP messages of one stream, cut by the header's length; a message cut short at the end is left out. */
export function splitBgpMessages(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 19 <= stream.length;) {
    if (!stream.subarray(at, at + 16).equals(BGP_MARKER)) throw new Error(`no BGP marker at byte ${at} of the stream`);
    const len = stream.readUInt16BE(at + 16);
    if (len < 19) throw new Error(`BGP length ${len} at byte ${at}`);
    if (at + len > stream.length) break;
    out.push(Buffer.from(stream.subarray(at, at + len)));
    at += len;
  }
  return out;
}

export type BgpKind = 'open' | 'update' | 'notification' | 'keepalive' | 'route-refresh' | 'unknown';

export function bgpKind(msg: Buffer): BgpKind {
  const kinds: BgpKind[] = ['unknown', 'open', 'update', 'notification', 'keepalive', 'route-refresh'];
  return kinds[msg[18]] ?? 'unknown';
}

const CAPS: Record<number, string> = {
  1: 'multiprotocol',
  2: 'route-refresh',
  5: 'extended-nexthop',
  6: 'extended-message',
  9: 'bgp-role',
  64: 'graceful-restart',
  65: '4-octet-as',
  69: 'add-path',
  70: 'enhanced-route-refresh',
  71: 'long-lived-gr',
  73: 'fqdn',
  74: 'software-version',
  128: 'route-refresh(old cisco)',
};
const ATTRS: Record<number, string> = {
  1: 'ORIGIN',
  2: 'AS_PATH',
  3: 'NEXT_HOP',
  4: 'MED',
  5: 'LOCAL_PREF',
  6: 'ATOMIC_AGGREGATE',
  7: 'AGGREGATOR',
  8: 'COMMUNITIES',
  9: 'ORIGINATOR_ID',
  10: 'CLUSTER_LIST',
  14: 'MP_REACH_NLRI',
  15: 'MP_UNREACH_NLRI',
  16: 'EXTENDED_COMMUNITIES',
  17: 'AS4_PATH',
  18: 'AS4_AGGREGATOR',
  32: 'LARGE_COMMUNITY',
};
const family = (afi: number, safi: number): string =>
  afi === 1 && safi === 1 ? 'ipv4' : afi === 2 && safi === 1 ? 'ipv6' : `afi ${afi}/safi ${safi}`;

function prefixes(b: Buffer, v6: boolean): string[] {
  const out: string[] = [];
  for (let at = 0; at < b.length;) {
    const len = b[at];
    const n = Math.ceil(len / 8);
    const addr = Buffer.alloc(v6 ? 16 : 4);
    b.copy(addr, 0, at + 1, at + 1 + n);
    out.push(`${v6 ? ip6(addr, 0) : ip4(addr, 0)}/${len}`);
    at += 1 + n;
  }
  return out;
}

function capabilities(params: Buffer): string[] {
  const out: string[] = [];
  for (let p = 0; p + 2 <= params.length; p += 2 + params[p + 1]) {
    if (params[p] !== 2) {
      out.push(`param ${params[p]}`);
      continue;
    }
    const caps = params.subarray(p + 2, p + 2 + params[p + 1]);
    for (let c = 0; c + 2 <= caps.length; c += 2 + caps[c + 1]) {
      const v = caps.subarray(c + 2, c + 2 + caps[c + 1]);
      const name = CAPS[caps[c]] ?? `cap ${caps[c]}`;
      if (caps[c] === 1 && v.length === 4) out.push(`mp ${family(v.readUInt16BE(0), v[3])}`);
      else if (caps[c] === 65 && v.length === 4) out.push(`4-octet-as ${v.readUInt32BE(0)}`);
      else out.push(name);
    }
  }
  return out;
}

function asPath(v: Buffer, width: 2 | 4): string {
  const segs: string[] = [];
  for (let at = 0; at + 2 <= v.length;) {
    const type = v[at];
    const n = v[at + 1];
    const asns: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = at + 2 + i * width;
      asns.push(width === 4 ? v.readUInt32BE(o) : v.readUInt16BE(o));
    }
    segs.push(type === 1 ? `{${asns.join(' ')}}` : asns.join(' '));
    at += 2 + n * width;
  }
  return `[${segs.join(' ')}]`;
}

/**
 * One line naming a BGP message: type and the fields that tell messages apart. `as4` says whether the session
 * negotiated 4-octet AS numbers (AS_PATH's width depends on it).
 */
export function describeBgp(msg: Buffer, as4: boolean): string {
  const kind = bgpKind(msg);
  const body = msg.subarray(19);
  if (kind === 'keepalive') return 'KEEPALIVE';
  if (kind === 'open') {
    const caps = capabilities(body.subarray(10, 10 + body[9]));
    return `OPEN my AS ${body.readUInt16BE(1)}, hold ${body.readUInt16BE(3)}, id ${ip4(body, 5)}, capabilities: ${caps.join(', ') || 'none'}`;
  }
  if (kind === 'route-refresh') {
    return `ROUTE-REFRESH ${family(body.readUInt16BE(0), body[3])}${body[2] ? ` subtype ${body[2]}` : ''}`;
  }
  if (kind === 'notification') {
    const data = body.subarray(2);
    let text = data.length ? ` data ${data.toString('hex')}` : '';
    // RFC 9003: Cease/Administrative Shutdown or Reset carries a length-prefixed UTF-8 message.
    if (body[0] === 6 && (body[1] === 2 || body[1] === 4) && data.length > 0 && data[0] === data.length - 1) {
      text = ` message "${data.subarray(1).toString('utf8')}"`;
    }
    return `NOTIFICATION code ${body[0]} subcode ${body[1]}${text}`;
  }
  if (kind !== 'update') return `type ${msg[18]}`;
  const wLen = body.readUInt16BE(0);
  const withdrawn = prefixes(body.subarray(2, 2 + wLen), false);
  const aLen = body.readUInt16BE(2 + wLen);
  const attrs = body.subarray(4 + wLen, 4 + wLen + aLen);
  const nlri = prefixes(body.subarray(4 + wLen + aLen), false);
  if (withdrawn.length === 0 && aLen === 0 && nlri.length === 0) return 'UPDATE End-of-RIB ipv4';
  const parts: string[] = [];
  if (withdrawn.length) parts.push(`withdrawn ${withdrawn.join(' ')}`);
  for (let at = 0; at + 3 <= attrs.length;) {
    const flags = attrs[at];
    const type = attrs[at + 1];
    const ext = (flags & 0x10) !== 0;
    const len = ext ? attrs.readUInt16BE(at + 2) : attrs[at + 2];
    const v = attrs.subarray(at + (ext ? 4 : 3), at + (ext ? 4 : 3) + len);
    at += (ext ? 4 : 3) + len;
    const name = ATTRS[type] ?? `attr ${type}`;
    if (type === 2) parts.push(`AS_PATH ${asPath(v, as4 ? 4 : 2)}`);
    else if (type === 17) parts.push(`AS4_PATH ${asPath(v, 4)}`);
    else if (type === 4 || type === 5) parts.push(`${name} ${v.readUInt32BE(0)}`);
    else if (type === 8) {
      const cs: string[] = [];
      for (let i = 0; i + 4 <= v.length; i += 4) cs.push(`${v.readUInt16BE(i)}:${v.readUInt16BE(i + 2)}`);
      parts.push(`COMMUNITIES ${cs.join(' ')}`);
    } else if (type === 32) {
      const cs: string[] = [];
      for (let i = 0; i + 12 <= v.length; i += 12) {
        cs.push(`${v.readUInt32BE(i)}:${v.readUInt32BE(i + 4)}:${v.readUInt32BE(i + 8)}`);
      }
      parts.push(`LARGE_COMMUNITY ${cs.join(' ')}`);
    } else if (type === 14 && v.length >= 5) {
      const fam = family(v.readUInt16BE(0), v[2]);
      const nhLen = v[3];
      const nlriAt = 4 + nhLen + 1;
      const hops = [];
      for (let o = 4; o + 4 <= 4 + nhLen; o += nhLen >= 16 ? 16 : 4) {
        hops.push(nhLen >= 16 ? ip6(v, o) : ip4(v, o));
      }
      const ps = prefixes(v.subarray(nlriAt), v.readUInt16BE(0) === 2);
      parts.push(`MP_REACH ${fam} next hop ${hops.join(' ')} NLRI ${ps.join(' ')}`);
    } else if (type === 15 && v.length >= 3) {
      const fam = family(v.readUInt16BE(0), v[2]);
      const ps = prefixes(v.subarray(3), v.readUInt16BE(0) === 2);
      parts.push(ps.length ? `MP_UNREACH ${fam} ${ps.join(' ')}` : `End-of-RIB ${fam} (empty MP_UNREACH)`);
    } else if (type === 1) parts.push(`ORIGIN ${['IGP', 'EGP', 'INCOMPLETE'][v[0]] ?? v[0]}`);
    else if (type === 3) parts.push(`NEXT_HOP ${ip4(v, 0)}`);
    else parts.push(name);
  }
  if (nlri.length) parts.push(`NLRI ${nlri.join(' ')}`);
  return `UPDATE ${parts.join(', ')}`;
}

/** Whether an OPEN offers the 4-octet AS capability (both OPENs must, for the session's AS_PATHs to be 4 octets). */
export function offersAs4(open: Buffer): boolean {
  return describeBgp(open, true).includes('4-octet-as');
}

/** Fixture text: for each message its `# ` comment lines, then the message as one line of lower-case hex. */
export function formatBgpFixture(entries: readonly { comments: readonly string[]; msg: Buffer }[]): string {
  return entries
    .map((e) => [...e.comments.map((c) => `# ${c}`.trimEnd()), e.msg.toString('hex')].join('\n'))
    .join('\n')
    .concat('\n');
}
