import { Allocator } from '../ipam/allocator';
import { config, pool, service } from '../ipam/testFixtures';
import { jsonCount, poolStatuses, statusMatches } from './poolStatus';

describe('pool status', () => {
  it('counts assigned and available per family, zero for a family the pool lacks', () => {
    const a = new Allocator(
      config(pool('dual', ['198.51.100.0/30', '2001:db8::/64']), pool('v4', ['203.0.113.10-203.0.113.19'])),
    );
    const dual = service('default/one', { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] });
    expect(a.assign(dual).ok).toBe(true);
    const s = poolStatuses(a.usage());
    expect(s.get('dual')).toEqual({
      assignedIPv4: 1,
      assignedIPv6: 1,
      availableIPv4: 3,
      availableIPv6: (2n ** 64n - 1n).toString(),
    });
    expect(s.get('v4')).toEqual({ assignedIPv4: 0, assignedIPv6: 0, availableIPv4: 10, availableIPv6: 0 });
  });

  it('writes IPv6 counts as numbers while they are exact, as strings beyond 2^53-1', () => {
    expect(jsonCount(65536n)).toBe(65536);
    expect(jsonCount(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(jsonCount(2n ** 53n)).toBe('9007199254740992');
  });

  it('matches only a status that says exactly the same', () => {
    const want = { assignedIPv4: 1, assignedIPv6: 0, availableIPv4: 3, availableIPv6: '18446744073709551615' };
    expect(statusMatches(undefined, want)).toBe(false);
    expect(statusMatches({ ...want }, want)).toBe(true);
    expect(statusMatches({ ...want, availableIPv6: 18446744073709551615 }, want)).toBe(false);
    expect(statusMatches({ ...want, assignedIPv4: 2 }, want)).toBe(false);
  });
});
