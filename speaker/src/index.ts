/**
 * What other workspaces use of the speaker: the announcer ranking, the packet socket and the ARP codec (the lab
 * tests, the benchmarks and the ARP tools in scripts/src/l2tools), and the heartbeat codec (tests that forge and
 * replay heartbeats), and the BGP outgoing table and codec (the BGP benchmark).
 */
export { rankNodes, winner } from './ranking';
export { arpRequest, decodeArp, encodeArp, formatMac, isIgnored, parseMac } from './l2/codec';
export { ADDON_PATH, BUILD_COMMAND, openPacketSocket, type PacketSocket } from './l2/packetSocket';
export { decodeHeartbeat, encodeHeartbeat } from './membership/codec';
export { BfdSessions, type BfdPeer, type BfdSessionHandle, type BfdSessionsOptions } from './bgp/bfd/sessions';
export { decodeControl, encodeControl, type ControlPacket } from './bgp/bfd/codec';
// The BGP benchmark's in-process figure: routes through the adj-RIB-out and the codec, as a session sends them.
export { createAdjRibOut } from './bgp/rib/adjRibOut';
export type { Route } from './bgp/rib/types';
export { encodeMessage, endOfRib } from './bgp/codec';
export { DEFAULT_RESTART_TIME_SEC } from './bgp/peer/edge';
// The dataplane's iptables backend and the plan it renders, for its lab test (scripts/src/e2e/dataplane-iptables).
export { IptablesDataplane, renderIptables } from './dataplane/iptables';
export { processRunner, type CommandRunner } from './dataplane/command';
export type { DataplanePlan, Forward } from './dataplane/types';
// The dataplane benchmarks (scripts/src/bench/dataplaneSync, dataplanePath): the planner, both rule backends, and
// nftables' full render, timed alone against `nft -f` of the same text.
export { DataplanePlanner, planDataplane } from './dataplane/plan';
export { nftablesBackend } from './dataplane/nftables/edge';
export { renderFull as renderNftablesFull } from './dataplane/nftables/render';
export { iptablesBackend } from './dataplane/iptables';
export type { ApplyStats, DataplaneBackend } from './dataplane/backend';
export type { DataplaneEndpoint, DataplaneInput, DataplaneService } from './dataplane/types';
