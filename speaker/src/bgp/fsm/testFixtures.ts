/** Shared test values: our config and a peer's OPEN, each overridable. */
import type { Capability, OpenMessage } from '../codec/types';
import type { SessionConfig } from './types';

/** 198.51.100.1 and 198.51.100.2 as BGP Identifiers. */
export const OUR_ID = 0xc6336401;
export const PEER_ID = 0xc6336402;

export function config(over: Partial<SessionConfig> = {}): SessionConfig {
  return {
    localAs: 64512,
    peerAs: 64513,
    routerId: OUR_ID,
    holdTimeSec: 90,
    passive: false,
    families: ['ipv4', 'ipv6'],
    ...over,
  };
}

export const PEER_CAPS: readonly Capability[] = [
  { code: 'multiprotocol', family: 'ipv4' },
  { code: 'multiprotocol', family: 'ipv6' },
  { code: 'routeRefresh' },
  { code: 'fourOctetAs', asn: 64513 },
  { code: 'extendedMessage' },
];

export function peerOpen(over: Partial<OpenMessage> = {}): OpenMessage {
  return { type: 'open', version: 4, myAs: 64513, holdTimeSec: 90, bgpId: PEER_ID, capabilities: PEER_CAPS, ...over };
}
