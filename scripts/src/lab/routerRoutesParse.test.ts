import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  nextHopsOf,
  parseBirdBfdSessions,
  parseBirdRoutes,
  parseFrrBfdPeers,
  parseFrrRouteDetail,
  parseFrrRouteTable,
  parseGobgpRib,
  parseIpRouteGet,
  parseIpRouteNextHops,
  type RouterRoute,
} from './routerRoutesParse';

// Captured from the real daemons: two BIRD peers (node1, node2) announce 203.0.113.130/32 (both),
// 203.0.113.131/32 (node1) and 2001:db8:200::130/128 (both, over the IPv4 session) with communities
// 64513:100 and 65535:666 (blackhole) and large community 64513:1:2; with iBGP, local pref 200.
const fixture = (name: string): string => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const find = (routes: RouterRoute[], prefix: string): RouterRoute => {
  const r = routes.find((x) => x.prefix === prefix);
  if (!r) throw new Error(`no ${prefix} in ${routes.map((x) => x.prefix).join(' ')}`);
  return r;
};
const attrs = { communities: ['64513:100', '65535:666'], largeCommunities: ['64513:1:2'] };

describe('BIRD show route all', () => {
  test('eBGP: every path with its next hop, peer, best flag and attributes, both tables', () => {
    const routes = parseBirdRoutes(fixture('bird-show-route-all-ebgp.txt'));
    expect(routes.map((r) => r.prefix)).toEqual(['2001:db8:200::130/128', '203.0.113.130/32', '203.0.113.131/32']);
    expect(find(routes, '203.0.113.130/32').paths).toEqual([
      { nextHop: '198.51.100.11', peer: 'node1', best: true, asPath: [64513], localPref: 100, ...attrs },
      { nextHop: '198.51.100.12', peer: 'node2', best: false, asPath: [64513], localPref: 100, ...attrs },
    ]);
    expect(nextHopsOf(find(routes, '2001:db8:200::130/128'))).toEqual(['2001:db8:1::11', '2001:db8:1::12']);
    expect(find(routes, '203.0.113.131/32').paths.map((p) => p.peer)).toEqual(['node1']);
  });

  test('iBGP: an empty AS path and the announced local pref', () => {
    const r = find(parseBirdRoutes(fixture('bird-show-route-all-ibgp.txt')), '203.0.113.130/32');
    expect(r.paths.map((p) => [p.asPath, p.localPref])).toEqual([
      [[], 200],
      [[], 200],
    ]);
  });

  test('no routes, no output', () => {
    expect(parseBirdRoutes('BIRD 2.0.12 ready.\nTable master4:\n')).toEqual([]);
  });
});

describe('FRR show bgp json', () => {
  test('the table: next hops, peers, best path, AS path (no communities there)', () => {
    const routes = parseFrrRouteTable(fixture('frr-show-bgp-ipv4-unicast.json'));
    expect(routes.map((r) => r.prefix)).toEqual(['203.0.113.130/32', '203.0.113.131/32']);
    const r = find(routes, '203.0.113.130/32');
    expect(r.paths.map((p) => `${p.peer} ${p.nextHop} ${p.best} ${p.asPath.join(' ')}`)).toEqual([
      '198.51.100.12 198.51.100.12 false 64513',
      '198.51.100.11 198.51.100.11 true 64513',
    ]);
    expect(r.paths[0].communities).toEqual([]);
  });

  test('the IPv6 table over the IPv4 sessions: global IPv6 next hops, IPv4 peers', () => {
    const r = find(parseFrrRouteTable(fixture('frr-show-bgp-ipv6-unicast.json')), '2001:db8:200::130/128');
    expect(r.paths.map((p) => `${p.peer} ${p.nextHop}`).sort()).toEqual([
      '198.51.100.11 2001:db8:1::11',
      '198.51.100.12 2001:db8:1::12',
    ]);
  });

  test('one prefix in detail: communities with well-known names made numeric', () => {
    const [r] = parseFrrRouteDetail(fixture('frr-show-bgp-ipv4-unicast-prefix-ebgp.json'));
    expect(r.prefix).toBe('203.0.113.130/32');
    expect(r.paths).toEqual([
      {
        nextHop: '198.51.100.12',
        peer: '198.51.100.12',
        best: false,
        asPath: [64513],
        // FRR adds no-export itself to a route marked blackhole (RFC 7999 3.2).
        communities: ['64513:100', '65535:666', '65535:65281'],
        largeCommunities: ['64513:1:2'],
      },
      {
        nextHop: '198.51.100.11',
        peer: '198.51.100.11',
        best: true,
        asPath: [64513],
        communities: ['64513:100', '65535:666', '65535:65281'],
        largeCommunities: ['64513:1:2'],
      },
    ]);
  });

  test('iBGP detail: local pref, empty AS path', () => {
    const [r] = parseFrrRouteDetail(fixture('frr-show-bgp-ipv4-unicast-prefix-ibgp.json'));
    expect(r.paths.map((p) => [p.asPath, p.localPref])).toEqual([
      [[], 200],
      [[], 200],
    ]);
  });

  test('graceful restart: the path of the neighbor that went down is stale, the other is not', () => {
    const [r] = parseFrrRouteDetail(fixture('frr-show-bgp-ipv4-unicast-prefix-stale.json'));
    expect(r.paths.map((p) => [p.peer, p.stale])).toEqual([
      ['198.51.100.11', true],
      ['198.51.100.12', undefined],
    ]);
  });

  test('an unknown prefix is no route; garbage is an error', () => {
    expect(parseFrrRouteDetail('{}')).toEqual([]);
    expect(() => parseFrrRouteTable('% Unknown command')).toThrow(/not JSON/);
  });
});

