import {
  birdDownsBetween,
  sameSince,
  fibGaps,
  linkDownAt,
  parseBirdBfdRows,
  parseFrrBfdCounters,
  routeChangeAt,
  stampOf,
} from './bgpFailoverCalc';

const T0 = Date.UTC(2026, 11, 2, 10, 50, 41);

describe('stampOf', () => {
  it('reads ip -ts timestamps as UTC ms with the microseconds', () => {
    expect(stampOf('[2026-12-02T10:50:41.444223] 203.0.113.5 dev lo')).toBeCloseTo(T0 + 444.223, 6);
  });
  it('ignores lines without one (continuation lines of a multipath route)', () => {
    expect(stampOf('\tnexthop via 198.51.100.11 dev eth0 weight 1')).toBeUndefined();
  });
});

describe('linkDownAt', () => {
  const lines = [
    '[2026-12-02T10:50:41.100000] 2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP',
    '[2026-12-02T10:50:41.200000] 3: eth1@if9: <BROADCAST,MULTICAST> mtu 1500 state DOWN',
    '[2026-12-02T10:50:41.300000] 2: eth0@if7: <BROADCAST,MULTICAST> mtu 1500 state DOWN',
    '[2026-12-02T10:50:41.400000] 2: eth0@if7: <BROADCAST,MULTICAST> mtu 1500 state DOWN',
  ];
  it('is the first event of that interface without UP, from the given time', () => {
    expect(linkDownAt(lines, 'eth0', T0)).toBeCloseTo(T0 + 300, 6);
    expect(linkDownAt(lines, 'eth0', T0 + 350)).toBeCloseTo(T0 + 400, 6);
  });
  it('is undefined when the interface never went down', () => {
    expect(linkDownAt(lines.slice(0, 2), 'eth0', T0)).toBeUndefined();
  });
});

describe('routeChangeAt', () => {
  const lines = [
    '[2026-12-02T10:50:41.100000] 203.0.113.129 proto bird metric 32 ',
    '\tnexthop via 198.51.100.11 dev eth0 weight 1 ',
    '[2026-12-02T10:50:41.200000] 203.0.113.130 proto bird metric 32 ',
    '[2026-12-02T10:50:41.300000] Deleted 203.0.113.129 proto bird metric 32 ',
    '[2026-12-02T10:50:41.310000] id 12 group 10/11 proto zebra ',
    '[2026-12-02T10:50:41.500000] 203.0.113.129 via 198.51.100.12 dev eth0 proto bird metric 32 ',
  ];
  it('is the last event touching the VIP (route or nexthop object) within the window', () => {
    expect(routeChangeAt(lines, '203.0.113.129', T0, T0 + 400)).toBeCloseTo(T0 + 310, 6);
    expect(routeChangeAt(lines, '203.0.113.129', T0, T0 + 600)).toBeCloseTo(T0 + 500, 6);
  });
  it('skips other prefixes and events outside the window', () => {
    expect(routeChangeAt(lines.slice(0, 3), '203.0.113.129', T0 + 150, T0 + 250)).toBeUndefined();
    expect(routeChangeAt(lines, '203.0.113.12', T0, T0 + 250)).toBeUndefined();
  });
});

describe('fibGaps', () => {
  const s = (at: number, ...nodes: string[]): { at: number; nodes: string[] } => ({ at, nodes });
  it('counts the polls lacking each node and its longest gap to the next poll that has it', () => {
    const r = fibGaps(
      [s(0, 'a', 'b'), s(10, 'a'), s(20, 'a'), s(30, 'a', 'b'), s(40, 'b'), s(50, 'a', 'b')],
      ['a', 'b'],
    );
    expect(r.anyMissing).toBe(3);
    expect(r.byNode.get('a')).toEqual({ missing: 1, longestMs: 10 });
    expect(r.byNode.get('b')).toEqual({ missing: 2, longestMs: 20 });
  });
  it('runs a gap still open at the end to the last poll', () => {
    expect(fibGaps([s(0, 'a'), s(10), s(25)], ['a']).byNode.get('a')).toEqual({ missing: 2, longestMs: 15 });
  });
  it('is all zero with every node present', () => {
    expect(fibGaps([s(0, 'a'), s(10, 'a')], ['a'])).toEqual({
      anyMissing: 0,
      byNode: new Map([['a', { missing: 0, longestMs: 0 }]]),
    });
  });
});

