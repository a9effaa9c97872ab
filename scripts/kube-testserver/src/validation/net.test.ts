import { formatCIDR, formatIP, parseCIDR, parseIP, specialIPReason, validateCIDR, validateIP } from './net';

describe('IP parsing (sloppy, like k8s.io/utils/net)', () => {
  test.each([
    ['10.96.0.1', 'IPv4', '10.96.0.1'],
    ['010.096.000.001', 'IPv4', '10.96.0.1'],
    ['2001:db8::1', 'IPv6', '2001:db8::1'],
    ['2001:DB8:0:0:0:0:0:1', 'IPv6', '2001:db8::1'],
    ['::', 'IPv6', '::'],
    ['::ffff:1.2.3.4', 'IPv4', '1.2.3.4'],
    ['fe80::1:2', 'IPv6', 'fe80::1:2'],
    ['1:0:0:1:0:0:0:1', 'IPv6', '1:0:0:1::1'],
  ])('%s', (text, family, canonical) => {
    const ip = parseIP(text);
    expect(ip?.family).toBe(family);
    expect(ip && formatIP(ip)).toBe(canonical);
  });

  test.each(['300.1.1.1', '1.2.3', 'not-an-ip', '', '1::2::3', '12345::', 'fe80::1%eth0', '1.2.3.4.5'])(
    'rejects %j',
    (t) => {
      expect(parseIP(t)).toBeNull();
    },
  );

  test.each([
    ['10.96.0.0/12', '10.96.0.0/12'],
    ['10.96.5.5/12', '10.96.0.0/12'],
    ['2001:db8:fff::/108', '2001:db8:fff::/108'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ])('CIDR %s', (text, canonical) => {
    const c = parseCIDR(text);
    expect(c && formatCIDR(c)).toBe(canonical);
  });

  test.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/x', '::/129'])('rejects CIDR %j', (t) => {
    expect(parseCIDR(t)).toBeNull();
  });

  test('messages', () => {
    expect(validateIP('f', 'x')[0].message).toBe(
      'Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    );
    expect(validateCIDR('f', 'x')[0].message).toBe(
      'Invalid value: "x": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    );
    expect(validateIP('f', '1.2.3.4')).toEqual([]);
  });

  test.each([
    ['0.0.0.0', 'may not be unspecified (0.0.0.0)'],
    ['127.0.0.1', 'may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['169.254.1.1', 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    ['224.0.0.5', 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'],
    ['::1', 'may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['fe80::1', 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    ['203.0.113.5', undefined],
  ])('special IP %s', (t, why) => {
    const ip = parseIP(t);
    expect(ip && specialIPReason(ip, t)).toBe(why);
  });
});
