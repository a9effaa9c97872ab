/**
 * A BGPPeer, as this node opens it: the PeerSpec the peer edge is built from. Pure; the password comes in resolved
 * (from spec.password, or read from the Secret named by spec.passwordSecret: passwords.ts), and the router ID falls
 * back to the node's IPv4 address toward the peer (its next hop rule: nextHop.ts), as MetalLB uses the node's IP.
 */
import type { BFDProfile, BGPPeer } from '@ironlb/shared/config';
import type { LocalInterface } from '../l2/interfaces';
import { nextHopFor } from './nextHop';
import type { PeerSpec } from './peer/types';

/** ConnectRetryTime when the BGPPeer sets no connectTime (RFC 4271 suggests 120 s; MetalLB's sessions use 5 s). */
export const DEFAULT_CONNECT_RETRY_SEC = 5;

export type PeerSpecResult =
  { readonly ok: true; readonly spec: PeerSpec } | { readonly ok: false; readonly problem: string };

export function peerSpecOf(
  peer: BGPPeer,
  local: readonly LocalInterface[],
  bfdProfiles: ReadonlyMap<string, BFDProfile>,
  md5Password: string | undefined,
): PeerSpecResult {
  const routerId = peer.routerID ?? nextHopFor(peer, 'IPv4', local);
  if (!routerId) {
    return { ok: false, problem: 'this node has no IPv4 address to use as the BGP Identifier: set spec.routerID' };
  }
  let bfd: PeerSpec['bfd'];
  if (peer.bfdProfile !== undefined) {
    const p = bfdProfiles.get(peer.bfdProfile);
    // The parser refuses a peer naming a missing profile; kept as a problem rather than a session without BFD.
    if (!p) return { ok: false, problem: `BFDProfile "${peer.bfdProfile}" is not loaded` };
    bfd = {
      receiveIntervalMs: p.receiveIntervalMs,
      transmitIntervalMs: p.transmitIntervalMs,
      detectMultiplier: p.detectMultiplier,
      passiveMode: p.passiveMode,
      minimumTtl: p.minimumTtl,
    };
  }
  const transport = peer.peerAddress.family === 'IPv4' ? 'ipv4' : 'ipv6';
  const spec: PeerSpec = {
    name: peer.name,
    localAs: peer.myASN,
    peerAs: peer.peerASN,
    peerAddress: peer.peerAddress,
    peerPort: peer.peerPort,
    ...(peer.sourceAddress ? { sourceAddress: peer.sourceAddress } : {}),
    routerId: Number(routerId.value),
    holdTimeSec: peer.holdTimeMs / 1000,
    keepaliveSec: peer.keepaliveTimeMs / 1000,
    connectRetrySec: peer.connectTimeMs === undefined ? DEFAULT_CONNECT_RETRY_SEC : peer.connectTimeMs / 1000,
    ...(md5Password === undefined ? {} : { md5Password }),
    ebgpMultiHop: peer.ebgpMultiHop,
    gracefulRestart: peer.enableGracefulRestart,
    families: peer.disableMP ? [transport] : ['ipv4', 'ipv6'],
    ...(bfd ? { bfd } : {}),
  };
  return { ok: true, spec };
}

/** Whether two specs open the same session (a changed one means a new session). */
export function sameSpec(a: PeerSpec, b: PeerSpec): boolean {
  return JSON.stringify(a, bigints) === JSON.stringify(b, bigints);
}

const bigints = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);
