/**
 * The allocator's reason code behind an Event's words. The controller's Events carry only the words
 * (`AllocationFailed`: `Failed to allocate IP for "ns/name": <reasonText>`), as MetalLB's do, so the code is read
 * back from them here, one pattern per code, in the shapes `reasonText` (controller/src/service/reasonText.ts)
 * writes. reasonCode.test.ts words every code with the controller's own reasonText and reads it back, so a change
 * of wording there fails here.
 */
import type { ReasonCode } from '@ironlb/controller';

const Q = '"[^"]*"';
/** `service "a/x" already uses IP` or `services "a/x", "a/y" [and N more] already use IP`. */
const USES = `(?:service ${Q} already uses|services ${Q}(?:, ${Q})*(?: and \\d+ more)? already use) \\S+`;
const RDS = '(?:RequireDualStack: )?';
const FAMILY = 'IPv[46]';

/** Tried in order: the more specific first where two could match (inOtherPool before notInNamedPool). */
const PATTERNS: readonly (readonly [ReasonCode, RegExp])[] = [
  ['noIPFamilies', /^the service has no ipFamilies$/],
  ['ipFamilyRepeated', /^ipFamilies \[.*\] name each family at most once$/],
  ['dualStackOneFamily', new RegExp(`^RequireDualStack needs two ipFamilies, the service lists only ${FAMILY}$`)],
  [
    'sharingKeyMismatch',
    new RegExp(
      `^${USES}(?: and does not allow sharing| and this service has no sharing key| with sharing key ${Q}, not ${Q})$`,
    ),
  ],
  [
    'trafficPolicyMismatch',
    new RegExp(
      `^${USES} with externalTrafficPolicy (?:Cluster; a Local service shares only with Local ones|Local; only Local services may share it)$`,
    ),
  ],
  [
    'localPolicySelectorMismatch',
    new RegExp(
      `^${USES}(?: with externalTrafficPolicy Local and no selector, so it never shares|; a Local service without a selector never shares| with externalTrafficPolicy Local and a different selector)$`,
    ),
  ],
  ['portConflict', new RegExp(`^service ${Q} already uses \\S+:\\d+/(?:TCP|UDP|SCTP)$`)],
  ['poolInvalid', new RegExp(`^pool ${Q} is invalid: `)],
  ['poolForbidden', new RegExp(`^${RDS}pool ${Q} may not be used by this service$`)],
  ['poolLacksFamily', new RegExp(`^${RDS}pool ${Q} has no ${FAMILY} addresses$`)],
  ['noUsablePool', new RegExp(`^${RDS}no auto-assign pool with ${FAMILY} addresses may be used by this service$`)],
  ['poolExhausted', new RegExp(`^${RDS}no available ${FAMILY} address in ${Q}(?:, ${Q})*$`)],
  ['nothingToAdopt', /^no address to adopt$/],
  ['tooManyAddresses', new RegExp(`^more than one ${FAMILY} address(?: requested)?$`)],
  ['familyMismatch', new RegExp(`^${Q} does not match the service's IP families \\(.*\\)$`)],
  ['dualStackRequestIncomplete', new RegExp(`^RequireDualStack needs a requested ${FAMILY} address too$`)],
  ['notRequestedAddress', new RegExp(`^${Q} is not the requested address ${Q}$`)],
  ['notInAnyPool', new RegExp(`^${Q} is not allowed in config$`)],
  ['inOtherPool', new RegExp(`^${Q} is not in pool ${Q}; it is in pool ${Q}$`)],
  ['notInNamedPool', new RegExp(`^${Q} is not in pool ${Q}$`)],
  ['buggyIPAvoided', new RegExp(`^${Q} is in pool ${Q}, which hands out no address ending in \\.0 or \\.255`)],
  ['namespaceNotAdmitted', new RegExp(`^${Q} is in pool ${Q}, which admits only namespaces .*; this service is in`)],
  ['serviceNotSelected', new RegExp(`^${Q} is in pool ${Q}, which admits only services matching .*`)],
  ['poolMissing', new RegExp(`^pool ${Q} does not exist; the address comes from the auto-assign pools$`)],
  ['keptAfterPoolEdit', /^\S+ is no longer in a pool this service may use; the service keeps it /],
  ['noLongerInPool', /^\S+ is no longer in a pool this service may use$/],
];

const FAILED = /^Failed to allocate IP for "[^"]*": /;

/** The code of an AllocationFailed or AllocationWarning message; undefined for words no version of ours wrote. */
export function reasonCodeOf(message: string): ReasonCode | undefined {
  const text = message.replace(FAILED, '');
  return PATTERNS.find(([, re]) => re.test(text))?.[0];
}