describe('GoBGP global rib -j', () => {
  test('IPv4: next hop, neighbor, best, AS path, communities decoded from 32-bit values', () => {
    const r = find(parseGobgpRib(fixture('gobgp-global-rib-ipv4.json')), '203.0.113.130/32');
    expect(r.paths).toEqual([
      { nextHop: '198.51.100.11', peer: '198.51.100.11', best: true, asPath: [64513], ...attrs },
      { nextHop: '198.51.100.12', peer: '198.51.100.12', best: false, asPath: [64513], ...attrs },
    ]);
  });

  test('IPv6 over IPv4: the next hop comes from MP_REACH', () => {
    const r = find(parseGobgpRib(fixture('gobgp-global-rib-ipv6.json')), '2001:db8:200::130/128');
    expect(nextHopsOf(r)).toEqual(['2001:db8:1::11', '2001:db8:1::12']);
  });

  test('graceful restart: the path of the neighbor that went down is stale, the other is not', () => {
    const r = find(parseGobgpRib(fixture('gobgp-global-rib-ipv4-stale.json')), '203.0.113.128/32');
    expect(r.paths.map((p) => [p.peer, p.stale])).toEqual([
      ['198.51.100.11', true],
      ['198.51.100.12', undefined],
    ]);
  });

  test('iBGP: local pref', () => {
    const r = find(parseGobgpRib(fixture('gobgp-global-rib-ipv4-ibgp.json')), '203.0.113.130/32');
    expect(r.paths.map((p) => p.localPref)).toEqual([200, 200]);
  });
});

describe('kernel routes and BFD', () => {
  test('ip -j route: ECMP next hops; a single-path route; none', () => {
    expect(parseIpRouteNextHops(fixture('ip-route-ecmp4.json'))).toEqual([
      { gateway: '198.51.100.11', dev: 'eth0' },
      { gateway: '198.51.100.12', dev: 'eth0' },
    ]);
    expect(parseIpRouteNextHops(fixture('ip-route-ecmp6.json')).map((h) => h.gateway)).toEqual([
      '2001:db8:1::11',
      '2001:db8:1::12',
    ]);
    expect(parseIpRouteNextHops('[{"dst":"203.0.113.130","gateway":"198.51.100.11","dev":"eth0"}]')).toEqual([
      { gateway: '198.51.100.11', dev: 'eth0' },
    ]);
    expect(parseIpRouteNextHops('[]')).toEqual([]);
  });

  test('ip -j route get from the client', () => {
    expect(parseIpRouteGet(fixture('ip-route-get.json'))).toEqual({
      dst: '203.0.113.130',
      gateway: '198.51.100.1',
      dev: 'eth0',
      prefsrc: '198.51.100.100',
    });
    expect(() => parseIpRouteGet('[]')).toThrow(/no route/);
  });

  test('BIRD show bfd sessions', () => {
    expect(parseBirdBfdSessions(fixture('bird-show-bfd-sessions.txt'))).toEqual({
      '198.51.100.11': 'Up',
      '198.51.100.12': 'Up',
      '2001:db8:1::11': 'Down',
      '2001:db8:1::12': 'Down',
    });
  });

  test('FRR show bfd peers json', () => {
    expect(parseFrrBfdPeers(fixture('frr-show-bfd-peers.json'))).toEqual({
      '198.51.100.11': 'Down',
      '198.51.100.12': 'Down',
    });
    expect(
      parseFrrBfdPeers('[{"peer":"198.51.100.11","status":"up"},{"peer":"198.51.100.12","status":"init"}]'),
    ).toEqual({ '198.51.100.11': 'Up', '198.51.100.12': 'Init' });
  });
});
