// Test helper: a snapshot of what a lab must never leave behind or touch: namespaces, root-namespace
// links, addresses and routes, and the lab's processes.
import * as fs from 'node:fs';
import { mustRun } from './sh';

export interface MachineState {
  /** Namespace names, minus those of other labs' test prefixes running in parallel. */
  netns: string[];
  rootLinks: string;
  rootAddrs: string;
  rootRoutes4: string;
  rootRoutes6: string;
}

function netnsOf(pid: string): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

// Router advertisements may refresh lifetimes: those are not the lab's doing.
const stable = (s: string): string => s.replace(/ expires \d+sec/g, '').trim();

export async function snapshotMachine(ownPrefix: string): Promise<MachineState> {
  const netnsDirEntries = fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns') : [];
  return {
    netns: netnsDirEntries.filter((n) => n.startsWith(`${ownPrefix}-`) || !/^ilbt[a-z0-9]+-/.test(n)).sort(),
    rootLinks: stable(await mustRun(['ip', '-br', 'link', 'show'])),
    rootAddrs: stable(await mustRun(['ip', '-br', 'addr', 'show'])),
    rootRoutes4: stable(await mustRun(['ip', 'route', 'show', 'table', 'all'])),
    rootRoutes6: stable(await mustRun(['ip', '-6', 'route', 'show', 'table', 'all'])),
  };
}

/** The inodes (`net:[n]`) of the prefix's namespaces, taken while the lab is up. */
export function labNetnsInodes(prefix: string): Set<string> {
  const out = new Set<string>();
  if (!fs.existsSync('/run/netns')) return out;
  for (const n of fs.readdirSync('/run/netns')) {
    if (!n.startsWith(`${prefix}-`)) continue;
    out.add(`net:[${fs.statSync(`/run/netns/${n}`).ino}]`);
  }
  return out;
}

/**
 * Processes that are still the lab's: inside one of its namespaces (a namespace lives on, unnamed, as
 * long as a process holds it) or naming the prefix on their command line. Identifying them positively
 * keeps other test files' labs, running in parallel, out of the picture.
 */
export function labProcessesLeft(inodes: Set<string>, prefix: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue;
    }
    const ns = netnsOf(e);
    if ((ns && inodes.has(ns)) || cmd.includes(prefix)) out.push(`${e} ${cmd}`);
  }
  return out;
}
