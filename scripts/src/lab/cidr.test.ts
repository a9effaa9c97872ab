import { contains, mustParsePrefix, overlaps, parsePrefix } from './cidr';

describe('cidr', () => {
  test('parses IPv4 and IPv6 prefixes and bare addresses', () => {
    expect(parsePrefix('198.51.100.7/24')).toMatchObject({ family: 4, length: 24, network: 0xc6336400n });
    expect(parsePrefix('2001:db8::/32')).toMatchObject({ family: 6, length: 32 });
    expect(parsePrefix('::1')).toMatchObject({ family: 6, length: 128, network: 1n });
    expect(parsePrefix('::ffff:192.0.2.1')?.network).toBe(0xffffc0000201n);
    expect(parsePrefix('10.0.0.1')?.length).toBe(32);
  });

  test('rejects what is not an IP prefix', () => {
    for (const bad of [
      'default',
      '1.2.3',
      '1.2.3.256',
      '1.2.3.4/33',
      '2001:db8::/129',
      '1::2::3',
      'fe80::1%eth0',
      'a/b/c',
    ]) {
      expect(parsePrefix(bad)).toBeUndefined();
    }
  });

  test('containment and overlap', () => {
    const p = mustParsePrefix;
    expect(contains(p('203.0.113.0/24'), p('203.0.113.16/28'))).toBe(true);
    expect(contains(p('203.0.113.16/28'), p('203.0.113.0/24'))).toBe(false);
    expect(overlaps(p('203.0.113.16/28'), p('203.0.113.0/24'))).toBe(true);
    expect(overlaps(p('192.0.2.0/24'), p('198.51.100.0/24'))).toBe(false);
    expect(overlaps(p('2001:db8::/32'), p('2001:db8:1::11'))).toBe(true);
    expect(overlaps(p('2001:db8::/32'), p('fd00::/64'))).toBe(false);
    expect(overlaps(p('0.0.0.0/0'), p('::/0'))).toBe(false);
  });
});
