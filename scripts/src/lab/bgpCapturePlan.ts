// What captureBgpVectors builds: three namespaces (BIRD, FRR, GoBGP), a veth link between each pair, the BGP
// sessions over them, and each daemon's config. Pure: text out, no I/O. Addresses only from 198.51.100.0/24,
// 203.0.113.0/24 and 2001:db8::/32.

export type Daemon = 'bird2' | 'frr' | 'gobgp';
export const DAEMONS: readonly Daemon[] = ['bird2', 'frr', 'gobgp'];

export const ASN: Record<Daemon, number> = { bird2: 4200000001, frr: 4200000002, gobgp: 4200000003 };
/** BIRD's 2-octet identity on its sessions without the 4-octet AS capability (RFC 6793's "OLD" speaker). */
export const OLD_ASN = 65001;
/** The 2-octet local AS FRR and GoBGP take on their sessions with the OLD BIRD. */
export const OLD_PEER_ASN: Record<Daemon, number> = { bird2: OLD_ASN, frr: 65002, gobgp: 65003 };
export const ROUTER_ID: Record<Daemon, string> = {
  bird2: '198.51.100.1',
  frr: '198.51.100.2',
  gobgp: '198.51.100.19',
};
export const GOBGP_API_PORT = 50051;

export interface Link {
  a: Daemon;
  b: Daemon;
  /** Interface names: in a's namespace, in b's. */
  aIf: string;
  bIf: string;
  /** Fixed MACs, so the link-local next hops in MP_REACH come out the same on every run. */
  aMac: string;
  bMac: string;
  /** Address/length pairs for each end. */
  aAddrs: string[];
  bAddrs: string[];
}

export const LINKS: readonly Link[] = [
  {
    a: 'bird2',
    b: 'frr',
    aIf: 'tofrr',
    bIf: 'tobird',
    aMac: '02:1b:1b:b0:01:02',
    bMac: '02:1b:1b:b0:02:01',
    aAddrs: ['198.51.100.1/28', '203.0.113.1/28', '2001:db8:12::1/64'],
    bAddrs: ['198.51.100.2/28', '203.0.113.2/28', '2001:db8:12::2/64'],
  },
  {
    a: 'frr',
    b: 'gobgp',
    aIf: 'togobgp',
    bIf: 'tofrr',
    aMac: '02:1b:1b:b0:02:03',
    bMac: '02:1b:1b:b0:03:02',
    aAddrs: ['198.51.100.18/28', '2001:db8:23::2/64'],
    bAddrs: ['198.51.100.19/28', '2001:db8:23::3/64'],
  },
  {
    a: 'gobgp',
    b: 'bird2',
    aIf: 'tobird',
    bIf: 'togobgp',
    aMac: '02:1b:1b:b0:03:01',
    bMac: '02:1b:1b:b0:01:03',
    aAddrs: ['198.51.100.35/28', '203.0.113.35/28', '2001:db8:13::3/64'],
    bAddrs: ['198.51.100.33/28', '203.0.113.33/28', '2001:db8:13::1/64'],
  },
];

export interface Session {
  /** A protocol-safe name, also the fixture comments' name for it. */
  name: string;
  a: Daemon;
  b: Daemon;
  aAddr: string;
  bAddr: string;
  /** Address families carried (IPv6 over an IPv4 session where both daemons do it). */
  families: readonly ('ipv4' | 'ipv6')[];
  /** iBGP: both ends in b's AS (BIRD, always side a then, takes it as its local AS on this session). */
  ibgp?: boolean;
  /** BIRD (side a) as a 2-octet-AS speaker without the 4-octet AS capability. */
  old?: boolean;
}

export const SESSIONS: readonly Session[] = [
  {
    name: 'bird_frr_v4',
    a: 'bird2',
    b: 'frr',
    aAddr: '198.51.100.1',
    bAddr: '198.51.100.2',
    families: ['ipv4', 'ipv6'],
  },
  {
    name: 'bird_frr_v6_ibgp',
    a: 'bird2',
    b: 'frr',
    aAddr: '2001:db8:12::1',
    bAddr: '2001:db8:12::2',
    families: ['ipv6'],
    ibgp: true,
  },
  {
    name: 'bird_frr_as2',
    a: 'bird2',
    b: 'frr',
    aAddr: '203.0.113.1',
    bAddr: '203.0.113.2',
    families: ['ipv4'],
    old: true,
  },
  {
    name: 'frr_gobgp_v4',
    a: 'frr',
    b: 'gobgp',
    aAddr: '198.51.100.18',
    bAddr: '198.51.100.19',
    families: ['ipv4', 'ipv6'],
  },
  { name: 'frr_gobgp_v6', a: 'frr', b: 'gobgp', aAddr: '2001:db8:23::2', bAddr: '2001:db8:23::3', families: ['ipv6'] },
  { name: 'bird_gobgp_v4', a: 'bird2', b: 'gobgp', aAddr: '198.51.100.33', bAddr: '198.51.100.35', families: ['ipv4'] },
  {
    name: 'bird_gobgp_v6',
    a: 'bird2',
    b: 'gobgp',
    aAddr: '2001:db8:13::1',
    bAddr: '2001:db8:13::3',
    families: ['ipv6'],
  },
  {
    name: 'bird_gobgp_as2',
    a: 'bird2',
    b: 'gobgp',
    aAddr: '203.0.113.33',
    bAddr: '203.0.113.35',
    families: ['ipv4'],
    old: true,
  },
];

