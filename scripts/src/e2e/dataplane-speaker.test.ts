/**
 * The speaker's dataplane for real, once per backend that runs here (nftables, iptables): speakers with
 * --dataplane <backend> in the lab, a Service on TCP and UDP
 * port 80 whose endpoints are echo servers in the pods behind node1 and node2 (no kubelet: the test writes the
 * EndpointSlice), and the client asking through the VIP. Layer 2 (the elected node forwards) and BGP (the router
 * spreads over both nodes, each forwards). What the pod answers says who served and which source it saw.
 */
import { askTcp, askTcpMany, askUdp, serveEchoPods } from '../lab/echo';
import { podAddress } from '../lab/podAddresses';
import { labTestGate } from '../lab/testGate';
import { randomTestPrefix } from '../lab/names';
import { bgpConfigYaml, routerNextHopNodes } from '../testing/bgpLab';
import { until } from '../testing/controllerProcess';
import { serviceIPOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';

const POD1 = podAddress(1, 0);
const POD2 = podAddress(2, 0);

/** TCP and UDP 80 -> the pods' 8080, named so the slice's ports resolve them; extra spec lines as given. */
const serviceYaml = (name: string, extraSpec = '', pool?: string): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}${pool ? `\n  annotations:\n    metallb.io/address-pool: ${pool}` : ''}
spec:
  type: LoadBalancer
  ipFamilyPolicy: SingleStack
  ipFamilies: [IPv4]
  selector:
    app: ${name}
  ports:
    - name: echo-tcp
      protocol: TCP
      port: 80
      targetPort: echo
    - name: echo-udp
      protocol: UDP
      port: 80
      targetPort: echo
${extraSpec}`;

const sliceYaml = (service: string, pods = [POD1, POD2]): string => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service}-pods
  labels:
    kubernetes.io/service-name: ${service}
addressType: IPv4
endpoints:
${pods.map((p) => `  - addresses: [${p.ipv4}]\n    nodeName: ${p.node}\n    conditions:\n      ready: true\n`).join('')}ports:
  - name: echo-tcp
    protocol: TCP
    port: 8080
  - name: echo-udp
    protocol: UDP
    port: 8080
`;
/**
 * Where a forwarding node's masquerade comes from: its address on the way to the pod, the segment address toward
 * another node's pod, its veth-pod address toward its own pod.
 */
const NODE_OF_SOURCE: Readonly<Record<string, string>> = {
  '198.51.100.11': 'node1',
  '203.0.113.17': 'node1',
  '198.51.100.12': 'node2',
  '203.0.113.33': 'node2',
};

const dump: Readonly<Record<string, string[]>> = {
  nftables: ['nft', 'list', 'table', 'inet', 'ironlb'],
  iptables: ['iptables-save'],
};

