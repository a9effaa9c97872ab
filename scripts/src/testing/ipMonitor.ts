/**
 * `ip -ts monitor <objects>` in a namespace, in the background: every event line with iproute2's own receipt time
 * (wall clock, microseconds; TZ=UTC so bgpFailoverCalc.stampOf reads it back as Date.now() would). Started with
 * `ip -n`, so the pid kept is iproute2's itself, and stop() ends exactly that process.
 */
import { spawn } from 'node:child_process';
import { sleep } from '../lab/sh';

export interface IpMonitor {
  /** Every line so far (an ECMP route's nexthop lines follow its stamped first line). */
  lines(): string[];
  stop(): Promise<void>;
}

export async function ipMonitor(netns: string, objects: readonly string[]): Promise<IpMonitor> {
  const child = spawn('ip', ['-ts', '-n', netns, 'monitor', ...objects], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TZ: 'UTC' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid);
    await exited;
  };
  // The netlink subscription is made within milliseconds of the start; `ip monitor` prints nothing to say so.
  await sleep(200);
  if (child.exitCode !== null) {
    await stop();
    throw new Error(`ip monitor ${objects.join(' ')} in ${netns} exited: ${err.trim()}`);
  }
  return { lines: () => out.split('\n'), stop };
}
