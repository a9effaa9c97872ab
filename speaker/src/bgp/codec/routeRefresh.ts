/**
 * ROUTE-REFRESH (RFC 2918 section 3): AFI (2), Reserved (1) which RFC 7313 section 3 makes the Message Subtype,
 * SAFI (1). A request for a family ironlb does not speak is ignored, as RFC 2918 section 4 says.
 */
import { u16 } from './bytes';
import { afiOf, familyOf, SAFI_UNICAST } from './capabilities';
import { BgpWireError } from './errors';
import { MessageType, writeHeader } from './header';
import { ErrorCode, RouteRefreshSubcode } from './notificationCodes';
import { HEADER_BYTES, type RouteRefreshMessage } from './types';

export const RouteRefreshSubtype = { request: 0, beginning: 1, end: 2 } as const;

/**
 * The message, or a reason to ignore it (a family not spoken). RFC 7313 section 5: a BoRR or EoRR whose body is not
 * 4 bytes is 7/1 with the whole message as data; a plain request may be longer (RFC 5291 ORF entries, which ironlb
 * never negotiates, so they are not read). Subtypes above 2 are kept: RFC 7313 says to ignore them, the session does.
 */
export function decodeRouteRefresh(b: Uint8Array): RouteRefreshMessage | { ignored: string } {
  const subtype = b[HEADER_BYTES + 2];
  if (
    (subtype === RouteRefreshSubtype.beginning || subtype === RouteRefreshSubtype.end) &&
    b.length !== HEADER_BYTES + 4
  ) {
    throw new BgpWireError(ErrorCode.routeRefresh, RouteRefreshSubcode.invalidMessageLength, b.slice());
  }
  const afi = u16(b, HEADER_BYTES);
  const safi = b[HEADER_BYTES + 3];
  const family = familyOf(afi, safi);
  if (!family) return { ignored: `ROUTE-REFRESH for AFI ${afi} SAFI ${safi}` };
  return { type: 'routeRefresh', family, subtype };
}

export function encodeRouteRefresh(m: RouteRefreshMessage): Uint8Array {
  if (!Number.isInteger(m.subtype) || m.subtype < 0 || m.subtype > 255) throw new RangeError(`subtype ${m.subtype}`);
  const out = new Uint8Array(HEADER_BYTES + 4);
  writeHeader(out, out.length, MessageType.routeRefresh);
  const afi = afiOf(m.family);
  out[HEADER_BYTES] = afi >>> 8;
  out[HEADER_BYTES + 1] = afi;
  out[HEADER_BYTES + 2] = m.subtype;
  out[HEADER_BYTES + 3] = SAFI_UNICAST;
  return out;
}
