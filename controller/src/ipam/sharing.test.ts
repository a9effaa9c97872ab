import { sharingConflict } from './sharing';
import { ip, service, tcp, udp } from './testFixtures';

const at = ip('198.51.100.200');
const other = (o: Parameters<typeof service>[1] = {}) =>
  service('acserver/x', { sharingKey: 'k', ports: [tcp(9610), tcp(8085)], ...o });
const me = (o: Parameters<typeof service>[1] = {}) =>
  service('acserver/y', { sharingKey: 'k', ports: [udp(9610)], ...o });
const local = { externalTrafficPolicy: 'Local', selector: { app: 'a' } } as const;

test.each([
  ['same key, TCP 9610 and UDP 9610 do not collide', me(), other(), undefined],
  ['same key, disjoint ports', me({ ports: [tcp(443)] }), other(), undefined],
  [
    'same key, a common port',
    me({ ports: [tcp(443), tcp(9610)] }),
    other(),
    'service "acserver/x" already uses 198.51.100.200:9610/TCP',
  ],
  ['no ports at all never collide', me({ ports: [] }), other(), undefined],
  [
    'other has no key',
    me(),
    other({ sharingKey: undefined }),
    'service "acserver/x" already uses 198.51.100.200 and does not allow sharing',
  ],
  [
    'this one has no key',
    me({ sharingKey: undefined }),
    other(),
    'service "acserver/x" already uses 198.51.100.200 and this service has no sharing key',
  ],
  [
    'an empty key is no key',
    me({ sharingKey: '' }),
    other({ sharingKey: '' }),
    'service "acserver/x" already uses 198.51.100.200 and does not allow sharing',
  ],
  [
    'different keys',
    me({ sharingKey: 'b' }),
    other(),
    'service "acserver/x" already uses 198.51.100.200 with sharing key "k", not "b"',
  ],
  ['both Local, same selector', me(local), other(local), undefined],
  [
    'Local joins Cluster',
    me(local),
    other(),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Cluster; a Local service shares only with Local ones',
  ],
  [
    'Cluster joins Local',
    me(),
    other(local),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Local; only Local services may share it',
  ],
  [
    'both Local, different selectors',
    me({ ...local, selector: { app: 'b' } }),
    other(local),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Local and a different selector',
  ],
  [
    'Local without selector joining',
    me({ ...local, selector: undefined }),
    other(local),
    'service "acserver/x" already uses 198.51.100.200; a Local service without a selector never shares',
  ],
  [
    'Local without selector holding',
    me(local),
    other({ ...local, selector: {} }),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Local and no selector, so it never shares',
  ],
  [
    'two Local without selectors, even equal, never share',
    me({ ...local, selector: undefined }),
    other({ ...local, selector: undefined }),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Local and no selector, so it never shares',
  ],
  [
    'key is checked before ports',
    me({ sharingKey: 'b', ports: [tcp(9610)] }),
    other(),
    'service "acserver/x" already uses 198.51.100.200 with sharing key "k", not "b"',
  ],
])('%s', (_, svc, holder, conflict) => {
  expect(sharingConflict(svc, holder, at)).toBe(conflict);
});

test('an IPv6 endpoint is bracketed', () => {
  expect(sharingConflict(me({ ports: [tcp(8085)] }), other(), ip('2001:db8::1'))).toBe(
    'service "acserver/x" already uses [2001:db8::1]:8085/TCP',
  );
});
