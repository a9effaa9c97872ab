import { allBgpOptions, bgpAsns, type BgpRouterOptions } from './bgpOptions';
import { planLab, type LabPlan } from './plan';
import { bgpNeighbors, neighborFamilies, renderBirdConfig, renderFrrConfig, renderGobgpConfig } from './routerConfig';

describe('router configs', () => {
  const plan = planLab({ prefix: 'ilb', nodes: 2, router: 'bird', ipv6: true });

  test('one neighbor per node address', () => {
    expect(bgpNeighbors(plan)).toEqual([
      { name: 'node1', address: '198.51.100.11', family: 4 },
      { name: 'node1_v6', address: '2001:db8:1::11', family: 6 },
      { name: 'node2', address: '198.51.100.12', family: 4 },
      { name: 'node2_v6', address: '2001:db8:1::12', family: 6 },
    ]);
  });

  test('BIRD: AS 64512, passive templates, kernel export, a protocol per neighbor', () => {
    const c = renderBirdConfig(plan);
    expect(c).toContain('router id 198.51.100.1;');
    expect(c).toContain('local as 64512;');
    expect(c).toContain('passive on;');
    expect(c).toContain('protocol kernel kernel6');
    expect(c).toContain('protocol bgp node2 from lab_node4 { neighbor 198.51.100.12 as 64513; }');
    expect(c).toContain('protocol bgp node1_v6 from lab_node6 { neighbor 2001:db8:1::11 as 64513; }');
    expect(renderBirdConfig(planLab({ prefix: 'x', nodes: 1, router: 'bird', ipv6: false }))).not.toContain('kernel6');
  });

  test('FRR: passive neighbors activated per address family, no policy required', () => {
    const { zebra, bgpd } = renderFrrConfig(plan);
    expect(zebra).toContain('hostname ilb-router');
    expect(zebra).not.toContain('router bgp');
    expect(bgpd).toContain('router bgp 64512');
    expect(bgpd).toContain(' no bgp ebgp-requires-policy');
    expect(bgpd).toContain(' neighbor 198.51.100.11 remote-as 64513\n neighbor 198.51.100.11 passive');
    const v6 = bgpd.slice(bgpd.indexOf('address-family ipv6 unicast'));
    expect(v6).toContain('neighbor 2001:db8:1::12 activate');
    expect(v6).not.toContain('198.51.100');
  });

  test('GoBGP: TOML with passive transport and the right AFI-SAFI per neighbor', () => {
    const c = renderGobgpConfig(plan);
    expect(c).toContain('[global.config]\n  as = 64512\n  router-id = "198.51.100.1"');
    expect(c.match(/\[\[neighbors\]\]/g)).toHaveLength(4);
    expect(c.match(/passive-mode = true/g)).toHaveLength(4);
    expect(c).toContain('neighbor-address = "2001:db8:1::11"\n    peer-as = 64513\n    description = "node1_v6"');
    expect(c.match(/afi-safi-name = "ipv6-unicast"/g)).toHaveLength(2);
  });
});

