import { parseIP, reasonText, REFUSAL_CODES, type IPAddress, type Reason, type ReasonCode } from '@ironlb/controller';
import { reasonCodeOf } from './reasonCode';

const ip = (text: string): IPAddress => {
  const parsed = parseIP(text);
  if (!parsed) throw new Error(text);
  return parsed;
};
const v4 = ip('198.51.100.200');
const v6 = ip('2001:db8::1');
const held = { holders: ['ns/holder'], ip: v4 } as const;
const many = { holders: ['ns/a', 'ns/b', 'ns/c', 'ns/d', 'ns/e', 'ns/f', 'ns/g'], ip: v6 } as const;
const team = { matchLabels: { team: 'a' }, matchExpressions: [] };

/** Every branch of every code's wording; keyed by code, so a new code without samples does not compile. */
const samples: { readonly [C in ReasonCode]: readonly Extract<Reason, { code: C }>[] } = {
  noIPFamilies: [{ code: 'noIPFamilies' }],
  ipFamilyRepeated: [{ code: 'ipFamilyRepeated', families: ['IPv4', 'IPv4'] }],
  dualStackOneFamily: [{ code: 'dualStackOneFamily', family: 'IPv6' }],
  sharingKeyMismatch: [
    { code: 'sharingKeyMismatch', ...held },
    { code: 'sharingKeyMismatch', ...held, holderKey: 'k' },
    { code: 'sharingKeyMismatch', ...many, holderKey: 'k', key: 'other' },
  ],
  trafficPolicyMismatch: [
    { code: 'trafficPolicyMismatch', ...held, holderPolicy: 'Cluster' },
    { code: 'trafficPolicyMismatch', ...many, holderPolicy: 'Local' },
  ],
  localPolicySelectorMismatch: [
    { code: 'localPolicySelectorMismatch', ...held, withoutSelector: 'holder' },
    { code: 'localPolicySelectorMismatch', ...held, withoutSelector: 'service' },
    { code: 'localPolicySelectorMismatch', ...many },
  ],
  portConflict: [
    { code: 'portConflict', holder: 'ns/h', ip: v4, port: 80, protocol: 'TCP' },
    { code: 'portConflict', holder: 'ns/h', ip: v6, port: 53, protocol: 'UDP' },
  ],
  poolInvalid: [
    { code: 'poolInvalid', pool: 'p', errors: [{ object: 'IPAddressPool ironlb-system/p', field: 'f', message: 'm' }] },
  ],
  poolForbidden: [
    { code: 'poolForbidden', pool: 'p', requireDualStack: false },
    { code: 'poolForbidden', pool: 'p', requireDualStack: true },
  ],
  poolLacksFamily: [{ code: 'poolLacksFamily', pool: 'p', family: 'IPv6', requireDualStack: true }],
  noUsablePool: [{ code: 'noUsablePool', family: 'IPv4', requireDualStack: false }],
  poolExhausted: [{ code: 'poolExhausted', family: 'IPv4', pools: ['a', 'b'], requireDualStack: false }],
  nothingToAdopt: [{ code: 'nothingToAdopt' }],
  tooManyAddresses: [
    { code: 'tooManyAddresses', family: 'IPv4', requested: true },
    { code: 'tooManyAddresses', family: 'IPv6', requested: false },
  ],
  familyMismatch: [{ code: 'familyMismatch', ip: v6, families: ['IPv4'] }],
  dualStackRequestIncomplete: [{ code: 'dualStackRequestIncomplete', family: 'IPv6' }],
  notRequestedAddress: [{ code: 'notRequestedAddress', ip: v4, requested: ip('198.51.100.201') }],
  notInAnyPool: [{ code: 'notInAnyPool', ip: ip('203.0.113.99') }],
  notInNamedPool: [{ code: 'notInNamedPool', ip: v4, pool: 'p' }],
  inOtherPool: [{ code: 'inOtherPool', ip: v4, named: 'p', pool: 'q' }],
  buggyIPAvoided: [{ code: 'buggyIPAvoided', ip: ip('198.51.100.255'), pool: 'p' }],
  namespaceNotAdmitted: [
    { code: 'namespaceNotAdmitted', ip: v4, pool: 'p', namespace: 'x', namespaces: ['a'], namespaceSelectors: [] },
    { code: 'namespaceNotAdmitted', ip: v4, pool: 'p', namespace: 'x', namespaces: [], namespaceSelectors: [team] },
  ],
  serviceNotSelected: [{ code: 'serviceNotSelected', ip: v4, pool: 'p', serviceSelectors: [team] }],
  poolMissing: [{ code: 'poolMissing', pool: 'gone' }],
  keptAfterPoolEdit: [
    { code: 'keptAfterPoolEdit', ip: v4, why: 'requested' },
    { code: 'keptAfterPoolEdit', ip: v4, why: 'untilAnotherIsFree' },
  ],
  noLongerInPool: [{ code: 'noLongerInPool', ip: v6 }],
};

const cases = Object.values(samples).flatMap((list: readonly Reason[]) => list.map((r) => [r.code, r] as const));

describe('reasonCodeOf', () => {
  it.each(cases)('reads %s back from the words of the controller', (code, reason) => {
    expect(reasonCodeOf(reasonText(reason))).toBe(code);
    expect(reasonCodeOf(`Failed to allocate IP for "default/web": ${reasonText(reason)}`)).toBe(code);
  });

  it('has samples for every refusal code the allocator gives', () => {
    expect(REFUSAL_CODES.filter((c) => samples[c].length === 0)).toEqual([]);
  });

  it('gives no code for words no controller wrote', () => {
    expect(reasonCodeOf('Failed to allocate IP for "default/web": the moon is in the way')).toBeUndefined();
    expect(reasonCodeOf('')).toBeUndefined();
  });
});
