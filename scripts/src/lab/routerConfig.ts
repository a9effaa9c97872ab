// Config files for the router host's BGP daemon. Pure: text in, text out, unit-tested.
// Every daemon listens passively (the speakers under test dial in) with one explicit neighbor per
// node address, so `routerStatus()` can name each node's session.
import type { BgpRouterOptions } from './bgpOptions';
import type { LabPlan } from './plan';

export interface BgpNeighbor {
  /** A protocol-safe name: node1, node1_v6. */
  name: string;
  address: string;
  family: 4 | 6;
}

export function bgpNeighbors(plan: LabPlan): BgpNeighbor[] {
  const out: BgpNeighbor[] = [];
  for (const h of plan.hosts) {
    if (h.role !== 'node') continue;
    const eth0 = h.ifaces[0];
    out.push({ name: h.name, address: eth0.ipv4, family: 4 });
    if (eth0.ipv6) out.push({ name: `${h.name}_v6`, address: eth0.ipv6, family: 6 });
  }
  return out;
}

const routerIp = (plan: LabPlan): string => plan.hosts.find((h) => h.role === 'router')?.ifaces[0].ipv4 ?? '';

/** The channels a neighbor's session carries: its own family, and IPv6 too on IPv4 with ipv6OverIpv4. */
export function neighborFamilies(n: BgpNeighbor, opts: BgpRouterOptions): (4 | 6)[] {
  return n.family === 4 && opts.ipv6OverIpv4 === true ? [4, 6] : [n.family];
}

/** Keepalive for a hold time: a third of it (RFC 4271 10 suggests), 0 when hold timers are off. */
const keepaliveOf = (holdTimeSec: number): number => Math.floor(holdTimeSec / 3);

function birdSessionLines(plan: LabPlan, opts: BgpRouterOptions, family: 4 | 6): string[] {
  // BFD over a multihop session needs the source address spelled out (BIRD refuses the config otherwise).
  const eth0 = plan.hosts.find((h) => h.role === 'router')?.ifaces[0];
  const local = opts.multihop !== undefined && eth0 ? `${family === 4 ? eth0.ipv4 : (eth0.ipv6 ?? '')} ` : '';
  const lines = [`  local ${local}as ${plan.routerAsn};`, '  passive on;'];
  if (opts.md5Password !== undefined) lines.push(`  password "${opts.md5Password}";`);
  if (opts.multihop !== undefined) {
    lines.push(`  multihop ${opts.multihop};`);
  } else if (opts.ibgp === true) {
    // BIRD treats iBGP neighbors as multihop unless told they are directly connected.
    lines.push('  direct;');
  }
  if (opts.holdTimeSec !== undefined) {
    lines.push(`  hold time ${opts.holdTimeSec};`, `  keepalive time ${keepaliveOf(opts.holdTimeSec)};`);
  }
  if (opts.errorWaitSec !== undefined) {
    lines.push(`  error wait time 1, ${opts.errorWaitSec};`, `  connect retry time ${opts.errorWaitSec};`);
  }
  if (opts.gracefulRestartSec !== undefined) {
    lines.push('  graceful restart on;', `  graceful restart time ${opts.gracefulRestartSec};`);
  }
  // `bfd graceful`: a BFD Down is treated like the TCP session dropping, so graceful restart keeps the paths.
  if (opts.bfd !== undefined) lines.push(opts.bfd.graceful === true ? '  bfd graceful;' : '  bfd on;');
  return lines;
}

/** BIRD 2: learned routes go into the router's kernel table (ECMP merged) so the client can reach VIPs. */
export function renderBirdConfig(plan: LabPlan, opts: BgpRouterOptions = {}): string {
  const lines = [
    `# ironlb lab ${plan.prefix}: router AS ${plan.routerAsn}, passive BGP for every node (AS ${plan.nodeAsn})`,
    'log stderr all;',
    `router id ${routerIp(plan)};`,
    'protocol device {}',
    'protocol kernel kernel4 { merge paths on; ipv4 { import none; export all; }; }',
  ];
  if (plan.ipv6) lines.push('protocol kernel kernel6 { merge paths on; ipv6 { import none; export all; }; }');
  if (opts.bfd !== undefined) {
    const b = opts.bfd;
    const timers = `interval ${b.intervalMs} ms; multiplier ${b.multiplier};`;
    lines.push(`protocol bfd lab_bfd { interface "*" { ${timers} }; multihop { ${timers} }; }`);
  }
  // A multihop session resolves its next hops recursively, through an IGP table: give it one holding the
  // connected segment alone (separate from master, so nothing of it reaches the kernel protocol).
  const multihop = opts.multihop !== undefined;
  if (multihop) {
    lines.push('ipv4 table lab_igp4;', 'ipv6 table lab_igp6;');
    lines.push('protocol direct lab_direct { ipv4 { table lab_igp4; }; ipv6 { table lab_igp6; }; }');
  }
  const igp = (family: 4 | 6): string => (multihop ? ` igp table lab_igp${family};` : '');
  const channel = (family: 4 | 6): string => `  ipv${family} { import all; export none;${igp(family)} };`;
  lines.push('template bgp lab_node4 {', ...birdSessionLines(plan, opts, 4), channel(4));
  // IPv6 routes over the IPv4 session: their next hop is the node's IPv6 address inside MP_REACH
  // (RFC 4760), not an IPv4-mapped one; extended next hop (RFC 8950) is about the reverse case.
  if (opts.ipv6OverIpv4 === true) lines.push(channel(6));
  lines.push('}', 'template bgp lab_node6 {', ...birdSessionLines(plan, opts, 6), channel(6), '}');
  for (const n of bgpNeighbors(plan)) {
    lines.push(`protocol bgp ${n.name} from lab_node${n.family} { neighbor ${n.address} as ${plan.nodeAsn}; }`);
  }
  return `${lines.join('\n')}\n`;
}

