import { AS_TRANS, type Capability } from '../codec/types';
import { buildOpen, keepOurConnection, negotiate, offeredFamilies, openErrorCode } from './negotiate';
import { config, OUR_ID, PEER_CAPS, PEER_ID, peerOpen } from './testFixtures';
import type { OpenError } from './types';

describe('our OPEN', () => {
  it('offers each family, route refresh, 4-octet AS and extended messages; no graceful restart unless configured', () => {
    expect(buildOpen(config())).toEqual({
      type: 'open',
      version: 4,
      myAs: 64512,
      holdTimeSec: 90,
      bgpId: OUR_ID,
      capabilities: [
        { code: 'multiprotocol', family: 'ipv4' },
        { code: 'multiprotocol', family: 'ipv6' },
        { code: 'routeRefresh' },
        { code: 'fourOctetAs', asn: 64512 },
        { code: 'extendedMessage' },
      ],
    });
  });

  it('puts AS_TRANS in My AS when the AS needs 4 octets, the AS itself at 65535', () => {
    expect(buildOpen(config({ localAs: 4200000000 })).myAs).toBe(AS_TRANS);
    expect(buildOpen(config({ localAs: 65536 })).myAs).toBe(AS_TRANS);
    expect(buildOpen(config({ localAs: 65535 })).myAs).toBe(65535);
  });

  it('adds graceful restart with the R bit as told and F set for every family; leaves extended message out when off', () => {
    const open = buildOpen(
      config({ families: ['ipv6'], gracefulRestart: { restartTimeSec: 120, restarted: true }, extendedMessage: false }),
    );
    expect(open.capabilities).toEqual([
      { code: 'multiprotocol', family: 'ipv6' },
      { code: 'routeRefresh' },
      { code: 'fourOctetAs', asn: 64512 },
      {
        code: 'gracefulRestart',
        restarted: true,
        notification: false,
        restartTimeSec: 120,
        families: [{ family: 'ipv6', forwardingPreserved: true }],
      },
    ]);
  });
});

