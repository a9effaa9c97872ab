import { mustParsePrefix } from './cidr';
import { planLab, plannedPrefixes } from './plan';
import { findOverlaps, parseIpAddrJson, parseIpRouteJson } from './rootCheck';

// Shaped like this machine's `ip -j` output: the uplink in 192.0.2.0/24 and fd00::/64.
const addrJson = JSON.stringify([
  {
    ifname: 'lo',
    addr_info: [
      { local: '127.0.0.1', prefixlen: 8 },
      { local: '::1', prefixlen: 128 },
    ],
  },
  {
    ifname: 'eth0',
    addr_info: [
      { local: '192.0.2.2', prefixlen: 24 },
      { local: 'fd00::2', prefixlen: 64 },
    ],
  },
]);
const routeJson = JSON.stringify([
  { dst: 'default', gateway: '192.0.2.1', dev: 'eth0' },
  { dst: '192.0.2.0/24', dev: 'eth0' },
  { dst: '192.0.2.2', dev: 'eth0', table: 'local', type: 'local' },
]);

describe('root namespace overlap check', () => {
  const root = [...parseIpAddrJson(addrJson), ...parseIpRouteJson(routeJson)];
  const planned = plannedPrefixes(planLab({ prefix: 'ilb', nodes: 7, router: 'bird', ipv6: true }));

  test('parses addresses and routes, skipping default routes', () => {
    expect(root.map((r) => r.what)).toEqual([
      'address 127.0.0.1/8 on lo',
      'address ::1/128 on lo',
      'address 192.0.2.2/24 on eth0',
      'address fd00::2/64 on eth0',
      'route 192.0.2.0/24 dev eth0',
      'route 192.0.2.2 dev eth0 table local',
    ]);
  });

  test("the lab's plan does not collide with this machine", () => {
    expect(findOverlaps(planned, root)).toEqual([]);
  });

  test('a machine that already uses a lab range is refused, naming the clash', () => {
    const busy = parseIpRouteJson(JSON.stringify([{ dst: '203.0.113.0/24', dev: 'wg0' }]));
    const clashes = findOverlaps(planned, busy);
    expect(clashes.length).toBeGreaterThan(0);
    expect(clashes[0]).toMatch(/overlaps route 203\.0\.113\.0\/24 dev wg0/);
    const addr = parseIpAddrJson(
      JSON.stringify([{ ifname: 'eth1', addr_info: [{ local: '2001:db8:1::5', prefixlen: 64 }] }]),
    );
    expect(findOverlaps(planned, addr)[0]).toContain('on eth1');
  });

  test('tolerates empty output', () => {
    expect(parseIpAddrJson('')).toEqual([]);
    expect(findOverlaps([mustParsePrefix('198.51.100.0/24')], parseIpRouteJson(''))).toEqual([]);
  });
});
