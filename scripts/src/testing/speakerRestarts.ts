/**
 * Restarts of speakers as a DaemonSet rolling update does them (SIGTERM to the speaker's own pid, the old process
 * gone, a new one started), measured from the client: how long each VIP went unanswered. Shared by the speaker's
 * membership lab test and the l2-failover benchmark.
 */
import { winner } from '@ironlb/speaker';
import { exclusiveSilence, type Silence } from '../bench/l2Trials';
import { pingerNow, waitSole, type ArpPinger } from './arpPinger';
import type { SpeakerLab } from './speakerLab';

/** One address of the lab's layer 2 pool per node, each one that node's own by the ranking (highest last octet first). */
export function vipPerNode(nodes: readonly string[], taken: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (let last = 254; last >= 200 && out.size < nodes.length; last--) {
    const ip = `198.51.100.${last}`;
    const owner = winner(ip, nodes);
    if (owner !== undefined && !out.has(owner) && !taken.includes(ip)) out.set(owner, ip);
  }
  if (out.size < nodes.length) throw new Error(`no address of the pool for every node: ${[...out.keys()].join(',')}`);
  return out;
}

/** A LoadBalancer Service asking for `ip`, for kubectl apply. */
export const serviceForIP = (name: string, ip: string): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  annotations:
    ironlb.io/loadBalancerIPs: ${ip}
spec:
  type: LoadBalancer
  ipFamilyPolicy: SingleStack
  ipFamilies: [IPv4]
  selector:
    app: ${name}
  ports:
    - port: 80
`;

export interface RestartTiming {
  readonly node: string;
  /** Pinger times: SIGTERM sent, the new process started, and its VIP answered by it alone again. */
  readonly stopped: number;
  readonly started: number;
  readonly back: number;
}

/**
 * SIGTERM to `node`'s speaker (its own pid), waits for it to exit, starts a new one, and waits until the node's VIP
 * has been answered by another MAC and then by the node's alone for `holdMs`.
 */
export async function restartAndWait(
  l: SpeakerLab,
  pinger: ArpPinger,
  node: string,
  vip: string,
  mac: string,
  opts: { intervalMs: number; holdMs?: number },
): Promise<RestartTiming> {
  const sole = { intervalMs: opts.intervalMs, timeoutMs: 30_000, context: () => l.logs() };
  await waitSole(pinger, vip, { ...sole, mac, holdMs: opts.holdMs ?? 1_000 });
  const stopped = pingerNow();
  await l.killSpeaker(node, 'SIGTERM');
  l.startSpeaker(node);
  const started = pingerNow();
  await waitSole(pinger, vip, { ...sole, not: mac, holdMs: 100 });
  await waitSole(pinger, vip, { ...sole, mac, holdMs: opts.holdMs ?? 1_000 });
  return { node, stopped, started, back: pingerNow() };
}

/**
 * Each VIP's longest silence in [from, to] (pinger times), and the most a silence exceeded what the other VIPs went
 * without at the same time (a loaded machine stalls every speaker and the client now and then).
 */
export function silences(pinger: ArpPinger, vips: readonly string[], from: number, to: number): Map<string, Silence> {
  return new Map(
    vips.map((ip) => [
      ip,
      exclusiveSilence(
        pinger.replies(ip),
        vips.filter((o) => o !== ip).map((o) => pinger.replies(o)),
        from,
        to,
      ),
    ]),
  );
}
