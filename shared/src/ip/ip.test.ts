import { formatIP, isIPv4Mapped, mustParseIP, parseIP } from './ip';

describe('parseIP', () => {
  it.each([
    ['198.51.100.7', 'IPv4', 0xc6336407n],
    ['0.0.0.0', 'IPv4', 0n],
    ['255.255.255.255', 'IPv4', 0xffffffffn],
    ['2001:db8::1', 'IPv6', 0x20010db8000000000000000000000001n],
    ['::', 'IPv6', 0n],
    ['::1', 'IPv6', 1n],
    ['2001:DB8:0:0:0:0:0:1', 'IPv6', 0x20010db8000000000000000000000001n],
    ['2001:db8::', 'IPv6', 0x20010db8000000000000000000000000n],
    ['::ffff:198.51.100.7', 'IPv6', 0xffffc6336407n],
    ['2001:db8::198.51.100.7', 'IPv6', 0x20010db80000000000000000c6336407n],
  ])('%s is %s %s', (text, family, value) => {
    expect(parseIP(text)).toEqual({ family, value });
  });

  it.each([
    '',
    '198.51.100',
    '198.51.100.7.1',
    '198.51.100.256',
    '198.51.100.07',
    '198.51.100.-1',
    ' 198.51.100.7',
    '198.51.100.7/32',
    '2001:db8:::1',
    '2001:db8::1::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '2001:db8::12345',
    '2001:db8::g',
    'fe80::1%eth0',
    '::198.51.100.7:1',
    'x',
  ])('refuses %j', (text) => {
    expect(parseIP(text)).toBeUndefined();
  });
});

describe('formatIP', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:1:2:3:4:0:5', '2001:db8:1:2:3:4:0:5'],
    ['::', '::'],
    ['1::', '1::'],
  ])('%s prints as %s', (text, printed) => {
    const ip = parseIP(text);
    expect(ip && formatIP(ip)).toBe(printed);
  });
});

describe('isIPv4Mapped', () => {
  it.each([
    ['::ffff:198.51.100.7', true],
    ['::ffff:0:0', true],
    ['::198.51.100.7', false],
    ['2001:db8::ffff:0:0', false],
    ['198.51.100.7', false],
  ])('%s: %s', (text, mapped) => {
    const ip = parseIP(text);
    expect(ip && isIPv4Mapped(ip)).toBe(mapped);
  });
});

describe('mustParseIP', () => {
  it('parses what parseIP parses, and throws naming the text otherwise', () => {
    expect(mustParseIP('2001:db8::1')).toEqual(parseIP('2001:db8::1'));
    expect(() => mustParseIP('198.51.100.256')).toThrow('not an IP address: "198.51.100.256"');
  });
});
