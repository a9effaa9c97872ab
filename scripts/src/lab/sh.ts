// Running commands in the lab and its tests (ip, nft, birdc, vtysh...), with @ironlb/kube-testserver's one runner.
import { runCommand, type CmdOptions, type CmdResult } from '@ironlb/kube-testserver';
export type { CmdOptions, CmdResult };

/** Runs argv to completion; never throws on a non-zero exit (code -1 when it could not start or timed out). */
export const runCmd = runCommand;

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
