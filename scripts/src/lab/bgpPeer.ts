// A stand-in for ironlb's BGP speaker until it exists: BIRD in a node namespace peering with the lab's router
// under the same BGP options (MD5, BFD, multihop, iBGP, graceful restart, IPv6 over IPv4), announcing routes with
// communities, large communities and (iBGP) a local preference, so the router queries have something to show.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BgpRouterOptions } from './bgpOptions';
import type { Lab } from './lab';
import type { LabPlan } from './plan';
import { findHost } from './plan';
import { birdIsUp } from './routerStatusParse';
import { runCmd, waitFor } from './sh';

export interface PeerAnnouncement {
  /** IPv4 prefixes (from 203.0.113.128/25) and, with ipv6OverIpv4 or an IPv6 lab, IPv6 ones (2001:db8:200::/64). */
  routes: string[];
  /** Standard communities "asn:value". */
  communities?: string[];
  /** Large communities "global:local1:local2". */
  largeCommunities?: string[];
  /** LOCAL_PREF, sent only on iBGP. */
  localPref?: number;
}

const pair = (c: string, parts: number): string => {
  const xs = c.split(':');
  if (xs.length !== parts || !xs.every((x) => /^\d+$/.test(x))) throw new Error(`bad community '${c}'`);
  return `(${xs.join(',')})`;
};

/** BIRD's config for the peer in `node`; pure. IPv6 routes ride the IPv4 session with ipv6OverIpv4, else none. */
export function renderPeerConfig(plan: LabPlan, node: string, opts: BgpRouterOptions, a: PeerAnnouncement): string {
  const h = findHost(plan, node).ifaces[0];
  const router = findHost(plan, 'router').ifaces[0];
  const v4 = a.routes.filter((r) => !r.includes(':'));
  const v6 = opts.ipv6OverIpv4 === true ? a.routes.filter((r) => r.includes(':')) : [];
  const attrs = [
    ...(a.communities ?? []).map((c) => `bgp_community.add(${pair(c, 2)});`),
    ...(a.largeCommunities ?? []).map((c) => `bgp_large_community.add(${pair(c, 3)});`),
    ...(a.localPref !== undefined && opts.ibgp === true ? [`bgp_local_pref = ${a.localPref};`] : []),
  ];
  const lines = [`router id ${h.ipv4};`, 'protocol device {}'];
  if (opts.bfd !== undefined) {
    const t = `interval ${opts.bfd.intervalMs} ms; multiplier ${opts.bfd.multiplier};`;
    lines.push(`protocol bfd { interface "*" { ${t} }; multihop { ${t} }; }`);
  }
  lines.push(`protocol static s4 { ipv4; ${v4.map((r) => `route ${r} blackhole;`).join(' ')} }`);
  if (v6.length > 0) lines.push(`protocol static s6 { ipv6; ${v6.map((r) => `route ${r} blackhole;`).join(' ')} }`);
  lines.push(`filter lab_attrs { ${[...attrs, 'accept;'].join(' ')} }`);
  lines.push(
    'protocol bgp uplink {',
    `  local ${h.ipv4} as ${plan.nodeAsn};`,
    `  neighbor ${router.ipv4} as ${plan.routerAsn};`,
    '  connect delay time 1;',
    '  error wait time 1, 2;',
  );
  if (opts.md5Password !== undefined) lines.push(`  password "${opts.md5Password}";`);
  if (opts.multihop !== undefined) lines.push(`  multihop ${opts.multihop};`);
  if (opts.ibgp === true) lines.push('  direct;');
  if (opts.bfd !== undefined) lines.push('  bfd on;');
  if (opts.gracefulRestartSec !== undefined) lines.push('  graceful restart on;');
  lines.push('  ipv4 { import none; export filter lab_attrs; next hop self; };');
  if (v6.length > 0) lines.push(`  ipv6 { import none; export filter lab_attrs; next hop address ${h.ipv6 ?? ''}; };`);
  lines.push('}', '');
  return lines.join('\n');
}

/** Starts the peer in `node` (its control socket: the returned path); resolves when BIRD runs. */
export async function startPeer(lab: Lab, node: string, a: PeerAnnouncement): Promise<{ socket: string; pid: number }> {
  const conf = path.join(lab.dir, `peer-${node}.conf`);
  fs.writeFileSync(conf, renderPeerConfig(lab.plan, node, lab.bgpOptions, a));
  const socket = path.join(lab.dir, `peer-${node}.ctl`);
  const child = lab.spawn(node, ['bird', '-f', '-c', conf, '-s', socket], { stdio: 'ignore' });
  const up = async (): Promise<boolean> => birdIsUp((await runCmd(['birdc', '-s', socket, 'show', 'status'])).stdout);
  if (!(await waitFor(up, 5000))) throw new Error(`peer BIRD in ${node} did not start`);
  return { socket, pid: child.pid };
}
