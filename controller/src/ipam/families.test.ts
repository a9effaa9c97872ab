import { wantedFamilies } from './families';
import type { IPFamilyPolicy } from './service';
import type { IPFamily } from '@ironlb/shared/config';
import { service } from './testFixtures';

test.each<[IPFamilyPolicy, IPFamily[], ReturnType<typeof wantedFamilies>]>([
  ['SingleStack', ['IPv4'], { required: ['IPv4'], optional: [] }],
  ['SingleStack', ['IPv6', 'IPv4'], { required: ['IPv6'], optional: [] }],
  ['PreferDualStack', ['IPv4'], { required: ['IPv4'], optional: [] }],
  ['PreferDualStack', ['IPv6', 'IPv4'], { required: ['IPv6'], optional: ['IPv4'] }],
  ['RequireDualStack', ['IPv4', 'IPv6'], { required: ['IPv4', 'IPv6'], optional: [] }],
  ['RequireDualStack', ['IPv4'], { error: 'RequireDualStack needs two ipFamilies, the service lists only IPv4' }],
  ['SingleStack', [], { error: 'the service has no ipFamilies' }],
  ['PreferDualStack', ['IPv4', 'IPv4'], { error: 'ipFamilies [IPv4, IPv4] name each family at most once' }],
])('%s %j', (ipFamilyPolicy, ipFamilies, wanted) => {
  expect(wantedFamilies(service('ns/s', { ipFamilyPolicy, ipFamilies }))).toEqual(wanted);
});
