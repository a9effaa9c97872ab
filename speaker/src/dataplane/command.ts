/**
 * The dataplane's only way to the kernel's rules: programs run to completion (nft, iptables-restore, conntrack), with
 * their input on stdin. Behind an interface, so the backends' edges are tested by the argv and input they hand over.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type CommandRunner = (argv: readonly string[], input?: string) => Promise<CommandResult>;

/** Runs argv; never throws (code -1 when it could not start or ran past `timeoutMs` and was killed). */
export function runProgram(timeoutMs = 60_000): CommandRunner {
  return (argv, input) =>
    new Promise((resolve) => {
      const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let note = '';
      const timer = setTimeout(() => {
        note = `\n(killed after ${timeoutMs} ms)`;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      const done = (code: number, extra = ''): void => {
        clearTimeout(timer);
        resolve({
          code,
          stdout: Buffer.concat(out).toString(),
          stderr: `${Buffer.concat(err).toString()}${extra}${note}`,
        });
      };
      child.on('error', (e) => done(-1, e.message));
      child.on('close', (code) => done(code ?? -1));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
}

/** The first lines of a failed command's stderr, for an error message (nft can print a screenful). */
export function failureText(argv: readonly string[], r: CommandResult, lines = 6): string {
  const text = r.stderr.trim().split('\n').slice(0, lines).join('\n');
  return `'${argv.join(' ')}' failed (exit ${r.code}): ${text}`;
}
