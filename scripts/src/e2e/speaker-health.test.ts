/**
 * ironlb-speaker's HTTP port in the lab, over real HTTP from inside its node: /healthz answers while it waits for
 * an API server that is away, /readyz says 503 with what it waits for and 200 once it has planned; /metrics carries
 * MetalLB's layer 2 names per IP (requests from the client's arping, answers, gratuitous ARPs, a conflict the
 * client provokes) and the config gauges; the announce log line names the IP and its Service.
 */
import { labTestGate } from '../lab/testGate';
import { randomTestPrefix } from '../lab/names';
import { until } from '../testing/controllerProcess';
import { lbServiceYaml } from '../testing/ironlbYaml';
import { arpingMacs, macOf, serviceIPOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';

/** The speaker's default port (MetalLB's): no --metrics-port is given. */
const PORT = 7472;

labTestGate('ironlb-speaker health and MetalLB-named metrics', () => {
  let l: SpeakerLab | undefined;
  afterAll(async () => {
    await l?.stop();
  }, 60_000);

  /** One GET from inside the node: status (0 when nothing answered) and body. */
  const get = async (node: string, what: string): Promise<{ status: number; text: string }> => {
    const r = await l!.lab.exec(node, [
      'curl',
      '-s',
      '--max-time',
      '5',
      '-w',
      '\n%{http_code}',
      `http://127.0.0.1:${PORT}${what}`,
    ]);
    const at = r.stdout.lastIndexOf('\n');
    return { status: Number(r.stdout.slice(at + 1)) || 0, text: r.stdout.slice(0, at) };
  };
  const metric = (text: string, name: string): { type: string | undefined; samples: string[] } => {
    const lines = text.split('\n');
    const type = lines.find((x) => x.startsWith(`# TYPE ${name} `))?.split(' ')[3];
    return { type, samples: lines.filter((x) => x.startsWith(`${name}{`) || x.startsWith(`${name} `)) };
  };
  const value = (text: string, series: string): number =>
    Number(
      text
        .split('\n')
        .find((x) => x.startsWith(`${series} `))
        ?.split(' ')[1] ?? NaN,
    );

  test('probes before and after the first plan, layer 2 counters per IP, config gauges, the announce log', async () => {
    l = await startSpeakerLab({ prefix: randomTestPrefix(), nodes: 1, speakers: false });
    const lab = l;
    const logs = (): string => lab.logs();
    // The API server away: the speaker waits for its heartbeat key, and says so.
    const away = await lab.takeApiAway();
    const speaker = lab.startSpeaker('node1');
    await until(
      async () => speaker.output(),
      (out) => /cannot read the heartbeat key; retrying/.test(out),
      logs,
    );
    expect(await get('node1', '/healthz')).toEqual({ status: 200, text: 'ok\n' });
    expect(await get('node1', '/readyz')).toEqual({ status: 503, text: 'reading the heartbeat key\n' });
    await away.back();
    await until(
      () => get('node1', '/readyz'),
      (r) => r.status === 200,
      logs,
      60_000,
    );
    expect(await get('node1', '/readyz')).toEqual({ status: 200, text: 'ok\n' });

    await lab.ok(['apply', '-f', '-'], lbServiceYaml('web'));
    const ip = await serviceIPOf(lab, 'web');
    const mac = await macOf(lab.lab, 'node1');
    await until(
      () => arpingMacs(lab.lab, ip),
      (macs) => macs.includes(mac),
      logs,
    );
    for (let i = 0; i < 3; i++) expect(await arpingMacs(lab.lab, ip)).toEqual([mac]);
    let text = (await get('node1', '/metrics')).text;
    for (const name of ['ironlb_layer2_requests_received', 'ironlb_layer2_responses_sent']) {
      const m = metric(text, name);
      expect(m.type).toBe('counter');
      expect(m.samples.map((x) => x.split(' ')[0])).toEqual([`${name}{ip="${ip}"}`]);
      expect(value(text, `${name}{ip="${ip}"}`)).toBeGreaterThanOrEqual(4);
    }
    expect(metric(text, 'ironlb_layer2_gratuitous_sent')).toEqual({
      type: 'counter',
      samples: [`ironlb_layer2_gratuitous_sent{ip="${ip}"} 3`],
    });
    expect(metric(text, 'ironlb_layer2_conflicts_total')).toEqual({ type: 'counter', samples: [] });
    expect(metric(text, 'ironlb_k8s_client_config_loaded_bool')).toEqual({
      type: 'gauge',
      samples: ['ironlb_k8s_client_config_loaded_bool 1'],
    });
    expect(metric(text, 'ironlb_k8s_client_config_stale_bool')).toEqual({
      type: 'gauge',
      samples: ['ironlb_k8s_client_config_stale_bool 0'],
    });

    // The client claims the IP (an unsolicited ARP with itself as the sender): a conflict, counted for that IP.
    await lab.lab.exec('client', ['arping', '-U', '-S', ip, '-i', 'eth0', '-c', '1', ip]);
    text = await until(
      async () => (await get('node1', '/metrics')).text,
      (t) => value(t, `ironlb_layer2_conflicts_total{ip="${ip}"}`) >= 1,
      logs,
    );
    expect(value(text, 'ironlb_speaker_l2_conflicts_total')).toBe(
      value(text, `ironlb_layer2_conflicts_total{ip="${ip}"}`),
    );

    // The announce log line names the IP and its Service.
    const lines = speaker
      .output()
      .split('\n')
      .filter((x) => x.startsWith('{'))
      .map((x) => JSON.parse(x) as Record<string, unknown>);
    expect(lines.find((x) => x.msg === 'announced by node1')).toMatchObject({
      mode: 'layer2',
      ip,
      services: ['default/web'],
    });
  }, 180_000);
});
