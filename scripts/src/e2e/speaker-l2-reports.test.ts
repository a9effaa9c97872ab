/**
 * ironlb-speaker in the lab: what it reports (ServiceL2Status objects, nodeAssigned Events) matches what answers on
 * the wire. After a SIGKILL the dead node's statuses go within 2 s, so every announced IP has exactly one status,
 * naming the node that answers.
 */
import { labTestGate } from '../lab/testGate';
import { randomTestPrefix } from '../lab/names';
import { until } from '../testing/controllerProcess';
import { arpingMacs, macOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';

const svc = (name: string, family: 'IPv4' | 'IPv6'): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: LoadBalancer
  ipFamilyPolicy: SingleStack
  ipFamilies: [${family}]
  selector:
    app: ${name}
  ports:
    - port: 80
`;

interface StatusObject {
  metadata: { name: string };
  status?: { node?: string; serviceName?: string; serviceNamespace?: string };
}

labTestGate('ironlb-speaker, layer 2 reports', () => {
  let l: SpeakerLab;
  const macs = new Map<string, string>();
  const nodeOfMac = (mac: string | undefined): string | undefined => [...macs].find(([, m]) => m === mac)?.[0];
  const ipOf = async (name: string): Promise<string> =>
    (
      await until(
        () => l.ok(['get', 'svc', name, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']),
        (ip) => ip !== '',
        () => l.logs(),
      )
    ).trim();
  /** The one node answering ARP for `ip`, once exactly one answers and `ok` holds for it. */
  const announcer = (ip: string, ok: (node: string) => boolean = () => true): Promise<string> =>
    until(
      async () => {
        const answers = await arpingMacs(l.lab, ip);
        return answers.length === 1
          ? (nodeOfMac(answers[0]) ?? `unknown MAC ${answers[0]}`)
          : `answers: ${answers.join(',')}`;
      },
      (n) => macs.has(n) && ok(n),
      () => l.logs(),
    );
  /** Every ServiceL2Status, as the nodes it names per Service (`default/web`), from one kubectl get. */
  const statusNodes = async (): Promise<Map<string, string[]>> => {
    const list = JSON.parse(await l.ok(['get', 'servicel2statuses', '-n', 'ironlb-system', '-o', 'json'])) as {
      items: StatusObject[];
    };
    const out = new Map<string, string[]>();
    for (const o of list.items) {
      const key = `${o.status?.serviceNamespace ?? ''}/${o.status?.serviceName ?? ''}`;
      out.set(key, [...(out.get(key) ?? []), o.status?.node ?? `(no node in ${o.metadata.name})`].sort());
    }
    return out;
  };

  beforeAll(async () => {
    l = await startSpeakerLab({ prefix: randomTestPrefix() });
    for (const n of l.nodes) macs.set(n, await macOf(l.lab, n));
  }, 120_000);
  afterAll(async () => {
    await l?.stop();
  });

  test("a SIGKILLed speaker's statuses are gone within 2 s: each IP has one, naming the node that answers", async () => {
    const names = ['fo-a', 'fo-b', 'fo-c'];
    await l.ok(['apply', '-f', '-'], names.map((n) => svc(n, 'IPv4')).join('---\n'));
    const ips = new Map<string, string>();
    for (const n of names) ips.set(n, await ipOf(n));
    const owners = new Map<string, string>();
    for (const [n, ip] of ips) owners.set(n, await announcer(ip));
    const agree = (st: Map<string, string[]>, expected: ReadonlyMap<string, string>): boolean =>
      [...expected].every(([n, node]) => JSON.stringify(st.get(`default/${n}`)) === JSON.stringify([node]));
    await until(
      statusNodes,
      (st) => agree(st, owners),
      () => l.logs(),
    );

    const dead = owners.get('fo-a') ?? '';
    const killedAt = Date.now();
    await l.killSpeaker(dead);
    // One status per Service, none naming the dead node: read with kubectl until that holds (or 5 s pass).
    let settledAfter = -1;
    let last = new Map<string, string[]>();
    while (Date.now() - killedAt < 5_000) {
      last = await statusNodes();
      const single = names.every((n) => {
        const nodes = last.get(`default/${n}`) ?? [];
        return nodes.length === 1 && nodes[0] !== dead;
      });
      if (single) {
        settledAfter = Date.now() - killedAt;
        break;
      }
    }
    process.stdout.write(
      `speaker on ${dead} SIGKILLed: statuses ${JSON.stringify(Object.fromEntries(last))} after ${settledAfter} ms\n`,
    );
    // The statuses kubectl showed last: one per Service, none naming the dead node ...
    expect(Object.fromEntries(last)).toEqual(
      Object.fromEntries(names.map((n) => [`default/${n}`, [expect.not.stringMatching(dead) as string]])),
    );
    // ... within 2 s of the kill.
    expect(settledAfter).toBeGreaterThanOrEqual(0);
    expect(settledAfter).toBeLessThanOrEqual(2_000);
    // ... and the node each status names is the one that answers.
    for (const n of names) {
      const named = last.get(`default/${n}`)?.[0] ?? '';
      expect(await announcer(ips.get(n) ?? '')).toBe(named);
    }

    l.startSpeaker(dead);
    expect(await announcer(ips.get('fo-a') ?? '', (n) => n === dead)).toBe(dead);
    await until(
      statusNodes,
      (st) => agree(st, owners),
      () => l.logs(),
    );
  });
});
