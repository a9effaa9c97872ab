/**
 * The sharing rules as the allocator applies them: through SharedAddress, holding `holder` (and, for the port
 * index, more), asked about a newcomer.
 */
import { reasonText } from '../service/reasonText';
import type { IPAddress } from './ip';
import type { SharingConflict } from './reasons';
import type { ServiceRequest } from './service';
import { SharedAddress } from './sharedAddress';
import { ip, service, tcp, udp } from './testFixtures';

const at = ip('198.51.100.200');
const other = (o: Parameters<typeof service>[1] = {}) =>
  service('acserver/x', { sharingKey: 'k', ports: [tcp(9610), tcp(8085)], ...o });
const me = (o: Parameters<typeof service>[1] = {}) =>
  service('acserver/y', { sharingKey: 'k', ports: [udp(9610)], ...o });
const local = { externalTrafficPolicy: 'Local', selector: { app: 'a' } } as const;

/** An address held by `holders` (the first decides its key, as in the allocator), asked whether `svc` may join. */
function conflictOn(addr: IPAddress, svc: ServiceRequest, ...holders: ServiceRequest[]): SharingConflict | undefined {
  const a = new SharedAddress(addr, holders[0].sharingKey || undefined);
  for (const h of holders) a.add(h);
  return a.conflict(svc);
}

const sharingConflict = (svc: ServiceRequest, holder: ServiceRequest, addr: IPAddress): string | undefined => {
  const c = conflictOn(addr, svc, holder);
  return c && reasonText(c);
};

type Data<C> = C extends SharingConflict ? Omit<C, 'holder' | 'holders' | 'ip'> : never;

test.each<[string, ServiceRequest, ServiceRequest, string | undefined, Data<SharingConflict> | undefined]>([
  ['same key, TCP 9610 and UDP 9610 do not collide', me(), other(), undefined, undefined],
  ['same key, disjoint ports', me({ ports: [tcp(443)] }), other(), undefined, undefined],
  [
    'same key, a common port',
    me({ ports: [tcp(443), tcp(9610)] }),
    other(),
    'service "acserver/x" already uses 198.51.100.200:9610/TCP',
    { code: 'portConflict', port: 9610, protocol: 'TCP' },
  ],
  ['no ports at all never collide', me({ ports: [] }), other(), undefined, undefined],
  [
    'other has no key',
    me(),
    other({ sharingKey: undefined }),
    'service "acserver/x" already uses 198.51.100.200 and does not allow sharing',
    { code: 'sharingKeyMismatch', key: 'k' },
  ],
  [
    'this one has no key',
    me({ sharingKey: undefined }),
    other(),
    'service "acserver/x" already uses 198.51.100.200 and this service has no sharing key',
    { code: 'sharingKeyMismatch', holderKey: 'k' },
  ],
  [
    'an empty key is no key',
    me({ sharingKey: '' }),
    other({ sharingKey: '' }),
    'service "acserver/x" already uses 198.51.100.200 and does not allow sharing',
    { code: 'sharingKeyMismatch' },
  ],
  [
    'different keys',
    me({ sharingKey: 'b' }),
    other(),
    'service "acserver/x" already uses 198.51.100.200 with sharing key "k", not "b"',
    { code: 'sharingKeyMismatch', holderKey: 'k', key: 'b' },
  ],
  ['both Local, same selector', me(local), other(local), undefined, undefined],
  [
    'Local joins Cluster',
    me(local),
    other(),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Cluster; a Local service shares only with Local ones',
    { code: 'trafficPolicyMismatch', holderPolicy: 'Cluster' },
  ],
  [
    'Cluster joins Local',
    me(),
    other(local),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Local; only Local services may share it',
    { code: 'trafficPolicyMismatch', holderPolicy: 'Local' },
  ],
  [
    'both Local, different selectors',
    me({ ...local, selector: { app: 'b' } }),
    other(local),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Local and a different selector',
    { code: 'localPolicySelectorMismatch' },
  ],
  [
    'Local without selector joining',
    me({ ...local, selector: undefined }),
    other(local),
    'service "acserver/x" already uses 198.51.100.200; a Local service without a selector never shares',
    { code: 'localPolicySelectorMismatch', withoutSelector: 'service' },
  ],
  [
    'Local without selector holding',
    me(local),
    other({ ...local, selector: {} }),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Local and no selector, so it never shares',
    { code: 'localPolicySelectorMismatch', withoutSelector: 'holder' },
  ],
  [
    'two Local without selectors, even equal, never share',
    me({ ...local, selector: undefined }),
    other({ ...local, selector: undefined }),
    'service "acserver/x" already uses 198.51.100.200 with externalTrafficPolicy Local and no selector, so it never shares',
    { code: 'localPolicySelectorMismatch', withoutSelector: 'holder' },
  ],
  [
    'key is checked before ports',
    me({ sharingKey: 'b', ports: [tcp(9610)] }),
    other(),
    'service "acserver/x" already uses 198.51.100.200 with sharing key "k", not "b"',
    { code: 'sharingKeyMismatch', holderKey: 'k', key: 'b' },
  ],
])('%s', (_, svc, holder, conflict, value) => {
  expect(sharingConflict(svc, holder, at)).toBe(conflict);
  const named = value?.code === 'portConflict' ? { holder: 'acserver/x' } : { holders: ['acserver/x'] };
  expect(conflictOn(at, svc, holder)).toEqual(value && { ...named, ip: at, ...value });
});

