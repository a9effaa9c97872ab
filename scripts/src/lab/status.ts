// Gathers what `ironlb-lab status` shows: live interfaces, routes, router sessions and processes.
import type { Lab } from './lab';
import { stateFilePath } from './names';
import { describePlan } from './plan';
import { isSameProcess } from './processes';
import { runCmd } from './sh';
import { parseIfaces, type HostStatus, type LabStatusReport } from './statusFormat';
import { readState } from './stateStore';
import { existingLabNamespaces } from './teardown';

async function hostStatus(name: string, netns: string, present: Set<string>): Promise<HostStatus> {
  if (!present.has(netns)) return { name, netns, exists: false, ifaces: [], routes: [] };
  const [addr, r4, r6] = await Promise.all([
    runCmd(['ip', '-n', netns, '-j', 'addr', 'show']),
    runCmd(['ip', '-n', netns, '-4', 'route', 'show']),
    runCmd(['ip', '-n', netns, '-6', 'route', 'show']),
  ]);
  const routes = `${r4.stdout}${r6.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('fe80::') && !l.startsWith('multicast'));
  return { name, netns, exists: true, ifaces: parseIfaces(addr.stdout), routes };
}

export async function gatherStatus(lab: Lab): Promise<LabStatusReport> {
  const present = new Set(existingLabNamespaces(lab.prefix));
  const hosts = await Promise.all([
    hostStatus('sw', lab.plan.switchNetns, present),
    ...lab.plan.hosts.map((h) => hostStatus(h.name, h.netns, present)),
  ]);
  const state = readState(lab.prefix);
  return {
    prefix: lab.prefix,
    phase: state?.phase ?? 'no state file',
    stateFile: stateFilePath(lab.prefix),
    plan: describePlan(lab.plan),
    hosts,
    router: await lab.routerStatus(),
    processes: lab.processes.map((p) => ({
      pid: p.pid,
      host: p.host,
      role: p.role,
      alive: isSameProcess(p.pid, p.argv),
      command: p.argv.join(' '),
    })),
  };
}
