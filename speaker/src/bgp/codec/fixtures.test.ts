// The captured BGP vectors (fixtures/, see its README.md) are whole, well-framed messages, and together they cover
// every kind the codec must read; each row below names the file that covers it. Only framing and a few fixed
// offsets are read here: decoding them is the codec's test's job.
import * as path from 'node:path';
import { readHexFixtures, type HexFixture } from '../../testing/hexFixtures';

const FIXTURES = readHexFixtures(path.join(__dirname, 'fixtures'));
const MARKER = Buffer.alloc(16, 0xff);

/** An UPDATE's withdrawn-routes bytes, its path attributes (type and value) and its NLRI bytes. */
function update(m: Buffer): { withdrawn: Buffer; attrs: { type: number; value: Buffer }[]; nlri: Buffer } {
  const b = m.subarray(19);
  const wLen = b.readUInt16BE(0);
  const aLen = b.readUInt16BE(2 + wLen);
  const raw = b.subarray(4 + wLen, 4 + wLen + aLen);
  const attrs: { type: number; value: Buffer }[] = [];
  for (let at = 0; at < raw.length;) {
    const ext = (raw[at] & 0x10) !== 0;
    const len = ext ? raw.readUInt16BE(at + 2) : raw[at + 2];
    const start = at + (ext ? 4 : 3);
    attrs.push({ type: raw[at + 1], value: raw.subarray(start, start + len) });
    at = start + len;
  }
  return { withdrawn: b.subarray(2, 2 + wLen), attrs, nlri: b.subarray(4 + wLen + aLen) };
}

/** The capability codes of an OPEN. */
function capabilities(m: Buffer): number[] {
  const b = m.subarray(19);
  const params = b.subarray(10, 10 + b[9]);
  const out: number[] = [];
  for (let p = 0; p < params.length; p += 2 + params[p + 1]) {
    if (params[p] !== 2) continue;
    const caps = params.subarray(p + 2, p + 2 + params[p + 1]);
    for (let c = 0; c < caps.length; c += 2 + caps[c + 1]) out.push(caps[c]);
  }
  return out;
}

const type = (f: HexFixture): number => f.bytes[18];
const isUpdate = (f: HexFixture): boolean => type(f) === 2;
const attr = (f: HexFixture, t: number): Buffer | undefined =>
  isUpdate(f) ? update(f.bytes).attrs.find((a) => a.type === t)?.value : undefined;
const hasCap = (f: HexFixture, code: number): boolean => type(f) === 1 && capabilities(f.bytes).includes(code);

test('every line is a whole BGP message: marker, length field = its length, type 1..5', () => {
  expect(FIXTURES.length).toBeGreaterThanOrEqual(40);
  for (const f of FIXTURES) {
    const where = `${f.file}: ${f.comment.split('\n')[0]}`;
    expect([where, f.bytes.subarray(0, 16).equals(MARKER)]).toEqual([where, true]);
    expect([where, f.bytes.readUInt16BE(16)]).toEqual([where, f.bytes.length]);
    expect([where, type(f) >= 1 && type(f) <= 5]).toEqual([where, true]);
  }
});

test('each message says who sent it, and sits in its sender-kind file; no sender repeats a message', () => {
  const kinds = ['', 'open', 'update', 'notification', 'keepalive', 'route-refresh'];
  const seen = new Set<string>();
  for (const f of FIXTURES) {
    const m = /^(bird2|frr|gobgp) -> (bird2|frr|gobgp), IPv[46] transport, /.exec(f.comment);
    expect([f.file, m !== null]).toEqual([f.file, true]);
    expect(f.file).toBe(`${m?.[1]}-${kinds[type(f)]}.hex`);
    const key = `${m?.[1]} ${f.bytes.toString('hex')}`;
    expect([f.file, seen.has(key)]).toEqual([f.file, false]);
    seen.add(key);
  }
});

const AS4_LARGE = 4200000001;

