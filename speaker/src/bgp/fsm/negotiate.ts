/**
 * Our OPEN, and what a peer's OPEN means for the session (RFC 4271 6.2 checks, RFC 5492 capabilities): the peer's
 * real AS (RFC 6793), the families both offered (RFC 4760), the optional features both sides support, the timers.
 */
import { AS_TRANS, type Capability, type Family, type OpenMessage } from '../codec/types';
import { ErrorCode, OpenSubcode } from '../codec';
import { keepaliveSec, negotiatedHoldSec } from './timers';
import type { Negotiated, NotificationCode, OpenError, PeerGracefulRestart, SessionConfig } from './types';

/** The OPEN we send on every connection. */
export function buildOpen(config: SessionConfig): OpenMessage {
  const capabilities: Capability[] = config.families.map((family) => ({ code: 'multiprotocol', family }));
  capabilities.push({ code: 'routeRefresh' }, { code: 'fourOctetAs', asn: config.localAs });
  if (config.gracefulRestart !== undefined) {
    capabilities.push({
      code: 'gracefulRestart',
      restarted: config.gracefulRestart.restarted,
      notification: false,
      restartTimeSec: config.gracefulRestart.restartTimeSec,
      // A LoadBalancer IP's data plane keeps forwarding while the speaker restarts: F set for every family.
      families: config.families.map((family) => ({ family, forwardingPreserved: true })),
    });
  }
  if (config.extendedMessage !== false) capabilities.push({ code: 'extendedMessage' });
  return {
    type: 'open',
    version: 4,
    myAs: config.localAs > 0xffff ? AS_TRANS : config.localAs,
    holdTimeSec: config.holdTimeSec,
    bgpId: config.routerId,
    capabilities,
  };
}

export type Negotiation =
  { readonly ok: true; readonly negotiated: Negotiated } | { readonly ok: false; readonly error: OpenError };

/** The families an OPEN offers: its multiprotocol capabilities, or IPv4 unicast alone when it has none (RFC 4760). */
export function offeredFamilies(open: OpenMessage): Family[] {
  const mp = open.capabilities.flatMap((c) => (c.code === 'multiprotocol' ? [c.family] : []));
  return mp.length === 0 ? ['ipv4'] : [...new Set(mp)];
}

/** Checks the peer's OPEN (RFC 4271 6.2 order: AS, hold time, identifier) and negotiates with ours. */
export function negotiate(config: SessionConfig, open: OpenMessage): Negotiation {
  const four = open.capabilities.find((c) => c.code === 'fourOctetAs');
  const peerAs = four === undefined ? open.myAs : four.asn;
  // With the capability, My AS must be the AS itself when it fits in 2 octets, else AS_TRANS (RFC 6793 4.1).
  const myAsConsistent = four === undefined || open.myAs === (four.asn > 0xffff ? AS_TRANS : four.asn);
  if (peerAs !== config.peerAs || !myAsConsistent) {
    return { ok: false, error: { code: 'badPeerAs', asn: peerAs, myAsField: open.myAs } };
  }
  if (open.holdTimeSec === 1 || open.holdTimeSec === 2) {
    return { ok: false, error: { code: 'unacceptableHoldTime', holdTimeSec: open.holdTimeSec } };
  }
  if (open.bgpId === 0 || (config.localAs === config.peerAs && open.bgpId === config.routerId)) {
    return { ok: false, error: { code: 'badBgpId', bgpId: open.bgpId } };
  }
  const theirs = offeredFamilies(open);
  const families = config.families.filter((f) => theirs.includes(f));
  if (families.length === 0) {
    return { ok: false, error: { code: 'noCommonFamily', ours: [...config.families], theirs } };
  }
  const has = (code: Capability['code']): boolean => open.capabilities.some((c) => c.code === code);
  const holdTimeSec = negotiatedHoldSec(config.holdTimeSec, open.holdTimeSec);
  const gr = open.capabilities.find((c) => c.code === 'gracefulRestart');
  let peerGracefulRestart: PeerGracefulRestart | undefined;
  if (gr !== undefined) {
    const { code: _code, ...rest } = gr;
    peerGracefulRestart = rest;
  }
  return {
    ok: true,
    negotiated: {
      families,
      fourOctetAs: four !== undefined,
      routeRefresh: has('routeRefresh'),
      extendedMessage: config.extendedMessage !== false && has('extendedMessage'),
      holdTimeSec,
      keepaliveSec: keepaliveSec(holdTimeSec, config.holdTimeSec, config.keepaliveSec),
      peerAs,
      peerBgpId: open.bgpId,
      ...(peerGracefulRestart === undefined ? {} : { peerGracefulRestart }),
    },
  };
}

/** The NOTIFICATION an OPEN error is answered with. */
export function openErrorCode(error: OpenError): NotificationCode {
  switch (error.code) {
    case 'badPeerAs':
      return { code: ErrorCode.openMessage, subcode: OpenSubcode.badPeerAs };
    case 'badBgpId':
      return { code: ErrorCode.openMessage, subcode: OpenSubcode.badBgpIdentifier };
    case 'unacceptableHoldTime':
      return { code: ErrorCode.openMessage, subcode: OpenSubcode.unacceptableHoldTime };
    case 'noCommonFamily':
      return { code: ErrorCode.openMessage, subcode: OpenSubcode.unsupportedCapability };
  }
}

/**
 * RFC 4271 6.8 with RFC 6286 2.3: which side's dialled connection survives a collision. The higher BGP Identifier
 * wins; on equal identifiers (possible across ASes) the larger AS wins. True: keep the one we dialled.
 */
export function keepOurConnection(ourId: number, peerId: number, ourAs: number, peerAs: number): boolean {
  return ourId === peerId ? ourAs > peerAs : ourId > peerId;
}
