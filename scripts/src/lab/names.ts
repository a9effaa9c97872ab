// Every namespace, file and process of a lab carries its prefix, so several labs (parallel test files)
// coexist and a crashed lab can be found and swept by name alone. Pure, no I/O.
import * as path from 'node:path';

export const DEFAULT_PREFIX = 'ilb';

/** Where state files live: tmpfs, so a reboot (which also forgets namespaces) forgets them too. */
export const RUN_DIR = '/run/ironlb-lab';

// Lowercase letters and digits only: no '-', so `ilb-` can never match the namespaces of `ilb-x`
// or `ilbt1`, and short enough that `<prefix>-node12` stays a readable name.
const PREFIX_RE = /^[a-z][a-z0-9]{0,11}$/;

export function validatePrefix(prefix: string): string {
  if (!PREFIX_RE.test(prefix)) {
    throw new Error(`invalid lab prefix '${prefix}': use 1-12 lowercase letters/digits, starting with a letter`);
  }
  return prefix;
}

export const netnsName = (prefix: string, host: string): string => `${prefix}-${host}`;

// kpod<N>: the lab kubelet's pod sandboxes (kubelet/sandbox.ts), swept with the lab.
const HOST_RE = /^(sw|router|client|node\d+|pod\d+|kpod\d+)$/;

/** The host name when `netns` is one of the prefix's lab namespaces, else undefined. */
export function labHostOfNetns(prefix: string, netns: string): string | undefined {
  if (!netns.startsWith(`${prefix}-`)) return undefined;
  const host = netns.slice(prefix.length + 1);
  return HOST_RE.test(host) ? host : undefined;
}

export const stateFilePath = (prefix: string, runDir = RUN_DIR): string => path.join(runDir, `${prefix}.json`);
/** Per-lab directory for daemon configs, control sockets, pid and log files. */
export const labDirPath = (prefix: string, runDir = RUN_DIR): string => path.join(runDir, prefix);

/** A fresh prefix for a test file, so test files running in parallel never share a namespace. */
export function randomTestPrefix(): string {
  return `ilbt${Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}
