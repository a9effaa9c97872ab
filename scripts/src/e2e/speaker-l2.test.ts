/**
 * ironlb-speaker in the lab, against real tools: arping and ndisc6 from the client get the elected node's MAC for
 * IPv4 and IPv6 VIPs (and only that one MAC); Local policy follows the endpoint; cordon and the exclude label move
 * the announcement away; a SIGKILLed speaker and a node whose link goes down are replaced; describe shows
 * nodeAssigned. No kubelet runs: the speakers register their Nodes, the test writes the EndpointSlices.
 */
import { labTestGate } from '../lab/testGate';
import { endpointSliceYaml, familyServiceYaml } from '../testing/ironlbYaml';
import { randomTestPrefix } from '../lab/names';
import { until } from '../testing/controllerProcess';
import { arpingMacs, macOf, ndiscMac, serviceIPOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';

const svc = (name: string, family: 'IPv4' | 'IPv6', extraSpec = ''): string =>
  familyServiceYaml(name, family, { extraSpec });
const slice = endpointSliceYaml;

labTestGate('ironlb-speaker, layer 2', () => {
  let l: SpeakerLab;
  const macs = new Map<string, string>();
  const nodeOfMac = (mac: string | undefined): string | undefined => [...macs].find(([, m]) => m === mac)?.[0];
  const ipOf = (name: string): Promise<string> => serviceIPOf(l, name);
  /** The one node answering ARP for `ip`, once exactly one answers and `ok` holds for it. */
  const announcer = async (ip: string, ok: (node: string) => boolean = () => true): Promise<string> => {
    const answer = await until(
      async () => {
        const answers = await arpingMacs(l.lab, ip);
        return answers.length === 1
          ? (nodeOfMac(answers[0]) ?? `unknown MAC ${answers[0]}`)
          : `answers: ${answers.join(',')}`;
      },
      (n) => macs.has(n) && ok(n),
      () => l.logs(),
    );
    return answer;
  };
  const statusNodes = async (service: string): Promise<string[]> =>
    (
      await l.ok([
        'get',
        'servicel2statuses',
        '-n',
        'ironlb-system',
        '-l',
        `ironlb.io/service-name=${service}`,
        '-o',
        'jsonpath={.items[*].status.node}',
      ])
    )
      .split(' ')
      .filter(Boolean);

  beforeAll(async () => {
    l = await startSpeakerLab({ prefix: randomTestPrefix() });
    for (const n of l.nodes) macs.set(n, await macOf(l.lab, n));
    await l.ok(['apply', '-f', '-'], `${svc('web4', 'IPv4')}---\n${svc('web6', 'IPv6')}`);
  }, 120_000);
  afterAll(async () => {
    await l?.stop();
  });

  test('arping gets the MAC of the one node the ServiceL2Status names, and describe shows nodeAssigned', async () => {
    const ip = await ipOf('web4');
    // Speakers starting together settle within a second; the claim is where they settle: arping and the status agree.
    const [node] = await until(
      async () => [await announcer(ip), ...(await statusNodes('web4'))],
      (nodes) => nodes.length === 2 && nodes[0] === nodes[1],
      () => l.logs(),
    );
    const described = await l.ok(['describe', 'service', 'web4']);
    expect(described).toMatch(
      new RegExp(`Normal\\s+nodeAssigned\\s+.*ironlb-speaker\\s+announcing from node "${node}" with protocol "layer2"`),
    );
  });

  test('ndisc6 gets the MAC of the node announcing the IPv6 VIP', async () => {
    const ip = await ipOf('web6');
    const mac = await until(
      () => ndiscMac(l.lab, ip),
      (m) => m !== undefined,
      () => l.logs(),
    );
    const [node] = await until(
      () => statusNodes('web6'),
      (nodes) => nodes.length === 1,
      () => l.logs(),
    );
    expect(nodeOfMac(mac)).toBe(node);
  });

  test('Local policy: the node with the ready endpoint announces, and the announcement follows it', async () => {
    await l.ok(['apply', '-f', '-'], svc('local', 'IPv4', '  externalTrafficPolicy: Local\n'));
    const ip = await ipOf('local');
    for (const node of ['node2', 'node3', 'node1']) {
      await l.ok(['apply', '-f', '-'], slice('local', node));
      expect(await announcer(ip, (n) => n === node)).toBe(node);
    }
  });

  test('cordon and the exclude label move the announcement away, and back when lifted', async () => {
    const ip = await ipOf('web4');
    const first = await announcer(ip);
    await l.ok(['cordon', first]);
    expect(await announcer(ip, (n) => n !== first)).not.toBe(first);
    await l.ok(['uncordon', first]);
    expect(await announcer(ip, (n) => n === first)).toBe(first);
    await l.ok(['label', 'node', first, 'node.kubernetes.io/exclude-from-external-load-balancers=']);
    expect(await announcer(ip, (n) => n !== first)).not.toBe(first);
    await l.ok(['label', 'node', first, 'node.kubernetes.io/exclude-from-external-load-balancers-']);
    expect(await announcer(ip, (n) => n === first)).toBe(first);
  });

  test('a SIGKILLed speaker is replaced by another node, which answers alone', async () => {
    const ip = await ipOf('web4');
    const first = await announcer(ip);
    const killedAt = Date.now();
    await l.killSpeaker(first);
    const next = await announcer(ip, (n) => n !== first);
    process.stdout.write(
      `speaker on ${first} SIGKILLed: ${next} answered after ${Date.now() - killedAt} ms (by polling)\n`,
    );
    l.startSpeaker(first);
    expect(await announcer(ip, (n) => n === first)).toBe(first);
  });

  test('a node whose link goes down is replaced, and takes its IP back when the link returns', async () => {
    const ip = await ipOf('web4');
    const first = await announcer(ip);
    await l.lab.exec(first, ['ip', 'link', 'set', 'eth0', 'down']);
    try {
      expect(await announcer(ip, (n) => n !== first)).not.toBe(first);
    } finally {
      await l.lab.exec(first, ['ip', 'link', 'set', 'eth0', 'up']);
    }
    expect(await announcer(ip, (n) => n === first)).toBe(first);
  });

  test('keeps announcing while the API server is away, and serves a new Service once it is back', async () => {
    const ip = await ipOf('web4');
    const first = await announcer(ip);
    const away = await l.takeApiAway();
    try {
      // Long enough for every watch to fail and retry at least once.
      await new Promise((r) => setTimeout(r, 4_000));
      expect(await arpingMacs(l.lab, ip)).toEqual([macs.get(first)]);
    } finally {
      await away.back();
    }
    await l.ok(['apply', '-f', '-'], svc('after-outage', 'IPv4'));
    const next = await ipOf('after-outage');
    expect(macs.has(await announcer(next))).toBe(true);
    expect(await announcer(ip)).toBe(first);
  });
});
