import { statusText } from './render';
import { status } from './status';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

describe('status', () => {
  const report = status({
    now: NOW,
    pools: [
      {
        metadata: { name: 'v6', creationTimestamp: ago(7200) },
        spec: { addresses: ['2001:db8::/64'], autoAssign: false },
        status: { assignedIPv4: 0, assignedIPv6: 1, availableIPv4: 0, availableIPv6: '18446744073709551615' },
      },
      { metadata: { name: 'new', creationTimestamp: ago(5) }, spec: { addresses: ['203.0.113.0/28'] } },
    ],
    leases: [
      {
        metadata: { name: 'ironlb-speaker-n2' },
        spec: { leaseDurationSeconds: 10, renewTime: ago(30), acquireTime: ago(90) },
      },
      {
        metadata: { name: 'ironlb-speaker-n1' },
        spec: { leaseDurationSeconds: 10, renewTime: ago(1), acquireTime: ago(90) },
      },
      { metadata: { name: 'ironlb-controller' }, spec: { leaseDurationSeconds: 10, renewTime: ago(1) } },
    ],
    bgpStatuses: [
      { status: { node: 'n1', peers: ['r1', 'r2'] } },
      { status: { node: 'n1', peers: ['r1'] } },
      { status: { peers: ['r1'] } },
    ],
  });

  it('sums the families, keeps counts beyond 2^53 exact, and knows a pool the controller has not counted', () => {
    expect(report.pools.map((p) => [p.name, p.inUse, p.available, p.counted])).toEqual([
      ['new', 0, 0, false],
      ['v6', 1, '18446744073709551615', true],
    ]);
  });

  it('prints pools, speakers by their Leases and BGP sessions like kubectl get', () => {
    expect(statusText(report, NOW, false)).toBe(
      [
        'NAME   ADDRESSES        IN USE      AVAILABLE              AGE',
        'new    203.0.113.0/28   <unknown>   <unknown>              5s',
        'v6     2001:db8::/64    1           18446744073709551615   120m',
        '',
        'NODE   SPEAKER     AGE',
        'n1     alive       90s',
        'n2     not alive   90s',
        '',
        'NODE   BGP PEER   SERVICES',
        'n1     r1         2',
        'n1     r2         1',
        '',
      ].join('\n'),
    );
    expect(statusText(report, NOW, true).split('\n')[0]).toBe(
      'NAME   ADDRESSES        IN USE      AVAILABLE              AUTO ASSIGN   IPV4 USED/FREE   IPV6 USED/FREE           AGE',
    );
  });

  it('says so when there is nothing', () => {
    expect(statusText(status({ now: NOW, pools: [], leases: [], bgpStatuses: [] }), NOW, false)).toBe(
      'No IPAddressPools in the ironlb namespace.\n\nNo speakers (no node Lease in the ironlb namespace).\n',
    );
  });
});
