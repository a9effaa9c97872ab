import { mustParseIP } from '@ironlb/shared';
import {
  desiredState,
  destKey,
  destSettingsDiffer,
  ownedState,
  serviceKey,
  serviceSettingsDiffer,
  type IpvsDest,
  type IpvsService,
} from './model';
import { dest, forward, plan, service, state, virtual } from './testPlans';

describe('desiredState', () => {
  test('an IPv4 TCP forward: one rr service, masquerading destinations of weight 1, no persistence', () => {
    const s = desiredState(
      plan(
        forward('198.51.100.10', 'TCP', 80, [
          ['203.0.113.1', 8080],
          ['203.0.113.2', 8080],
        ]),
      ),
    );
    expect(s).toEqual(
      state(
        virtual(
          service('198.51.100.10', 'TCP', 80, { scheduler: 'rr', flags: 0, timeoutSec: 0, netmask: 0xffffffff }),
          dest('203.0.113.1', 8080, { fwdMethod: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0 }),
          dest('203.0.113.2', 8080),
        ),
      ),
    );
    expect([...s.keys()]).toEqual(['198.51.100.10 TCP 80']);
    expect([...s.get('198.51.100.10 TCP 80')!.dests.keys()]).toEqual(['203.0.113.1 8080', '203.0.113.2 8080']);
  });

  test('ClientIP affinity: the persistent flag with the affinity as timeout', () => {
    const s = desiredState(plan(forward('198.51.100.10', 'UDP', 53, [['203.0.113.1', 5353]], { affinitySec: 10800 })));
    expect(s.get('198.51.100.10 UDP 53')!.service).toEqual(
      service('198.51.100.10', 'UDP', 53, { flags: 0x0001, timeoutSec: 10800 }),
    );
  });

  test('an affinity of 0 seconds is no affinity', () => {
    const s = desiredState(plan(forward('198.51.100.10', 'TCP', 80, [], { affinitySec: 0 })));
    expect(s.get('198.51.100.10 TCP 80')!.service).toMatchObject({ flags: 0, timeoutSec: 0 });
  });

  test('IPv6: the persistence netmask is the prefix length 128, not all ones (the kernel wants 1..128)', () => {
    const s = desiredState(plan(forward('2001:db8::10', 'SCTP', 3868, [['2001:db8:1::5', 3868]], { affinitySec: 60 })));
    expect(s.get('2001:db8::10 SCTP 3868')).toEqual(
      virtual(
        service('2001:db8::10', 'SCTP', 3868, { flags: 1, timeoutSec: 60, netmask: 128 }),
        dest('2001:db8:1::5', 3868),
      ),
    );
  });

  test('a forward without backends still gets its service, with no destination', () => {
    const s = desiredState(plan(forward('198.51.100.10', 'TCP', 443, [])));
    expect(s.get('198.51.100.10 TCP 443')).toEqual(virtual(service('198.51.100.10', 'TCP', 443)));
  });

  test('a backend of the other family is left out', () => {
    const s = desiredState(
      plan(
        forward('198.51.100.10', 'TCP', 80, [
          ['2001:db8::5', 80],
          ['203.0.113.1', 80],
        ]),
      ),
    );
    expect([...s.get('198.51.100.10 TCP 80')!.dests.keys()]).toEqual(['203.0.113.1 80']);
  });

  test('masquerade false (externalTrafficPolicy Local) changes nothing in IPVS: NAT to the endpoint either way', () => {
    const a = desiredState(plan(forward('198.51.100.10', 'TCP', 80, [['203.0.113.1', 80]], { masquerade: true })));
    const b = desiredState(plan(forward('198.51.100.10', 'TCP', 80, [['203.0.113.1', 80]], { masquerade: false })));
    expect(a).toEqual(b);
  });

  test('several forwards, two ports on one VIP and one VIP per family', () => {
    const s = desiredState(
      plan(
        forward('198.51.100.10', 'TCP', 9610, [['203.0.113.1', 9610]]),
        forward('198.51.100.10', 'UDP', 9610, [['203.0.113.1', 9610]]),
        forward('2001:db8::10', 'TCP', 80, [['2001:db8:1::5', 8080]]),
      ),
    );
    expect([...s.keys()].sort()).toEqual(['198.51.100.10 TCP 9610', '198.51.100.10 UDP 9610', '2001:db8::10 TCP 80']);
  });

  test('an empty plan is an empty state', () => {
    expect(desiredState(plan()).size).toBe(0);
  });
});

describe('keys', () => {
  test('service key is the Forward key layout; dest key is address and port', () => {
    expect(serviceKey({ addr: mustParseIP('2001:db8:0:0::10'), protocol: 'UDP', port: 53 })).toBe(
      '2001:db8::10 UDP 53',
    );
    expect(destKey({ addr: mustParseIP('203.0.113.7'), port: 8443 })).toBe('203.0.113.7 8443');
  });
});

describe('settings comparisons', () => {
  const base = service('198.51.100.10', 'TCP', 80);
  test.each<[string, Partial<IpvsService>]>([
    ['scheduler', { scheduler: 'wrr' }],
    ['flags', { flags: 1 }],
    ['timeout', { timeoutSec: 5 }],
    ['netmask', { netmask: 0xffffff00 }],
  ])('a service whose %s differs needs a set', (_, change) => {
    expect(serviceSettingsDiffer(base, { ...base, ...change })).toBe(true);
  });
  test('identical settings need none', () => {
    expect(serviceSettingsDiffer(base, { ...base })).toBe(false);
  });

  const d = dest('203.0.113.1', 80);
  test.each<[string, Partial<IpvsDest>]>([
    ['forwarding method', { fwdMethod: 3 }],
    ['weight', { weight: 0 }],
    ['upper threshold', { upperThreshold: 10 }],
    ['lower threshold', { lowerThreshold: 2 }],
  ])('a destination whose %s differs needs a set', (_, change) => {
    expect(destSettingsDiffer(d, { ...d, ...change })).toBe(true);
  });
  test('identical destinations need none', () => {
    expect(destSettingsDiffer(d, { ...d })).toBe(false);
  });
});

describe('ownedState', () => {
  test('keeps only the services on our addresses', () => {
    const ours = virtual(service('198.51.100.10', 'TCP', 80), dest('203.0.113.1', 80));
    const ours6 = virtual(service('2001:db8::10', 'UDP', 53));
    const theirs = virtual(service('198.51.100.99', 'TCP', 80), dest('203.0.113.1', 80));
    const kernel = state(ours, theirs, ours6);
    expect(ownedState(kernel, new Set(['198.51.100.10', '2001:db8::10']))).toEqual(state(ours, ours6));
    expect(ownedState(kernel, new Set()).size).toBe(0);
  });
});
