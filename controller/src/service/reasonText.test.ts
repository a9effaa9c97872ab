/**
 * The exact words of every reason: these texts are what `kubectl describe service` shows and what users search for,
 * so each code, and each branch of its wording, is pinned here character for character.
 */
import type { LabelSelector } from '@ironlb/shared/config';
import type { Reason, ReasonCode } from '../ipam/reasons';
import { ip } from '../ipam/testFixtures';
import { reasonText } from './reasonText';

type Cases = { readonly [C in ReasonCode]: readonly (readonly [Extract<Reason, { code: C }>, string])[] };

const v4 = ip('198.51.100.200');
const v6 = ip('2001:db8::1');
const at = { holder: 'ns/holder', ip: v4 } as const;
const held = { holders: ['ns/holder'], ip: v4 } as const;
const heldByTwo = { holders: ['ns/a', 'ns/b'], ip: v4 } as const;
const admits = { code: 'namespaceNotAdmitted', ip: v4, pool: 'team-a', namespace: 'apps' } as const;
const teamLabel: LabelSelector = { matchLabels: { team: 'a' }, matchExpressions: [] };
/** Each operator, as kubectl prints a selector: requirements sorted by key, values sorted. */
const everyExpression: LabelSelector = {
  matchLabels: {},
  matchExpressions: [
    { key: 'd', operator: 'DoesNotExist', values: [] },
    { key: 'b', operator: 'NotIn', values: ['z'] },
    { key: 'a', operator: 'In', values: ['y', 'x'] },
    { key: 'c', operator: 'Exists', values: [] },
  ],
};
const reversed = {
  object: 'IPAddressPool ironlb-system/broken',
  field: 'spec.addresses[0]',
  message:
    'invalid range "198.51.100.20-198.51.100.10": the first address 198.51.100.20 is after the last 198.51.100.10',
};

