import { namespaceOf, sameLabels, sameServiceRequest, type ServiceRequest } from './service';
import { ip, service, tcp, udp } from './testFixtures';

test.each([
  ['ns/name', 'ns'],
  ['kube-system/dns', 'kube-system'],
  ['/name', ''],
  ['no-namespace', ''],
])('namespaceOf(%j) is %j', (key, namespace) => {
  expect(namespaceOf(key)).toBe(namespace);
});

test.each<[string, Record<string, string> | undefined, Record<string, string> | undefined, boolean]>([
  ['both absent', undefined, undefined, true],
  ['absent and empty', undefined, {}, false],
  ['empty and absent', {}, undefined, false],
  ['both empty', {}, {}, true],
  ['equal, in another order', { a: '1', b: '2' }, { b: '2', a: '1' }, true],
  ['one more label', { a: '1' }, { a: '1', b: '2' }, false],
  ['one label fewer', { a: '1', b: '2' }, { a: '1' }, false],
  ['another value', { a: '1' }, { a: '2' }, false],
  ['another key', { a: '1' }, { b: '1' }, false],
])('sameLabels: %s', (_, a, b, same) => {
  expect(sameLabels(a, b)).toBe(same);
});

describe('sameServiceRequest', () => {
  const base = service('ns/a', {
    labels: { tier: 'gold' },
    namespaceLabels: { team: 'a' },
    sharingKey: 'k',
    requested: ['198.51.100.10', '2001:db8::10'],
    requestedPool: 'main',
    ipFamilyPolicy: 'RequireDualStack',
    ipFamilies: ['IPv4', 'IPv6'],
    ports: [tcp(80), udp(53)],
  });

  test('a copy asks for the same thing', () => {
    expect(sameServiceRequest(base, { ...base, ports: [tcp(80), udp(53)], requestedIPs: [...base.requestedIPs] })).toBe(
      true,
    );
  });

  test.each<[string, Partial<ServiceRequest>]>([
    ['key', { key: 'ns/b' }],
    ['sharing key', { sharingKey: 'other' }],
    ['no sharing key', { sharingKey: undefined }],
    ['externalTrafficPolicy', { externalTrafficPolicy: 'Local' }],
    ['requested pool', { requestedPool: 'other' }],
    ['ipFamilyPolicy', { ipFamilyPolicy: 'PreferDualStack' }],
    ['ipFamilies order', { ipFamilies: ['IPv6', 'IPv4'] }],
    ['ipFamilies count', { ipFamilies: ['IPv4'] }],
    ['a requested address', { requestedIPs: [ip('198.51.100.11'), ip('2001:db8::10')] }],
    ['requested addresses count', { requestedIPs: [ip('198.51.100.10')] }],
    ['a port number', { ports: [tcp(81), udp(53)] }],
    ['a port protocol', { ports: [tcp(80), tcp(53)] }],
    ['ports count', { ports: [tcp(80)] }],
    ['selector', { selector: { app: 'b' } }],
    ['labels', { labels: { tier: 'silver' } }],
    ['namespace labels', { namespaceLabels: { team: 'b' } }],
  ])('a different %s is a different request, either way round', (_, change) => {
    const changed = { ...base, ...change };
    expect([sameServiceRequest(base, changed), sameServiceRequest(changed, base)]).toEqual([false, false]);
  });
});
