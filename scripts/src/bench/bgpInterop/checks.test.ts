import type { RouterPath, RouterRoute } from '../../lab/routerRoutesParse';
import type { BgpSession } from '../../lab/routerStatusParse';
import { expectationOf, interopCells, type Cell } from './cells';
import { arrivalProblem, bfdProblem, freshProblem, keptProblem, sessionProblem, withdrawnProblem } from './checks';

const NODES = [
  { name: 'node1', ipv4: '198.51.100.11', ipv6: '2001:db8:1::11' },
  { name: 'node2', ipv4: '198.51.100.12', ipv6: '2001:db8:1::12' },
];
const EBGP = { routerAsn: 64512, nodeAsn: 64513 };
const cellOf = (id: string): Cell => {
  const c = interopCells().find((x) => x.id === id);
  if (!c) throw new Error(id);
  return c;
};
const v4 = expectationOf(cellOf('bird ipv4 plain'), NODES, EBGP);
const v6over4 = expectationOf(cellOf('frr ipv6-over-ipv4 gr'), NODES, EBGP);
const ibgp = expectationOf(cellOf('gobgp ipv4 ibgp'), NODES, { routerAsn: 64512, nodeAsn: 64512 });

const path = (peer: string, nextHop: string, more: Partial<RouterPath> = {}): RouterPath => ({
  peer,
  nextHop,
  best: false,
  asPath: [64513],
  communities: ['64512:100'],
  largeCommunities: ['64512:1:2'],
  ...more,
});
const route = (...paths: RouterPath[]): RouterRoute => ({ prefix: '203.0.113.130/32', paths });
const good4 = route(path('198.51.100.11', '198.51.100.11'), path('198.51.100.12', '198.51.100.12'));

const session = (name: string, established: boolean): BgpSession => ({
  name,
  neighbor: '',
  state: established ? 'Established' : 'Active',
  established,
  info: established ? 'Established' : 'Active  Socket: Connection refused ',
});

describe('sessionProblem', () => {
  test('every session of the cell Established: none; one down or missing: said so', () => {
    const all = [session('node1', true), session('node2', true), session('node1_v6', false)];
    expect(sessionProblem(v4, all)).toBeUndefined();
    expect(sessionProblem(v4, [session('node1', true), session('node2', false)])).toBe(
      'session node2 Active (Active  Socket: Connection refused)',
    );
    expect(sessionProblem(v4, [session('node1', true)])).toBe('router has no session node2');
  });
});

describe('bfdProblem', () => {
  const bfd4 = expectationOf(cellOf('bird ipv4 bfd'), NODES, EBGP);
  const bfd6 = expectationOf(cellOf('frr ipv6 bfd'), NODES, EBGP);
  const up = { '198.51.100.11': 'Up', '198.51.100.12': 'Up' } as const;

  test("each node's BFD session Up at its session address: none", () => {
    expect(bfdProblem(bfd4, up)).toBeUndefined();
    expect(bfdProblem(bfd6, { '2001:db8:1::11': 'Up', '2001:db8:1::12': 'Up' })).toBeUndefined();
  });

  test("one not Up, or absent, or Up only at the other family's address: said so", () => {
    expect(bfdProblem(bfd4, { ...up, '198.51.100.12': 'Init' })).toBe(
      'BFD with node2 (198.51.100.12) Init at the router',
    );
    expect(bfdProblem(bfd4, { '198.51.100.12': 'Up' })).toBe('BFD with node1 (198.51.100.11) absent at the router');
    expect(bfdProblem(bfd6, up)).toBe('BFD with node1 (2001:db8:1::11) absent at the router');
  });

  test('a cell of another option set does not look at BFD', () => {
    expect(bfdProblem(v4, {})).toBeUndefined();
  });
});

