// `down` and the crash sweep: ends every lab process, deletes every lab namespace and file. Works from
// the state file when there is one and from the prefix alone when there is not (after a crash).
import * as fs from 'node:fs';
import { labDirPath, labHostOfNetns } from './names';
import { restoreNetnsDir } from './netnsDir';
import { isSameProcess, killPids, netnsPids, pidsMentioning } from './processes';
import { runCmd } from './sh';
import type { LabState } from './state';
import { removeRunDirIfEmpty, removeState } from './stateStore';

/** Lab namespaces that exist now for this prefix (read from /run/netns, where `ip netns` keeps them). */
export function existingLabNamespaces(prefix: string): string[] {
  try {
    return fs.readdirSync('/run/netns').filter((n) => labHostOfNetns(prefix, n) !== undefined);
  } catch {
    return [];
  }
}

export interface SweepReport {
  killed: number[];
  namespaces: string[];
  survivors: number[];
}

async function labPids(prefix: string, state: LabState | undefined, namespaces: string[]): Promise<number[]> {
  const fromState = (state?.processes ?? []).filter((p) => isSameProcess(p.pid, p.argv)).map((p) => p.pid);
  const inNetns = (await Promise.all(namespaces.map(netnsPids))).flat();
  // A process whose namespace was already deleted still names the lab dir (configs, sockets) on its command line.
  const mentioning = pidsMentioning(`${labDirPath(prefix)}/`);
  return [...new Set([...fromState, ...inNetns, ...mentioning])];
}

export async function sweepLab(prefix: string, state: LabState | undefined): Promise<SweepReport> {
  const namespaces = [...new Set([...(state?.namespaces ?? []), ...existingLabNamespaces(prefix)])];
  const killed: number[] = [];
  let survivors: number[] = [];
  // Repeat: a forking server (socat fork) may have spawned a child while we were killing its parent.
  for (let round = 0; round < 3; round++) {
    const pids = (await labPids(prefix, state, namespaces)).filter((p) => !killed.includes(p));
    if (pids.length === 0) break;
    killed.push(...pids);
    survivors = await killPids(pids);
  }
  // Pods and nodes first, the switch last: nothing depends on the order, but it reads better in logs.
  const ordered = [...namespaces].sort((a, b) => Number(a.endsWith('-sw')) - Number(b.endsWith('-sw')));
  await Promise.all(ordered.map((ns) => runCmd(['ip', 'netns', 'del', ns])));
  for (const d of new Set([...(state?.dirs ?? []), labDirPath(prefix)])) fs.rmSync(d, { recursive: true, force: true });
  removeState(prefix);
  await restoreNetnsDir();
  removeRunDirIfEmpty();
  return { killed, namespaces: ordered, survivors };
}
