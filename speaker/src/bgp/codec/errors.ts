/**
 * The decoders' internal error: the NOTIFICATION a malformed message calls for. It is thrown inside the codec and
 * caught at decodeMessage / the frame splitter, so nothing a peer sends escapes as an exception.
 */
import type { NotificationMessage } from './types';

const EMPTY = new Uint8Array(0);

export class BgpWireError extends Error {
  constructor(
    readonly code: number,
    readonly subcode: number,
    readonly data: Uint8Array = EMPTY,
  ) {
    super(`BGP error ${code}/${subcode}`);
  }

  toNotification(): NotificationMessage {
    return notification(this.code, this.subcode, this.data);
  }
}

export function notification(code: number, subcode: number, data: Uint8Array = EMPTY): NotificationMessage {
  return { type: 'notification', code, subcode, data };
}