const suite = (backend: 'nftables' | 'iptables'): void =>
  labTestGate(`speaker dataplane: ${backend}`, () => {
    let l: SpeakerLab;
    /** On failure, what each node's table holds and the last of its speaker's log, then the failure. */
    const diagnosed = async <T>(p: Promise<T>): Promise<T> => {
      try {
        return await p;
      } catch (err) {
        for (const n of l.nodes) {
          const table = await l.lab.exec(n, dump[backend]);
          const log = l.speakers.get(n)?.output().split('\n').slice(-40).join('\n');
          console.log(
            `--- ${n}: ${dump[backend].join(' ')}\n${table.stdout}${table.stderr}\n--- ${n}: log tail\n${log}`,
          );
        }
        throw err;
      }
    };
    const fromClient = (ip: string) => askTcpMany(l.lab, 'client', ip, 80, 16);

    beforeAll(async () => {
      l = await startSpeakerLab({ prefix: randomTestPrefix(), nodes: 2, speakerArgs: ['--dataplane', backend] });
      await serveEchoPods(l.lab, [POD1, POD2], 8080, { families: [4] });
      await l.ok(['apply', '-f', '-'], bgpConfigYaml());
      await l.ok(['apply', '-f', '-'], `${serviceYaml('web', '', 'lab')}---\n${sliceYaml('web')}`);
    }, 180_000);
    afterAll(async () => {
      await l?.stop();
    });

    test('layer 2, Cluster: TCP and UDP through the VIP reach pods on both nodes, source NATed to the node', async () => {
      const ip = await serviceIPOf(l, 'web');
      // Until the election has settled and the rules are in, a connection may go to a node that just let the IP go.
      const tally = await until(
        () => fromClient(ip),
        (t) => (t.counts[POD1.name] ?? 0) > 0 && (t.counts[POD2.name] ?? 0) > 0 && t.failures.length === 0,
        () => l.logs(),
      );
      expect(tally.failures).toEqual([]);
      const answer = await askTcp(l.lab, 'client', ip, 80);
      expect(answer.kind).toBe('answer');
      // The pod sees the forwarding node, which is the one announcing the VIP, never the client.
      if (answer.kind === 'answer') expect(Object.keys(NODE_OF_SOURCE)).toContain(answer.source);
      const udp = await askUdp(l.lab, 'client', ip, 80);
      expect(udp).toMatchObject({ kind: 'answer' });
      if (udp.kind === 'answer') expect(Object.keys(NODE_OF_SOURCE)).toContain(udp.source);
    });

    test("Local: only the announcing node's own pod, and it sees the client's address", async () => {
      await l.ok(['patch', 'service', 'web', '-p', '{"spec":{"externalTrafficPolicy":"Local"}}']);
      const ip = await serviceIPOf(l, 'web');
      const answers = await until(
        async () => (await fromClient(ip)).counts,
        (c) => Object.keys(c).length === 1,
        () => l.logs(),
      );
      const pod = Object.keys(answers)[0];
      expect([POD1.name, POD2.name]).toContain(pod);
      const one = await askTcp(l.lab, 'client', ip, 80);
      expect(one).toMatchObject({ kind: 'answer', pod, source: '198.51.100.100' });
      await l.ok(['patch', 'service', 'web', '-p', '{"spec":{"externalTrafficPolicy":"Cluster"}}']);
    });

    test('ClientIP affinity: every connection of the client goes to one pod', async () => {
      await l.ok(['patch', 'service', 'web', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']);
      const ip = await serviceIPOf(l, 'web');
      // Until the new rules are in, connections may still spread; then they stick.
      const tally = await until(
        () => fromClient(ip),
        (t) => Object.keys(t.counts).length === 1 && t.failures.length === 0,
        () => l.logs(),
      );
      expect(Object.values(tally.counts)).toEqual([16]);
      await l.ok(['patch', 'service', 'web', '-p', '{"spec":{"sessionAffinity":"None"}}']);
    });

    test('an endpoint gone: new connections go to the other pod; none left: TCP and UDP refused at once', async () => {
      const ip = await serviceIPOf(l, 'web');
      try {
        await l.ok(['apply', '-f', '-'], sliceYaml('web', [POD2]));
        await until(
          () => fromClient(ip),
          (t) => Object.keys(t.counts).length === 1 && t.counts[POD2.name] === 16,
          () => l.logs(),
        );
        await l.ok(['apply', '-f', '-'], sliceYaml('web', []));
        await diagnosed(
          until(
            () => askTcp(l.lab, 'client', ip, 80),
            (r) => r.kind === 'refused',
            () => l.logs().slice(-6000),
          ),
        );
        // The node's ICMP is rate limited like any host's (a burst, then one a second): a datagram may go unanswered.
        await diagnosed(
          until(
            () => askUdp(l.lab, 'client', ip, 80),
            (r) => r.kind === 'refused',
            () => l.logs().slice(-6000),
          ),
        );
      } finally {
        await l.ok(['apply', '-f', '-'], sliceYaml('web'));
      }
    });

    test('loadBalancerSourceRanges without the client: its connections are dropped (a timeout, not a refusal)', async () => {
      const ip = await serviceIPOf(l, 'web');
      await until(
        () => askTcp(l.lab, 'client', ip, 80),
        (r) => r.kind === 'answer',
        () => l.logs(),
      );
      try {
        await l.ok(['patch', 'service', 'web', '-p', '{"spec":{"loadBalancerSourceRanges":["203.0.113.0/24"]}}']);
        await diagnosed(
          until(
            () => askTcp(l.lab, 'client', ip, 80, { timeoutMs: 1500 }),
            (r) => r.kind === 'timeout',
            () => l.logs().slice(-6000),
          ),
        );
      } finally {
        await l.ok([
          'patch',
          'service',
          'web',
          '--type',
          'json',
          '-p',
          '[{"op":"remove","path":"/spec/loadBalancerSourceRanges"}]',
        ]);
      }
      await until(
        () => askTcp(l.lab, 'client', ip, 80),
        (r) => r.kind === 'answer',
        () => l.logs(),
      );
    });

    test('BGP: the router spreads over both nodes and each forwards to the pods', async () => {
      await l.ok(['apply', '-f', '-'], `${serviceYaml('web-bgp', '', 'bgp')}---\n${sliceYaml('web-bgp')}`);
      const ip = await serviceIPOf(l, 'web-bgp');
      // Both nodes advertise it (Cluster), so the router has both as next hops.
      await until(
        () => routerNextHopNodes(l.lab, ip),
        (n) => n.length === 2,
        () => l.logs(),
      );
      const tally = await until(
        () => askTcpMany(l.lab, 'client', ip, 80, 24),
        (t) => (t.counts[POD1.name] ?? 0) > 0 && (t.counts[POD2.name] ?? 0) > 0 && t.failures.length === 0,
        () => l.logs(),
      );
      expect(tally.failures).toEqual([]);
      // Both nodes forwarded: the router's ECMP hashes the client's connections over them.
      const forwarders = new Set<string>();
      await diagnosed(
        until(
          async () => {
            const r = await askTcp(l.lab, 'client', ip, 80);
            if (r.kind === 'answer') forwarders.add(NODE_OF_SOURCE[r.source] ?? r.source);
            return [...forwarders].sort();
          },
          (n) => n.length === 2,
          () => l.logs().slice(-6000),
        ),
      );
      expect([...forwarders].sort()).toEqual(['node1', 'node2']);
    });
  });

suite('nftables');
suite('iptables');
