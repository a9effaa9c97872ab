// Config files for the router host's BGP daemon. Pure: text in, text out, unit-tested.
// Every daemon listens passively (the speakers under test dial in) with one explicit neighbor per
// node address, so `routerStatus()` can name each node's session.
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

/** BIRD 2: learned routes go into the router's kernel table (ECMP merged) so the client can reach VIPs. */
export function renderBirdConfig(plan: LabPlan): string {
  const lines = [
    `# ironlb lab ${plan.prefix}: router AS ${plan.routerAsn}, passive BGP for every node (AS ${plan.nodeAsn})`,
    'log stderr all;',
    `router id ${routerIp(plan)};`,
    'protocol device {}',
    'protocol kernel kernel4 { merge paths on; ipv4 { import none; export all; }; }',
  ];
  if (plan.ipv6) lines.push('protocol kernel kernel6 { merge paths on; ipv6 { import none; export all; }; }');
  lines.push(
    'template bgp lab_node4 {',
    `  local as ${plan.routerAsn};`,
    '  passive on;',
    '  ipv4 { import all; export none; };',
    '}',
    'template bgp lab_node6 {',
    `  local as ${plan.routerAsn};`,
    '  passive on;',
    '  ipv6 { import all; export none; };',
    '}',
  );
  for (const n of bgpNeighbors(plan)) {
    lines.push(`protocol bgp ${n.name} from lab_node${n.family} { neighbor ${n.address} as ${plan.nodeAsn}; }`);
  }
  return `${lines.join('\n')}\n`;
}

/** FRR: zebra (installs learned routes) and bgpd each get their own file in the lab's FRR dir. */
export function renderFrrConfig(plan: LabPlan): { zebra: string; bgpd: string } {
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
  for (const n of neighbors) {
    lines.push(` neighbor ${n.address} remote-as ${plan.nodeAsn}`, ` neighbor ${n.address} passive`);
    lines.push(` neighbor ${n.address} description ${n.name}`);
  }
  for (const family of [4, 6] as const) {
    const fam = neighbors.filter((n) => n.family === family);
    if (fam.length === 0) continue;
    lines.push(` address-family ipv${family} unicast`, '  maximum-paths 8');
    for (const n of fam) lines.push(`  neighbor ${n.address} activate`);
    lines.push(' exit-address-family');
  }
  lines.push('!');
  return { zebra: `${header.join('\n')}\n`, bgpd: `${lines.join('\n')}\n` };
}

export const GOBGP_API_PORT = 50051;

/** GoBGP (TOML): no kernel route installation (that needs zebra); the RIB is queried over its API. */
export function renderGobgpConfig(plan: LabPlan): string {
  const lines = [
    `# ironlb lab ${plan.prefix}: router AS ${plan.routerAsn}, passive BGP for every node (AS ${plan.nodeAsn})`,
    '[global.config]',
    `  as = ${plan.routerAsn}`,
    `  router-id = "${routerIp(plan)}"`,
    '  port = 179',
  ];
  for (const n of bgpNeighbors(plan)) {
    lines.push(
      '',
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${n.address}"`,
      `    peer-as = ${plan.nodeAsn}`,
      `    description = "${n.name}"`,
      '  [neighbors.transport.config]',
      '    passive-mode = true',
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      `      afi-safi-name = "ipv${n.family}-unicast"`,
    );
  }
  return `${lines.join('\n')}\n`;
}