describe('arrivalProblem', () => {
  test('both nodes, right next hops and attributes: none', () => {
    expect(arrivalProblem(v4, good4)).toBeUndefined();
  });

  test.each<[string, RouterRoute | undefined, string]>([
    ['no route', undefined, 'no path from node1 (198.51.100.11)'],
    ['one node missing', route(path('198.51.100.11', '198.51.100.11')), 'no path from node2 (198.51.100.12)'],
    [
      'a path twice',
      route(path('198.51.100.11', '198.51.100.11'), path('198.51.100.11', '198.51.100.11')),
      '2 paths from node1 (198.51.100.11)',
    ],
    [
      'a wrong next hop',
      route(path('198.51.100.11', '198.51.100.12'), path('198.51.100.12', '198.51.100.12')),
      'node1: next hop 198.51.100.12',
    ],
    [
      'AS path prepended twice',
      route(path('198.51.100.11', '198.51.100.11', { asPath: [64513, 64513] }), path('198.51.100.12', '198.51.100.12')),
      'node1: AS path [64513 64513], want [64513]',
    ],
    [
      'community missing',
      route(path('198.51.100.11', '198.51.100.11', { communities: [] }), path('198.51.100.12', '198.51.100.12')),
      'node1: communities [] lack 64512:100',
    ],
    [
      'large community missing',
      route(path('198.51.100.11', '198.51.100.11'), path('198.51.100.12', '198.51.100.12', { largeCommunities: [] })),
      'node2: large communities [] lack 64512:1:2',
    ],
  ])('%s', (_, r, want) => {
    expect(arrivalProblem(v4, r)).toBe(want);
  });

  test('paths from other sessions do not count: IPv6 over IPv4 wants the IPv4 peers with IPv6 next hops', () => {
    const overV6 = route(path('2001:db8:1::11', '2001:db8:1::11'), path('2001:db8:1::12', '2001:db8:1::12'));
    expect(arrivalProblem(v6over4, overV6)).toBe('no path from node1 (198.51.100.11)');
    const both = route(
      ...overV6.paths,
      path('198.51.100.11', '2001:db8:1::11'),
      path('198.51.100.12', '2001:db8:1::12'),
    );
    expect(arrivalProblem(v6over4, both)).toBeUndefined();
  });

  test('iBGP: empty AS path and the local pref of the advertisement', () => {
    const ib = (lp?: number): RouterRoute =>
      route(
        path('198.51.100.11', '198.51.100.11', { asPath: [], ...(lp === undefined ? {} : { localPref: lp }) }),
        path('198.51.100.12', '198.51.100.12', { asPath: [], localPref: 150 }),
      );
    expect(arrivalProblem(ibgp, ib(150))).toBeUndefined();
    expect(arrivalProblem(ibgp, ib(100))).toBe('node1: local pref 100, want 150');
    expect(arrivalProblem(ibgp, ib())).toBe('node1: local pref none, want 150');
    expect(arrivalProblem(ibgp, good4)).toBe('node1: AS path [64513], want []');
  });

  test('eBGP: a daemon default local pref is fine, the advertisement one means it was sent', () => {
    const lp = (localPref: number): RouterRoute =>
      route(path('198.51.100.11', '198.51.100.11', { localPref }), path('198.51.100.12', '198.51.100.12'));
    expect(arrivalProblem(v4, lp(100))).toBeUndefined();
    expect(arrivalProblem(v4, lp(150))).toBe("node1: the advertisement's local pref 150 reached an eBGP router");
  });
});

describe('graceful restart: kept, then fresh', () => {
  const staleNode1 = route(
    path('198.51.100.11', '198.51.100.11', { stale: true }),
    path('198.51.100.12', '198.51.100.12'),
  );
  test('kept: the restarting node path stays (stale where the daemon marks it), the other is not stale', () => {
    expect(keptProblem(v4, staleNode1, 'node1', true)).toBeUndefined();
    expect(keptProblem(v4, good4, 'node1', false)).toBeUndefined();
    expect(keptProblem(v4, good4, 'node1', true)).toBe('node1: path kept but not marked stale');
    expect(keptProblem(v4, route(path('198.51.100.12', '198.51.100.12')), 'node1', false)).toBe(
      "no path from node1 (198.51.100.11) while node1's speaker restarts",
    );
    const bothStale = route(staleNode1.paths[0], path('198.51.100.12', '198.51.100.12', { stale: true }));
    expect(keptProblem(v4, bothStale, 'node1', true)).toBe('node2: stale, though its speaker runs');
  });

  const fresh = (more: Partial<RouterPath> = {}): RouterRoute => {
    const communities = ['64512:100', '64512:101'];
    return route(
      path('198.51.100.11', '198.51.100.11', { communities, ...more }),
      path('198.51.100.12', '198.51.100.12', { communities }),
    );
  };
  test('fresh: the path carries the community added while the speaker was down, and is not stale', () => {
    expect(freshProblem(v4, fresh(), 'node1')).toBeUndefined();
    expect(freshProblem(v4, staleNode1, 'node1')).toBe(
      'not refreshed after the restart: node1: communities [64512:100] lack 64512:101',
    );
    expect(freshProblem(v4, fresh({ stale: true }), 'node1')).toBe('node1: still stale after its speaker restarted');
    expect(freshProblem(v4, undefined, 'node1')).toBe(
      "no path from node1 (198.51.100.11) after node1's speaker restarted",
    );
  });
});

describe('withdrawnProblem', () => {
  test('no path from the cell sessions: none; any left: said so', () => {
    expect(withdrawnProblem(v4, undefined)).toBeUndefined();
    expect(withdrawnProblem(v4, route(path('2001:db8:1::11', '198.51.100.11')))).toBeUndefined();
    expect(withdrawnProblem(v4, route(path('198.51.100.12', '198.51.100.12')))).toBe(
      "node2's path (198.51.100.12) not withdrawn",
    );
  });
});
