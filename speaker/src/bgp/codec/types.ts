/**
 * The BGP-4 message model (RFC 4271) with the extensions ironlb speaks: multiprotocol (RFC 4760), 4-octet AS
 * (RFC 6793), route refresh (RFC 2918), graceful restart (RFC 4724), extended messages (RFC 8654), communities
 * (RFC 1997) and large communities (RFC 8092). Values, not bytes: the codec turns them into wire format and back,
 * and every other layer (FSM, adj-RIB-out, the peer edge) speaks only these types.
 *
 * Only unicast is carried (SAFI 1); anything else a peer offers is kept as an unknown capability and never
 * negotiated.
 */
import type { ParsedIP } from '@ironlb/shared';

/** The address families ironlb negotiates: IPv4 unicast (AFI 1) and IPv6 unicast (AFI 2), SAFI 1. */
export type Family = 'ipv4' | 'ipv6';

/** A prefix: the address with its host bits zero, and its length (0..32 or 0..128 by the address's family). */
export interface Prefix {
  readonly ip: ParsedIP;
  readonly length: number;
}

export type Capability =
  | { readonly code: 'multiprotocol'; readonly family: Family }
  | { readonly code: 'routeRefresh' }
  /** RFC 8654: messages up to 65,535 bytes once both sides offer it. */
  | { readonly code: 'extendedMessage' }
  | {
      readonly code: 'gracefulRestart';
      /** The R bit: this speaker has restarted and its peer should not wait for its End-of-RIB before sending. */
      readonly restarted: boolean;
      /** The N bit (RFC 8538), kept when a peer sends it. */
      readonly notification: boolean;
      /** 0..4095 seconds. */
      readonly restartTimeSec: number;
      /** Families whose forwarding state is preserved across a restart (the F bit per family). */
      readonly families: readonly { readonly family: Family; readonly forwardingPreserved: boolean }[];
    }
  | { readonly code: 'fourOctetAs'; readonly asn: number }
  /** Any other capability (or an AFI/SAFI pair ironlb does not speak), kept as received so it can be ignored. */
  | { readonly code: 'unknown'; readonly type: number; readonly value: Uint8Array };

export interface OpenMessage {
  readonly type: 'open';
  /** Always 4 on the wire; a decoded OPEN with another version is an error, never a message. */
  readonly version: 4;
  /** The 2-octet My Autonomous System field: the AS, or AS_TRANS (23456) when it does not fit (RFC 6793). */
  readonly myAs: number;
  /** 0 or 3..65535. */
  readonly holdTimeSec: number;
  /** The BGP Identifier as an unsigned 32-bit number (a dotted quad's value). */
  readonly bgpId: number;
  /** Every capability of every Capabilities optional parameter, in wire order. */
  readonly capabilities: readonly Capability[];
}

export type AsPathSegment = {
  /** 1 AS_SET, 2 AS_SEQUENCE (RFC 4271); 3 and 4 the confederation kinds (RFC 5065), kept as received. */
  readonly type: 1 | 2 | 3 | 4;
  readonly asns: readonly number[];
};

export type Origin = 'igp' | 'egp' | 'incomplete';

export interface LargeCommunity {
  readonly global: number;
  readonly local1: number;
  readonly local2: number;
}

/** A path attribute the codec does not interpret, kept with its flags so an optional transitive one can be passed on. */
export interface RawAttribute {
  readonly flags: number;
  readonly type: number;
  readonly value: Uint8Array;
}

export interface MpReach {
  readonly family: Family;
  /** One next hop, or for IPv6 the global address followed by a link-local one (RFC 2545). */
  readonly nextHops: readonly ParsedIP[];
  readonly nlri: readonly Prefix[];
}

export interface MpUnreach {
  readonly family: Family;
  readonly withdrawn: readonly Prefix[];
}

/** The path attributes of one UPDATE; absent fields are not on the wire. */
export interface PathAttributes {
  readonly origin?: Origin;
  /** In 4-octet form when the session negotiated 4-octet AS; otherwise the 2-octet form as received. */
  readonly asPath?: readonly AsPathSegment[];
  /** IPv4 NEXT_HOP (type 3). */
  readonly nextHop?: ParsedIP;
  readonly med?: number;
  readonly localPref?: number;
  readonly atomicAggregate?: boolean;
  /** RFC 1997 values (a × 65536 + b), in wire order. */
  readonly communities?: readonly number[];
  readonly largeCommunities?: readonly LargeCommunity[];
  readonly mpReach?: MpReach;
  readonly mpUnreach?: MpUnreach;
  /** AS4_PATH (RFC 6793), present on 2-octet sessions only. */
  readonly as4Path?: readonly AsPathSegment[];
  /** Every other attribute, in wire order. */
  readonly other?: readonly RawAttribute[];
}

export interface UpdateMessage {
  readonly type: 'update';
  /** IPv4 prefixes in the Withdrawn Routes field. */
  readonly withdrawn: readonly Prefix[];
  readonly attributes: PathAttributes;
  /** IPv4 prefixes in the NLRI field. */
  readonly nlri: readonly Prefix[];
}

export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

export interface RouteRefreshMessage {
  readonly type: 'routeRefresh';
  readonly family: Family;
  /** RFC 7313's message subtype: 0 normal request (the only one ironlb sends); 1 BoRR, 2 EoRR kept as received. */
  readonly subtype: number;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/** What the session negotiated, which changes how UPDATEs are encoded and decoded. */
export interface CodecOptions {
  /** Both sides sent the 4-octet AS capability: AS_PATH carries 4-octet ASNs. */
  readonly fourOctetAs: boolean;
  /** Both sides sent the extended message capability: UPDATEs may be up to 65,535 bytes, not 4,096. */
  readonly extendedMessage: boolean;
}

/** RFC 6793: the 2-octet stand-in (in OPEN's My AS and AS_PATH) for an AS that does not fit in 16 bits. */
export const AS_TRANS = 23456;

export const DEFAULT_CODEC_OPTIONS: CodecOptions = { fourOctetAs: false, extendedMessage: false };

/** RFC 4271: a message is 19..4096 bytes; RFC 8654 raises the maximum to 65,535 for all but OPEN and KEEPALIVE. */
export const HEADER_BYTES = 19;
export const MAX_MESSAGE_BYTES = 4096;
export const MAX_EXTENDED_MESSAGE_BYTES = 65535;
