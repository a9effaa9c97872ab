import { mustParseIP } from '@ironlb/shared';
import type { BFDProfile, BGPPeer } from '@ironlb/shared/config';
import type { LocalInterface } from '../l2/interfaces';
import { DEFAULT_CONNECT_RETRY_SEC, peerSpecOf, sameSpec } from './peerSpecs';
import type { PeerSpec } from './peer/types';
import { bgpPeer } from './testFixtures';

const ip = mustParseIP;

const peer = (over: Partial<BGPPeer> = {}): BGPPeer => bgpPeer('tor', over);

const LOCAL: LocalInterface[] = [
  { name: 'eth0', addresses: [{ ip: ip('198.51.100.10'), prefixLength: 24 }] },
  { name: 'eth1', addresses: [{ ip: ip('203.0.113.10'), prefixLength: 24 }] },
];

const fast: BFDProfile = {
  name: 'fast',
  receiveIntervalMs: 100,
  transmitIntervalMs: 200,
  detectMultiplier: 2,
  echoIntervalMs: 50,
  echoMode: false,
  passiveMode: true,
  minimumTtl: 250,
};
const PROFILES = new Map([['fast', fast]]);

function spec(p: BGPPeer, password?: string, local = LOCAL): PeerSpec {
  const r = peerSpecOf(p, local, PROFILES, password);
  if (!r.ok) throw new Error(r.problem);
  return r.spec;
}

describe('peerSpecOf', () => {
  it('the defaults: router ID from the address toward the peer, both families, 5 s retry, no BFD, no MD5', () => {
    expect(spec(peer())).toEqual({
      name: 'tor',
      localAs: 64512,
      peerAs: 64513,
      peerAddress: ip('203.0.113.1'),
      peerPort: 179,
      routerId: 0xcb00710a,
      holdTimeSec: 90,
      keepaliveSec: 30,
      connectRetrySec: DEFAULT_CONNECT_RETRY_SEC,
      ebgpMultiHop: false,
      gracefulRestart: false,
      families: ['ipv4', 'ipv6'],
    });
    expect(DEFAULT_CONNECT_RETRY_SEC).toBe(5);
  });

  it('every field set', () => {
    const s = spec(
      peer({
        peerAddress: ip('2001:db8::1'),
        peerPort: 1179,
        sourceAddress: ip('2001:db8::2'),
        routerID: ip('198.51.100.9'),
        holdTimeMs: 9_000,
        keepaliveTimeMs: 3_000,
        connectTimeMs: 10_000,
        bfdProfile: 'fast',
        ebgpMultiHop: true,
        enableGracefulRestart: true,
        disableMP: true,
      }),
      's3cret',
    );
    expect(s).toEqual({
      name: 'tor',
      localAs: 64512,
      peerAs: 64513,
      peerAddress: ip('2001:db8::1'),
      peerPort: 1179,
      sourceAddress: ip('2001:db8::2'),
      routerId: 0xc6336409,
      holdTimeSec: 9,
      keepaliveSec: 3,
      connectRetrySec: 10,
      md5Password: 's3cret',
      ebgpMultiHop: true,
      gracefulRestart: true,
      families: ['ipv6'],
      bfd: { receiveIntervalMs: 100, transmitIntervalMs: 200, detectMultiplier: 2, passiveMode: true, minimumTtl: 250 },
    });
  });

  it('disableMP over IPv4 negotiates IPv4 alone', () => {
    expect(spec(peer({ disableMP: true })).families).toEqual(['ipv4']);
  });

  it('an IPv6 peer without routerID takes the first IPv4 address of the node', () => {
    expect(spec(peer({ peerAddress: ip('2001:db8::1') })).routerId).toBe(0xc633640a);
  });

  it('no router ID and no IPv4 address: a problem, not a session', () => {
    expect(peerSpecOf(peer(), [], PROFILES, undefined)).toEqual({
      ok: false,
      problem: 'this node has no IPv4 address to use as the BGP Identifier: set spec.routerID',
    });
    expect(spec(peer({ routerID: ip('198.51.100.9') }), undefined, []).routerId).toBe(0xc6336409);
  });

  it('a BFDProfile that is not loaded is a problem', () => {
    expect(peerSpecOf(peer({ bfdProfile: 'gone' }), LOCAL, PROFILES, undefined)).toEqual({
      ok: false,
      problem: 'BFDProfile "gone" is not loaded',
    });
  });

  it('sameSpec: equal fields are the same session; any change is another', () => {
    expect(sameSpec(spec(peer()), spec(peer()))).toBe(true);
    expect(sameSpec(spec(peer()), spec(peer(), 'pw'))).toBe(false);
    expect(sameSpec(spec(peer()), spec(peer({ peerAddress: ip('203.0.113.2') })))).toBe(false);
    expect(sameSpec(spec(peer()), spec(peer({ holdTimeMs: 30_000, keepaliveTimeMs: 10_000 })))).toBe(false);
  });
});
