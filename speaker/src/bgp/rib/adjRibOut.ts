/**
 * The adj-RIB-out of one session: the routes the peer has been told about, and the UPDATEs that move it to a new
 * set. Pure and synchronous; the peer edge sends what it returns, in order. A new table is made per session (the
 * families and options a session negotiated never change while it lives).
 *
 * Cost: one key string per route (prefixKey), one attribute key per distinct RouteAttributes object (cached by
 * identity), and a sort of the changed keys only; prefixes are never compared as BigInts.
 */
import { maxUpdateLength, prefixBytes } from '../codec';
import type { Family, Prefix, UpdateMessage } from '../codec/types';
import { announcementAttributes, attributesKey } from './attributes';
import { type AnnouncementShape, announcementSize, packAnnouncements, packWithdraws } from './pack';
import { familyOf, prefixKey } from './prefixKey';
import type { AdjRibOut, AdjRibOutOptions, Route, RouteAttributes } from './types';

/** Why a route is held but not sent on this session. */
export type UnsendableReason =
  /** The session did not negotiate the prefix's family. */
  | 'familyNotNegotiated'
  /** The next hop's family cannot carry the prefix (an IPv4 prefix needs an IPv4 next hop, IPv6 an IPv6 one). */
  | 'nextHopFamily'
  /** The attributes alone leave no room for the prefix within the message limit (thousands of communities). */
  | 'attributesTooLarge';

export interface UnsendableRoute {
  readonly route: Route;
  readonly reason: UnsendableReason;
}

export interface AdjRibOutTable extends AdjRibOut {
  /** The number of prefixes the peer has been sent: routes held back (`unsendable`) are not counted. */
  readonly size: number;
  /** Routes given to setRoutes that are not sent on this session, with the reason, in prefix order. */
  unsendable(): UnsendableRoute[];
}

/** Routes with equal family and wire attributes: the unit of packing. One object per distinct id, so `===` compares. */
type Group =
  | {
      readonly family: Family;
      readonly shape: AnnouncementShape;
      /** The message size for a given number of NLRI bytes. */
      readonly size: (nlriBytes: number) => number;
    }
  | { readonly family: Family; readonly problem: 'familyNotNegotiated' | 'nextHopFamily' };

interface Held {
  readonly route: Route;
  readonly group: Group;
}

export function createAdjRibOut(options: AdjRibOutOptions): AdjRibOutTable {
  const limit = maxUpdateLength(options);
  const negotiated = new Set<Family>(options.families);
  // The attribute key depends only on the attributes and the session, so it is cached per attributes object: the
  // mode usually hands one object to every route of a peer.
  const attrKeys = new WeakMap<RouteAttributes, string>();
  let groups = new Map<string, Group>();
  let held = new Map<string, Held>();
  let unsendable = new Map<string, UnsendableRoute>();

  function buildGroup(family: Family, attrs: RouteAttributes): Group {
    if (!negotiated.has(family)) return { family, problem: 'familyNotNegotiated' };
    if (familyOf({ ip: attrs.nextHop, length: 0 }) !== family) return { family, problem: 'nextHopFamily' };
    const classic = family === 'ipv4' && options.ipv4InClassicNlri;
    const attributes = announcementAttributes(attrs, options, classic);
    const shape: AnnouncementShape = classic
      ? { kind: 'classic', attributes }
      : { kind: 'mp', family, nextHops: [attrs.nextHop], attributes };
    return { family, shape, size: announcementSize(shape, options) };
  }

  /** The group of `route`, reusing the previous call's object for the same id so unchanged routes compare equal. */
  function groupOf(route: Route, family: Family, next: Map<string, Group>): Group {
    let attrKey = attrKeys.get(route.attributes);
    if (attrKey === undefined) {
      attrKey = attributesKey(route.attributes, options.ibgp);
      attrKeys.set(route.attributes, attrKey);
    }
    const id = `${family}|${attrKey}`;
    let group = next.get(id);
    if (group === undefined) {
      group = groups.get(id) ?? buildGroup(family, route.attributes);
      next.set(id, group);
    }
    return group;
  }

  /** Announcements of `keys` (sorted) from `table`: grouped by attributes in order of each group's first prefix. */
  function announce(keys: readonly string[], table: Map<string, Held>): UpdateMessage[] {
    const batches = new Map<Group, Prefix[]>();
    for (const key of keys) {
      const { route, group } = table.get(key)!;
      const batch = batches.get(group);
      if (batch === undefined) batches.set(group, [route.prefix]);
      else batch.push(route.prefix);
    }
    const out: UpdateMessage[] = [];
    for (const [group, prefixes] of batches) {
      if ('shape' in group) out.push(...packAnnouncements(group.shape, prefixes, options));
    }
    return out;
  }

  /** Withdraws of `keys` (sorted, so every IPv4 key comes before every IPv6 one) from `table`. */
  function withdraw(keys: readonly string[], table: Map<string, Held>): UpdateMessage[] {
    const v4: Prefix[] = [];
    const v6: Prefix[] = [];
    for (const key of keys) {
      const { route, group } = table.get(key)!;
      (group.family === 'ipv4' ? v4 : v6).push(route.prefix);
    }
    // IPv4 announced in MP_REACH is withdrawn in MP_UNREACH, as a peer expects the way it learned it.
    return [
      ...(v4.length > 0 ? packWithdraws('ipv4', options.ipv4InClassicNlri, v4, options) : []),
      ...(v6.length > 0 ? packWithdraws('ipv6', false, v6, options) : []),
    ];
  }

  return {
    setRoutes(routes: readonly Route[]): UpdateMessage[] {
      const nextGroups = new Map<string, Group>();
      const nextHeld = new Map<string, Held>();
      const nextUnsendable = new Map<string, UnsendableRoute>();
      for (const route of routes) {
        const key = prefixKey(route.prefix);
        const group = groupOf(route, familyOf(route.prefix), nextGroups);
        const reason: UnsendableReason | undefined =
          'problem' in group
            ? group.problem
            : group.size(prefixBytes(route.prefix)) > limit
              ? 'attributesTooLarge'
              : undefined;
        // A later route for the same prefix wins, even when it moves the prefix between sent and held back.
        if (reason === undefined) {
          nextUnsendable.delete(key);
          nextHeld.set(key, { route, group });
        } else {
          nextHeld.delete(key);
          nextUnsendable.set(key, { route, reason });
        }
      }
      const gone: string[] = [];
      for (const key of held.keys()) if (!nextHeld.has(key)) gone.push(key);
      const changed: string[] = [];
      for (const [key, h] of nextHeld) if (held.get(key)?.group !== h.group) changed.push(key);
      gone.sort();
      changed.sort();
      const messages = [...withdraw(gone, held), ...announce(changed, nextHeld)];
      held = nextHeld;
      unsendable = nextUnsendable;
      groups = nextGroups;
      return messages;
    },

    all(): UpdateMessage[] {
      return announce([...held.keys()].sort(), held);
    },

    get size(): number {
      return held.size;
    },

    unsendable(): UnsendableRoute[] {
      return [...unsendable.keys()].sort().map((key) => unsendable.get(key)!);
    },
  };
}