const COVERAGE: { what: string; file: string; is: (f: HexFixture) => boolean }[] = [
  { what: 'OPEN with 4-octet AS (My AS = AS_TRANS)', file: 'bird2-open.hex', is: (f) => hasCap(f, 65) },
  {
    what: 'OPEN of a 2-octet-AS speaker (no 4-octet AS capability)',
    file: 'bird2-open.hex',
    is: (f) => type(f) === 1 && !hasCap(f, 65),
  },
  { what: 'OPEN: graceful restart capability', file: 'gobgp-open.hex', is: (f) => hasCap(f, 64) },
  { what: 'OPEN: route refresh capability', file: 'frr-open.hex', is: (f) => hasCap(f, 2) },
  { what: 'OPEN: extended message capability', file: 'frr-open.hex', is: (f) => hasCap(f, 6) },
  { what: 'OPEN: multiprotocol IPv6 unicast', file: 'gobgp-open.hex', is: (f) => hasCap(f, 1) },
  {
    what: 'UPDATE with IPv4 NLRI',
    file: 'bird2-update.hex',
    is: (f) => isUpdate(f) && update(f.bytes).nlri.length > 0,
  },
  {
    what: 'UPDATE with IPv6 NLRI in MP_REACH_NLRI',
    file: 'frr-update.hex',
    is: (f) => attr(f, 14)?.readUInt16BE(0) === 2,
  },
  {
    what: 'IPv6 NLRI over an IPv4-transport session',
    file: 'gobgp-update.hex',
    is: (f) => f.comment.includes('IPv4 transport') && attr(f, 14)?.readUInt16BE(0) === 2,
  },
  { what: 'COMMUNITIES', file: 'frr-update.hex', is: (f) => (attr(f, 8)?.length ?? 0) >= 8 },
  { what: 'LARGE_COMMUNITY', file: 'gobgp-update.hex', is: (f) => attr(f, 32)?.length === 12 },
  { what: 'LOCAL_PREF (iBGP)', file: 'bird2-update.hex', is: (f) => attr(f, 5)?.readUInt32BE(0) === 250 },
  { what: 'MED', file: 'bird2-update.hex', is: (f) => attr(f, 4)?.readUInt32BE(0) === 10 },
  {
    what: 'AS_PATH of 4-octet ASNs',
    file: 'bird2-update.hex',
    is: (f) => {
      const p = attr(f, 2);
      return p !== undefined && p.length >= 6 && p.readUInt32BE(2) === AS4_LARGE;
    },
  },
  {
    what: 'AS4_PATH next to a 2-octet AS_PATH holding AS_TRANS (23456)',
    file: 'frr-update.hex',
    is: (f) => {
      const p = attr(f, 2);
      return attr(f, 17) !== undefined && p !== undefined && p.includes(Buffer.from([0x5b, 0xa0]));
    },
  },
  {
    what: 'classic withdrawal (Withdrawn Routes)',
    file: 'gobgp-update.hex',
    is: (f) => isUpdate(f) && update(f.bytes).withdrawn.length > 0,
  },
  { what: 'MP_UNREACH_NLRI withdrawal', file: 'bird2-update.hex', is: (f) => (attr(f, 15)?.length ?? 0) > 3 },
  { what: 'End-of-RIB IPv4 (empty UPDATE)', file: 'frr-update.hex', is: (f) => isUpdate(f) && f.bytes.length === 23 },
  {
    what: 'End-of-RIB IPv6 (an UPDATE with only an empty MP_UNREACH_NLRI)',
    file: 'gobgp-update.hex',
    is: (f) => isUpdate(f) && update(f.bytes).attrs.length === 1 && attr(f, 15)?.length === 3,
  },
  { what: 'KEEPALIVE', file: 'gobgp-keepalive.hex', is: (f) => type(f) === 4 && f.bytes.length === 19 },
  { what: 'ROUTE-REFRESH (RFC 2918)', file: 'bird2-route-refresh.hex', is: (f) => type(f) === 5 && f.bytes[21] === 0 },
  {
    what: 'enhanced ROUTE-REFRESH BoRR (RFC 7313 subtype 1)',
    file: 'frr-route-refresh.hex',
    is: (f) => type(f) === 5 && f.bytes[21] === 1,
  },
  {
    what: 'enhanced ROUTE-REFRESH EoRR (RFC 7313 subtype 2)',
    file: 'bird2-route-refresh.hex',
    is: (f) => type(f) === 5 && f.bytes[21] === 2,
  },
];

const shutdown = (f: HexFixture): boolean =>
  type(f) === 3 && f.bytes[19] === 6 && f.bytes[20] === 2 && f.bytes[21] === f.bytes.length - 22 && f.bytes[21] > 0;

test.each(COVERAGE)('$file covers: $what', ({ file, is }) => {
  expect(FIXTURES.filter((f) => f.file === file).some(is)).toBe(true);
});

test.each(['bird2', 'frr', 'gobgp'])('%s sent a Cease/Administrative Shutdown with an RFC 9003 message', (d) => {
  expect(FIXTURES.filter((f) => f.file === `${d}-notification.hex`).some(shutdown)).toBe(true);
});
