// `ip netns add` creates and mounts /run/netns the first time it runs on a machine. To leave the
// machine as it was, the lab notes when it was the one that created it, and the last lab down
// unmounts and removes it again (only when it is empty: someone else may use namespaces too).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_DIR } from './names';
import { listRunDir } from './stateStore';
import { runCmd } from './sh';

const NETNS_DIR = '/run/netns';
const MARKER = path.join(RUN_DIR, 'created-run-netns');

/** Call before the first `ip netns add`. */
export function noteNetnsDir(): void {
  if (fs.existsSync(NETNS_DIR)) return;
  fs.mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
  fs.writeFileSync(MARKER, `${new Date().toISOString()}\n`);
}

function mounted(): boolean {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[4] === NETNS_DIR);
}

/** Call after a lab is down: undoes /run/netns when a lab created it and no lab or namespace remains. */
export async function restoreNetnsDir(): Promise<void> {
  if (!fs.existsSync(MARKER)) return;
  if (listRunDir().some((f) => f.endsWith('.json'))) return;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(NETNS_DIR);
  } catch {
    entries = [];
  }
  if (entries.length > 0) return;
  for (let i = 0; i < 3 && fs.existsSync(NETNS_DIR) && mounted(); i++) await runCmd(['umount', NETNS_DIR]);
  try {
    fs.rmdirSync(NETNS_DIR);
  } catch {
    // Already gone, or in use after all: leave it.
  }
  fs.rmSync(MARKER, { force: true });
}
