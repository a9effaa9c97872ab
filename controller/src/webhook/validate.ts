/**
 * The webhook's decision, pure: would the daemons accept the namespace's ironlb.io objects with this change made?
 * Answered by the one parser both daemons use (parseConfig), so the webhook can never refuse what they would load, or
 * let through what they would leave out. The objects are parsed twice, as they are and with the candidate in place of
 * its old version (or removed, on DELETE), and the change is refused when the second parse has errors that name the
 * candidate, or errors on an object that had none: another object the change would break (a BGPPeer whose BFDProfile
 * is deleted, a pool that loses its addresses to a new pool that comes first by name).
 */
import { formatConfigError, isRecord, parseConfig, type ConfigError, type ConfigObjects } from '@ironlb/shared/config';

/** The kinds the webhook judges, and where each sits in parseConfig's input. */
export const CONFIG_KINDS = {
  IPAddressPool: { plural: 'ipaddresspools', key: 'ipAddressPools' },
  L2Advertisement: { plural: 'l2advertisements', key: 'l2Advertisements' },
  BGPAdvertisement: { plural: 'bgpadvertisements', key: 'bgpAdvertisements' },
  BGPPeer: { plural: 'bgppeers', key: 'bgpPeers' },
  BFDProfile: { plural: 'bfdprofiles', key: 'bfdProfiles' },
  Community: { plural: 'communities', key: 'communities' },
} as const satisfies Record<string, { plural: string; key: keyof ConfigObjects }>;

export type ConfigKind = keyof typeof CONFIG_KINDS;
export const isConfigKind = (k: string): k is ConfigKind => Object.hasOwn(CONFIG_KINDS, k);

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What the validator needs of an AdmissionReview request (review.ts reads it from the wire). */
export interface Change {
  readonly kind: string;
  readonly operation: Operation;
  /** request.namespace: where the object lives. */
  readonly namespace: string;
  /** request.name; empty on a CREATE whose name the API server has not generated yet. */
  readonly name: string;
  /** The object as it would be stored (CREATE, UPDATE). */
  readonly object?: unknown;
  /** The object as it is stored (UPDATE, DELETE). */
  readonly oldObject?: unknown;
}

/** The namespace's current objects of each kind, as listed from the API (absent = none). */
export type CurrentObjects = Partial<Record<ConfigKind, readonly unknown[]>>;

export type Verdict =
  { readonly allowed: true; readonly reason: string } | { readonly allowed: false; readonly message: string };

const nameOf = (o: unknown): string | undefined =>
  isRecord(o) && isRecord(o.metadata) && typeof o.metadata.name === 'string' ? o.metadata.name : undefined;

/** The namespace's objects with the change made: the object of the candidate's name replaced, or removed. */
function withChange(kind: ConfigKind, change: Change, name: string, current: CurrentObjects): CurrentObjects {
  const others = (current[kind] ?? []).filter((o) => nameOf(o) !== name);
  const after = change.operation === 'DELETE' ? others : [...others, change.object];
  return { ...current, [kind]: after };
}

function configObjects(current: CurrentObjects): ConfigObjects {
  const out: Record<string, readonly unknown[]> = {};
  for (const [kind, objects] of Object.entries(current)) if (isConfigKind(kind)) out[CONFIG_KINDS[kind].key] = objects;
  return out;
}

/**
 * Errors of `after` on objects that had none in `before`: objects the change would make the daemons leave out. An
 * object already left out stays out whatever the change, even when its message now words the change (an overlap
 * naming the candidate's new addresses), so it never blocks the change.
 */
function newlyLeftOut(before: readonly ConfigError[], after: readonly ConfigError[], candidate: string): ConfigError[] {
  const leftOut = new Set(before.map((e) => e.object));
  return after.filter((e) => e.object !== candidate && !leftOut.has(e.object));
}

const joined = (errors: readonly ConfigError[]): string => errors.map(formatConfigError).join('; ');

/**
 * Allowed, or refused with a message naming the object, the field and the reason. Objects outside `ownNamespace` are
 * allowed: the daemons read their own namespace only, so nothing there reaches a parser.
 */
export function validate(change: Change, current: CurrentObjects, ownNamespace: string): Verdict {
  const { kind, operation } = change;
  if (!isConfigKind(kind)) return { allowed: true, reason: `${kind} is not an ironlb.io config kind` };
  if (change.namespace !== ownNamespace)
    return { allowed: true, reason: `namespace ${change.namespace} is not read by ironlb (${ownNamespace} is)` };
  if (operation === 'CONNECT') return { allowed: true, reason: 'CONNECT changes no object' };
  const source = operation === 'DELETE' ? change.oldObject : change.object;
  const name = change.name || nameOf(source) || '';
  const candidate = `${kind} ${change.namespace}/${name}`;
  if (operation !== 'DELETE' && !isRecord(change.object))
    return { allowed: false, message: `${candidate}: the request carries no object to check` };

  const before = parseConfig(configObjects(current)).errors;
  const after = parseConfig(configObjects(withChange(kind, change, name, current))).errors;
  const own = operation === 'DELETE' ? [] : after.filter((e) => e.object === candidate);
  if (own.length > 0) return { allowed: false, message: joined(own) };
  const broken = newlyLeftOut(before, after, candidate);
  if (broken.length > 0) {
    const verb = operation === 'DELETE' ? 'deleting' : operation === 'CREATE' ? 'creating' : 'updating';
    return {
      allowed: false,
      message: `${verb} ${candidate} would make the daemons leave out another object: ${joined(broken)}`,
    };
  }
  return { allowed: true, reason: `${candidate} is valid with the namespace's other ironlb.io objects` };
}
