import { formatStatus, parseIfaces } from './statusFormat';

describe('status formatting', () => {
  test('parses ip -j addr, skipping loopback', () => {
    const json = JSON.stringify([
      { ifname: 'lo', address: '00:00:00:00:00:00', operstate: 'UNKNOWN', addr_info: [] },
      {
        ifname: 'eth0',
        address: '02:1b:1b:01:01:00',
        operstate: 'UP',
        addr_info: [{ local: '198.51.100.11', prefixlen: 24 }],
      },
    ]);
    expect(parseIfaces(json)).toEqual([
      { name: 'eth0', mac: '02:1b:1b:01:01:00', state: 'UP', addresses: ['198.51.100.11/24'] },
    ]);
  });

  test('prints hosts, router sessions and processes', () => {
    const text = formatStatus({
      prefix: 'ilb',
      phase: 'up',
      stateFile: '/run/ironlb-lab/ilb.json',
      plan: ['segment 198.51.100.0/24'],
      hosts: [
        { name: 'node1', netns: 'ilb-node1', exists: true, ifaces: parseIfaces('[]'), routes: ['default via x'] },
        { name: 'pod1', netns: 'ilb-pod1', exists: false, ifaces: [], routes: [] },
      ],
      router: {
        daemon: 'bird',
        up: true,
        detail: 'Daemon is up and running',
        sessions: [{ name: 'node1', neighbor: '198.51.100.11', state: 'Established', established: true, info: '' }],
      },
      processes: [{ pid: 42, host: 'router', role: 'bird', alive: true, command: 'bird -f' }],
    });
    expect(text).toContain("lab 'ilb' (up)");
    expect(text).toContain('pod1 (ilb-pod1) MISSING');
    expect(text).toContain('router: bird up (Daemon is up and running)');
    expect(text).toMatch(/node1\s+198\.51\.100\.11\s+Established/);
    expect(text).toMatch(/42\s+alive router\s+bird\s+bird -f/);
  });
});
