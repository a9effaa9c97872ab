// The speaker's layer-2 socket: an AF_PACKET socket on one interface that receives only ARP and IPv6
// Neighbor Solicitations/Advertisements (a BPF filter drops everything else in the kernel), read on the
// event loop, never the thread pool. The native side is speaker/native/packet_socket.c; this file types it.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An open layer-2 socket bound to one interface. */
export interface PacketSocket {
  readonly ifname: string;
  /** The interface's MAC address (6 bytes), read when the socket was opened. */
  readonly mac: Buffer;
  readonly ifindex: number;
  /** Sends one whole Ethernet frame (header included) out of the interface; throws with the errno on failure. */
  send(frame: Buffer): void;
  /** Receives frames sent to this multicast MAC (e.g. 33:33:ff:xx:xx:xx, an IPv6 solicited-node group). */
  addMembership(mac: Buffer): void;
  dropMembership(mac: Buffer): void;
  /** Replaces the kernel filter with a classic BPF program (8-byte instructions, host order); see bpf.ts. */
  setFilter(program: Buffer): void;
  /** Stops reading and closes the socket; memberships end with it. Safe to call twice. */
  close(): void;
}

/** Frames come in batches (one call per up to 64 frames); each Buffer is a whole Ethernet frame, a copy. */
export type FramesHandler = (frames: Buffer[]) => void;

// The addon's shape, typed once here: the socket above, without the name it was opened with.
type NativeSocket = Omit<PacketSocket, 'ifname'>;
interface NativeModule {
  PacketSocket: new (ifname: string, onFrames: FramesHandler, onError: (e: Error) => void) => NativeSocket;
}

/** speaker/build/Release/packet_socket.node: two levels up from both src/l2 (jest) and dist/l2 (compiled). */
export const ADDON_PATH = path.resolve(__dirname, '..', '..', 'build', 'Release', 'packet_socket.node');
export const BUILD_COMMAND = 'npm rebuild -w @ironlb/speaker';

let native: NativeModule | undefined;

function isNativeModule(m: unknown): m is NativeModule {
  return typeof m === 'object' && m !== null && typeof (m as { PacketSocket?: unknown }).PacketSocket === 'function';
}

function loadAddon(): NativeModule {
  if (native) return native;
  if (!fs.existsSync(ADDON_PATH)) {
    throw new Error(
      `the speaker's native addon is not built (${ADDON_PATH} is missing): run \`${BUILD_COMMAND}\` ` +
        '(npm ci builds it too; it needs python3, make and a C compiler)',
    );
  }
  const mod: { exports: unknown } = { exports: {} };
  try {
    process.dlopen(mod, ADDON_PATH);
  } catch (e) {
    throw new Error(`cannot load ${ADDON_PATH} (${(e as Error).message}): rebuild it with \`${BUILD_COMMAND}\``);
  }
  if (!isNativeModule(mod.exports)) throw new Error(`${ADDON_PATH} does not export PacketSocket`);
  native = mod.exports;
  return native;
}

/**
 * Opens the socket on `ifname` (needs CAP_NET_RAW). Throws an Error whose `code` is the errno name, e.g.
 * `open eth9: ENODEV (No such device)`; `ENOTETHER` for an interface that is not Ethernet.
 * `onFrames` gets ARP frames and ICMPv6 NS/NA frames received on the interface, never the ones we send;
 * `onError` gets receive errors (e.g. ENETDOWN when the link goes down); the socket stays open.
 */
export function openPacketSocket(ifname: string, onFrames: FramesHandler, onError: (e: Error) => void): PacketSocket {
  const s = new (loadAddon().PacketSocket)(ifname, onFrames, onError);
  return {
    ifname,
    mac: s.mac,
    ifindex: s.ifindex,
    send: (frame) => s.send(frame),
    addMembership: (mac) => s.addMembership(mac),
    dropMembership: (mac) => s.dropMembership(mac),
    setFilter: (program) => s.setFilter(program),
    close: () => s.close(),
  };
}
