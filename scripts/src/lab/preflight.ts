// Checks before `up` touches anything: root, the tools, and that the plan cannot collide with the
// machine's own network (the uplink lives in 192.0.2.0/24).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RouterKind, LabPlan } from './plan';
import { plannedPrefixes } from './plan';
import { findOverlaps, parseIpAddrJson, parseIpRouteJson } from './rootCheck';
import { mustRun } from './sh';

export function assertRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      'ironlb-lab must run as root (network namespaces need CAP_SYS_ADMIN): try `sudo npx ironlb-lab ...`',
    );
  }
}

interface Tool {
  bin: string;
  pkg: string;
}

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of `bin` on PATH (plus the sbin dirs, which a non-login PATH may lack), or undefined. */
export function which(bin: string): string | undefined {
  const candidates = bin.startsWith('/')
    ? [bin]
    : [...(process.env.PATH ?? '').split(':'), ...SBIN_DIRS].filter(Boolean).map((d) => path.join(d, bin));
  // Mode bits rather than access(X_OK): for root, access() says yes to any file.
  return candidates.find((p) => {
    try {
      const st = fs.statSync(p);
      return st.isFile() && (st.mode & 0o111) !== 0;
    } catch {
      return false;
    }
  });
}

export function toolsFor(router: RouterKind, socat: boolean): Tool[] {
  const tools: Tool[] = [
    { bin: 'ip', pkg: 'iproute2' },
    { bin: 'sysctl', pkg: 'procps' },
  ];
  if (socat) tools.push({ bin: 'socat', pkg: 'socat' });
  if (router === 'bird') tools.push({ bin: 'bird', pkg: 'bird2' }, { bin: 'birdc', pkg: 'bird2' });
  if (router === 'frr') {
    tools.push(
      { bin: '/usr/lib/frr/zebra', pkg: 'frr' },
      { bin: '/usr/lib/frr/bgpd', pkg: 'frr' },
      { bin: 'vtysh', pkg: 'frr' },
    );
  }
  if (router === 'gobgp') tools.push({ bin: 'gobgpd', pkg: 'gobgpd' });
  return tools;
}

/** Empty when all tools are there, else the message with the exact command that installs them. */
export function missingToolsMessage(tools: Tool[]): string {
  const missing = tools.filter((t) => which(t.bin) === undefined);
  if (missing.length === 0) return '';
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  return (
    `missing tools: ${missing.map((t) => `${t.bin} (Debian package ${t.pkg})`).join(', ')}\n` +
    `install them as root: apt-get update && apt-get install -y ${pkgs.join(' ')}\n` +
    `(or run 'node scripts/bin/ensure-deps.js', which installs everything the tests need)`
  );
}

export function assertTools(tools: Tool[]): void {
  const msg = missingToolsMessage(tools);
  if (msg) throw new Error(msg);
}

/** Refuses when any planned prefix overlaps an address or (non-default) route of the root namespace. */
export async function assertNoRootOverlap(plan: LabPlan): Promise<void> {
  const [addrs, routes4, routes6] = await Promise.all([
    mustRun(['ip', '-j', 'addr', 'show']),
    mustRun(['ip', '-j', '-4', 'route', 'show', 'table', 'all']),
    mustRun(['ip', '-j', '-6', 'route', 'show', 'table', 'all']),
  ]);
  const root = [...parseIpAddrJson(addrs), ...parseIpRouteJson(routes4), ...parseIpRouteJson(routes6)];
  const clashes = findOverlaps(plannedPrefixes(plan), root);
  if (clashes.length > 0) {
    throw new Error(
      `refusing to start: the lab's addresses collide with this machine's network:\n  ${clashes.join('\n  ')}`,
    );
  }
}
