import {
  hostRoutes,
  mrtRibDump,
  renderBirdAdvertiser,
  renderFrrAdvertiser,
  renderGobgpAdvertiser,
  sessionEnds,
} from './advertiserConfig';
import { planLab } from './plan';

describe('advertiser configs', () => {
  const plan = planLab({ prefix: 'ilb', nodes: 2, router: 'bird', ipv6: true });
  const prefixes = ['2001:db8:200::1/128', '2001:db8:200::2/128'];

  test("the session runs between the node's and the router's IPv6 segment addresses", () => {
    expect(sessionEnds(plan, 'node2')).toEqual({
      local: '2001:db8:1::12',
      router: '2001:db8:1::1',
      routerId: '198.51.100.12',
    });
    expect(() => sessionEnds(planLab({ prefix: 'x', nodes: 1, router: 'bird', ipv6: false }), 'node1')).toThrow(
      /IPv6 lab/,
    );
  });

  test('BIRD: every prefix a static route, exported with the node as next hop', () => {
    const c = renderBirdAdvertiser(plan, 'node1', prefixes);
    expect(c).toContain('router id 198.51.100.11;');
    expect(c).toContain('  route 2001:db8:200::1/128 blackhole;\n  route 2001:db8:200::2/128 blackhole;');
    expect(c).toContain('local 2001:db8:1::11 as 64513;');
    expect(c).toContain('neighbor 2001:db8:1::1 as 64512;');
    expect(c).toContain('ipv6 { import none; export all; next hop self; };');
  });

  test('FRR: network statements without import check, no policy, no graceful restart', () => {
    const c = renderFrrAdvertiser(plan, 'node1', prefixes);
    expect(c).toContain('router bgp 64513');
    expect(c).toContain(' no bgp network import-check');
    expect(c).toContain(' no bgp ebgp-requires-policy');
    expect(c).toContain(' bgp graceful-restart-disable');
    expect(c).toContain(' neighbor 2001:db8:1::1 remote-as 64512');
    expect(c).toContain(' neighbor 2001:db8:1::1 update-source 2001:db8:1::11');
    expect(c).toContain(
      '  network 2001:db8:200::1/128\n  network 2001:db8:200::2/128\n  neighbor 2001:db8:1::1 activate',
    );
  });

  test('GoBGP: the router as an IPv6-only neighbor, down until enabled, no listener', () => {
    const c = renderGobgpAdvertiser(plan, 'node1');
    expect(c).toContain('  as = 64513');
    expect(c).toContain('  port = -1');
    expect(c).toContain('    neighbor-address = "2001:db8:1::1"');
    expect(c).toContain('    admin-down = true');
    expect(c).toContain('    local-address = "2001:db8:1::11"');
    expect(c.match(/afi-safi-name/g)).toEqual(['afi-safi-name']);
    expect(c).toContain('afi-safi-name = "ipv6-unicast"');
  });

  test('host routes count up from the first address, in RFC 5952 text', () => {
    expect(hostRoutes('2001:db8:200::fffe', 3)).toEqual([
      '2001:db8:200::fffe/128',
      '2001:db8:200::ffff/128',
      '2001:db8:200::1:0/128',
    ]);
    expect(() => hostRoutes('198.51.100.1', 1)).toThrow(/not an IPv6/);
  });
});

describe('MRT TABLE_DUMP_V2', () => {
  /** Splits a file into its records: [type, subtype, body]. */
  const records = (b: Buffer): [number, number, Buffer][] => {
    const out: [number, number, Buffer][] = [];
    for (let at = 0; at < b.length;) {
      const len = b.readUInt32BE(at + 8);
      out.push([b.readUInt16BE(at + 4), b.readUInt16BE(at + 6), b.subarray(at + 12, at + 12 + len)]);
      at += 12 + len;
    }
    return out;
  };

  test('a peer index table, then one RIB_IPV6_UNICAST record per prefix with MP_REACH carrying the next hop', () => {
    const r = records(mrtRibDump(['2001:db8:200::1:0/128', '2001:db8:200::/64'], '2001:db8:1::11'));
    expect(r.map(([t, s]) => [t, s])).toEqual([
      [13, 1],
      [13, 4],
      [13, 4],
    ]);
    // collector id 0, no view name, one peer of type 2 (IPv4 address, 4-octet AS), all zero.
    expect(r[0][2].toString('hex')).toBe('00000000' + '0000' + '0001' + '02' + '00000000' + '00000000' + '00000000');
    const nh = '20010db8000100000000000000000011';
    const first = r[1][2];
    const prefix = '80' + '20010db8020000000000000000010000';
    const mpValue = '0002' + '01' + '10' + nh + '00' + prefix;
    const attrs = '40010100' + '400200' + '800e' + (mpValue.length / 2).toString(16) + mpValue;
    expect(first.toString('hex')).toBe(
      '00000000' + prefix + '0001' + '0000' + '00000000' + (attrs.length / 2).toString(16).padStart(4, '0') + attrs,
    );
    // A /64 takes 8 prefix bytes, and the record's sequence number counts up.
    expect(r[2][2].subarray(0, 13).toString('hex')).toBe('00000001' + '40' + '20010db802000000');
  });

  test('IPv4 padding records come last, each with a NEXT_HOP', () => {
    const r = records(
      mrtRibDump(['2001:db8:200::1/128'], '2001:db8:1::11', {
        prefix: '203.0.113.128/25',
        nextHop: '198.51.100.11',
        copies: 3,
      }),
    );
    expect(r.map(([, s]) => s)).toEqual([1, 4, 2, 2, 2]);
    const pad = r[4][2];
    expect(pad.readUInt32BE(0)).toBe(3);
    expect(pad.subarray(4, 9).toString('hex')).toBe('19cb007180');
    expect(pad.subarray(-7).toString('hex')).toBe('400304c633640b');
  });
});
