/**
 * ironlb-speaker membership in the lab, measured from the client with arpPinger (an ARP request for each VIP every
 * 10 ms): a restarted speaker (SIGTERM to its pid, as a DaemonSet rolling update does, then a new process) takes its
 * IPs back without a silence, for its owner alone and for every speaker in turn.
 *
 * The bounds are generous for a loaded CI machine; `npm run bench -- l2-failover` measures the same against the
 * 50 ms target.
 */
import { labTestGate } from '../lab/testGate';
import { randomTestPrefix } from '../lab/names';
import { ArpPinger, pingerNow, waitSole } from '../testing/arpPinger';
import { macOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';
import { silences, restartAndWait, serviceForIP, vipPerNode, type RestartTiming } from '../testing/speakerRestarts';

const INTERVAL_MS = 10;
/** The old behaviour left a restarted owner's IPs silent for about 440 ms; the target is 50 ms. */
const SILENCE_BOUND_MS = 200;

labTestGate('ironlb-speaker membership', () => {
  let l: SpeakerLab;
  let pinger: ArpPinger | undefined;
  const macs = new Map<string, string>();
  /** node -> the VIP it owns when all are up */
  let vips = new Map<string, string>();
  const nodeOfMac = (mac: string): string => [...macs].find(([, m]) => m === mac)?.[0] ?? mac;

  beforeAll(async () => {
    l = await startSpeakerLab({ prefix: randomTestPrefix() });
    for (const n of l.nodes) macs.set(n, await macOf(l.lab, n));
    vips = vipPerNode(l.nodes);
    await l.ok(['apply', '-f', '-'], [...vips].map(([n, ip]) => serviceForIP(`vip-${n}`, ip)).join('---\n'));
    pinger = await ArpPinger.start(l.lab, 'client', { intervalMs: INTERVAL_MS, targets: [...vips.values()] });
    for (const [n, ip] of vips) {
      await waitSole(pinger, ip, {
        mac: macs.get(n),
        holdMs: 1_000,
        intervalMs: INTERVAL_MS,
        timeoutMs: 60_000,
        context: () => l.logs(),
      });
    }
  }, 180_000);
  afterAll(async () => {
    await pinger?.stop();
    await l?.stop();
  });

  /** Each VIP's silences over [from, to], printed with where they fell; the excess over the other VIPs' is judged. */
  const report = (what: string, from: number, to: number, restarts: RestartTiming[]): Map<string, number> => {
    const measured = silences(pinger!, [...vips.values()], from, to);
    const when = (t: number): string => {
      const r = restarts.find((x) => x.stopped - 100 <= t && t <= x.back);
      return r ? `${(t - r.stopped).toFixed(0)} ms after ${r.node}'s SIGTERM` : `${(t - from).toFixed(0)} ms in`;
    };
    const lines = [...vips].map(([n, ip]) => {
      const s = measured.get(ip)!;
      return `  ${ip} (${n}'s): longest silence ${s.silenceMs.toFixed(0)} ms; its own ${s.exclusiveMs.toFixed(0)} ms, ${when(s.at)}`;
    });
    const took = restarts.map((r) => `${r.node} back ${(r.back - r.started).toFixed(0)} ms after its start`);
    process.stdout.write(`${what}\n${lines.join('\n')}\n  ${took.join('; ')}\n`);
    return new Map([...measured].map(([ip, s]) => [ip, s.exclusiveMs]));
  };

  test(`a restart of an IP's owner leaves it silent for under ${SILENCE_BOUND_MS} ms`, async () => {
    const [owner, ip] = [...vips][0];
    const from = pingerNow();
    const r = await restartAndWait(l, pinger!, owner, ip, macs.get(owner)!, { intervalMs: INTERVAL_MS });
    const silences = report(`owner ${owner} restarted (SIGTERM, new process)`, from, pingerNow(), [r]);
    expect(silences.get(ip)).toBeLessThan(SILENCE_BOUND_MS);
    // Only the owner's MAC and the one that stood in for it answered.
    const answered = new Set(
      pinger!
        .replies(ip)
        .filter((x) => x.t >= from)
        .map((x) => nodeOfMac(x.mac)),
    );
    expect(answered.size).toBeLessThanOrEqual(2);
  });

  test(`a rolling restart of every speaker in turn leaves no IP silent for ${SILENCE_BOUND_MS} ms`, async () => {
    const from = pingerNow();
    const restarts: RestartTiming[] = [];
    for (const [n, ip] of vips) {
      restarts.push(await restartAndWait(l, pinger!, n, ip, macs.get(n)!, { intervalMs: INTERVAL_MS }));
    }
    const silences = report('rolling restart of node1, node2, node3', from, pingerNow(), restarts);
    for (const ip of vips.values()) expect([ip, silences.get(ip)! < SILENCE_BOUND_MS]).toEqual([ip, true]);
  });
});
