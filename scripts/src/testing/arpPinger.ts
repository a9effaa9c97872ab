/**
 * The client side of the l2-failover benchmark: scripts/dist/l2tools/arpPinger.js started in a lab host's
 * namespace, its JSON lines read as they come (replies kept per IP, in arrival order), and stopped by pid.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as readline from 'node:readline';
import type { Lab } from '../lab/lab';
import { repoRoot } from '../tools';

/** One ARP reply, as arpPinger prints it: when it reached the pinger, for which IP, from which MAC. */
export interface ArpReply {
  readonly t: number;
  readonly ip: string;
  readonly mac: string;
  readonly rttMs: number;
  /** The request it answers (the newest one sent for `ip` before it arrived). */
  readonly seq: number;
}

export const PINGER_SCRIPT = path.join(repoRoot, 'scripts', 'dist', 'l2tools', 'arpPinger.js');
/** The client's address: the sender IP of every request. */
export const CLIENT_IP = '198.51.100.100';

export interface PingerOptions {
  readonly intervalMs: number;
  readonly targets: readonly string[];
  /** One request per tick, cycling through the targets (default: every target each tick). */
  readonly alternate?: boolean;
  /** Stop after this many requests (default: until stop()). */
  readonly count?: number;
}

interface Line {
  ready?: boolean;
  done?: boolean;
  sent?: number;
  error?: string;
  t?: number;
  ip?: string;
  mac?: string;
  rttMs?: number;
  seq?: number;
}

/** The same clock as the pinger's `t`: milliseconds since the epoch, sub-millisecond. */
export const pingerNow = (): number => performance.timeOrigin + performance.now();

export class ArpPinger {
  private readonly byIP = new Map<string, ArpReply[]>();
  private readonly errorLines: string[] = [];
  private stderr = '';
  private sentCount: number | undefined;
  private running = true;
  /** Resolves when the pinger has exited (with its exit code, or the signal's name). */
  readonly exited: Promise<string>;

  private constructor(
    private readonly child: ReturnType<Lab['spawn']>,
    ready: (mac: string) => void,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.running = false;
        resolve(signal ?? String(code));
      }),
    );
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    readline.createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as Line;
      if (line.ready) ready(String(line.mac));
      else if (line.done) this.sentCount = line.sent;
      else if (line.error !== undefined) this.errorLines.push(line.error);
      else if (line.ip !== undefined) {
        const r = line as ArpReply;
        const list = this.byIP.get(r.ip);
        if (list) list.push(r);
        else this.byIP.set(r.ip, [r]);
      }
    });
  }

  /** Starts the pinger on `host`'s eth0 and resolves once its socket is open. */
  static async start(lab: Lab, host: string, opts: PingerOptions): Promise<ArpPinger> {
    const argv = [
      process.execPath,
      PINGER_SCRIPT,
      '--interface',
      'eth0',
      '--sender-ip',
      CLIENT_IP,
      '--interval-ms',
      String(opts.intervalMs),
      ...opts.targets.flatMap((t) => ['--target', t]),
      ...(opts.alternate ? ['--alternate'] : []),
      ...(opts.count !== undefined ? ['--count', String(opts.count)] : []),
    ];
    // stdin stays a pipe: the pinger stops when it ends, so it cannot outlive this process.
    const child = lab.spawn(host, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let pinger: ArpPinger | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      pinger = new ArpPinger(child, () => resolve());
      void pinger.exited.then((how) =>
        reject(new Error(`arpPinger exited (${how}) before it was ready: ${pinger?.stderr}`)),
      );
    });
    await ready;
    return pinger!;
  }

  /** Replies for `ip` so far, in arrival order (the live array: it grows while the pinger runs). */
  replies(ip: string): readonly ArpReply[] {
    return this.byIP.get(ip) ?? [];
  }

  /** Requests sent, once the pinger has said so (at its end). */
  get sent(): number | undefined {
    return this.sentCount;
  }

  get errors(): readonly string[] {
    return this.errorLines;
  }

  /** Ends the pinger (SIGTERM to its pid; SIGKILL if it has not exited after 2 s) and waits for it. */
  async stop(): Promise<void> {
    if (!this.running) return;
    process.kill(this.child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) process.kill(this.child.pid, 'SIGKILL');
    }, 2_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface SoleOptions {
  /** The MAC that must be the one answering; or `not`: any MAC but this one. */
  readonly mac?: string;
  readonly not?: string;
  /** How long it must have answered alone (and at least 80% of the requests in that time). */
  readonly holdMs: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Why it did not happen, for the error (e.g. the speakers' logs). */
  readonly context?: () => string;
}

/**
 * Waits until exactly one MAC has answered for `ip` over the last `holdMs` (and `mac` / `not` hold for it), and
 * resolves with that MAC and the pinger time it was first seen in that run.
 */
export async function waitSole(pinger: ArpPinger, ip: string, o: SoleOptions): Promise<{ mac: string; since: number }> {
  const deadline = Date.now() + o.timeoutMs;
  let last = 'no reply yet';
  for (;;) {
    const now = pingerNow();
    const all = pinger.replies(ip);
    let i = all.length;
    while (i > 0 && all[i - 1].t >= now - o.holdMs) i--;
    const recent = all.slice(i);
    const macs = new Set(recent.map((r) => r.mac));
    if (macs.size === 1 && recent.length >= (0.8 * o.holdMs) / o.intervalMs) {
      const [mac] = macs;
      if ((o.mac === undefined || mac === o.mac) && (o.not === undefined || mac !== o.not)) {
        let j = i;
        while (j > 0 && all[j - 1].mac === mac) j--;
        return { mac, since: all[j].t };
      }
    }
    last = `${recent.length} replies in the last ${o.holdMs} ms from [${[...macs].join(', ')}]`;
    if (Date.now() > deadline) {
      throw new Error(
        `${ip}: no sole answer${o.mac ? ` from ${o.mac}` : ''}${o.not ? ` other than ${o.not}` : ''} within ${o.timeoutMs} ms (${last})\n${o.context?.() ?? ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
