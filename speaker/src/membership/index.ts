export { decodeHeartbeat, encodeHeartbeat, INSECURE_KEY, isNodeName, type Decoded, type RejectReason } from './codec';
export type { Heartbeat } from './heartbeat';
export {
  Membership,
  type HeartbeatVerdict,
  type LivenessVerdict,
  type LivenessReason,
  type MembershipChange,
  type NodeChange,
} from './membership';
export { DEFAULT_MEMBERSHIP_TIMING, membershipTiming, type MembershipTiming } from './timing';
export {
  DEFAULT_PORT,
  monotonicClock,
  REJECTED_REASONS,
  UdpMembership,
  type Counter,
  type HeartbeatKeys,
  type RejectedReason,
  type PeerAddress,
  type UdpMembershipOptions,
} from './udp';
