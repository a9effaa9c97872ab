/**
 * The words of every reason the allocator gives, in the one place they are written: AllocationFailed and
 * AllocationWarning Events and the controller's log lines all take them from here. Users search for these texts
 * (several are MetalLB's, seed 003), so a change here is a change to what `kubectl describe service` shows.
 */
import { formatConfigError, type LabelSelector } from '@ironlb/shared/config';
import { formatEndpoint, formatIP, type IPAddress } from '../ipam/ip';
import type { Reason } from '../ipam/reasons';

const quoted = (text: string): string => `"${text}"`;
const dualStack = (r: { readonly requireDualStack: boolean }): string =>
  r.requireDualStack ? 'RequireDualStack: ' : '';
/** Holders named in full before the rest are counted: a shared address may have hundreds. */
const NAMED_HOLDERS = 5;
/** `service "a/x" already uses IP`, or for several `services "a/x", "a/y" already use IP`, in the order given. */
const uses = (r: { readonly holders: readonly string[]; readonly ip: IPAddress }): string => {
  if (r.holders.length === 1) return `service ${quoted(r.holders[0])} already uses ${formatIP(r.ip)}`;
  const named = r.holders.slice(0, NAMED_HOLDERS).map(quoted).join(', ');
  const more = r.holders.length > NAMED_HOLDERS ? ` and ${r.holders.length - NAMED_HOLDERS} more` : '';
  return `services ${named}${more} already use ${formatIP(r.ip)}`;
};

const inPool = (r: { readonly ip: IPAddress; readonly pool: string }): string =>
  `${quoted(formatIP(r.ip))} is in pool ${quoted(r.pool)}`;

/**
 * A label selector as kubectl prints one (metav1.FormatLabelSelector): requirements sorted by key, `k=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas; `<none>` for an empty one.
 */
export function formatSelector(s: LabelSelector): string {
  const requirements: [key: string, text: string][] = [
    ...Object.entries(s.matchLabels).map(([k, v]): [string, string] => [k, `${k}=${v}`]),
    ...s.matchExpressions.map((e): [string, string] => {
      const values = [...e.values].sort().join(',');
      switch (e.operator) {
        case 'In':
          return [e.key, `${e.key} in (${values})`];
        case 'NotIn':
          return [e.key, `${e.key} notin (${values})`];
        case 'Exists':
          return [e.key, e.key];
        case 'DoesNotExist':
          return [e.key, `!${e.key}`];
      }
      return unreachable(e.operator);
    }),
  ];
  if (requirements.length === 0) return '<none>';
  return requirements
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, text]) => text)
    .join(',');
}

/** The text of a reason; for a refusal it completes `Failed to allocate IP for "ns/name": ...`. */
export function reasonText(r: Reason): string {
  switch (r.code) {
    case 'noIPFamilies':
      return 'the service has no ipFamilies';
    case 'ipFamilyRepeated':
      return `ipFamilies [${r.families.join(', ')}] name each family at most once`;
    case 'dualStackOneFamily':
      return `RequireDualStack needs two ipFamilies, the service lists only ${r.family}`;
    case 'sharingKeyMismatch':
      if (!r.holderKey) return `${uses(r)} and does not allow sharing`;
      if (!r.key) return `${uses(r)} and this service has no sharing key`;
      return `${uses(r)} with sharing key ${quoted(r.holderKey)}, not ${quoted(r.key)}`;
    case 'trafficPolicyMismatch':
      return r.holderPolicy === 'Cluster'
        ? `${uses(r)} with externalTrafficPolicy Cluster; a Local service shares only with Local ones`
        : `${uses(r)} with externalTrafficPolicy Local; only Local services may share it`;
    case 'localPolicySelectorMismatch':
      switch (r.withoutSelector) {
        case 'holder':
          return `${uses(r)} with externalTrafficPolicy Local and no selector, so it never shares`;
        case 'service':
          return `${uses(r)}; a Local service without a selector never shares`;
        case undefined:
          return `${uses(r)} with externalTrafficPolicy Local and a different selector`;
      }
      return unreachable(r.withoutSelector);
    case 'portConflict':
      return `service ${quoted(r.holder)} already uses ${formatEndpoint(r.ip, r.port, r.protocol)}`;
    case 'poolInvalid':
      return `pool ${quoted(r.pool)} is invalid: ${r.errors.map(formatConfigError).join('; ')}`;
    case 'poolForbidden':
      return `${dualStack(r)}pool ${quoted(r.pool)} may not be used by this service`;
    case 'poolLacksFamily':
      return `${dualStack(r)}pool ${quoted(r.pool)} has no ${r.family} addresses`;
    case 'noUsablePool':
      return `${dualStack(r)}no auto-assign pool with ${r.family} addresses may be used by this service`;
    case 'poolExhausted':
      return `${dualStack(r)}no available ${r.family} address in ${r.pools.map(quoted).join(', ')}`;
    case 'nothingToAdopt':
      return 'no address to adopt';
    case 'tooManyAddresses':
      return `more than one ${r.family} address${r.requested ? ' requested' : ''}`;
    case 'familyMismatch':
      return `${quoted(formatIP(r.ip))} does not match the service's IP families (${r.families.join(', ')})`;
    case 'dualStackRequestIncomplete':
      return `RequireDualStack needs a requested ${r.family} address too`;
    case 'notRequestedAddress':
      return `${quoted(formatIP(r.ip))} is not the requested address ${quoted(formatIP(r.requested))}`;
    case 'notInAnyPool':
      return `${quoted(formatIP(r.ip))} is not allowed in config`;
    case 'notInNamedPool':
      return `${quoted(formatIP(r.ip))} is not in pool ${quoted(r.pool)}`;
    case 'inOtherPool':
      return `${reasonText({ code: 'notInNamedPool', ip: r.ip, pool: r.named })}; it is in pool ${quoted(r.pool)}`;
    case 'buggyIPAvoided':
      return `${inPool(r)}, which hands out no address ending in .0 or .255 (avoidBuggyIPs)`;
    case 'namespaceNotAdmitted': {
      const admitted = [
        ...(r.namespaces.length > 0 ? [`namespaces ${r.namespaces.join(', ')} (namespaces)`] : []),
        ...(r.namespaceSelectors.length > 0
          ? [`namespaces matching ${r.namespaceSelectors.map(formatSelector).join(' or ')} (namespaceSelectors)`]
          : []),
      ];
      return `${inPool(r)}, which admits only ${admitted.join(' or ')}; this service is in namespace ${quoted(r.namespace)}`;
    }
    case 'serviceNotSelected': {
      const selectors = r.serviceSelectors.map(formatSelector).join(' or ');
      return `${inPool(r)}, which admits only services matching ${selectors} (serviceSelectors); this service's labels do not match`;
    }
    case 'poolMissing':
      return `pool ${quoted(r.pool)} does not exist; the address comes from the auto-assign pools`;
    case 'keptAfterPoolEdit': {
      const why = r.why === 'requested' ? 'because it requested it' : 'until another address is free';
      return `${reasonText({ code: 'noLongerInPool', ip: r.ip })}; the service keeps it ${why}`;
    }
    case 'noLongerInPool':
      return `${formatIP(r.ip)} is no longer in a pool this service may use`;
  }
  return unreachable(r);
}

/** Reached only if a value escaped the types: the switches above cover every case. */
function unreachable(value: never): never {
  throw new Error(`no words for ${String((value as { code?: unknown } | undefined)?.code ?? value)}`);
}
