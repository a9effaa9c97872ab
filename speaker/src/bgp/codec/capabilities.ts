/**
 * Capabilities (RFC 5492) inside an OPEN's Capabilities optional parameter: each is code (1), length (1), value.
 * A capability ironlb speaks but whose value does not have its defined layout is kept as `unknown` with its bytes,
 * so it is simply not negotiated (RFC 5492 leaves the reaction to a capability it does not understand to the
 * receiver) and re-encodes as received.
 */
import { u16, u32, Writer, checkRange } from './bytes';
import type { Capability, Family } from './types';

export const CapabilityCode = {
  multiprotocol: 1,
  routeRefresh: 2,
  extendedMessage: 6,
  gracefulRestart: 64,
  fourOctetAs: 65,
} as const;

const AFI: Readonly<Record<Family, number>> = { ipv4: 1, ipv6: 2 };
const SAFI_UNICAST = 1;

/** The family of an AFI/SAFI pair, or undefined for any pair ironlb does not speak. */
export function familyOf(afi: number, safi: number): Family | undefined {
  if (safi !== SAFI_UNICAST) return undefined;
  return afi === 1 ? 'ipv4' : afi === 2 ? 'ipv6' : undefined;
}

export function afiOf(family: Family): number {
  return AFI[family];
}

export { SAFI_UNICAST };

/** RFC 4724 section 3: the R and N bits of the Restart Flags, and the F bit of an AFI's flags. */
const GR_RESTARTED = 0x8000;
const GR_NOTIFICATION = 0x4000;
const GR_FORWARDING = 0x80;

function decodeOne(code: number, v: Uint8Array): Capability {
  const unknown: Capability = { code: 'unknown', type: code, value: v.slice() };
  switch (code) {
    case CapabilityCode.multiprotocol: {
      if (v.length !== 4) return unknown;
      const family = familyOf(u16(v, 0), v[3]);
      return family ? { code: 'multiprotocol', family } : unknown;
    }
    case CapabilityCode.routeRefresh:
      return v.length === 0 ? { code: 'routeRefresh' } : unknown;
    case CapabilityCode.extendedMessage:
      return v.length === 0 ? { code: 'extendedMessage' } : unknown;
    case CapabilityCode.fourOctetAs:
      return v.length === 4 ? { code: 'fourOctetAs', asn: u32(v, 0) } : unknown;
    case CapabilityCode.gracefulRestart: {
      if (v.length < 2 || (v.length - 2) % 4 !== 0) return unknown;
      const head = u16(v, 0);
      const families: { family: Family; forwardingPreserved: boolean }[] = [];
      for (let i = 2; i < v.length; i += 4) {
        const family = familyOf(u16(v, i), v[i + 2]);
        // A family ironlb does not speak cannot be preserved for it; dropping it changes nothing it negotiates.
        if (family) families.push({ family, forwardingPreserved: (v[i + 3] & GR_FORWARDING) !== 0 });
      }
      return {
        code: 'gracefulRestart',
        restarted: (head & GR_RESTARTED) !== 0,
        notification: (head & GR_NOTIFICATION) !== 0,
        restartTimeSec: head & 0x0fff,
        families,
      };
    }
    default:
      return unknown;
  }
}

/**
 * The capabilities in one Capabilities parameter's value, or undefined when a capability's length runs past it
 * (a malformed optional parameter).
 */
export function decodeCapabilities(b: Uint8Array, start: number, end: number): Capability[] | undefined {
  const out: Capability[] = [];
  let i = start;
  while (i < end) {
    if (i + 2 > end) return undefined;
    const code = b[i];
    const len = b[i + 1];
    if (i + 2 + len > end) return undefined;
    out.push(decodeOne(code, b.subarray(i + 2, i + 2 + len)));
    i += 2 + len;
  }
  return out;
}

function valueLength(c: Capability): number {
  switch (c.code) {
    case 'multiprotocol':
    case 'fourOctetAs':
      return 4;
    case 'routeRefresh':
    case 'extendedMessage':
      return 0;
    case 'gracefulRestart':
      return 2 + 4 * c.families.length;
    case 'unknown':
      return c.value.length;
  }
}

/** Bytes of the capabilities encoded back to back. */
export function capabilitiesLength(caps: readonly Capability[]): number {
  let n = 0;
  for (const c of caps) n += 2 + valueLength(c);
  return n;
}

/** Writes each capability; throws on a value the caller built wrongly (out of range, longer than 255 bytes). */
export function writeCapabilities(w: Writer, caps: readonly Capability[]): void {
  for (const c of caps) {
    const len = valueLength(c);
    checkRange('capability length', len, 255);
    switch (c.code) {
      case 'multiprotocol':
        w.u8(CapabilityCode.multiprotocol);
        w.u8(4);
        w.u16(AFI[c.family]);
        w.u8(0);
        w.u8(SAFI_UNICAST);
        break;
      case 'routeRefresh':
        w.u8(CapabilityCode.routeRefresh);
        w.u8(0);
        break;
      case 'extendedMessage':
        w.u8(CapabilityCode.extendedMessage);
        w.u8(0);
        break;
      case 'fourOctetAs':
        checkRange('4-octet AS', c.asn, 0xffffffff);
        w.u8(CapabilityCode.fourOctetAs);
        w.u8(4);
        w.u32(c.asn);
        break;
      case 'gracefulRestart':
        checkRange('restart time', c.restartTimeSec, 0x0fff);
        w.u8(CapabilityCode.gracefulRestart);
        w.u8(len);
        w.u16((c.restarted ? GR_RESTARTED : 0) | (c.notification ? GR_NOTIFICATION : 0) | c.restartTimeSec);
        for (const f of c.families) {
          w.u16(AFI[f.family]);
          w.u8(SAFI_UNICAST);
          w.u8(f.forwardingPreserved ? GR_FORWARDING : 0);
        }
        break;
      case 'unknown':
        checkRange('capability code', c.type, 255);
        w.u8(c.type);
        w.u8(len);
        w.bytes(c.value);
        break;
    }
  }
}
