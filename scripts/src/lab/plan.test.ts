import { mustParsePrefix, overlaps } from './cidr';
import { assertDocumentationOnly, describePlan, findHost, planLab, plannedPrefixes } from './plan';

describe('address plan', () => {
  const plan = planLab({ prefix: 'ilb', nodes: 3, router: 'bird', ipv6: true });

  test('hosts, namespaces and addresses follow the documented plan', () => {
    expect(plan.hosts.map((h) => h.netns)).toEqual([
      'ilb-router',
      'ilb-node1',
      'ilb-pod1',
      'ilb-node2',
      'ilb-pod2',
      'ilb-node3',
      'ilb-pod3',
      'ilb-client',
    ]);
    expect(findHost(plan, 'router').ifaces[0]).toMatchObject({ ipv4: '198.51.100.1', ipv6: '2001:db8:1::1' });
    expect(findHost(plan, 'node2').ifaces.map((i) => [i.name, i.ipv4, i.ipv6])).toEqual([
      ['eth0', '198.51.100.12', '2001:db8:1::12'],
      ['veth-pod', '203.0.113.33', '2001:db8:100:2::1'],
    ]);
    expect(findHost(plan, 'pod3').ifaces[0]).toMatchObject({ ipv4: '203.0.113.50', ipv4Len: 28 });
    expect(findHost(plan, 'client').ifaces[0].ipv4).toBe('198.51.100.100');
  });

  test('MACs are unique, locally administered unicast', () => {
    const macs = [
      ...plan.hosts.flatMap((h) => h.ifaces.map((i) => i.mac)),
      ...plan.wires.filter((w) => w.bridged).map((w) => w.aMac),
    ];
    expect(new Set(macs).size).toBe(macs.length);
    for (const m of macs) expect(m).toMatch(/^02:1b:1b(:[0-9a-f]{2}){3}$/);
  });

  test("the client reaches each node's pod subnet via that node only; pods default via their node", () => {
    const client = findHost(plan, 'client');
    expect(client.routes).toContainEqual({ dst: '203.0.113.16/28', via: '198.51.100.11' });
    expect(client.routes).toContainEqual({ dst: '2001:db8:100:3::/64', via: '2001:db8:1::13' });
    expect(client.routes).toContainEqual({ dst: '203.0.113.128/25', via: '198.51.100.1' });
    expect(client.routes.some((r) => r.dst === 'default')).toBe(false);
    expect(findHost(plan, 'pod1').routes).toEqual([
      { dst: 'default', via: '203.0.113.17' },
      { dst: 'default', via: '2001:db8:100:1::1' },
    ]);
    expect(plan.hosts.filter((h) => h.forwarding).map((h) => h.name)).toEqual(['router', 'node1', 'node2', 'node3']);
  });

  test("every node routes every other node's pod subnets via that node (host-gw), and nothing else", () => {
    expect(findHost(plan, 'node1').routes).toEqual([
      { dst: '203.0.113.32/28', via: '198.51.100.12' },
      { dst: '2001:db8:100:2::/64', via: '2001:db8:1::12' },
      { dst: '203.0.113.48/28', via: '198.51.100.13' },
      { dst: '2001:db8:100:3::/64', via: '2001:db8:1::13' },
    ]);
    expect(findHost(plan, 'node2').routes).toEqual([
      { dst: '203.0.113.16/28', via: '198.51.100.11' },
      { dst: '2001:db8:100:1::/64', via: '2001:db8:1::11' },
      { dst: '203.0.113.48/28', via: '198.51.100.13' },
      { dst: '2001:db8:100:3::/64', via: '2001:db8:1::13' },
    ]);
    expect(findHost(plan, 'node3').routes).toEqual([
      { dst: '203.0.113.16/28', via: '198.51.100.11' },
      { dst: '2001:db8:100:1::/64', via: '2001:db8:1::11' },
      { dst: '203.0.113.32/28', via: '198.51.100.12' },
      { dst: '2001:db8:100:2::/64', via: '2001:db8:1::12' },
    ]);
    const v4 = planLab({ prefix: 'x', nodes: 2, router: 'none', ipv6: false });
    expect(findHost(v4, 'node2').routes).toEqual([{ dst: '203.0.113.16/28', via: '198.51.100.11' }]);
    const single = planLab({ prefix: 'x', nodes: 1, router: 'none', ipv6: true });
    expect(findHost(single, 'node1').routes).toEqual([]);
  });

  test('the router and the client route each pod subnet via its own node', () => {
    const both = [
      { dst: '203.0.113.16/28', via: '198.51.100.11' },
      { dst: '2001:db8:100:1::/64', via: '2001:db8:1::11' },
      { dst: '203.0.113.32/28', via: '198.51.100.12' },
      { dst: '2001:db8:100:2::/64', via: '2001:db8:1::12' },
      { dst: '203.0.113.48/28', via: '198.51.100.13' },
      { dst: '2001:db8:100:3::/64', via: '2001:db8:1::13' },
    ];
    expect(findHost(plan, 'router').routes).toEqual(both);
    expect(findHost(plan, 'client').routes).toEqual([
      ...both,
      { dst: '203.0.113.128/25', via: '198.51.100.1' },
      { dst: '2001:db8:200::/64', via: '2001:db8:1::1' },
    ]);
  });

  test('pod subnets and segment addresses never reach into the LoadBalancer pools', () => {
    const big = planLab({ prefix: 'ilb', nodes: 7, router: 'none', ipv6: true });
    const bgpPool = mustParsePrefix(big.pools.bgpV4);
    for (const h of big.hosts) {
      for (const i of h.ifaces) {
        expect(overlaps(bgpPool, mustParsePrefix(i.ipv4))).toBe(false);
        expect(Number(i.ipv4.split('.')[3])).toBeLessThan(200);
      }
    }
  });

  test('only documentation ranges, never 192.0.2.0/24', () => {
    for (const p of plannedPrefixes(plan)) {
      expect(['198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'].some((r) => overlaps(mustParsePrefix(r), p))).toBe(
        true,
      );
      expect(overlaps(mustParsePrefix('192.0.2.0/24'), p)).toBe(false);
    }
    const evil = {
      ...plan,
      hosts: plan.hosts.map((h) =>
        h.name === 'client' ? { ...h, routes: [{ dst: '192.0.2.0/25', via: '198.51.100.1' }] } : h,
      ),
    };
    expect(() => assertDocumentationOnly(evil)).toThrow(/192\.0\.2\.0\/24/);
    const outside = { ...plan, segment4: '10.0.0.0/24' };
    expect(() => assertDocumentationOnly(outside)).toThrow(/outside the documentation ranges/);
  });

  test('IPv4-only plans carry no IPv6 addresses or routes', () => {
    const v4 = planLab({ prefix: 'x', nodes: 1, router: 'frr', ipv6: false });
    expect(v4.hosts.every((h) => h.ifaces.every((i) => i.ipv6 === undefined))).toBe(true);
    expect(v4.hosts.flatMap((h) => h.routes).some((r) => r.via.includes(':'))).toBe(false);
    expect(plannedPrefixes(v4).every((p) => p.family === 4)).toBe(true);
  });

  test('node count is 1..7', () => {
    expect(() => planLab({ prefix: 'x', nodes: 0, router: 'none', ipv6: false })).toThrow(/1\.\.7/);
    expect(() => planLab({ prefix: 'x', nodes: 8, router: 'none', ipv6: false })).toThrow(/1\.\.7/);
  });

  test('describePlan names every host and the pools', () => {
    const text = describePlan(plan).join('\n');
    expect(text).toContain('pod2    ilb-pod2: eth0 02:1b:1b:02:02:02 203.0.113.34/28 2001:db8:100:2::2/64');
    expect(text).toContain('203.0.113.128/25');
    expect(text).toContain('198.51.100.200-198.51.100.254');
  });
});
