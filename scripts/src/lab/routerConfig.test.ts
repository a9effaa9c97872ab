import { planLab } from './plan';
import { bgpNeighbors, renderBirdConfig, renderFrrConfig, renderGobgpConfig } from './routerConfig';

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