const BIRD = `BIRD 2.0.12 ready.
lab_bfd:
IP address                Interface  State      Since         Interval  Timeout
198.51.100.11             eth0       Up         10:51:02.123    0.100    0.300
198.51.100.12             eth0       Down       10:51:05.001    1.000    0.000
2001:db8:1::11            eth0       Up         10:51:02.456    0.100    0.300
`;

describe('BIRD BFD rows', () => {
  it('reads state and Since per peer, IPv4 and IPv6', () => {
    const rows = parseBirdBfdRows(BIRD);
    expect(rows.get('198.51.100.11')).toEqual({ state: 'up', mark: '10:51:02.123' });
    expect(rows.get('198.51.100.12')).toEqual({ state: 'down', mark: '10:51:05.001' });
    expect(rows.get('2001:db8:1::11')?.state).toBe('up');
    expect(rows.size).toBe(3);
  });
  it('counts Up to not Up, a vanished session and a new Since while Up; nothing else', () => {
    const up = (mark: string): { state: string; mark: string } => ({ state: 'up', mark });
    const prev = new Map([
      ['a', up('1')],
      ['b', up('1')],
      ['c', up('1')],
      ['d', up('1')],
      ['e', { state: 'down', mark: '1' }],
    ]);
    const next = new Map([
      ['a', up('1')],
      ['b', { state: 'down', mark: '2' }],
      ['c', up('2')],
      ['e', up('2')],
    ]);
    expect(birdDownsBetween(prev, next)).toEqual([
      { peer: 'b', before: up('1'), after: { state: 'down', mark: '2' } },
      { peer: 'c', before: up('1'), after: up('2') },
      { peer: 'd', before: up('1'), after: undefined },
    ]);
  });
});

describe('sameSince', () => {
  it.each([
    ['12:57:26.853', '12:57:26.854', true],
    ['12:57:26.853', '12:57:26.903', true],
    ['12:57:26.853', '12:57:26.904', false],
    ['12:57:26.853', '12:57:27.153', false],
    ['12:57:26', '12:57:26.040', true],
    ['12:57:26.5', '12:57:26.500', true],
    ['23:59:59.990', '00:00:00.010', true],
    ['23:59:59.900', '00:00:00.100', false],
    ['13:57:26.853', '12:57:26.853', false],
    ['2026-12-01', '2026-12-01', true],
    ['2026-12-01', '2026-12-02', false],
    ['2026-12-01', '12:57:26.853', false],
  ])('%s and %s: %s', (a, b, same) => {
    expect(sameSince(a, b)).toBe(same);
    expect(sameSince(b, a)).toBe(same);
  });

  it('a Since that moved by a millisecond between polls is no Down', () => {
    const prev = new Map([['a', { state: 'up', mark: '12:57:26.853' }]]);
    const next = new Map([['a', { state: 'up', mark: '12:57:26.854' }]]);
    expect(birdDownsBetween(prev, next)).toEqual([]);
  });
});

describe('parseFrrBfdCounters', () => {
  it('reads session-down per peer and skips entries without it', () => {
    const json = JSON.stringify([
      { peer: '198.51.100.11', 'session-down': 2, 'session-up': 3 },
      { peer: '2001:db8:1::11', 'session-down': 0 },
      { peer: '198.51.100.12' },
    ]);
    expect(parseFrrBfdCounters(json)).toEqual(
      new Map([
        ['198.51.100.11', 2],
        ['2001:db8:1::11', 0],
      ]),
    );
  });
});