/** The routes each daemon originates; the second of each family is withdrawn during the capture. */
export const ROUTES: Record<Daemon, { ipv4: [string, string]; ipv6: [string, string] }> = {
  bird2: { ipv4: ['198.51.100.64/27', '198.51.100.96/27'], ipv6: ['2001:db8:a1::/48', '2001:db8:a1:1::/64'] },
  frr: { ipv4: ['198.51.100.128/27', '198.51.100.160/27'], ipv6: ['2001:db8:a2::/48', '2001:db8:a2:1::/64'] },
  gobgp: { ipv4: ['198.51.100.192/27', '198.51.100.224/27'], ipv6: ['2001:db8:a3::/48', '2001:db8:a3:1::/64'] },
};

/** A session seen from one daemon: its own address, the peer's, the peer's AS as this daemon configures it. */
export interface SessionEnd {
  session: Session;
  local: string;
  peer: string;
  localAs: number;
  peerAs: number;
}

export function endsOf(d: Daemon): SessionEnd[] {
  const out: SessionEnd[] = [];
  for (const s of SESSIONS) {
    if (s.a !== d && s.b !== d) continue;
    const isA = s.a === d;
    const other = isA ? s.b : s.a;
    let localAs = ASN[d];
    let peerAs = ASN[other];
    if (s.ibgp) {
      localAs = ASN[s.b];
      peerAs = ASN[s.b];
    } else if (s.old) {
      // BIRD without AS4 cannot name a 4-octet peer AS, so the NEW side speaks a 2-octet local AS here; its
      // AS_PATHs still hold 4-octet ASNs (its real AS, prepends), which makes it send AS4_PATH.
      localAs = isA ? OLD_ASN : OLD_PEER_ASN[d];
      peerAs = isA ? OLD_PEER_ASN[other] : OLD_ASN;
    }
    out.push({ session: s, local: isA ? s.aAddr : s.bAddr, peer: isA ? s.bAddr : s.aAddr, localAs, peerAs });
  }
  return out;
}

const v6 = (addr: string): boolean => addr.includes(':');

