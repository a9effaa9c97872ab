/**
 * The path attributes ironlb sends for a route on one session: what the route carries (next hop, LOCAL_PREF,
 * communities) plus what the session decides (ORIGIN, AS_PATH by iBGP/eBGP and AS size). Pure; the table calls it
 * once per distinct attribute set, not once per route.
 */
import { AS_TRANS, type AsPathSegment, type PathAttributes } from '../codec/types';
import type { AdjRibOutOptions, RouteAttributes } from './types';

/** Sent on iBGP when the route names no LOCAL_PREF (RFC 4271 leaves it to policy; 100 is what routers assume). */
export const DEFAULT_LOCAL_PREF = 100;

const AS_SEQUENCE = 2;

/**
 * AS_PATH (and AS4_PATH when needed) for routes this speaker originates: empty on iBGP; one AS_SEQUENCE of the local
 * AS on eBGP. On a 2-octet session an AS above 65535 goes out as AS_TRANS, with the real one in AS4_PATH so a
 * 4-octet-capable router further on can rebuild the path (RFC 6793 §4.2.2).
 */
export function originatedAsPath(
  options: Pick<AdjRibOutOptions, 'ibgp' | 'localAs' | 'fourOctetAs'>,
): Pick<PathAttributes, 'asPath' | 'as4Path'> {
  if (options.ibgp) return { asPath: [] };
  const real: AsPathSegment[] = [{ type: AS_SEQUENCE, asns: [options.localAs] }];
  if (options.fourOctetAs || options.localAs <= 0xffff) return { asPath: real };
  return { asPath: [{ type: AS_SEQUENCE, asns: [AS_TRANS] }], as4Path: real };
}

/**
 * Every attribute of an announcement except the reachability itself: the classic NEXT_HOP is included when the
 * prefixes go in the NLRI field (`classic`); with MP_REACH the next hop travels inside it, which the packer adds.
 * LOCAL_PREF is iBGP only (RFC 4271 §5.1.5); empty community lists are left off rather than sent empty.
 */
export function announcementAttributes(
  attrs: RouteAttributes,
  options: Pick<AdjRibOutOptions, 'ibgp' | 'localAs' | 'fourOctetAs'>,
  classic: boolean,
): PathAttributes {
  return {
    origin: 'igp',
    ...originatedAsPath(options),
    ...(classic ? { nextHop: attrs.nextHop } : {}),
    ...(options.ibgp ? { localPref: attrs.localPref ?? DEFAULT_LOCAL_PREF } : {}),
    ...(attrs.communities.length > 0 ? { communities: attrs.communities } : {}),
    ...(attrs.largeCommunities.length > 0 ? { largeCommunities: attrs.largeCommunities } : {}),
  };
}

/**
 * A string equal for two attribute sets exactly when they put the same attributes on the wire on this session:
 * LOCAL_PREF counts on iBGP only, and an absent one equals 100 there. Routes with equal keys share UPDATEs, and a
 * route whose key did not change is not re-announced.
 */
export function attributesKey(attrs: RouteAttributes, ibgp: boolean): string {
  const hop = `${attrs.nextHop.family}:${attrs.nextHop.value.toString(16)}`;
  const pref = ibgp ? String(attrs.localPref ?? DEFAULT_LOCAL_PREF) : '';
  const large = attrs.largeCommunities.map((c) => `${c.global}:${c.local1}:${c.local2}`).join(',');
  return `${hop}|${pref}|${attrs.communities.join(',')}|${large}`;
}
