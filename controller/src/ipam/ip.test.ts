import { formatEndpoint, formatIP, ipKey, parseIP, sameIP } from './ip';

describe('parseIP', () => {
  test.each([
    ['198.51.100.7', 'IPv4', 0xc6336407n],
    ['0.0.0.0', 'IPv4', 0n],
    ['203.0.113.255', 'IPv4', 0xcb0071ffn],
    ['::', 'IPv6', 0n],
    ['::1', 'IPv6', 1n],
    ['2001:db8::', 'IPv6', 0x20010db8n << 96n],
    ['2001:DB8::A', 'IPv6', (0x20010db8n << 96n) | 0xan],
    ['2001:db8:0:0:0:0:0:1', 'IPv6', (0x20010db8n << 96n) | 1n],
    ['2001:db8:1:2:3:4:5::', 'IPv6', 0x20010db8000100020003000400050000n],
    ['::2001:db8:1:2:3:4:5', 'IPv6', 0x00002001_0db80001_00020003_00040005n],
    ['2001:db8::198.51.100.7', 'IPv6', (0x20010db8n << 96n) | 0xc6336407n],
    ['::ffff:198.51.100.7', 'IPv6', 0xffffc6336407n],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'IPv6', (1n << 128n) - 1n],
  ])('%s', (text, family, value) => {
    expect(parseIP(text)).toEqual({ family, value });
  });

  test.each([
    '',
    ' 198.51.100.7',
    '198.51.100.7 ',
    '198.51.100',
    '198.51.100.7.1',
    '198.51.100.256',
    '198.51.100.07',
    '198.51.100.-1',
    '198.51.100.0x1',
    '198.51.100.7/32',
    '198.51.100.7:80',
    '1e2.0.0.1',
    ':',
    ':::',
    '2001:db8::1::2',
    '2001:db8:::1',
    ':2001:db8::1',
    '2001:db8::1:',
    '2001:db8:0:0:0:0:0:0:1',
    '2001:db8:0:0:0:0:1',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '2001:db8::12345',
    '2001:db8::g',
    '2001:db8::1%eth0',
    '[2001:db8::1]',
    '198.51.100.7::',
    '::198.51.100.7:1',
    '::ffff:198.51.100.256',
    '::ffff:198.51.100',
    'not-an-ip',
  ])('rejects %j', (text) => {
    expect(parseIP(text)).toBeUndefined();
  });
});

describe('formatIP', () => {
  // Go's netip.Addr.String: RFC 5952 compression, lowercase, the first of equally long zero runs compressed.
  test.each([
    ['198.51.100.7', '198.51.100.7'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8::', '2001:db8::'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:AB:CD::EF', '2001:db8:ab:cd::ef'],
    ['2001:db8:0:0:0:0:0:0', '2001:db8::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['2001:db8:1:2:3:4:5:0', '2001:db8:1:2:3:4:5:0'],
    ['2001:db8:0:1:2:3:4:5', '2001:db8:0:1:2:3:4:5'],
    ['::ffff:198.51.100.7', '::ffff:198.51.100.7'],
    ['::ffff:c633:6407', '::ffff:198.51.100.7'],
    ['2001:db8::198.51.100.7', '2001:db8::c633:6407'],
  ])('%s -> %s', (text, out) => {
    const parsed = parseIP(text);
    expect(parsed && formatIP(parsed)).toBe(out);
    expect(parsed && parseIP(out)).toEqual(parsed);
  });
});

describe('helpers', () => {
  const v4 = { family: 'IPv4', value: 0xc63364c8n } as const;
  const v6 = { family: 'IPv6', value: (0x20010db8n << 96n) | 1n } as const;
  test.each([
    [v4, 9610, 'TCP', '198.51.100.200:9610/TCP'],
    [v6, 9610, 'UDP', '[2001:db8::1]:9610/UDP'],
  ])('formatEndpoint %#', (ip, port, protocol, out) => {
    expect(formatEndpoint(ip, port, protocol)).toBe(out);
  });

  test('keys and equality separate the families of one integer', () => {
    const a = { family: 'IPv4', value: 1n } as const;
    const b = { family: 'IPv6', value: 1n } as const;
    expect(ipKey(a)).not.toBe(ipKey(b));
    expect(sameIP(a, b)).toBe(false);
    expect(sameIP(a, { ...a })).toBe(true);
  });
});
