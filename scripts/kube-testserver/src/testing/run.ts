/** Running a short-lived program to completion: kubectl and helm here, and the lab's ip, nft and birdc in scripts. */
import { spawn } from 'node:child_process';

export interface CmdResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CmdOptions {
  input?: string;
  /** Kill the command after this long (default 20 s): a hung command must not hang a test run. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs argv to completion; never throws on a non-zero exit (code -1 when it could not start or timed out). */
export function runCommand(argv: string[], opts: CmdOptions = {}): Promise<CmdResult> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
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