export const FRR_BFD_PROFILE = 'lab';

function frrNeighborLines(n: BgpNeighbor, plan: LabPlan, opts: BgpRouterOptions): string[] {
  const a = ` neighbor ${n.address}`;
  const lines = [`${a} remote-as ${plan.nodeAsn}`, `${a} passive`, `${a} description ${n.name}`];
  if (opts.md5Password !== undefined) lines.push(`${a} password ${opts.md5Password}`);
  if (opts.multihop !== undefined) lines.push(`${a} ebgp-multihop ${opts.multihop}`);
  if (opts.holdTimeSec !== undefined) lines.push(`${a} timers ${keepaliveOf(opts.holdTimeSec)} ${opts.holdTimeSec}`);
  if (opts.errorWaitSec !== undefined) lines.push(`${a} timers connect ${opts.errorWaitSec}`);
  if (opts.bfd !== undefined) lines.push(`${a} bfd`, `${a} bfd profile ${FRR_BFD_PROFILE}`);
  return lines;
}

/** FRR: zebra (installs learned routes), bgpd and, with BFD, bfdd each get their own file in the lab's FRR dir. */
export function renderFrrConfig(
  plan: LabPlan,
  opts: BgpRouterOptions = {},
): { zebra: string; bgpd: string; bfdd?: string } {
  const header = [
    `! ironlb lab ${plan.prefix}`,
    'frr defaults traditional',
    `hostname ${plan.prefix}-router`,
    'log stdout informational',
    '!',
  ];
  const neighbors = bgpNeighbors(plan);
  const lines = [
    ...header,
    `router bgp ${plan.routerAsn}`,
    ` bgp router-id ${routerIp(plan)}`,
    // The lab is a test bench: accept and keep whatever the speakers announce without policies.
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' bgp bestpath as-path multipath-relax',
  ];
  if (opts.gracefulRestartSec !== undefined) {
    lines.push(' bgp graceful-restart', ` bgp graceful-restart restart-time ${opts.gracefulRestartSec}`);
  }
  for (const n of neighbors) lines.push(...frrNeighborLines(n, plan, opts));
  for (const family of [4, 6] as const) {
    const fam = neighbors.filter((n) => neighborFamilies(n, opts).includes(family));
    if (fam.length === 0) continue;
    lines.push(` address-family ipv${family} unicast`, '  maximum-paths 8');
    if (opts.ibgp === true) lines.push('  maximum-paths ibgp 8');
    for (const n of fam) lines.push(`  neighbor ${n.address} activate`);
    lines.push(' exit-address-family');
  }
  lines.push('!');
  const out: { zebra: string; bgpd: string; bfdd?: string } = {
    zebra: `${header.join('\n')}\n`,
    bgpd: `${lines.join('\n')}\n`,
  };
  if (opts.bfd !== undefined) {
    const b = opts.bfd;
    out.bfdd = `${[
      ...header,
      'bfd',
      ` profile ${FRR_BFD_PROFILE}`,
      `  receive-interval ${b.intervalMs}`,
      `  transmit-interval ${b.intervalMs}`,
      `  detect-multiplier ${b.multiplier}`,
      ' exit',
      'exit',
      '!',
    ].join('\n')}\n`;
  }
  return out;
}

export const GOBGP_API_PORT = 50051;

/** GoBGP (TOML): no kernel route installation (that needs zebra); the RIB is queried over its API. No BFD. */
export function renderGobgpConfig(plan: LabPlan, opts: BgpRouterOptions = {}): string {
  const lines = [
    `# ironlb lab ${plan.prefix}: router AS ${plan.routerAsn}, passive BGP for every node (AS ${plan.nodeAsn})`,
    '[global.config]',
    `  as = ${plan.routerAsn}`,
    `  router-id = "${routerIp(plan)}"`,
    '  port = 179',
  ];
  for (const n of bgpNeighbors(plan)) {
    lines.push('', '[[neighbors]]', '  [neighbors.config]');
    lines.push(
      `    neighbor-address = "${n.address}"`,
      `    peer-as = ${plan.nodeAsn}`,
      `    description = "${n.name}"`,
    );
    if (opts.md5Password !== undefined) lines.push(`    auth-password = "${opts.md5Password}"`);
    lines.push('  [neighbors.transport.config]', '    passive-mode = true');
    if (opts.holdTimeSec !== undefined || opts.errorWaitSec !== undefined) {
      lines.push('  [neighbors.timers.config]');
      if (opts.holdTimeSec !== undefined) {
        lines.push(`    hold-time = ${opts.holdTimeSec}`, `    keepalive-interval = ${keepaliveOf(opts.holdTimeSec)}`);
      }
      if (opts.errorWaitSec !== undefined) {
        lines.push(`    connect-retry = ${opts.errorWaitSec}`, `    idle-hold-time-after-reset = ${opts.errorWaitSec}`);
      }
    }
    if (opts.multihop !== undefined) {
      lines.push('  [neighbors.ebgp-multihop.config]', '    enabled = true', `    multihop-ttl = ${opts.multihop}`);
    }
    const gr = opts.gracefulRestartSec;
    if (gr !== undefined) {
      lines.push('  [neighbors.graceful-restart.config]', '    enabled = true', `    restart-time = ${gr}`);
    }
    for (const family of neighborFamilies(n, opts)) {
      lines.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]');
      lines.push(`      afi-safi-name = "ipv${family}-unicast"`);
      if (gr !== undefined) lines.push('    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true');
    }
  }
  return `${lines.join('\n')}\n`;
}
