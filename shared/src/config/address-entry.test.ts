import { parseAddressEntry } from './address-entry';
import { parseIP } from '../ip/ip';

const ip = (t: string): bigint => {
  const p = parseIP(t);
  if (!p) throw new Error(t);
  return p.value;
};

describe('parseAddressEntry: accepted', () => {
  it.each([
    ['198.51.100.0/24', 'IPv4', '198.51.100.0', '198.51.100.255'],
    ['198.51.100.7/32', 'IPv4', '198.51.100.7', '198.51.100.7'],
    ['0.0.0.0/0', 'IPv4', '0.0.0.0', '255.255.255.255'],
    ['203.0.113.10-203.0.113.20', 'IPv4', '203.0.113.10', '203.0.113.20'],
    ['203.0.113.10 - 203.0.113.20', 'IPv4', '203.0.113.10', '203.0.113.20'],
    ['203.0.113.10-203.0.113.10', 'IPv4', '203.0.113.10', '203.0.113.10'],
    [' 198.51.100.0/24 ', 'IPv4', '198.51.100.0', '198.51.100.255'],
    ['2001:db8:1::200/120', 'IPv6', '2001:db8:1::200', '2001:db8:1::2ff'],
    ['2001:db8::/64', 'IPv6', '2001:db8::', '2001:db8::ffff:ffff:ffff:ffff'],
    ['2001:db8::1/128', 'IPv6', '2001:db8::1', '2001:db8::1'],
    ['::/0', 'IPv6', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['2001:db8::10-2001:db8::1:0', 'IPv6', '2001:db8::10', '2001:db8::1:0'],
  ])('%j', (entry, family, first, last) => {
    expect(parseAddressEntry(entry)).toEqual({ range: { family, first: ip(first), last: ip(last) } });
  });
});

describe('parseAddressEntry: refused, with a message naming the entry', () => {
  it.each([
    [
      '198.51.100.7/24',
      'host bits are set; write the network 198.51.100.0/24, or the range 198.51.100.7-198.51.100.255',
    ],
    ['2001:db8::1/64', 'host bits are set; write the network 2001:db8::/64'],
    ['198.51.100.0/33', 'the prefix length must be a number from 0 to 32 for IPv4'],
    ['2001:db8::/129', 'the prefix length must be a number from 0 to 128 for IPv6'],
    ['198.51.100.0/', 'the prefix length must be a number'],
    ['198.51.100.0/024', 'the prefix length must be a number'],
    ['198.51.100.0/x', 'the prefix length must be a number'],
    ['198.51.100.0/24/1', 'invalid CIDR "198.51.100.0/24/1"'],
    ['198.51.100.300/24', 'invalid address "198.51.100.300" in "198.51.100.300/24"'],
    ['198.51.100.9-198.51.100.1', 'the first address 198.51.100.9 is after the last 198.51.100.1'],
    ['198.51.100.1-2001:db8::1', '198.51.100.1 is IPv4 and 2001:db8::1 is IPv6; both ends must be of one family'],
    ['198.51.100.1-', 'invalid last address "" in "198.51.100.1-"'],
    ['-198.51.100.1', 'invalid first address "" in "-198.51.100.1"'],
    ['198.51.100.1-198.51.100.2-198.51.100.3', 'invalid last address "198.51.100.2-198.51.100.3"'],
    ['198.51.100.7', 'write 198.51.100.7/32 for this one address'],
    ['2001:db8::7', 'write 2001:db8::7/128 for this one address'],
    ['::ffff:198.51.100.0/120', 'is an IPv4-mapped IPv6 address: write the IPv4 address 198.51.100.0'],
    ['', 'invalid address ""'],
    ['pool-a', 'invalid first address "pool"'],
    ['lab', 'expected a CIDR like 198.51.100.0/24 or a range like 198.51.100.10-198.51.100.20'],
  ])('%j', (entry, message) => {
    const r = parseAddressEntry(entry);
    expect('error' in r && r.error).toContain(message);
  });
});
