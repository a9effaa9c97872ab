/** What other workspaces use of the speaker: the announcer ranking and the packet socket (the lab tests, the benches). */
export { rankNodes, winner } from './ranking';
export { ADDON_PATH, BUILD_COMMAND, openPacketSocket, type PacketSocket } from './l2/packetSocket';
