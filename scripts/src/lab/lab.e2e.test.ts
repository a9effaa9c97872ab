// The lab for real (root or CI): a 3-node dual-stack lab with BIRD, then proof that it is wired as
// documented and that `down` leaves the machine exactly as it was.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lab } from './lab';
import { tcpRequest, serveTcp, startBirdSpeaker, waitEstablished } from './labServices';
import { labNetnsInodes, labProcessesLeft, snapshotMachine, type MachineState } from './machineState';
import { randomTestPrefix } from './names';
import { which } from './preflight';
import { runCmd } from './sh';
import { labTestGate } from './testGate';

labTestGate('lab: 3 nodes, BIRD, IPv6', () => {
  const prefix = randomTestPrefix();
  let lab: Lab | undefined;
  let before: MachineState;
  let server: http.Server | undefined;
  const sock = path.join(os.tmpdir(), `${prefix}-kube.sock`);
  const need = (): Lab => {
    if (!lab) throw new Error('the lab did not come up (see beforeAll)');
    return lab;
  };

  beforeAll(async () => {
    before = await snapshotMachine(prefix);
    const t0 = Date.now();
    lab = await Lab.up({ nodes: 3, router: 'bird', ipv6: true, prefix });
    console.log(`lab ${prefix} up in ${Date.now() - t0} ms`);
  });

  afterAll(async () => {
    // Even when a test failed: sweep by prefix, whether or not `lab` exists.
    await Lab.down(prefix);
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    fs.rmSync(sock, { force: true });
  });

  test('the root namespace is untouched while the lab is up', async () => {
    const now = await snapshotMachine(prefix);
    expect(now.rootLinks).toBe(before.rootLinks);
    expect(now.rootAddrs).toBe(before.rootAddrs);
    expect(now.rootRoutes4).toBe(before.rootRoutes4);
    expect(now.rootRoutes6).toBe(before.rootRoutes6);
    expect(now.netns.filter((n) => n.startsWith(`${prefix}-`))).toHaveLength(9);
    expect(need().host('node1')).toMatchObject({ ifname: 'eth0', ipv4: '198.51.100.11', ipv6: '2001:db8:1::11' });
  });

  test("the client's route to pod1 goes via node1", async () => {
    const r = await need().exec('client', ['ip', 'route', 'get', '203.0.113.18']);
    expect(r.stdout).toMatch(/203\.0\.113\.18 via 198\.51\.100\.11 dev eth0/);
  });

  test('the client reaches pod1 only through node1 (one hop, needs forwarding)', async () => {
    const l = need();
    await serveTcp(l, 'pod1', 7001, 'pod1');
    expect(await tcpRequest(l, 'client', '203.0.113.18', 7001)).toBe('pod1');
    // TTL 1 expires at node1: a router is in between. TTL 2 is enough: exactly one.
    expect(await tcpRequest(l, 'client', '203.0.113.18', 7001, 1)).toBe('');
    expect(await tcpRequest(l, 'client', '203.0.113.18', 7001, 2)).toBe('pod1');
    await l.exec('node1', ['sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    try {
      expect(await tcpRequest(l, 'client', '203.0.113.18', 7001)).toBe('');
    } finally {
      await l.exec('node1', ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    }
    expect(await tcpRequest(l, 'client', '203.0.113.18', 7001)).toBe('pod1');
  });

  test('IPv6: NDP between client and node1 over the bridge, and pod1 via node1', async () => {
    const l = need();
    const nd = await l.exec('client', ['ndisc6', '-1', '-r', '3', '2001:db8:1::11', 'eth0']);
    expect(nd.stdout.toLowerCase()).toContain(l.host('node1').mac);
    const back = await l.exec('node1', ['ndisc6', '-1', '-r', '3', '2001:db8:1::100', 'eth0']);
    expect(back.stdout.toLowerCase()).toContain(l.host('client').mac);
    await serveTcp(l, 'pod1', 7002, 'pod1v6', true);
    expect(await tcpRequest(l, 'client', '2001:db8:100:1::2', 7002)).toBe('pod1v6');
  });

  test('BIRD runs in the router host and a node can peer with it and announce a VIP', async () => {
    const l = need();
    const st = await runCmd(['birdc', '-s', path.join(l.dir, 'bird.ctl'), 'show', 'status']);
    expect(st.stdout).toContain('Daemon is up and running');
    const status = await l.routerStatus();
    expect(status.up).toBe(true);
    expect(status.sessions.map((s) => s.name).sort()).toEqual([
      'node1',
      'node1_v6',
      'node2',
      'node2_v6',
      'node3',
      'node3_v6',
    ]);

    // node1 plays the speaker: owns 203.0.113.200 and announces it; the client reaches it via the router.
    await l.exec('node1', ['ip', 'addr', 'add', '203.0.113.200/32', 'dev', 'lo']);
    await startBirdSpeaker(l, 'node1', ['203.0.113.200/32']);
    const after = await waitEstablished(l, 'node1');
    expect(after.sessions.find((s) => s.name === 'node1')?.state).toBe('Established');
    let route = '';
    for (let i = 0; i < 40 && !route.includes('198.51.100.11'); i++) {
      route = (await l.exec('router', ['ip', 'route', 'show', '203.0.113.200'])).stdout;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(route).toContain('via 198.51.100.11');
    await serveTcp(l, 'node1', 7003, 'vip');
    expect(await tcpRequest(l, 'client', '203.0.113.200', 7003)).toBe('vip');
  });

  test("a node's 127.0.0.1:<port> reaches a Unix socket server in the root namespace", async () => {
    const l = need();
    server = http.createServer((req, res) => res.end(`hello from the root ns: ${req.url}`));
    await new Promise<void>((r) => server?.listen(sock, r));
    await l.forwardToUnixSocket('node1', 18080, sock);
    const url = 'http://127.0.0.1:18080/apis';
    const r = which('curl')
      ? await l.exec('node1', ['curl', '-sS', '--max-time', '5', url])
      : await l.exec('node1', ['socat', '-T', '3', 'STDIO', 'TCP4:127.0.0.1:18080'], {
          input: 'GET /apis HTTP/1.0\r\n\r\n',
        });
    expect(r.stdout).toContain('hello from the root ns: /apis');
    // The forward is the lab's: in the state file, and so ended by down.
    expect(l.processes.some((p) => p.role === 'forward:18080' && p.host === 'node1')).toBe(true);
  });

  test('down leaves the machine exactly as it was', async () => {
    const inodes = labNetnsInodes(prefix);
    expect(inodes.size).toBe(9);
    expect(labProcessesLeft(inodes, prefix).length).toBeGreaterThan(0);
    const t0 = Date.now();
    const report = await need().down();
    console.log(`lab ${prefix} down in ${Date.now() - t0} ms, ${report.killed.length} processes ended`);
    expect(report.survivors).toEqual([]);
    const after = await snapshotMachine(prefix);
    expect(after.netns).toEqual(before.netns);
    expect(after.rootLinks).toBe(before.rootLinks);
    expect(after.rootAddrs).toBe(before.rootAddrs);
    expect(after.rootRoutes4).toBe(before.rootRoutes4);
    expect(after.rootRoutes6).toBe(before.rootRoutes6);
    expect(labProcessesLeft(inodes, prefix)).toEqual([]);
    expect(fs.existsSync(`/run/ironlb-lab/${prefix}.json`)).toBe(false);
    expect(fs.existsSync(`/run/ironlb-lab/${prefix}`)).toBe(false);
  });
});
