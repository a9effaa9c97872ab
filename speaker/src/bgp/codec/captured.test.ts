// The codec against every message captured from BIRD 2, FRR and GoBGP talking to each other (fixtures/, see its
// README.md): each decodes without an error, says what the capture's own description says, and encodes back.
import * as path from 'node:path';
import { formatIP } from '@ironlb/shared';
import { readHexFixtures, type HexFixture } from '../../testing/hexFixtures';
import { decodeMessage, encodeMessage, isEndOfRib } from './index';
import type { BgpMessage, CodecOptions, Prefix, UpdateMessage } from './types';

const fixtures = readHexFixtures(path.join(__dirname, 'fixtures'));
const optionsOf = (f: HexFixture): CodecOptions => ({
  fourOctetAs: !f.comment.includes('2-octet AS'),
  extendedMessage: false,
});
const named = fixtures.map((f, i) => [`${f.file} #${i} ${f.comment.split('\n').pop() ?? ''}`, f] as const);

function decoded(f: HexFixture): BgpMessage {
  const r = decodeMessage(new Uint8Array(f.bytes), optionsOf(f));
  if (r.ok !== true) throw new Error(`${f.file}: ${JSON.stringify(r)}`);
  expect(r.treatAsWithdraw).toBeUndefined();
  return r.message;
}

const prefixText = (p: Prefix): string => `${formatIP(p.ip)}/${p.length}`;

/** The description's facts about an UPDATE, checked against the decoded values. */
function checkUpdate(u: UpdateMessage, description: string): void {
  if (description.includes('End-of-RIB')) {
    expect(isEndOfRib(u)).toBe(true);
    return;
  }
  expect(isEndOfRib(u)).toBe(false);
  const asPath = /AS_PATH \[([^\]]*)\]/.exec(description);
  if (asPath) {
    const asns = (u.attributes.asPath ?? []).flatMap((s) => s.asns);
    expect(asns.join(' ')).toBe(asPath[1]);
  }
  const nextHop = /(?:^|, )NEXT_HOP (\S+?)(?:,|$)/.exec(description);
  if (nextHop) expect(u.attributes.nextHop && formatIP(u.attributes.nextHop)).toBe(nextHop[1]);
  const communities = /COMMUNITIES ((?:\d+:\d+ ?)+)/.exec(description);
  if (communities && !description.includes(`LARGE_COMMUNITIES ${communities[1]}`)) {
    const want = communities[1].trim().split(' ');
    expect((u.attributes.communities ?? []).map((c) => `${Math.floor(c / 65536)}:${c % 65536}`)).toEqual(want);
  }
  const withdrawn = /^UPDATE withdrawn (.+)$/.exec(description);
  if (withdrawn) expect(u.withdrawn.map(prefixText)).toEqual(withdrawn[1].split(' '));
  const unreach = /^UPDATE MP_UNREACH ipv6 (.+)$/.exec(description);
  if (unreach) expect(u.attributes.mpUnreach?.withdrawn.map(prefixText)).toEqual(unreach[1].split(' '));
  const reach = /MP_REACH ipv6 next hop ([^N]+?) NLRI ([^,]+)/.exec(description);
  if (reach) {
    expect(u.attributes.mpReach?.nextHops.map(formatIP)).toEqual(reach[1].trim().split(' '));
    expect(u.attributes.mpReach?.nlri.map(prefixText)).toEqual(reach[2].trim().split(' '));
  }
}

describe('messages captured from BIRD, FRR and GoBGP', () => {
  it('covers every sender and message kind', () => {
    const kinds = new Set(fixtures.map((f) => f.file.replace(/\.hex$/, '')));
    for (const sender of ['bird2', 'frr', 'gobgp'])
      for (const kind of ['open', 'update', 'keepalive', 'notification']) expect(kinds).toContain(`${sender}-${kind}`);
    expect(fixtures.length).toBeGreaterThanOrEqual(70);
  });

  it.each(named)('%s decodes as its description says', (_, f) => {
    const m = decoded(f);
    const description = f.comment.split('\n').pop() ?? '';
    expect(description.startsWith(m.type === 'routeRefresh' ? 'ROUTE-REFRESH' : m.type.toUpperCase())).toBe(true);
    if (m.type === 'update') checkUpdate(m, description);
  });

  // Not byte for byte: routers choose their own attribute order, extended lengths for short attributes (BIRD, FRR
  // and GoBGP all do for MP_REACH) and one capability per optional parameter (FRR); the values must survive.
  it.each(named)('%s encodes to bytes that decode to the same message', (_, f) => {
    const m = decoded(f);
    const again = decodeMessage(encodeMessage(m, optionsOf(f)), optionsOf(f));
    expect(again).toEqual({ ok: true, message: m });
  });
});
