import { mustParseIP } from '@ironlb/shared';
import { interfacesForIP, localInterfaces } from './interfaces';

const ip = mustParseIP;

const table = localInterfaces({
  lo: [
    {
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      family: 'IPv4',
      mac: '00:00:00:00:00:00',
      internal: true,
      cidr: '127.0.0.1/8',
    },
  ],
  eth0: [
    {
      address: '198.51.100.11',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '02:00:00:00:00:11',
      internal: false,
      cidr: '198.51.100.11/24',
    },
    {
      address: '2001:db8:1::11',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '02:00:00:00:00:11',
      internal: false,
      cidr: '2001:db8:1::11/64',
      scopeid: 0,
    },
    {
      address: 'fe80::11',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '02:00:00:00:00:11',
      internal: false,
      cidr: 'fe80::11/64',
      scopeid: 2,
    },
  ],
  eth1: [
    {
      address: '203.0.113.1',
      netmask: '255.255.255.240',
      family: 'IPv4',
      mac: '02:00:00:00:01:11',
      internal: false,
      cidr: '203.0.113.1/28',
    },
  ],
});

describe('interfaces', () => {
  it('reads the table without loopback, keeping the link-local apart', () => {
    expect(table.map((i) => i.name)).toEqual(['eth0', 'eth1']);
    expect(table[0].linkLocal).toEqual(ip('fe80::11'));
    expect(table[0].addresses.map((a) => a.prefixLength)).toEqual([24, 64]);
  });

  it('auto: every interface whose subnet holds the IP, per family', () => {
    expect(interfacesForIP(ip('198.51.100.200'), { names: [], auto: true }, table)).toEqual(['eth0']);
    expect(interfacesForIP(ip('2001:db8:1::200'), { names: [], auto: true }, table)).toEqual(['eth0']);
    expect(interfacesForIP(ip('203.0.113.14'), { names: [], auto: true }, table)).toEqual(['eth1']);
    expect(interfacesForIP(ip('203.0.113.16'), { names: [], auto: true }, table)).toEqual([]);
  });

  it('named interfaces regardless of subnet, only when up (present in the table)', () => {
    expect(interfacesForIP(ip('198.51.100.200'), { names: ['eth1', 'eth9'], auto: false }, table)).toEqual(['eth1']);
    expect(interfacesForIP(ip('198.51.100.200'), { names: ['eth1'], auto: true }, table)).toEqual(['eth0', 'eth1']);
  });
});
