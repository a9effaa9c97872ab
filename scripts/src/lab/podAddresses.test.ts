import { contains, mustParsePrefix } from './cidr';
import { findHost, MAX_NODES, planLab } from './plan';
import { MAX_PODS_PER_NODE, podAddress, podByName, podIp, podsOfNode } from './podAddresses';

describe('pod addresses', () => {
  const plan = planLab({ prefix: 'ilb', nodes: MAX_NODES, router: 'none', ipv6: true });

  test('pod i of node k: 203.0.113.(16k+2+i), 2001:db8:100:k::(2+i), named pod{k}-{i}', () => {
    expect(podAddress(1, 0)).toEqual({
      name: 'pod1-0',
      host: 'pod1',
      node: 'node1',
      nodeIndex: 1,
      podIndex: 0,
      ipv4: '203.0.113.18',
      ipv6: '2001:db8:100:1::2',
    });
    expect(podAddress(2, 1)).toMatchObject({
      name: 'pod2-1',
      host: 'pod2',
      ipv4: '203.0.113.35',
      ipv6: '2001:db8:100:2::3',
    });
    expect(podAddress(7, 4)).toMatchObject({ name: 'pod7-4', ipv4: '203.0.113.118', ipv6: '2001:db8:100:7::6' });
  });

  test("pod{k}-0 is the pod host's own address in the plan", () => {
    for (let k = 1; k <= MAX_NODES; k++) {
      const eth0 = findHost(plan, `pod${k}`).ifaces[0];
      expect([podAddress(k, 0).ipv4, podAddress(k, 0).ipv6]).toEqual([eth0.ipv4, eth0.ipv6]);
    }
  });

  test("every pod lies in its node's pod subnets, never on the node's side, and all are distinct", () => {
    const seen = new Set<string>();
    for (let k = 1; k <= MAX_NODES; k++) {
      const nodeSide = findHost(plan, `node${k}`).ifaces[1];
      const net4 = mustParsePrefix(`${nodeSide.ipv4}/${nodeSide.ipv4Len}`);
      const net6 = mustParsePrefix(`${nodeSide.ipv6 ?? ''}/${nodeSide.ipv6Len}`);
      for (const p of podsOfNode(k, MAX_PODS_PER_NODE)) {
        expect(contains(net4, mustParsePrefix(p.ipv4))).toBe(true);
        expect(contains(net6, mustParsePrefix(p.ipv6))).toBe(true);
        expect([p.ipv4, p.ipv6]).not.toContain(nodeSide.ipv4);
        expect([p.ipv4, p.ipv6]).not.toContain(nodeSide.ipv6);
        seen.add(p.ipv4).add(p.ipv6).add(p.name);
      }
    }
    expect(seen.size).toBe(3 * MAX_NODES * MAX_PODS_PER_NODE);
  });

  test('podsOfNode lists pods 0..count-1; podByName and podIp find them again', () => {
    expect(podsOfNode(3, 2).map((p) => p.name)).toEqual(['pod3-0', 'pod3-1']);
    expect(podByName('pod2-1')).toEqual(podAddress(2, 1));
    expect(podIp(podAddress(2, 1), 4)).toBe('203.0.113.35');
    expect(podIp(podAddress(2, 1), 6)).toBe('2001:db8:100:2::3');
  });

  test('out of range or malformed is refused', () => {
    expect(() => podAddress(0, 0)).toThrow(/node must be 1\.\.7/);
    expect(() => podAddress(8, 0)).toThrow(/node must be 1\.\.7/);
    expect(() => podAddress(1, 5)).toThrow(/pod must be 0\.\.4/);
    expect(() => podAddress(1, -1)).toThrow(/pod must be 0\.\.4/);
    expect(() => podAddress(1.5, 0)).toThrow(/node/);
    expect(() => podsOfNode(1, 0)).toThrow(/1\.\.5/);
    expect(() => podsOfNode(1, 6)).toThrow(/1\.\.5/);
    expect(() => podByName('pod1')).toThrow(/not a pod name/);
    expect(() => podByName('node1-0')).toThrow(/not a pod name/);
    expect(() => podByName('pod1-9')).toThrow(/pod must be/);
  });
});
