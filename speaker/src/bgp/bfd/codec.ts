/**
 * The BFD control packet (RFC 5880 section 4.1), without authentication: values in, bytes out, and back. Intervals
 * are microseconds, as on the wire. decode applies the reception checks of RFC 5880 6.8.6 that need no session
 * (version, length, detect multiplier, multipoint, discriminators, authentication) and names the reason when it
 * drops a packet; the checks that need a session (is there one with this discriminator?) belong to the demux.
 */

export const BFD_VERSION = 1;
/** The length of a control packet without an authentication section. */
export const CONTROL_LENGTH = 24;

export type BfdState = 'adminDown' | 'down' | 'init' | 'up';
const STATES: readonly BfdState[] = ['adminDown', 'down', 'init', 'up'];

/** RFC 5880 4.1 diagnostic codes; 9..31 are reserved and kept as numbers. */
export const Diag = {
  none: 0,
  controlDetectionTimeExpired: 1,
  echoFunctionFailed: 2,
  neighborSignaledSessionDown: 3,
  forwardingPlaneReset: 4,
  pathDown: 5,
  concatenatedPathDown: 6,
  administrativelyDown: 7,
  reverseConcatenatedPathDown: 8,
} as const;

export interface ControlPacket {
  readonly diag: number;
  readonly state: BfdState;
  /** P: the sender starts or continues a poll sequence. */
  readonly poll: boolean;
  /** F: the answer to a poll. */
  readonly final: boolean;
  /** C: control plane independent. */
  readonly cpi: boolean;
  /** D: demand mode. */
  readonly demand: boolean;
  readonly detectMult: number;
  readonly myDiscriminator: number;
  readonly yourDiscriminator: number;
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly requiredMinEchoRxUs: number;
}

export type DropReason =
  | 'short'
  | 'badVersion'
  | 'badLength'
  | 'truncated'
  | 'zeroDetectMult'
  | 'multipoint'
  | 'zeroMyDiscriminator'
  | 'zeroYourDiscriminator'
  | 'authentication';

export type DecodeResult =
  { readonly ok: true; readonly packet: ControlPacket } | { readonly ok: false; readonly reason: DropReason };

const u32 = (n: number, what: string): number => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${what} ${n} is not a 32-bit value`);
  return n;
};

export function encodeControl(p: ControlPacket): Buffer {
  if (!Number.isInteger(p.diag) || p.diag < 0 || p.diag > 31) throw new RangeError(`diag ${p.diag} is not 0..31`);
  if (!Number.isInteger(p.detectMult) || p.detectMult < 1 || p.detectMult > 255) {
    throw new RangeError(`detect multiplier ${p.detectMult} is not 1..255`);
  }
  const b = Buffer.alloc(CONTROL_LENGTH);
  b[0] = (BFD_VERSION << 5) | p.diag;
  b[1] =
    (STATES.indexOf(p.state) << 6) |
    (p.poll ? 0x20 : 0) |
    (p.final ? 0x10 : 0) |
    (p.cpi ? 0x08 : 0) |
    (p.demand ? 0x02 : 0);
  b[2] = p.detectMult;
  b[3] = CONTROL_LENGTH;
  b.writeUInt32BE(u32(p.myDiscriminator, 'my discriminator'), 4);
  b.writeUInt32BE(u32(p.yourDiscriminator, 'your discriminator'), 8);
  b.writeUInt32BE(u32(p.desiredMinTxUs, 'desired min TX'), 12);
  b.writeUInt32BE(u32(p.requiredMinRxUs, 'required min RX'), 16);
  b.writeUInt32BE(u32(p.requiredMinEchoRxUs, 'required min echo RX'), 20);
  return b;
}

export function decodeControl(b: Uint8Array): DecodeResult {
  const drop = (reason: DropReason): DecodeResult => ({ ok: false, reason });
  if (b.length < CONTROL_LENGTH) return drop('short');
  if (b[0] >> 5 !== BFD_VERSION) return drop('badVersion');
  const flags = b[1];
  const auth = (flags & 0x04) !== 0;
  const length = b[3];
  // RFC 5880 6.8.6: at least 24 bytes, 26 with an authentication section, and no more than was received.
  if (length < (auth ? CONTROL_LENGTH + 2 : CONTROL_LENGTH)) return drop('badLength');
  if (length > b.length) return drop('truncated');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const state = STATES[flags >> 6];
  const packet: ControlPacket = {
    diag: b[0] & 0x1f,
    state,
    poll: (flags & 0x20) !== 0,
    final: (flags & 0x10) !== 0,
    cpi: (flags & 0x08) !== 0,
    demand: (flags & 0x02) !== 0,
    detectMult: b[2],
    myDiscriminator: v.getUint32(4),
    yourDiscriminator: v.getUint32(8),
    desiredMinTxUs: v.getUint32(12),
    requiredMinRxUs: v.getUint32(16),
    requiredMinEchoRxUs: v.getUint32(20),
  };
  if (packet.detectMult === 0) return drop('zeroDetectMult');
  if ((flags & 0x01) !== 0) return drop('multipoint');
  if (packet.myDiscriminator === 0) return drop('zeroMyDiscriminator');
  if (packet.yourDiscriminator === 0 && (state === 'init' || state === 'up')) return drop('zeroYourDiscriminator');
  // ironlb configures no authentication, so a packet carrying it cannot be verified (RFC 5880 6.8.6).
  if (auth) return drop('authentication');
  return { ok: true, packet };
}

/** Words for a drop reason, for logs and metrics' help text. */
export const DROP_REASON_TEXT: Readonly<Record<DropReason, string>> = {
  short: 'shorter than a control packet (24 bytes)',
  badVersion: 'version is not 1',
  badLength: 'length field below the minimum',
  truncated: 'length field beyond the received bytes',
  zeroDetectMult: 'detect multiplier 0',
  multipoint: 'multipoint (M) bit set',
  zeroMyDiscriminator: 'my discriminator 0',
  zeroYourDiscriminator: 'your discriminator 0 in state Init or Up',
  authentication: 'authentication (A) bit set, and ironlb configures no BFD authentication',
};
