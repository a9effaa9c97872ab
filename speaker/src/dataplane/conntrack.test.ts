import { conntrackArgv, staleUdp } from './conntrack';
import { forward, plan } from './testPlans';
import type { Forward } from './types';

const f = (ip: string, protocol: Forward['protocol'], backends: string[]): Forward =>
  forward(
    ip,
    protocol,
    53,
    backends.map((b) => [b, 5353] as const),
    { service: 'ns/dns' },
  );

describe('staleUdp', () => {
  it('an endpoint gone: its entries; kept ones and a new one: none', () => {
    expect(
      staleUdp(
        plan(f('198.51.100.200', 'UDP', ['203.0.113.18', '203.0.113.19'])),
        plan(f('198.51.100.200', 'UDP', ['203.0.113.19', '203.0.113.20'])),
      ),
    ).toEqual([{ ip: '198.51.100.200', port: 53, endpoint: '203.0.113.18' }]);
  });

  it('a forward gone: all its entries; one that had no endpoint: none', () => {
    expect(staleUdp(plan(f('198.51.100.200', 'UDP', ['203.0.113.18'])), plan())).toEqual([
      { ip: '198.51.100.200', port: 53 },
    ]);
    expect(staleUdp(plan(f('198.51.100.200', 'UDP', [])), plan())).toEqual([]);
  });

  it('first endpoints (new forward, or none before, or no plan yet): all entries of the VIP port', () => {
    const next = plan(f('198.51.100.200', 'UDP', ['203.0.113.18']));
    expect(staleUdp(undefined, next)).toEqual([{ ip: '198.51.100.200', port: 53 }]);
    expect(staleUdp(plan(), next)).toEqual([{ ip: '198.51.100.200', port: 53 }]);
    expect(staleUdp(plan(f('198.51.100.200', 'UDP', [])), next)).toEqual([{ ip: '198.51.100.200', port: 53 }]);
    expect(staleUdp(next, plan(f('198.51.100.200', 'UDP', [])))).toEqual([
      { ip: '198.51.100.200', port: 53, endpoint: '203.0.113.18' },
    ]);
  });

  it('a UDP forward without endpoints, new or still without: nothing to delete (no NAT was ever made for it)', () => {
    const none = plan(f('198.51.100.200', 'UDP', []));
    expect(staleUdp(undefined, none)).toEqual([]);
    expect(staleUdp(plan(), none)).toEqual([]);
    expect(staleUdp(none, none)).toEqual([]);
  });

  it('TCP and SCTP: never (their connections end; entries of a gone endpoint die with them)', () => {
    for (const p of ['TCP', 'SCTP'] as const) {
      expect(staleUdp(plan(f('198.51.100.200', p, ['203.0.113.18'])), plan())).toEqual([]);
      expect(staleUdp(undefined, plan(f('198.51.100.200', p, ['203.0.113.18'])))).toEqual([]);
    }
  });
});

describe('conntrackArgv', () => {
  it('IPv4 and IPv6, with and without the endpoint', () => {
    expect(conntrackArgv({ ip: '198.51.100.200', port: 53 })).toEqual([
      'conntrack',
      '-D',
      '-f',
      'ipv4',
      '-p',
      'udp',
      '--orig-dst',
      '198.51.100.200',
      '--orig-port-dst',
      '53',
    ]);
    expect(conntrackArgv({ ip: '2001:db8:1::200', port: 53, endpoint: '2001:db8:100:1::2' })).toEqual([
      'conntrack',
      '-D',
      '-f',
      'ipv6',
      '-p',
      'udp',
      '--orig-dst',
      '2001:db8:1::200',
      '--orig-port-dst',
      '53',
      '--reply-src',
      '2001:db8:100:1::2',
    ]);
  });
});
