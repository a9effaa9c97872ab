/**
 * `npm run bench -- l2-flood`: does a flood of ARP requests for addresses nobody announces delay the speaker's
 * answers? In the lab, the client ARPs for the VIP every 2 ms (arpPinger) while another node sends 100,000 requests
 * for unannounced addresses as fast as it can, unicast to the announcing node (arpFlood, the speaker's own addon). Round trips quiet and under the
 * flood are measured in one run, side by side; the speaker's BPF filter lets every ARP frame through, so each of the
 * 100,000 reaches its JavaScript and is dropped after a few byte reads.
 */
import * as path from 'node:path';
import { until } from '../testing/controllerProcess';
import { lbServiceYaml } from '../testing/ironlbYaml';
import { macOf, startSpeakerLab } from '../testing/speakerLab';
import { repoRoot } from '../tools';
import { ArpPinger, waitSole } from '../testing/arpPinger';
import { fmt, median, percentile } from './stats';

const FLOOD = path.join(repoRoot, 'scripts', 'dist', 'l2tools', 'arpFlood.js');
const FLOOD_FRAMES = 100_000;
const INTERVAL_MS = 2;

interface Rtts {
  readonly rtts: number[];
  readonly sent: number;
}

function summary(label: string, r: Rtts): string {
  return `${label}: ${r.rtts.length} of ${r.sent} answered, median ${fmt(median(r.rtts), 3)} ms, p99 ${fmt(percentile(r.rtts, 99), 3)} ms, max ${fmt(Math.max(...r.rtts), 2)} ms`;
}

export async function benchL2Flood(): Promise<void> {
  const l = await startSpeakerLab({ prefix: 'ilbbenchfl' });
  try {
    await l.ok(['apply', '-f', '-'], lbServiceYaml('vip'));
    const vip = (
      await until(
        () => l.ok(['get', 'svc', 'vip', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']),
        (ip) => ip.trim() !== '',
        l.logs,
      )
    ).trim();
    const macs = new Map<string, string>();
    for (const n of l.nodes) macs.set(await macOf(l.lab, n), n);
    const measure = async (during?: () => Promise<string>): Promise<Rtts & { flood?: string }> => {
      const pinger = await ArpPinger.start(l.lab, 'client', { intervalMs: INTERVAL_MS, targets: [vip] });
      try {
        const sole = await waitSole(pinger, vip, {
          intervalMs: INTERVAL_MS,
          holdMs: 200,
          timeoutMs: 30_000,
          context: l.logs,
        });
        const from = pinger.replies(vip).length;
        const flood = during ? await during() : await new Promise<string>((r) => setTimeout(() => r(''), 2_000));
        const replies = pinger.replies(vip).slice(from);
        const foreign = replies.find((r) => r.mac !== sole.mac);
        if (foreign) throw new Error(`${vip} answered by ${foreign.mac} too`);
        const seqs = replies.map((r) => r.seq);
        return { rtts: replies.map((r) => r.rttMs), sent: Math.max(...seqs) - Math.min(...seqs) + 1, flood };
      } finally {
        await pinger.stop();
      }
    };
    const home = await (async () => {
      const p = await ArpPinger.start(l.lab, 'client', { intervalMs: 10, targets: [vip] });
      try {
        return macs.get((await waitSole(p, vip, { intervalMs: 10, holdMs: 200, timeoutMs: 30_000 })).mac) ?? '';
      } finally {
        await p.stop();
      }
    })();
    const flooder = l.nodes.find((n) => n !== home) ?? 'node1';
    const homeMac = [...macs].find(([, n]) => n === home)?.[0] ?? '';
    // Unicast to the announcing node: only its speaker gets the flood, so the client's pinger measures the speaker.
    const flood = async (): Promise<string> => {
      const r = await l.lab.exec(flooder, [
        process.execPath,
        FLOOD,
        'eth0',
        l.lab.host(flooder).ipv4.split('/')[0],
        String(FLOOD_FRAMES),
        '198.51.100.50',
        '50',
        homeMac,
      ]);
      if (r.code !== 0) throw new Error(`arpFlood failed: ${r.stderr}`);
      return r.stdout.trim();
    };
    const quiet = await measure();
    const flooded = await measure(flood);
    const quietAfter = await measure();
    console.log(
      `ironlb-speaker under an ARP flood, in the lab: the VIP ${vip} announced by ${home}; the client ARPs every ${INTERVAL_MS} ms`,
    );
    console.log(
      `  flood from ${flooder}: ${FLOOD_FRAMES} requests for 50 unannounced addresses, unicast to ${home}, ${flooded.flood}`,
    );
    console.log(`    ${summary('quiet (before)', quiet)}`);
    console.log(`    ${summary('during the flood', flooded)}`);
    console.log(`    ${summary('quiet (after)', quietAfter)}`);
    const before = median([...quiet.rtts, ...quietAfter.rtts]);
    console.log(
      `    median ratio flood / quiet: ${fmt(median(flooded.rtts) / before, 2)}; p99 flood - quiet: ${fmt(percentile(flooded.rtts, 99) - percentile([...quiet.rtts, ...quietAfter.rtts], 99), 2)} ms`,
    );
    console.log('  reproduce: npm run bench -- l2-flood');
  } finally {
    await l.stop();
  }
}