/** Keyed by code, so a code added to the union without a case here does not compile. */
const cases: Cases = {
  noIPFamilies: [[{ code: 'noIPFamilies' }, 'the service has no ipFamilies']],
  ipFamilyRepeated: [
    [{ code: 'ipFamilyRepeated', families: ['IPv4', 'IPv4'] }, 'ipFamilies [IPv4, IPv4] name each family at most once'],
    [
      { code: 'ipFamilyRepeated', families: ['IPv6', 'IPv4', 'IPv6'] },
      'ipFamilies [IPv6, IPv4, IPv6] name each family at most once',
    ],
  ],
  dualStackOneFamily: [
    [
      { code: 'dualStackOneFamily', family: 'IPv6' },
      'RequireDualStack needs two ipFamilies, the service lists only IPv6',
    ],
  ],
  sharingKeyMismatch: [
    [
      { code: 'sharingKeyMismatch', ...held },
      'service "ns/holder" already uses 198.51.100.200 and does not allow sharing',
    ],
    [
      { code: 'sharingKeyMismatch', ...held, key: 'k' },
      'service "ns/holder" already uses 198.51.100.200 and does not allow sharing',
    ],
    [
      { code: 'sharingKeyMismatch', ...held, holderKey: 'k' },
      'service "ns/holder" already uses 198.51.100.200 and this service has no sharing key',
    ],
    [
      { code: 'sharingKeyMismatch', ...held, holderKey: 'k', key: 'other' },
      'service "ns/holder" already uses 198.51.100.200 with sharing key "k", not "other"',
    ],
    [
      { code: 'sharingKeyMismatch', ...heldByTwo, holderKey: 'k' },
      'services "ns/a", "ns/b" already use 198.51.100.200 and this service has no sharing key',
    ],
    [
      { code: 'sharingKeyMismatch', ...heldByTwo, holderKey: 'k', key: 'other' },
      'services "ns/a", "ns/b" already use 198.51.100.200 with sharing key "k", not "other"',
    ],
    [
      { code: 'sharingKeyMismatch', holders: ['ns/holder'], ip: v6, holderKey: 'k', key: 'other' },
      'service "ns/holder" already uses 2001:db8::1 with sharing key "k", not "other"',
    ],
  ],
  trafficPolicyMismatch: [
    [
      { code: 'trafficPolicyMismatch', ...heldByTwo, holderPolicy: 'Cluster' },
      'services "ns/a", "ns/b" already use 198.51.100.200 with externalTrafficPolicy Cluster; a Local service shares only with Local ones',
    ],
    [
      {
        code: 'trafficPolicyMismatch',
        holders: ['a/1', 'a/2', 'a/3', 'b/4', 'b/5', 'c/6', 'c/7'],
        ip: v6,
        holderPolicy: 'Local',
      },
      'services "a/1", "a/2", "a/3", "b/4", "b/5" and 2 more already use 2001:db8::1 with externalTrafficPolicy Local; only Local services may share it',
    ],
    [
      { code: 'trafficPolicyMismatch', ...held, holderPolicy: 'Cluster' },
      'service "ns/holder" already uses 198.51.100.200 with externalTrafficPolicy Cluster; a Local service shares only with Local ones',
    ],
    [
      { code: 'trafficPolicyMismatch', ...held, holderPolicy: 'Local' },
      'service "ns/holder" already uses 198.51.100.200 with externalTrafficPolicy Local; only Local services may share it',
    ],
  ],
  localPolicySelectorMismatch: [
    [
      { code: 'localPolicySelectorMismatch', ...heldByTwo },
      'services "ns/a", "ns/b" already use 198.51.100.200 with externalTrafficPolicy Local and a different selector',
    ],
    [
      { code: 'localPolicySelectorMismatch', ...heldByTwo, withoutSelector: 'service' },
      'services "ns/a", "ns/b" already use 198.51.100.200; a Local service without a selector never shares',
    ],
    [
      { code: 'localPolicySelectorMismatch', ...held },
      'service "ns/holder" already uses 198.51.100.200 with externalTrafficPolicy Local and a different selector',
    ],
    [
      { code: 'localPolicySelectorMismatch', ...held, withoutSelector: 'holder' },
      'service "ns/holder" already uses 198.51.100.200 with externalTrafficPolicy Local and no selector, so it never shares',
    ],
    [
      { code: 'localPolicySelectorMismatch', ...held, withoutSelector: 'service' },
      'service "ns/holder" already uses 198.51.100.200; a Local service without a selector never shares',
    ],
  ],
  portConflict: [
    [
      { code: 'portConflict', ...at, port: 9610, protocol: 'TCP' },
      'service "ns/holder" already uses 198.51.100.200:9610/TCP',
    ],
    [
      { code: 'portConflict', holder: 'ns/holder', ip: v6, port: 53, protocol: 'UDP' },
      'service "ns/holder" already uses [2001:db8::1]:53/UDP',
    ],
    [
      { code: 'portConflict', ...at, port: 3868, protocol: 'SCTP' },
      'service "ns/holder" already uses 198.51.100.200:3868/SCTP',
    ],
  ],
  poolForbidden: [
    [{ code: 'poolForbidden', pool: 'team', requireDualStack: false }, 'pool "team" may not be used by this service'],
    [
      { code: 'poolForbidden', pool: 'team', requireDualStack: true },
      'RequireDualStack: pool "team" may not be used by this service',
    ],
  ],
  poolLacksFamily: [
    [
      { code: 'poolLacksFamily', pool: 'v6only', family: 'IPv4', requireDualStack: false },
      'pool "v6only" has no IPv4 addresses',
    ],
    [
      { code: 'poolLacksFamily', pool: 'v4only', family: 'IPv6', requireDualStack: true },
      'RequireDualStack: pool "v4only" has no IPv6 addresses',
    ],
  ],
  noUsablePool: [
    [
      { code: 'noUsablePool', family: 'IPv4', requireDualStack: false },
      'no auto-assign pool with IPv4 addresses may be used by this service',
    ],
    [
      { code: 'noUsablePool', family: 'IPv6', requireDualStack: true },
      'RequireDualStack: no auto-assign pool with IPv6 addresses may be used by this service',
    ],
  ],
  poolExhausted: [
    [
      { code: 'poolExhausted', family: 'IPv4', pools: ['small'], requireDualStack: false },
      'no available IPv4 address in "small"',
    ],
    [
      { code: 'poolExhausted', family: 'IPv4', pools: ['gamma', 'zeta', 'beta'], requireDualStack: false },
      'no available IPv4 address in "gamma", "zeta", "beta"',
    ],
    [
      { code: 'poolExhausted', family: 'IPv6', pools: ['v6'], requireDualStack: true },
      'RequireDualStack: no available IPv6 address in "v6"',
    ],
  ],
  nothingToAdopt: [[{ code: 'nothingToAdopt' }, 'no address to adopt']],
  tooManyAddresses: [
    [{ code: 'tooManyAddresses', family: 'IPv4', requested: false }, 'more than one IPv4 address'],
    [{ code: 'tooManyAddresses', family: 'IPv6', requested: true }, 'more than one IPv6 address requested'],
  ],
  familyMismatch: [
    [
      { code: 'familyMismatch', ip: v6, families: ['IPv4'] },
      '"2001:db8::1" does not match the service\'s IP families (IPv4)',
    ],
    [
      { code: 'familyMismatch', ip: v4, families: ['IPv6', 'IPv4'] },
      '"198.51.100.200" does not match the service\'s IP families (IPv6, IPv4)',
    ],
  ],
  dualStackRequestIncomplete: [
    [{ code: 'dualStackRequestIncomplete', family: 'IPv6' }, 'RequireDualStack needs a requested IPv6 address too'],
  ],
  notRequestedAddress: [
    [
      { code: 'notRequestedAddress', ip: ip('198.51.100.8'), requested: ip('198.51.100.9') },
      '"198.51.100.8" is not the requested address "198.51.100.9"',
    ],
  ],
  notInAnyPool: [
    [{ code: 'notInAnyPool', ip: ip('4.3.2.1') }, '"4.3.2.1" is not allowed in config'],
    [{ code: 'notInAnyPool', ip: v6 }, '"2001:db8::1" is not allowed in config'],
  ],
  notInNamedPool: [[{ code: 'notInNamedPool', ip: v4, pool: 'open' }, '"198.51.100.200" is not in pool "open"']],
  inOtherPool: [
    [
      { code: 'inOtherPool', ip: v4, named: 'open', pool: 'team-a' },
      '"198.51.100.200" is not in pool "open"; it is in pool "team-a"',
    ],
  ],
  buggyIPAvoided: [
    [
      { code: 'buggyIPAvoided', ip: ip('198.51.100.255'), pool: 'main' },
      '"198.51.100.255" is in pool "main", which hands out no address ending in .0 or .255 (avoidBuggyIPs)',
    ],
  ],
  namespaceNotAdmitted: [
    [
      { ...admits, namespaces: ['team-a'], namespaceSelectors: [] },
      '"198.51.100.200" is in pool "team-a", which admits only namespaces team-a (namespaces); this service is in namespace "apps"',
    ],
    [
      { ...admits, namespaces: [], namespaceSelectors: [teamLabel] },
      '"198.51.100.200" is in pool "team-a", which admits only namespaces matching team=a (namespaceSelectors); this service is in namespace "apps"',
    ],
    [
      { ...admits, namespaces: ['team-a', 'ops'], namespaceSelectors: [teamLabel, everyExpression] },
      '"198.51.100.200" is in pool "team-a", which admits only namespaces team-a, ops (namespaces) or namespaces matching team=a or a in (x,y),b notin (z),c,!d (namespaceSelectors); this service is in namespace "apps"',
    ],
  ],
  serviceNotSelected: [
    [
      { code: 'serviceNotSelected', ip: v6, pool: 'public', serviceSelectors: [teamLabel] },
      '"2001:db8::1" is in pool "public", which admits only services matching team=a (serviceSelectors); this service\'s labels do not match',
    ],
    [
      {
        code: 'serviceNotSelected',
        ip: v6,
        pool: 'public',
        serviceSelectors: [teamLabel, { matchLabels: {}, matchExpressions: [] }],
      },
      '"2001:db8::1" is in pool "public", which admits only services matching team=a or <none> (serviceSelectors); this service\'s labels do not match',
    ],
  ],
  poolInvalid: [
    [
      { code: 'poolInvalid', pool: 'broken', errors: [reversed] },
      'pool "broken" is invalid: IPAddressPool ironlb-system/broken: spec.addresses[0]: invalid range "198.51.100.20-198.51.100.10": the first address 198.51.100.20 is after the last 198.51.100.10',
    ],
    [
      {
        code: 'poolInvalid',
        pool: 'broken',
        errors: [reversed, { object: 'IPAddressPool ironlb-system/broken', field: '', message: 'spec is required' }],
      },
      'pool "broken" is invalid: IPAddressPool ironlb-system/broken: spec.addresses[0]: invalid range "198.51.100.20-198.51.100.10": the first address 198.51.100.20 is after the last 198.51.100.10; IPAddressPool ironlb-system/broken: spec is required',
    ],
  ],
  poolMissing: [
    [
      { code: 'poolMissing', pool: 'doc-example' },
      'pool "doc-example" does not exist; the address comes from the auto-assign pools',
    ],
  ],
  keptAfterPoolEdit: [
    [
      { code: 'keptAfterPoolEdit', ip: ip('198.51.100.14'), why: 'untilAnotherIsFree' },
      '198.51.100.14 is no longer in a pool this service may use; the service keeps it until another address is free',
    ],
    [
      { code: 'keptAfterPoolEdit', ip: v6, why: 'requested' },
      '2001:db8::1 is no longer in a pool this service may use; the service keeps it because it requested it',
    ],
  ],
  noLongerInPool: [[{ code: 'noLongerInPool', ip: v4 }, '198.51.100.200 is no longer in a pool this service may use']],
};

const rows = Object.values(cases)
  .flat()
  .map(([reason, text]) => [reason.code, text, reason] as const);

test.each(rows)('%s: %s', (_, text, reason) => {
  expect(reasonText(reason)).toBe(text);
});

test('every code has its words pinned', () => {
  expect(Object.entries(cases).filter(([, list]) => list.length === 0)).toEqual([]);
});

test('a value outside the union is an error, not words', () => {
  expect(() => reasonText({ code: 'bogus' } as unknown as Reason)).toThrow('no words for bogus');
});
