// The text `ironlb-lab status` prints. Pure: formats what status.ts gathered.
import type { RouterStatus } from './routerStatusParse';

export interface IfaceStatus {
  name: string;
  mac: string;
  state: string;
  addresses: string[];
}

export interface HostStatus {
  name: string;
  netns: string;
  exists: boolean;
  ifaces: IfaceStatus[];
  routes: string[];
}

export interface ProcessStatus {
  pid: number;
  host: string;
  role: string;
  alive: boolean;
  command: string;
}

export interface LabStatusReport {
  prefix: string;
  phase: string;
  stateFile: string;
  plan: string[];
  hosts: HostStatus[];
  router: RouterStatus;
  processes: ProcessStatus[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `ip -j addr show` inside a host, minus loopback. */
export function parseIfaces(json: string): IfaceStatus[] {
  const doc: unknown = JSON.parse(json || '[]');
  if (!Array.isArray(doc)) return [];
  return doc
    .filter(isRecord)
    .filter((l) => l.ifname !== 'lo')
    .map((l) => ({
      name: String(l.ifname),
      mac: String(l.address ?? ''),
      state: String(l.operstate ?? ''),
      addresses: (Array.isArray(l.addr_info) ? l.addr_info.filter(isRecord) : []).map(
        (a) => `${String(a.local)}/${String(a.prefixlen)}`,
      ),
    }));
}

export function formatStatus(r: LabStatusReport): string {
  const out = [`lab '${r.prefix}' (${r.phase}), state ${r.stateFile}`, '', 'address plan:'];
  out.push(...r.plan.map((l) => `  ${l}`), '', 'hosts:');
  for (const h of r.hosts) {
    out.push(`  ${h.name} (${h.netns})${h.exists ? '' : ' MISSING'}`);
    for (const i of h.ifaces)
      out.push(`    ${i.name.padEnd(9)} ${i.mac} ${i.state.padEnd(5)} ${i.addresses.join(' ')}`);
    for (const route of h.routes) out.push(`    route ${route}`);
  }
  out.push('', `router: ${r.router.daemon} ${r.router.up ? 'up' : 'DOWN'} (${r.router.detail})`);
  for (const s of r.router.sessions) out.push(`  ${s.name.padEnd(9)} ${s.neighbor.padEnd(16)} ${s.state}`);
  out.push('', 'processes:');
  for (const p of r.processes) {
    out.push(
      `  ${String(p.pid).padEnd(8)} ${p.alive ? 'alive' : 'gone '} ${p.host.padEnd(7)} ${p.role.padEnd(12)} ${p.command}`,
    );
  }
  return `${out.join('\n')}\n`;
}
