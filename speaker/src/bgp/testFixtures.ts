/** Shared test values for BGP mode's tests (tests only): a BGPPeer and a BGPAdvertisement, each overridable. */
import { mustParseIP } from '@ironlb/shared';
import type { BGPAdvertisement, BGPPeer } from '@ironlb/shared/config';

/** An eBGP peer at 203.0.113.1 (AS 64512 to 64513), default timers, no graceful restart, MP on, on every node. */
export function bgpPeer(name: string, over: Partial<BGPPeer> = {}): BGPPeer {
  return {
    name,
    myASN: 64512,
    peerASN: 64513,
    peerAddress: mustParseIP('203.0.113.1'),
    peerPort: 179,
    holdTimeMs: 90_000,
    keepaliveTimeMs: 30_000,
    ebgpMultiHop: false,
    enableGracefulRestart: false,
    disableMP: false,
    nodeSelectors: [],
    ...over,
  };
}

/** An advertisement of host routes with no communities, selecting nothing until overridden. */
export function bgpAdvertisement(name: string, over: Partial<BGPAdvertisement> = {}): BGPAdvertisement {
  return {
    name,
    aggregationLength: 32,
    aggregationLengthV6: 128,
    communities: [],
    ipAddressPools: [],
    ipAddressPoolSelectors: [],
    nodeSelectors: [],
    peers: [],
    ...over,
  };
}
