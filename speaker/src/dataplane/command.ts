/**
 * The dataplane's only way to the kernel's rules: programs run to completion (nft, iptables-restore, conntrack), with
 * their input on stdin. An interface, so that the backends' edges are tested by the argv and input they hand over
 * without running anything; `processRunner` is the real one.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** The exit code; -1 when the program could not start, was killed, or timed out. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandRunner {
  /** Runs argv to completion, writing `input` to its stdin; never rejects (a failure is in the result). */
  run(argv: readonly string[], input?: string): Promise<CommandResult>;
}

/**
 * Runs each command as a child process. `timeoutMs` bounds a command that hangs (iptables waiting on a lock held
 * forever): it is killed and reported as code -1.
 */
export function processRunner(timeoutMs = 30_000): CommandRunner {
  return {
    run: (argv, input) =>
      new Promise((resolve) => {
        const [cmd, ...args] = argv;
        const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let failure: string | undefined;
        const timer = setTimeout(() => {
          failure = `timed out after ${timeoutMs} ms`;
          child.kill('SIGKILL');
        }, timeoutMs);
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => err.push(b));
        // A program that exits before reading its stdin closes the pipe: EPIPE here, its exit code tells the rest.
        child.stdin.on('error', () => undefined);
        child.on('error', (e) => {
          failure ??= e.message;
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          const stderr = Buffer.concat(err).toString('utf8');
          resolve({
            code: failure === undefined && code !== null ? code : -1,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: failure === undefined ? stderr : `${failure}${stderr === '' ? '' : `\n${stderr}`}`,
          });
        });
        child.stdin.end(input ?? '');
      }),
  };
}

/** The first lines of a failed command's stderr, for an error message (nft can print a screenful). */
export function failureText(argv: readonly string[], r: CommandResult, lines = 6): string {
  const text = r.stderr.trim().split('\n').slice(0, lines).join('\n');
  return `'${argv.join(' ')}' failed (exit ${r.code}): ${text}`;
}
