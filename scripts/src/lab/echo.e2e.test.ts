// The lab's pods for real (root or CI): a 2-node dual-stack lab with 2 pods per node, TCP+UDP echo servers on each
// pod address, and what the client, a node and a pod see when they ask them: the answering pod, the source it saw,
// RST/ICMP as `refused`, silence as `timeout`, and the node routes to other nodes' pods (host-gw) in use.
import { Lab } from './lab';
import { addPodAddresses, askTcp, askTcpMany, askUdp, askUdpMany, serveEcho, type EchoServer } from './echo';
import { randomTestPrefix } from './names';
import { podAddress, podByName, type PodAddress } from './podAddresses';
import { pidAlive } from './processes';
import { labTestGate } from './testGate';

const PORT = 8080;
const NO_SERVER_PORT = 8081;

labTestGate(
  'lab pods: pod addresses, echo servers, askTcp/askUdp',
  () => {
    const prefix = randomTestPrefix();
    let lab: Lab | undefined;
    const servers = new Map<string, EchoServer>();
    const need = (): Lab => {
      if (!lab) throw new Error('the lab did not come up (see beforeAll)');
      return lab;
    };
    const answer = (pod: string, source: string): unknown => ({ kind: 'answer', pod, source });

    beforeAll(async () => {
      lab = await Lab.up({ nodes: 2, router: 'none', ipv6: true, prefix });
      const pods: PodAddress[] = [...(await addPodAddresses(lab, 1, 2)), ...(await addPodAddresses(lab, 2, 2))];
      for (const p of pods) servers.set(p.name, await serveEcho(lab, p, PORT));
    });

    afterAll(async () => {
      // Even when a test failed: sweep by prefix, whether or not `lab` exists.
      await Lab.down(prefix);
    });

    test('the extra pod addresses sit on the pod host, the first one unchanged', async () => {
      const r = await need().exec('pod1', ['ip', '-o', 'addr', 'show', 'dev', 'eth0']);
      for (const a of ['203.0.113.18/28', '203.0.113.19/28', '2001:db8:100:1::2/64', '2001:db8:100:1::3/64']) {
        expect(r.stdout).toContain(` ${a} `);
      }
      // Idempotent: a second call changes nothing and does not fail.
      await addPodAddresses(need(), 1, 2);
      const again = await need().exec('pod1', ['ip', '-o', 'addr', 'show', 'dev', 'eth0']);
      expect(again.stdout).toBe(r.stdout);
    });

    test('from the client, TCP and UDP reach pod1-0 and pod2-1 and see the client', async () => {
      const l = need();
      for (const name of ['pod1-0', 'pod2-1']) {
        const p = podByName(name);
        expect(await askTcp(l, 'client', p.ipv4, PORT)).toEqual(answer(name, '198.51.100.100'));
        expect(await askUdp(l, 'client', p.ipv4, PORT)).toEqual(answer(name, '198.51.100.100'));
        expect(await askTcp(l, 'client', p.ipv6, PORT)).toEqual(answer(name, '2001:db8:1::100'));
        expect(await askUdp(l, 'client', p.ipv6, PORT)).toEqual(answer(name, '2001:db8:1::100'));
      }
    });

    test("a node reaches its own extra pod address over the veth (ARP/NDP), from its veth-pod's address", async () => {
      const l = need();
      const p = podAddress(1, 1);
      expect(await askTcp(l, 'node1', p.ipv4, PORT)).toEqual(answer('pod1-1', '203.0.113.17'));
      expect(await askUdp(l, 'node1', p.ipv6, PORT)).toEqual(answer('pod1-1', '2001:db8:100:1::1'));
    });

    test("node1 reaches node2's pods by its host-gw route, and they see node1's segment address", async () => {
      const l = need();
      const route = await l.exec('node1', ['ip', 'route', 'get', '203.0.113.34']);
      expect(route.stdout).toMatch(/203\.0\.113\.34 via 198\.51\.100\.12 dev eth0 src 198\.51\.100\.11/);
      const p = podAddress(2, 0);
      expect(await askTcp(l, 'node1', p.ipv4, PORT)).toEqual(answer('pod2-0', '198.51.100.11'));
      expect(await askUdp(l, 'node1', p.ipv4, PORT)).toEqual(answer('pod2-0', '198.51.100.11'));
      expect(await askTcp(l, 'node1', p.ipv6, PORT)).toEqual(answer('pod2-0', '2001:db8:1::11'));
      expect(await askUdp(l, 'node1', p.ipv6, PORT)).toEqual(answer('pod2-0', '2001:db8:1::11'));
      // One router (node2) lies between node1 and pod2: a TTL of 1 dies there, 2 arrives.
      expect(await askTcp(l, 'node1', p.ipv4, PORT, { ttl: 2 })).toEqual(answer('pod2-0', '198.51.100.11'));
      expect(await askTcp(l, 'node1', p.ipv4, PORT, { ttl: 1, timeoutMs: 1000 })).toEqual({ kind: 'timeout' });
      expect(await askTcp(l, 'node1', p.ipv6, PORT, { ttl: 2 })).toEqual(answer('pod2-0', '2001:db8:1::11'));
      expect(await askTcp(l, 'node1', p.ipv6, PORT, { ttl: 1, timeoutMs: 1000 })).toEqual({ kind: 'timeout' });
      expect(await askUdp(l, 'node1', p.ipv4, PORT, { ttl: 1, timeoutMs: 1000 })).toEqual({ kind: 'timeout' });
    });

    test("a pod reaches another node's pod through both nodes, from pod{k}-0 in both families (pod to pod)", async () => {
      const l = need();
      expect(await askTcp(l, 'pod1', podAddress(2, 1).ipv4, PORT)).toEqual(answer('pod2-1', '203.0.113.18'));
      expect(await askUdp(l, 'pod2', podAddress(1, 0).ipv6, PORT)).toEqual(answer('pod1-0', '2001:db8:100:2::2'));
      expect(await askTcp(l, 'pod2', podAddress(1, 1).ipv6, PORT)).toEqual(answer('pod1-1', '2001:db8:100:2::2'));
    });

    test('a port nobody serves is refused: TCP by RST, UDP by ICMP port unreachable, every time', async () => {
      const l = need();
      // Pod hosts do not rate-limit ICMP (Linux would after 6 in a row): ten refusals in a row stay refusals.
      const many = await askUdpMany(l, 'client', podAddress(1, 0).ipv4, NO_SERVER_PORT, 10, { timeoutMs: 1000 });
      expect([many.counts, many.failures.map((f) => f.kind)]).toEqual([{}, Array<string>(10).fill('refused')]);
      for (const addr of [podAddress(1, 0).ipv4, podAddress(2, 1).ipv6]) {
        expect(await askTcp(l, 'client', addr, NO_SERVER_PORT)).toMatchObject({
          kind: 'refused',
          text: expect.stringMatching(/E connect\(.*\): Connection refused/) as unknown,
        });
        expect(await askUdp(l, 'client', addr, NO_SERVER_PORT)).toMatchObject({
          kind: 'refused',
          text: expect.stringMatching(/E read\(.*\): Connection refused/) as unknown,
        });
      }
    });

    test('askTcpMany, askUdpMany: sequential requests, every one answered, counted per pod', async () => {
      // 20 each: the UDP server once lost about one answer in 30 to a race inside socat (see echoProtocol.ts).
      const l = need();
      expect(await askTcpMany(l, 'client', podAddress(2, 1).ipv4, PORT, 20)).toEqual({
        counts: { 'pod2-1': 20 },
        failures: [],
      });
      expect(await askUdpMany(l, 'client', podAddress(2, 1).ipv4, PORT, 20)).toEqual({
        counts: { 'pod2-1': 20 },
        failures: [],
      });
      expect(await askUdpMany(l, 'node1', podAddress(2, 0).ipv6, PORT, 10)).toEqual({
        counts: { 'pod2-0': 10 },
        failures: [],
      });
    });

    test("stop() ends one pod's servers by pid; that pod then refuses, the others still answer", async () => {
      const l = need();
      const s = servers.get('pod1-1');
      if (!s) throw new Error('no server for pod1-1');
      expect(s.pids).toHaveLength(4);
      await s.stop();
      expect(s.pids.filter(pidAlive)).toEqual([]);
      servers.delete('pod1-1');
      expect(await askTcp(l, 'client', s.pod.ipv4, PORT)).toMatchObject({ kind: 'refused' });
      expect(await askUdp(l, 'client', s.pod.ipv6, PORT)).toMatchObject({ kind: 'refused' });
      expect(await askTcp(l, 'client', podAddress(1, 0).ipv4, PORT)).toEqual(answer('pod1-0', '198.51.100.100'));
    });

    test('serveEcho refuses a pod address the pod host does not have', async () => {
      await expect(serveEcho(need(), podAddress(1, 3), PORT, { families: [4], protos: ['tcp'] })).rejects.toThrow(
        /pod1-3 exited: .*Cannot assign requested address/,
      );
    });

    test("the lab's down ends every echo server", async () => {
      const pids = [...servers.values()].flatMap((s) => s.pids);
      expect(pids).toHaveLength(12);
      expect(pids.filter(pidAlive)).toEqual(pids);
      const report = await need().down();
      expect(report.survivors).toEqual([]);
      expect(pids.filter(pidAlive)).toEqual([]);
    });
  },
  ['none'],
);
