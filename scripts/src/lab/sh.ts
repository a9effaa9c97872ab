// Running commands: where the lab and its tests start short-lived programs (ip, nft, birdc, vtysh...); kubectl and
// helm run through @ironlb/kube-testserver's kubeTools.
import { spawn } from 'node:child_process';
import type { CmdResult } from '@ironlb/kube-testserver';
export type { CmdResult };

export interface CmdOptions {
  input?: string;
  /** Kill the command after this long (default 20 s): a hung `ip` must not hang a test run. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs argv to completion; never throws on a non-zero exit (code -1 when it could not start or timed out). */
export function runCmd(argv: string[], opts: CmdOptions = {}): Promise<CmdResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${opts.timeoutMs ?? 20000} ms)`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 20000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs argv and returns stdout; throws with the command and its stderr when it fails. */
export async function mustRun(argv: string[], opts: CmdOptions = {}): Promise<string> {
  const r = await runCmd(argv, opts);
  if (r.code !== 0) throw new Error(`'${argv.join(' ')}' failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** argv run inside a network namespace; `ip netns exec` execs it, so the pid stays the command's. */
export const inNetns = (netns: string, argv: string[]): string[] => ['ip', 'netns', 'exec', netns, ...argv];

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last answer. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}
