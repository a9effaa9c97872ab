import { wantedFamilies, type WantedFamilies } from './families';
import type { FamiliesRefusal } from './reasons';
import type { IPFamilyPolicy } from './service';
import type { IPFamily } from '@ironlb/shared/config';
import { reasonText } from '../service/reasonText';
import { service } from './testFixtures';

/** The answer with a refusal in words, as the Event shows it. */
const worded = (w: ReturnType<typeof wantedFamilies>): WantedFamilies | { error: string } =>
  'error' in w ? { error: reasonText(w.error) } : w;

test.each<[IPFamilyPolicy, IPFamily[], WantedFamilies | { error: string }]>([
  ['SingleStack', ['IPv4'], { required: ['IPv4'], optional: [] }],
  ['SingleStack', ['IPv6', 'IPv4'], { required: ['IPv6'], optional: [] }],
  ['PreferDualStack', ['IPv4'], { required: ['IPv4'], optional: [] }],
  ['PreferDualStack', ['IPv6', 'IPv4'], { required: ['IPv6'], optional: ['IPv4'] }],
  ['RequireDualStack', ['IPv4', 'IPv6'], { required: ['IPv4', 'IPv6'], optional: [] }],
  ['RequireDualStack', ['IPv4'], { error: 'RequireDualStack needs two ipFamilies, the service lists only IPv4' }],
  ['SingleStack', [], { error: 'the service has no ipFamilies' }],
  ['PreferDualStack', ['IPv4', 'IPv4'], { error: 'ipFamilies [IPv4, IPv4] name each family at most once' }],
])('%s %j', (ipFamilyPolicy, ipFamilies, wanted) => {
  expect(worded(wantedFamilies(service('ns/s', { ipFamilyPolicy, ipFamilies })))).toEqual(wanted);
});

test.each<[IPFamilyPolicy, IPFamily[], FamiliesRefusal]>([
  ['RequireDualStack', ['IPv6'], { code: 'dualStackOneFamily', family: 'IPv6' }],
  ['SingleStack', [], { code: 'noIPFamilies' }],
  ['PreferDualStack', ['IPv6', 'IPv6'], { code: 'ipFamilyRepeated', families: ['IPv6', 'IPv6'] }],
  ['SingleStack', ['IPv4', 'IPv6', 'IPv4'], { code: 'ipFamilyRepeated', families: ['IPv4', 'IPv6', 'IPv4'] }],
])('refused as a value: %s %j', (ipFamilyPolicy, ipFamilies, error) => {
  expect(wantedFamilies(service('ns/s', { ipFamilyPolicy, ipFamilies }))).toEqual({ error });
});
