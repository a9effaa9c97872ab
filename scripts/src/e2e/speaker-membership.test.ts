/**
 * ironlb-speaker membership in the lab, measured from the client with arpPinger (an ARP request for each VIP every
 * 10 ms): a restarted speaker (SIGTERM to its pid, as a DaemonSet rolling update does, then a new process) takes its
 * IPs back without a silence, for its owner alone and for every speaker in turn; forged goodbyes (signed with a
 * wrong key) and replayed genuine heartbeats, sent from the client, move nothing and are counted.
 *
 * The bounds are generous for a loaded CI machine; `npm run bench -- l2-failover` measures the same against the
 * 50 ms target.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeHeartbeat, encodeHeartbeat } from '@ironlb/speaker';
import { labTestGate } from '../lab/testGate';
import { randomTestPrefix } from '../lab/names';
import { ArpPinger, pingerNow, waitSole } from '../testing/arpPinger';
import { udpDatagrams } from '../testing/pcap';
import { macOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';
import {
  deadVerdicts,
  freezeSpeaker,
  restartAndWait,
  serviceForIP,
  silences,
  vipPerNode,
  type RestartTiming,
} from '../testing/speakerFaults';

const INTERVAL_MS = 10;
/** The old behaviour left a restarted owner's IPs silent for about 440 ms; the target is 50 ms. */
const SILENCE_BOUND_MS = 200;
const METRICS_PORT = 9472;
const HEARTBEAT_PORT = 7946;

/** Sends each hex payload given after the address as one UDP datagram to address:port, from the host it runs in. */
const UDP_SEND = `const d = require('node:dgram').createSocket('udp4');
const [address, port, ...payloads] = process.argv.slice(1);
(async () => {
  for (const p of payloads) await new Promise((r) => d.send(Buffer.from(p, 'hex'), Number(port), address, r));
  d.close();
})();`;