describe('router configs with options', () => {
  const ebgp = allBgpOptions(false);
  const ibgp = allBgpOptions(true);
  const planFor = (o: BgpRouterOptions): LabPlan =>
    planLab({ prefix: 'ilb', nodes: 2, router: 'bird', ipv6: true, ...bgpAsns(o) });

  test('no options render what the lab always rendered', () => {
    const plan = planFor({});
    expect(renderBirdConfig(plan, {})).toBe(renderBirdConfig(plan));
    expect(renderBirdConfig(plan)).not.toMatch(/password|multihop|bfd|hold time|graceful|error wait|igp table/);
    const frr = renderFrrConfig(plan);
    expect(frr.bfdd).toBeUndefined();
    expect(frr.bgpd).not.toMatch(/password|multihop|bfd|timers|graceful|ibgp/);
    expect(renderGobgpConfig(plan)).not.toMatch(/auth-password|multihop|timers|graceful/);
  });

  test('the IPv4 neighbor carries IPv6 too only with ipv6OverIpv4', () => {
    const [v4, v6] = bgpNeighbors(planFor({}));
    expect(neighborFamilies(v4, {})).toEqual([4]);
    expect(neighborFamilies(v4, { ipv6OverIpv4: true })).toEqual([4, 6]);
    expect(neighborFamilies(v6, { ipv6OverIpv4: true })).toEqual([6]);
  });

  test('BIRD, eBGP with everything on', () => {
    const c = renderBirdConfig(planFor(ebgp), ebgp);
    expect(c).toContain('protocol bfd lab_bfd { interface "*" { interval 200 ms; multiplier 4; }; multihop {');
    const v4 = c.slice(c.indexOf('template bgp lab_node4'), c.indexOf('template bgp lab_node6'));
    expect(v4).toContain('  local 198.51.100.1 as 64512;\n  passive on;\n  password "lab-secret";\n  multihop 2;');
    expect(v4).toContain('  hold time 9;\n  keepalive time 3;\n  error wait time 1, 1;\n  connect retry time 1;');
    expect(v4).toContain('  graceful restart on;\n  graceful restart time 30;\n  bfd on;');
    expect(v4).toContain('  ipv4 { import all; export none; igp table lab_igp4; };');
    expect(v4).toContain('  ipv6 { import all; export none; igp table lab_igp6; };');
    expect(c).toContain('  local 2001:db8:1::1 as 64512;');
    expect(c).toContain('protocol direct lab_direct { ipv4 { table lab_igp4; }; ipv6 { table lab_igp6; }; }');
    expect(c).toContain('protocol bgp node2 from lab_node4 { neighbor 198.51.100.12 as 64513; }');
  });

  test('BIRD with bfd.graceful: a BFD Down starts graceful restart (bfd graceful) in place of bfd on', () => {
    const opts = { ...ebgp, bfd: { intervalMs: 100, multiplier: 3, graceful: true } };
    const c = renderBirdConfig(planFor(opts), opts);
    expect(c.match(/  bfd graceful;/g)).toHaveLength(2);
    expect(c).not.toContain('bfd on;');
  });

  test('BIRD, iBGP: same AS on both ends, direct sessions, no IGP table', () => {
    const c = renderBirdConfig(planFor(ibgp), ibgp);
    expect(c).toContain('  local as 64512;\n  passive on;\n  password "lab-secret";\n  direct;');
    expect(c).toContain('protocol bgp node1 from lab_node4 { neighbor 198.51.100.11 as 64512; }');
    expect(c).not.toMatch(/multihop \d|igp table|protocol direct/);
  });

  test('FRR, eBGP with everything on: per-neighbor knobs, a bfdd profile, IPv6 on the IPv4 neighbor', () => {
    const { bgpd, bfdd } = renderFrrConfig(planFor(ebgp), ebgp);
    expect(bgpd).toContain(' bgp graceful-restart\n bgp graceful-restart restart-time 30');
    for (const a of ['198.51.100.11', '2001:db8:1::12']) {
      const n = ` neighbor ${a}`;
      expect(bgpd).toContain(
        [`${n} password lab-secret`, `${n} ebgp-multihop 2`, `${n} timers 3 9`, `${n} timers connect 1`].join('\n'),
      );
      expect(bgpd).toContain(`${n} bfd\n${n} bfd profile lab`);
    }
    const v6 = bgpd.slice(bgpd.indexOf('address-family ipv6 unicast'));
    expect(v6).toContain('  neighbor 198.51.100.11 activate\n  neighbor 2001:db8:1::11 activate');
    expect(bgpd).not.toContain('maximum-paths ibgp');
    expect(bfdd).toContain(
      'bfd\n profile lab\n  receive-interval 200\n  transmit-interval 200\n  detect-multiplier 4\n exit\nexit',
    );
  });

  test('FRR, iBGP: iBGP multipath, no multihop', () => {
    const { bgpd } = renderFrrConfig(planFor(ibgp), ibgp);
    expect(bgpd).toContain(' neighbor 198.51.100.11 remote-as 64512');
    expect(bgpd.match(/maximum-paths ibgp 8/g)).toHaveLength(2);
    expect(bgpd).not.toContain('ebgp-multihop');
  });

  test('FRR hold time 0 switches keepalives off too', () => {
    expect(renderFrrConfig(planFor({}), { holdTimeSec: 0 }).bgpd).toContain(' neighbor 198.51.100.11 timers 0 0');
  });

  test('GoBGP, eBGP with everything on (no BFD: GoBGP has none)', () => {
    const c = renderGobgpConfig(planFor(ebgp), ebgp);
    expect(c.match(/auth-password = "lab-secret"/g)).toHaveLength(4);
    expect(c).toContain(
      '  [neighbors.timers.config]\n    hold-time = 9\n    keepalive-interval = 3\n    connect-retry = 1\n' +
        '    idle-hold-time-after-reset = 1\n  [neighbors.ebgp-multihop.config]\n    enabled = true\n    multihop-ttl = 2',
    );
    expect(c).toContain('  [neighbors.graceful-restart.config]\n    enabled = true\n    restart-time = 30');
    // 2 IPv4 neighbors x 2 families + 2 IPv6 neighbors x 1.
    expect(c.match(/afi-safi-name/g)).toHaveLength(6);
    expect(c.match(/mp-graceful-restart/g)).toHaveLength(6);
    expect(c).not.toMatch(/bfd/i);
  });

  test('GoBGP, iBGP: peer AS is the router AS', () => {
    const c = renderGobgpConfig(planFor(ibgp), ibgp);
    expect(c.match(/peer-as = 64512/g)).toHaveLength(4);
    expect(c).not.toContain('multihop');
  });
});