describe('negotiation', () => {
  it('agrees on everything both offer, with the timers', () => {
    expect(negotiate(config(), peerOpen())).toEqual({
      ok: true,
      negotiated: {
        families: ['ipv4', 'ipv6'],
        fourOctetAs: true,
        routeRefresh: true,
        extendedMessage: true,
        holdTimeSec: 90,
        keepaliveSec: 30,
        peerAs: 64513,
        peerBgpId: PEER_ID,
      },
    });
  });

  it('without any capability: IPv4 alone (RFC 4760), 2-octet AS, no options', () => {
    const r = negotiate(config(), peerOpen({ capabilities: [] }));
    expect(r).toMatchObject({
      ok: true,
      negotiated: { families: ['ipv4'], fourOctetAs: false, routeRefresh: false, extendedMessage: false },
    });
  });

  it('keeps extended message off when we do not offer it', () => {
    expect(negotiate(config({ extendedMessage: false }), peerOpen())).toMatchObject({
      negotiated: { extendedMessage: false },
    });
  });

  it('intersects families in our order', () => {
    const v6only: Capability[] = [{ code: 'multiprotocol', family: 'ipv6' }];
    expect(negotiate(config(), peerOpen({ capabilities: v6only }))).toMatchObject({
      negotiated: { families: ['ipv6'] },
    });
    expect(offeredFamilies(peerOpen({ capabilities: [...v6only, ...v6only] }))).toEqual(['ipv6']);
  });

  it('refuses an OPEN with no family in common: 2/7', () => {
    const r = negotiate(config({ families: ['ipv6'] }), peerOpen({ capabilities: [] }));
    expect(r).toEqual({ ok: false, error: { code: 'noCommonFamily', ours: ['ipv6'], theirs: ['ipv4'] } });
  });

  it('takes the hold time min and scales a configured keepalive', () => {
    expect(negotiate(config({ keepaliveSec: 30 }), peerOpen({ holdTimeSec: 30 }))).toMatchObject({
      negotiated: { holdTimeSec: 30, keepaliveSec: 10 },
    });
    expect(negotiate(config({ holdTimeSec: 0 }), peerOpen())).toMatchObject({
      negotiated: { holdTimeSec: 0, keepaliveSec: 0 },
    });
    expect(negotiate(config(), peerOpen({ holdTimeSec: 0 }))).toMatchObject({
      negotiated: { holdTimeSec: 0, keepaliveSec: 0 },
    });
  });

  it("keeps the peer's graceful restart capability", () => {
    const gr: Capability = {
      code: 'gracefulRestart',
      restarted: true,
      notification: true,
      restartTimeSec: 120,
      families: [{ family: 'ipv4', forwardingPreserved: false }],
    };
    expect(negotiate(config(), peerOpen({ capabilities: [...PEER_CAPS, gr] }))).toMatchObject({
      negotiated: {
        peerGracefulRestart: {
          restarted: true,
          notification: true,
          restartTimeSec: 120,
          families: [{ family: 'ipv4', forwardingPreserved: false }],
        },
      },
    });
  });

  it.each<[string, Parameters<typeof peerOpen>[0], ReturnType<typeof config> | undefined, OpenError]>([
    [
      'another AS in My AS',
      { myAs: 64514, capabilities: [] },
      undefined,
      { code: 'badPeerAs', asn: 64514, myAsField: 64514 },
    ],
    [
      'another AS in the capability',
      { capabilities: [{ code: 'fourOctetAs', asn: 64514 }], myAs: 64514 },
      undefined,
      { code: 'badPeerAs', asn: 64514, myAsField: 64514 },
    ],
    [
      'My AS not AS_TRANS with a 4-octet AS',
      { myAs: 1, capabilities: [{ code: 'fourOctetAs', asn: 4200000000 }] },
      config({ peerAs: 4200000000 }),
      { code: 'badPeerAs', asn: 4200000000, myAsField: 1 },
    ],
    [
      'My AS differing from a 2-octet capability AS',
      { myAs: AS_TRANS, capabilities: [{ code: 'fourOctetAs', asn: 64513 }] },
      undefined,
      { code: 'badPeerAs', asn: 64513, myAsField: AS_TRANS },
    ],
    [
      'a 4-octet AS peer without the capability',
      { myAs: AS_TRANS, capabilities: [] },
      config({ peerAs: 4200000000 }),
      { code: 'badPeerAs', asn: AS_TRANS, myAsField: AS_TRANS },
    ],
    ['hold time 1', { holdTimeSec: 1 }, undefined, { code: 'unacceptableHoldTime', holdTimeSec: 1 }],
    ['hold time 2', { holdTimeSec: 2 }, undefined, { code: 'unacceptableHoldTime', holdTimeSec: 2 }],
    ['identifier 0', { bgpId: 0 }, undefined, { code: 'badBgpId', bgpId: 0 }],
    [
      'our identifier on iBGP',
      { bgpId: OUR_ID, myAs: 64512, capabilities: [] },
      config({ peerAs: 64512 }),
      { code: 'badBgpId', bgpId: OUR_ID },
    ],
  ])('refuses %s', (_name, open, cfg, error) => {
    expect(negotiate(cfg ?? config(), peerOpen(open))).toEqual({ ok: false, error });
  });

  it('accepts a 4-octet AS peer sending AS_TRANS, and our identifier on eBGP (RFC 6286)', () => {
    const four = peerOpen({ myAs: AS_TRANS, capabilities: [{ code: 'fourOctetAs', asn: 4200000000 }] });
    expect(negotiate(config({ peerAs: 4200000000 }), four)).toMatchObject({
      ok: true,
      negotiated: { peerAs: 4200000000 },
    });
    expect(negotiate(config(), peerOpen({ bgpId: OUR_ID }))).toMatchObject({ ok: true });
    expect(negotiate(config(), peerOpen({ holdTimeSec: 3 }))).toMatchObject({ ok: true });
  });

  it('checks the AS before the hold time before the identifier (RFC 4271 6.2)', () => {
    const all = peerOpen({ myAs: 1, capabilities: [], holdTimeSec: 1, bgpId: 0 });
    expect(negotiate(config(), all)).toMatchObject({ error: { code: 'badPeerAs' } });
    expect(negotiate(config(), peerOpen({ holdTimeSec: 1, bgpId: 0 }))).toMatchObject({
      error: { code: 'unacceptableHoldTime' },
    });
  });

  it.each<[OpenError, number]>([
    [{ code: 'badPeerAs', asn: 1, myAsField: 1 }, 2],
    [{ code: 'badBgpId', bgpId: 0 }, 3],
    [{ code: 'unacceptableHoldTime', holdTimeSec: 1 }, 6],
    [{ code: 'noCommonFamily', ours: [], theirs: [] }, 7],
  ])('answers %j with 2/%i', (error, subcode) => {
    expect(openErrorCode(error)).toEqual({ code: 2, subcode });
  });
});

describe('collision winner', () => {
  it('keeps the connection dialled by the higher identifier; on a tie, by the larger AS', () => {
    expect(keepOurConnection(2, 1, 1, 1)).toBe(true);
    expect(keepOurConnection(1, 2, 9, 1)).toBe(false);
    expect(keepOurConnection(5, 5, 65001, 65000)).toBe(true);
    expect(keepOurConnection(5, 5, 65000, 65001)).toBe(false);
  });
});