/** BIRD 2: static routes exported with communities, large communities, MED, a prepend, LOCAL_PREF on iBGP. */
export function birdConfig(withdrawn: boolean): string {
  const r = ROUTES.bird2;
  const keep = (list: [string, string]): string[] => (withdrawn ? [list[0]] : list);
  const lines = [
    'log stderr all;',
    `router id ${ROUTER_ID.bird2};`,
    'protocol device {}',
    `protocol static own4 { ipv4; ${keep(r.ipv4)
      .map((p) => `route ${p} blackhole;`)
      .join(' ')} }`,
    `protocol static own6 { ipv6; ${keep(r.ipv6)
      .map((p) => `route ${p} blackhole;`)
      .join(' ')} }`,
    'filter own_out {',
    '  if source != RTS_STATIC then reject;',
    `  bgp_community.add((65001, 1));`,
    `  bgp_large_community.add((${ASN.bird2}, 1, 1));`,
    '  bgp_med = 10;',
    `  bgp_path.prepend(${ASN.bird2});`,
    '  accept;',
    '}',
    'filter own_out_ibgp {',
    '  if source != RTS_STATIC then reject;',
    `  bgp_community.add((65001, 2));`,
    `  bgp_large_community.add((${ASN.bird2}, 1, 2));`,
    '  bgp_local_pref = 250;',
    '  accept;',
    '}',
  ];
  for (const e of endsOf('bird2')) {
    const s = e.session;
    const out = s.ibgp ? 'own_out_ibgp' : 'own_out';
    lines.push(
      `protocol bgp ${s.name} {`,
      `  local ${e.local} as ${e.localAs};`,
      `  neighbor ${e.peer} as ${e.peerAs};`,
      '  graceful restart on;',
      '  enable extended messages on;',
    );
    if (s.old) lines.push('  enable as4 off;');
    for (const f of s.families) {
      const extra = f === 'ipv6' && !v6(e.local) ? ' next hop address 2001:db8:12::1;' : '';
      lines.push(`  ${f} { import all; export filter ${out};${extra} };`);
    }
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

/** FRR bgpd: `network` routes, a route-map out setting the same kinds of attributes, only its own prefixes out. */
export function frrConfig(): string {
  const r = ROUTES.frr;
  const lines = [
    'frr defaults traditional',
    'hostname capture-frr',
    'log stdout informational',
    `ip prefix-list OWN4 seq 5 permit 198.51.100.128/26 le 32`,
    `ipv6 prefix-list OWN6 seq 5 permit 2001:db8:a2::/48 le 64`,
    'route-map OUT4 permit 10',
    ' match ip address prefix-list OWN4',
    ' set community 65002:2 65002:20',
    ` set large-community ${ASN.frr}:2:2`,
    ' set metric 20',
    ' set local-preference 300',
    ` set as-path prepend ${ASN.frr}`,
    'route-map OUT6 permit 10',
    ' match ipv6 address prefix-list OWN6',
    ' set community 65002:6',
    ` set large-community ${ASN.frr}:2:6`,
    ' set metric 60',
    ' set local-preference 300',
    'route-map IN permit 10',
    `router bgp ${ASN.frr}`,
    ` bgp router-id ${ROUTER_ID.frr}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
    ' bgp graceful-restart',
  ];
  const ends = endsOf('frr');
  for (const e of ends) {
    lines.push(` neighbor ${e.peer} remote-as ${e.peerAs}`, ` neighbor ${e.peer} update-source ${e.local}`);
    if (e.localAs !== ASN.frr) lines.push(` neighbor ${e.peer} local-as ${e.localAs}`);
    // Traditional defaults hold eBGP UPDATEs for 30 s (MRAI); the capture wants them at once.
    lines.push(` neighbor ${e.peer} advertisement-interval 0`);
  }
  for (const f of ['ipv4', 'ipv6'] as const) {
    lines.push(` address-family ${f} unicast`);
    for (const p of r[f]) lines.push(`  network ${p}`);
    for (const e of ends.filter((x) => x.session.families.includes(f))) {
      lines.push(`  neighbor ${e.peer} activate`);
      lines.push(
        `  neighbor ${e.peer} route-map IN in`,
        `  neighbor ${e.peer} route-map OUT${f === 'ipv4' ? 4 : 6} out`,
      );
    }
    lines.push(' exit-address-family');
  }
  return `${lines.join('\n')}\n`;
}

/** GoBGP: neighbors with graceful restart; routes are added over its API (gobgp CLI) with their attributes. */
export function gobgpConfig(): string {
  const lines = [
    '[global.config]',
    `  as = ${ASN.gobgp}`,
    `  router-id = "${ROUTER_ID.gobgp}"`,
    '  port = 179',
    '[global.apply-policy.config]',
    '  export-policy-list = ["own"]',
    '  default-export-policy = "reject-route"',
    '[[defined-sets.prefix-sets]]',
    '  prefix-set-name = "own4"',
    '  [[defined-sets.prefix-sets.prefix-list]]',
    '    ip-prefix = "198.51.100.192/26"',
    '    masklength-range = "26..32"',
    '[[defined-sets.prefix-sets]]',
    '  prefix-set-name = "own6"',
    '  [[defined-sets.prefix-sets.prefix-list]]',
    '    ip-prefix = "2001:db8:a3::/48"',
    '    masklength-range = "48..64"',
    '[[policy-definitions]]',
    '  name = "own"',
    '  [[policy-definitions.statements]]',
    '    [policy-definitions.statements.conditions.match-prefix-set]',
    '      prefix-set = "own4"',
    '    [policy-definitions.statements.actions]',
    '      route-disposition = "accept-route"',
    '  [[policy-definitions.statements]]',
    '    [policy-definitions.statements.conditions.match-prefix-set]',
    '      prefix-set = "own6"',
    '    [policy-definitions.statements.actions]',
    '      route-disposition = "accept-route"',
  ];
  for (const e of endsOf('gobgp')) {
    lines.push(
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${e.peer}"`,
      `    peer-as = ${e.peerAs}`,
      ...(e.localAs === ASN.gobgp ? [] : [`    local-as = ${e.localAs}`]),
      '  [neighbors.transport.config]',
      `    local-address = "${e.local}"`,
      '  [neighbors.graceful-restart.config]',
      '    enabled = true',
      '    restart-time = 120',
    );
    for (const f of e.session.families) {
      lines.push(
        '  [[neighbors.afi-safis]]',
        '    [neighbors.afi-safis.config]',
        `      afi-safi-name = "${f}-unicast"`,
        '    [neighbors.afi-safis.mp-graceful-restart.config]',
        '      enabled = true',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The `gobgp global rib add` arguments of GoBGP's routes (after `-a ipv4|ipv6`). */
export function gobgpRouteArgs(prefix: string): string[] {
  const fam = v6(prefix) ? 'ipv6' : 'ipv4';
  // The unspecified address: GoBGP puts the session's own address in its place.
  const nh = fam === 'ipv6' ? '::' : '0.0.0.0';
  return [
    '-a',
    fam,
    prefix,
    'nexthop',
    nh,
    'origin',
    'igp',
    'med',
    fam === 'ipv6' ? '36' : '30',
    'community',
    `65003:${fam === 'ipv6' ? 6 : 4}`,
    'large-community',
    `${ASN.gobgp}:3:${fam === 'ipv6' ? 6 : 4}`,
    'aspath',
    `${ASN.gobgp + 100}`,
  ];
}
