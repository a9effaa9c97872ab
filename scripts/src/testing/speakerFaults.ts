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

/** SIGSTOP to `node`'s speaker (its own pid), SIGCONT `ms` later; resolves with how long it really was stopped. */
export async function freezeSpeaker(l: SpeakerLab, node: string, ms: number): Promise<number> {
  const s = l.speakers.get(node);
  if (!s?.running()) throw new Error(`the speaker on ${node} is not running`);
  const t0 = performance.now();
  process.kill(s.child.pid, 'SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    process.kill(s.child.pid, 'SIGCONT');
  }
  return performance.now() - t0;
}

/**
 * `n` processes spinning on the CPU (`node -e 'for(;;);'`), in the client's namespace so the lab sweeps them if
 * this process dies; stop() ends each by its pid.
 */
export function busyProcesses(l: SpeakerLab, n: number): { stop(): Promise<void> } {
  const children = Array.from({ length: n }, () =>
    l.lab.spawn('client', [process.execPath, '-e', 'for(;;);'], { stdio: 'ignore' }),
  );
  return {
    stop: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              process.kill(c.pid, 'SIGKILL');
            }),
        ),
      );
    },
  };
}

/** The speakers' "speaker dead" log lines from `since` (ms since the epoch) on: who said it, of whom, why. */
export function deadVerdicts(l: SpeakerLab, since: number): { node: string; peer: string; why: string }[] {
  const out: { node: string; peer: string; why: string }[] = [];
  for (const [node, s] of l.speakers) {
    for (const line of s.output().split('\n')) {
      if (!line.includes('"msg":"speaker dead"')) continue;
      const v = JSON.parse(line) as { time: number; peer: string; why: string };
      if (v.time >= since) out.push({ node, peer: v.peer, why: v.why });
    }
  }
  return out;
}

/** How many times the MAC answering `ip` changed in [from, to]: an ownership change, or two owners at once. */
export function macChanges(pinger: ArpPinger, ip: string, from: number, to: number): number {
  let changes = 0;
  let last: string | undefined;
  for (const r of pinger.replies(ip)) {
    if (r.t < from || r.t > to) continue;
    if (last !== undefined && r.mac !== last) changes++;
    last = r.mac;
  }
  return changes;
}