labTestGate('ironlb-speaker membership', () => {
  let l: SpeakerLab;
  let pinger: ArpPinger | undefined;
  const macs = new Map<string, string>();
  /** node -> the VIP it owns when all are up */
  let vips = new Map<string, string>();
  const nodeOfMac = (mac: string): string => [...macs].find(([, m]) => m === mac)?.[0] ?? mac;

  beforeAll(async () => {
    l = await startSpeakerLab({ prefix: randomTestPrefix(), speakerArgs: ['--metrics-port', String(METRICS_PORT)] });
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

  /** `name{labels}` as each node's speaker reports it now. */
  const metric = async (node: string, series: string): Promise<number> => {
    const r = await l.lab.exec(node, ['curl', '-s', '--max-time', '5', `http://127.0.0.1:${METRICS_PORT}/metrics`]);
    const line = r.stdout.split('\n').find((x) => x.startsWith(`${series} `));
    return Number(line?.split(' ')[1] ?? NaN);
  };
  const rejected = (node: string, reason: string): Promise<number> =>
    metric(node, `ironlb_speaker_heartbeats_rejected_total{reason="${reason}"}`);

  test('forged goodbyes (a wrong key) and replayed genuine heartbeats from the client move nothing', async () => {
    const sole = { intervalMs: INTERVAL_MS, holdMs: 1_000, timeoutMs: 30_000, context: () => l.logs() };
    for (const [n, ip] of vips) await waitSole(pinger!, ip, { ...sole, mac: macs.get(n) });
    // Genuine heartbeats, as a sniffer on the wire sees them: node1 receives node2's and node3's.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ilb-heartbeats-'));
    try {
      const file = path.join(dir, 'heartbeats.pcap');
      const dump = await l.lab.exec('node1', [
        'timeout',
        '10',
        'tcpdump',
        '-i',
        'eth0',
        '-U',
        '-c',
        '20',
        '-w',
        file,
        `udp dst port ${HEARTBEAT_PORT}`,
      ]);
      const captured = udpDatagrams(fs.readFileSync(file)).map((d) => d.payload);
      expect([dump.code, captured.length]).toEqual([0, 20]);
      const senders = new Set(
        captured.map((p) => {
          const d = decodeHeartbeat(p, []);
          return d.ok ? '' : d.reason;
        }),
      );
      expect(senders).toEqual(new Set(['signature'])); // genuine, but no key here to read them with
      const since = Date.now();
      const before = {
        bad: await Promise.all(l.nodes.map((n) => rejected(n, 'badSignature'))),
        replayed: await Promise.all(l.nodes.map((n) => rejected(n, 'replayed'))),
      };
      const from = pingerNow();
      // Each node's goodbye, from a later process (a restart that left), signed with a key that is not the cluster's.
      const wrongKey = randomBytes(32);
      const forged = l.nodes.map((node) =>
        encodeHeartbeat(
          {
            node,
            incarnation: Date.now() + 3_600_000,
            epoch: randomBytes(8).toString('hex'),
            seq: 1,
            leaving: true,
            ready: true,
          },
          wrongKey,
        ).toString('hex'),
      );
      const replays = captured.map((p) => p.toString('hex'));
      for (let round = 0; round < 10; round++) {
        for (const n of l.nodes) {
          const to = l.lab.host(n).ipv4.split('/')[0];
          const r = await l.lab.exec('client', [
            process.execPath,
            '-e',
            UDP_SEND,
            to,
            String(HEARTBEAT_PORT),
            ...forged,
            ...replays,
          ]);
          expect(r.code).toBe(0);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1_000));
      // Nothing moved: each VIP answered by its owner alone throughout, no speaker declared dead.
      for (const [n, ip] of vips) {
        const answered = new Set(
          pinger!
            .replies(ip)
            .filter((x) => x.t >= from)
            .map((x) => nodeOfMac(x.mac)),
        );
        expect([ip, [...answered]]).toEqual([ip, [n]]);
      }
      expect(deadVerdicts(l, since)).toEqual([]);
      // Every forgery counted by every node, and every replay by the nodes it was not the sender's own name on.
      const after = {
        bad: await Promise.all(l.nodes.map((n) => rejected(n, 'badSignature'))),
        replayed: await Promise.all(l.nodes.map((n) => rejected(n, 'replayed'))),
      };
      const forgeries = after.bad.map((x, i) => x - before.bad[i]);
      const replayedCounts = after.replayed.map((x, i) => x - before.replayed[i]);
      process.stdout.write(
        `forged goodbyes dropped per node: ${forgeries.join(', ')}; replays dropped as replayed: ${replayedCounts.join(', ')}\n`,
      );
      expect(forgeries).toEqual(l.nodes.map(() => 10 * forged.length));
      const ownName = (n: string): number => captured.filter((p) => p.includes(Buffer.from(n))).length;
      // (At least: a genuine reordered datagram would count too, though a bridge does not reorder.)
      l.nodes.forEach((n, i) =>
        expect([n, replayedCounts[i] >= 10 * (captured.length - ownName(n))]).toEqual([n, true]),
      );
      expect(l.logs()).toMatch(/heartbeats from 198\.51\.100\.100 dropped: badSignature 1/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('ten 350 ms freezes of speakers (SIGSTOP, SIGCONT to their pids) declare nobody dead and move no IP', async () => {
    const sole = { intervalMs: INTERVAL_MS, holdMs: 1_000, timeoutMs: 30_000, context: () => l.logs() };
    for (const [n, ip] of vips) await waitSole(pinger!, ip, { ...sole, mac: macs.get(n) });
    const since = Date.now();
    const from = pingerNow();
    const frozen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const node = l.nodes[i % l.nodes.length];
      frozen.push(`${node} ${(await freezeSpeaker(l, node, 350)).toFixed(0)} ms`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const verdicts = deadVerdicts(l, since);
    const moved = [...vips].map(([n, ip]) => {
      const answered = new Set(
        pinger!
          .replies(ip)
          .filter((x) => x.t >= from)
          .map((x) => nodeOfMac(x.mac)),
      );
      return `${ip} (${n}'s) answered by ${[...answered].join(' and ')}`;
    });
    process.stdout.write(`frozen: ${frozen.join(', ')}\n${moved.join('\n')}\n${JSON.stringify(verdicts)}\n`);
    expect(verdicts).toEqual([]);
    for (const [n, ip] of vips) {
      const answered = new Set(
        pinger!
          .replies(ip)
          .filter((x) => x.t >= from)
          .map((x) => nodeOfMac(x.mac)),
      );
      expect([ip, [...answered]]).toEqual([ip, [n]]);
    }
  });

  test('a SIGKILLed speaker is still found dead at once: its port refuses the next heartbeat', async () => {
    const [owner, ip] = [...vips][1];
    const mac = macs.get(owner)!;
    const sole = { intervalMs: INTERVAL_MS, timeoutMs: 30_000, context: () => l.logs() };
    await waitSole(pinger!, ip, { ...sole, mac, holdMs: 1_000 });
    const killed = pingerNow();
    const since = Date.now();
    await l.killSpeaker(owner);
    const next = await waitSole(pinger!, ip, { ...sole, not: mac, holdMs: 300 });
    const last = [...pinger!.replies(ip)].reverse().find((r) => r.mac === mac && r.t < next.since);
    const outage = next.since - (last?.t ?? killed);
    const verdicts = deadVerdicts(l, since).filter((v) => v.peer === owner);
    process.stdout.write(
      `${owner} SIGKILLed: ${ip} answered by ${nodeOfMac(next.mac)} after ${outage.toFixed(0)} ms; verdicts: ${verdicts.map((v) => v.why).join(', ')}\n`,
    );
    // The old silence rule alone took 400-500 ms; the refusal is seen within a heartbeat interval.
    expect(verdicts.map((v) => v.why)).toContain('refused');
    expect(outage).toBeLessThan(1_000);
    l.startSpeaker(owner);
    await waitSole(pinger!, ip, { ...sole, mac, holdMs: 1_000 });
  });
});
