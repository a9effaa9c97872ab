/**
 * The one list of BGP NOTIFICATION error codes and subcodes (RFC 4271 section 4.5 and the IANA registry: RFC 4486
 * and RFC 8538 Cease subcodes, RFC 5492 Unsupported Capability, RFC 6608 FSM subcodes, RFC 7313 ROUTE-REFRESH), the
 * RFC 9003 shutdown communication, and the wording of a NOTIFICATION for logs and status.
 */
import type { NotificationMessage } from './types';

export const ErrorCode = {
  messageHeader: 1,
  openMessage: 2,
  updateMessage: 3,
  holdTimerExpired: 4,
  fsm: 5,
  cease: 6,
  routeRefresh: 7,
} as const;

export const HeaderSubcode = { connectionNotSynchronized: 1, badMessageLength: 2, badMessageType: 3 } as const;

export const OpenSubcode = {
  unspecific: 0,
  unsupportedVersion: 1,
  badPeerAs: 2,
  badBgpIdentifier: 3,
  unsupportedOptionalParameter: 4,
  unacceptableHoldTime: 6,
  unsupportedCapability: 7,
  roleMismatch: 11,
} as const;

export const UpdateSubcode = {
  malformedAttributeList: 1,
  unrecognizedWellKnownAttribute: 2,
  missingWellKnownAttribute: 3,
  attributeFlagsError: 4,
  attributeLengthError: 5,
  invalidOrigin: 6,
  invalidNextHop: 8,
  optionalAttributeError: 9,
  invalidNetworkField: 10,
  malformedAsPath: 11,
} as const;

export const FsmSubcode = { unexpectedInOpenSent: 1, unexpectedInOpenConfirm: 2, unexpectedInEstablished: 3 } as const;

export const CeaseSubcode = {
  maxPrefixes: 1,
  administrativeShutdown: 2,
  peerDeconfigured: 3,
  administrativeReset: 4,
  connectionRejected: 5,
  otherConfigurationChange: 6,
  connectionCollisionResolution: 7,
  outOfResources: 8,
  hardReset: 9,
  bfdDown: 10,
} as const;

export const RouteRefreshSubcode = { invalidMessageLength: 1 } as const;

const CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'ROUTE-REFRESH Message Error',
};

const SUBCODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: { 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
  2: {
    0: 'Unspecific',
    1: 'Unsupported Version Number',
    2: 'Bad Peer AS',
    3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter',
    6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability',
    11: 'Role Mismatch',
  },
  3: {
    0: 'Unspecific',
    1: 'Malformed Attribute List',
    2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error',
    5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute',
    8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error',
    10: 'Invalid Network Field',
    11: 'Malformed AS_PATH',
  },
  5: {
    0: 'Unspecified Error',
    1: 'Receive Unexpected Message in OpenSent State',
    2: 'Receive Unexpected Message in OpenConfirm State',
    3: 'Receive Unexpected Message in Established State',
  },
  6: {
    1: 'Maximum Number of Prefixes Reached',
    2: 'Administrative Shutdown',
    3: 'Peer De-configured',
    4: 'Administrative Reset',
    5: 'Connection Rejected',
    6: 'Other Configuration Change',
    7: 'Connection Collision Resolution',
    8: 'Out of Resources',
    9: 'Hard Reset',
    10: 'BFD Down',
  },
  7: { 1: 'Invalid Message Length' },
};

/** The code's name, or `code N` for one the list does not hold. */
export function codeName(code: number): string {
  return CODE_NAMES[code] ?? `code ${code}`;
}

/** The subcode's name under its code, or `subcode N`. */
export function subcodeName(code: number, subcode: number): string {
  return SUBCODE_NAMES[code]?.[subcode] ?? `subcode ${subcode}`;
}

/**
 * `Code/Subcode` by their names, the one wording of a NOTIFICATION's kind: `Cease/Administrative Shutdown`. Subcode 0
 * of a code that names none is left out (`Hold Timer Expired`); other unnamed ones are numbered.
 */
export function notificationName(code: number, subcode: number): string {
  const sub = SUBCODE_NAMES[code]?.[subcode];
  if (sub === undefined && subcode === 0) return codeName(code);
  return `${codeName(code)}/${sub ?? `subcode ${subcode}`}`;
}

/** RFC 9003 raised the shutdown communication's limit from RFC 8203's 128 bytes of UTF-8 to 255. */
export const MAX_SHUTDOWN_COMMUNICATION_BYTES = 255;

/** Whether a Cease subcode carries an RFC 9003 shutdown communication (Administrative Shutdown and Reset). */
export function carriesShutdownCommunication(code: number, subcode: number): boolean {
  return (
    code === ErrorCode.cease &&
    (subcode === CeaseSubcode.administrativeShutdown || subcode === CeaseSubcode.administrativeReset)
  );
}

/**
 * RFC 9003 data: one length byte, then the text as UTF-8. Text longer than 255 bytes is cut at the last whole
 * character that fits, so an operator's long reason still goes out rather than failing the shutdown.
 */
export function encodeShutdownCommunication(text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  let n = Math.min(utf8.length, MAX_SHUTDOWN_COMMUNICATION_BYTES);
  // Back off to a character boundary: continuation bytes are 10xxxxxx.
  while (n < utf8.length && n > 0 && (utf8[n] & 0xc0) === 0x80) n--;
  const out = new Uint8Array(1 + n);
  out[0] = n;
  out.set(utf8.subarray(0, n), 1);
  return out;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of RFC 9003 data, or undefined when the data is not one (empty, a length past the data, or not UTF-8):
 * RFC 9003 says to log such data as it is, which `describeNotification` does in hex. Bytes after the text are
 * allowed (the RFC leaves them to future use).
 */
export function decodeShutdownCommunication(data: Uint8Array): string | undefined {
  if (data.length < 1) return undefined;
  const n = data[0];
  if (1 + n > data.length) return undefined;
  try {
    return STRICT_UTF8.decode(data.subarray(1, 1 + n));
  } catch {
    return undefined;
  }
}

function hex(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');
}

/**
 * A NOTIFICATION in words for logs and PeerStatus.lastDown: `Cease/Administrative Shutdown: maintenance`, or
 * `UPDATE Message Error/Malformed Attribute List (data 0a0b)`. The shutdown communication is quoted as sent, with
 * control characters escaped so a peer cannot forge log lines.
 */
export function describeNotification(n: Pick<NotificationMessage, 'code' | 'subcode' | 'data'>): string {
  const head = notificationName(n.code, n.subcode);
  if (n.data.length === 0) return head;
  if (carriesShutdownCommunication(n.code, n.subcode)) {
    const text = decodeShutdownCommunication(n.data);
    if (text !== undefined) return text === '' ? head : `${head}: ${printable(text)}`;
  }
  return `${head} (data ${hex(n.data)})`;
}

/** Text a peer sent, with control characters escaped so it cannot forge log lines. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
