/**
 * End-of-RIB markers (RFC 4724 section 2): for IPv4 unicast an UPDATE with nothing in it; for other families an
 * UPDATE whose only attribute is an empty MP_UNREACH_NLRI of that family.
 */
import type { Family, UpdateMessage } from './types';

export function endOfRib(family: Family): UpdateMessage {
  return family === 'ipv4'
    ? { type: 'update', withdrawn: [], attributes: {}, nlri: [] }
    : { type: 'update', withdrawn: [], attributes: { mpUnreach: { family, withdrawn: [] } }, nlri: [] };
}

/** The family whose End-of-RIB `u` is, or undefined when it is not one. */
export function endOfRibFamily(u: UpdateMessage): Family | undefined {
  if (u.withdrawn.length > 0 || u.nlri.length > 0) return undefined;
  const keys = Object.keys(u.attributes).filter((k) => u.attributes[k as keyof typeof u.attributes] !== undefined);
  if (keys.length === 0) return 'ipv4';
  const mp = u.attributes.mpUnreach;
  if (keys.length === 1 && mp && mp.withdrawn.length === 0) return mp.family;
  return undefined;
}

export function isEndOfRib(u: UpdateMessage): boolean {
  return endOfRibFamily(u) !== undefined;
}
