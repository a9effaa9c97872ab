import { mustParseIP } from '@ironlb/shared';
import type { LocalInterface } from '../l2/interfaces';
import { nextHopFor } from './nextHop';

const ip = mustParseIP;
const iface = (name: string, ...cidrs: string[]): LocalInterface => ({
  name,
  addresses: cidrs.map((c) => {
    const [a, l] = c.split('/');
    return { ip: ip(a), prefixLength: Number(l) };
  }),
});

const TABLE = [
  iface('eth0', '198.51.100.10/24', '2001:db8:a::10/64'),
  iface('eth1', '203.0.113.10/24', '203.0.113.200/28', '2001:db8:b::10/64', '2001:db8:c::10/64'),
];

const hop = (peer: string, family: 'IPv4' | 'IPv6', source?: string, table = TABLE): string | undefined => {
  const h = nextHopFor({ peerAddress: ip(peer), ...(source ? { sourceAddress: ip(source) } : {}) }, family, table);
  return h && (h.family === 'IPv4' ? h.value.toString() : h.value.toString(16));
};
const v4 = (a: string): string => ip(a).value.toString();
const v6 = (a: string): string => ip(a).value.toString(16);

describe('nextHopFor', () => {
  it('the sourceAddress when it is of the family', () => {
    expect(hop('203.0.113.1', 'IPv4', '198.51.100.99')).toBe(v4('198.51.100.99'));
    expect(hop('2001:db8:b::1', 'IPv6', '2001:db8:b::99')).toBe(v6('2001:db8:b::99'));
  });

  it('not the sourceAddress for the other family: the facing interface instead', () => {
    expect(hop('203.0.113.1', 'IPv6', '203.0.113.10')).toBe(v6('2001:db8:b::10'));
  });

  it('the address in the subnet holding the peer, not just the first of the facing interface', () => {
    expect(hop('203.0.113.201', 'IPv4')).toBe(v4('203.0.113.200'));
    expect(hop('203.0.113.1', 'IPv4')).toBe(v4('203.0.113.10'));
    expect(hop('2001:db8:c::1', 'IPv6')).toBe(v6('2001:db8:c::10'));
    expect(hop('198.51.100.1', 'IPv4')).toBe(v4('198.51.100.10'));
  });

  it("the facing interface's first address of the other family", () => {
    expect(hop('203.0.113.1', 'IPv6')).toBe(v6('2001:db8:b::10'));
    expect(hop('2001:db8:a::1', 'IPv4')).toBe(v4('198.51.100.10'));
  });

  it('the first address of the family when no interface faces the peer, or the facing one has none of it', () => {
    expect(hop('198.18.0.1', 'IPv4')).toBe(v4('198.51.100.10'));
    expect(hop('2001:db8:ffff::1', 'IPv6')).toBe(v6('2001:db8:a::10'));
    const table = [iface('eth0', '198.51.100.10/24'), iface('eth1', '2001:db8:b::10/64')];
    expect(hop('198.51.100.1', 'IPv6', undefined, table)).toBe(v6('2001:db8:b::10'));
  });

  it('nothing when the node has no address of the family', () => {
    expect(hop('198.51.100.1', 'IPv6', undefined, [iface('eth0', '198.51.100.10/24')])).toBeUndefined();
    expect(hop('198.51.100.1', 'IPv4', undefined, [])).toBeUndefined();
  });
});