test('an IPv6 endpoint is bracketed', () => {
  expect(sharingConflict(me({ ports: [tcp(8085)] }), other(), ip('2001:db8::1'))).toBe(
    'service "acserver/x" already uses [2001:db8::1]:8085/TCP',
  );
  expect(conflictOn(ip('2001:db8::1'), me({ ports: [tcp(8085)] }), other())).toEqual({
    code: 'portConflict',
    holder: 'acserver/x',
    ip: ip('2001:db8::1'),
    port: 8085,
    protocol: 'TCP',
  });
});

describe('with two or more holders (the port index)', () => {
  const third = (o: Parameters<typeof service>[1] = {}) =>
    service('acserver/z', { sharingKey: 'k', ports: [tcp(443)], ...o });

  test('the holder using the port is named, whichever holder it is', () => {
    expect(conflictOn(at, third({ ports: [tcp(80), udp(9610)] }), other(), me())).toEqual({
      code: 'portConflict',
      holder: 'acserver/y',
      ip: at,
      port: 9610,
      protocol: 'UDP',
    });
    expect(conflictOn(at, third({ ports: [tcp(8085)] }), other(), me())).toEqual({
      code: 'portConflict',
      holder: 'acserver/x',
      ip: at,
      port: 8085,
      protocol: 'TCP',
    });
    expect(conflictOn(at, third(), other(), me())).toBeUndefined();
  });

  test('a holder is judged against the others only, and a removed holder frees its ports', () => {
    const a = new SharedAddress(at, 'k');
    for (const h of [other(), me(), third()]) a.add(h);
    expect(a.conflict(third())).toBeUndefined();
    expect(a.conflict(third({ ports: [tcp(443), udp(9610)] }))?.code).toBe('portConflict');
    a.remove('acserver/y');
    expect(a.conflict(third({ ports: [tcp(443), udp(9610)] }))).toBeUndefined();
    expect(a.serviceKeys()).toEqual(['acserver/x', 'acserver/z']);
  });

  test('a holder that joins after the others left is checked against the one still there, and then indexed', () => {
    const a = new SharedAddress(at, 'k');
    a.add(other());
    a.add(me());
    a.remove('acserver/y');
    a.add(third());
    const newcomer = service('acserver/w', { sharingKey: 'k', ports: [tcp(443)] });
    expect(a.conflict(newcomer)).toEqual({
      code: 'portConflict',
      holder: 'acserver/z',
      ip: at,
      port: 443,
      protocol: 'TCP',
    });
    expect(a.conflict(service('acserver/w', { sharingKey: 'k', ports: [tcp(8085)] }))).toEqual({
      code: 'portConflict',
      holder: 'acserver/x',
      ip: at,
      port: 8085,
      protocol: 'TCP',
    });
  });

  test('the port index exists only while two or more Services hold the address', () => {
    const a = new SharedAddress(at, 'k');
    const indexed: [string, boolean][] = [];
    const step = (what: string, change: () => void): void => {
      change();
      indexed.push([what, a.indexesPorts]);
    };
    step('x holds', () => a.add(other()));
    step('x holds again', () => a.add(other()));
    step('y joins', () => a.add(me()));
    step('z joins', () => a.add(third()));
    step('x leaves', () => a.remove('acserver/x'));
    step('y leaves', () => a.remove('acserver/y'));
    step('x joins again', () => a.add(other()));
    step('z leaves', () => a.remove('acserver/z'));
    step('x leaves', () => a.remove('acserver/x'));
    expect(indexed).toEqual([
      ['x holds', false],
      ['x holds again', false],
      ['y joins', true],
      ['z joins', true],
      ['x leaves', true],
      ['y leaves', false],
      ['x joins again', true],
      ['z leaves', false],
      ['x leaves', false],
    ]);
    expect(a.size).toBe(0);
  });

  test('the policy rules hold against the holders as a group, and name every holder, sorted', () => {
    const expected: SharingConflict = {
      code: 'sharingKeyMismatch',
      holders: ['acserver/x', 'acserver/y'],
      ip: at,
      holderKey: 'k',
      key: 'other',
    };
    expect(conflictOn(at, third({ sharingKey: 'other' }), other(), me())).toEqual(expected);
    expect(conflictOn(at, third({ sharingKey: 'other' }), me(), other())).toEqual(expected);
    // A holder that holds again (every re-check of it does) changes nothing in the answer.
    const a = new SharedAddress(at, 'k');
    a.add(other());
    for (const h of [me(), other(), me(), other()]) {
      a.add(h);
      expect(a.conflict(third({ sharingKey: 'other' }))).toEqual(expected);
    }
    expect(reasonText(expected)).toBe(
      'services "acserver/x", "acserver/y" already use 198.51.100.200 with sharing key "k", not "other"',
    );
    // Judged against the others only: a holder asking again is not named.
    expect(conflictOn(at, me({ sharingKey: 'other' }), other(), me(), third())).toEqual({
      ...expected,
      holders: ['acserver/x', 'acserver/z'],
    });
  });

  test('Local rules name every Local holder too', () => {
    const locals = [other(local), me(local)];
    expect(conflictOn(at, third(), ...locals)).toEqual({
      code: 'trafficPolicyMismatch',
      holders: ['acserver/x', 'acserver/y'],
      ip: at,
      holderPolicy: 'Local',
    });
    expect(conflictOn(at, third({ ...local, selector: { app: 'b' } }), ...locals)).toEqual({
      code: 'localPolicySelectorMismatch',
      holders: ['acserver/x', 'acserver/y'],
      ip: at,
    });
  });
});
