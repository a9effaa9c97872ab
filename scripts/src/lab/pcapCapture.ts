// Starting and stopping the programs of a capture (tcpdump, and the daemons whose traffic it records), shared by
// captureL2Vectors and captureBgpVectors. A child is stopped by its own pid: SIGTERM, then SIGKILL after a grace.
import type { ChildProcess } from 'node:child_process';
import { waitFor } from './sh';

export interface Watched {
  readonly child: ChildProcess;
  /** Resolves once the child has exited and its stdio streams are closed (all its output has been read). */
  readonly closed: Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once closed. Does nothing to a child that already exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Watch a child from the moment it is spawned (before its 'close' can be missed). */
export function watchChild(child: ChildProcess): Watched {
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  return {
    child,
    closed,
    stop: async (graceMs = 3000): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // A timer that is cleared once the child is gone: no stray timer keeps the process (or jest) alive.
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)));
        if (await Promise.race([closed.then(() => false), late])) child.kill('SIGKILL');
        clearTimeout(timer);
      }
      await closed;
    },
  };
}

export interface Tcpdump extends Watched {
  /** Resolves once tcpdump says `listening on` (it captures from then on); throws with its stderr otherwise. */
  listening(where: string, timeoutMs?: number): Promise<void>;
}

/** Watch a tcpdump spawned with its stderr piped. */
export function watchTcpdump(child: ChildProcess): Tcpdump {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    ...watchChild(child),
    listening: async (where: string, timeoutMs = 5000): Promise<void> => {
      if (!(await waitFor(async () => stderr.includes('listening on'), timeoutMs))) {
        throw new Error(`tcpdump ${where} did not start: ${stderr.trim() || '(no output)'}`);
      }
    },
  };
}
