// Finding and ending the lab's processes by pid: the ones in the state file, every process inside a
// lab namespace (`ip netns pids`), and any whose command line names the lab's directory.
import * as fs from 'node:fs';
import { runCmd, sleep } from './sh';

/** Alive and not a zombie (a zombie has exited; it only waits for its parent to reap it). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function cmdlineOf(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s, i, a) => i < a.length - 1 || s !== '');
  } catch {
    return undefined;
  }
}

/** Same program and arguments as recorded: a pid reused by an unrelated process after a crash is not ours. */
export function isSameProcess(pid: number, argv: string[]): boolean {
  const cmd = cmdlineOf(pid);
  return cmd !== undefined && pidAlive(pid) && cmd.join('\0') === argv.join('\0');
}

export async function netnsPids(netns: string): Promise<number[]> {
  const r = await runCmd(['ip', 'netns', 'pids', netns], { timeoutMs: 5000 });
  if (r.code !== 0) return [];
  return r.stdout
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

/** Processes whose command line mentions `needle` (e.g. the lab's config dir), excluding ourselves. */
export function pidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const cmd = cmdlineOf(pid);
    if (cmd?.some((a) => a.includes(needle)) && pidAlive(pid)) out.push(pid);
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait again; returns the pids that refused to die. */
export async function killPids(pids: number[], graceMs = 2000): Promise<number[]> {
  const targets = [...new Set(pids)].filter((p) => p > 1 && p !== process.pid);
  for (const p of targets) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (targets.some(pidAlive) && Date.now() < deadline) await sleep(25);
  const stubborn = targets.filter(pidAlive);
  for (const p of stubborn) signal(p, 'SIGKILL');
  const killDeadline = Date.now() + 2000;
  while (stubborn.some(pidAlive) && Date.now() < killDeadline) await sleep(25);
  return stubborn.filter(pidAlive);
}
