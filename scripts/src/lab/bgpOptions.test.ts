import { allBgpOptions, bgpAsns, parseBgpRouterOptions } from './bgpOptions';

describe('BGP router options', () => {
  test('absent options are no options; every valid field survives the round trip', () => {
    expect(parseBgpRouterOptions(undefined, false)).toEqual({});
    for (const ibgp of [false, true]) {
      const all = allBgpOptions(ibgp);
      expect(parseBgpRouterOptions(JSON.parse(JSON.stringify(all)), true)).toEqual(all);
    }
  });

  test('iBGP puts the nodes in the router AS; otherwise they keep their own', () => {
    expect(bgpAsns({ ibgp: true })).toEqual({ routerAsn: 64512, nodeAsn: 64512 });
    expect(bgpAsns({ ibgp: false })).toEqual({ routerAsn: 64512, nodeAsn: 64513 });
    expect(bgpAsns({})).toEqual({ routerAsn: 64512, nodeAsn: 64513 });
  });

  test.each<[string, unknown, boolean, RegExp]>([
    ['a non-object', 'md5', true, /not an object/],
    ['an unknown key', { md5: 'x' }, true, /unknown option md5/],
    ['a password with a quote', { md5Password: 'a"b' }, true, /md5Password/],
    ['an empty password', { md5Password: '' }, true, /md5Password/],
    ['a password of 81 characters', { md5Password: 'a'.repeat(81) }, true, /md5Password/],
    ['bfd without fields', { bfd: {} }, true, /bfd.intervalMs/],
    ['a 9 ms bfd interval', { bfd: { intervalMs: 9, multiplier: 3 } }, true, /bfd.intervalMs/],
    ['a bfd multiplier of 1', { bfd: { intervalMs: 300, multiplier: 1 } }, true, /bfd.multiplier/],
    ['a bfd multiplier of 256', { bfd: { intervalMs: 300, multiplier: 256 } }, true, /bfd.multiplier/],
    ['bfd as a number', { bfd: 300 }, true, /bfd must be/],
    ['bfd.graceful as a string', { bfd: { intervalMs: 300, multiplier: 3, graceful: 'yes' } }, true, /bfd.graceful/],
    ['an unknown bfd field', { bfd: { intervalMs: 300, multiplier: 3, echo: true } }, true, /bfd.echo/],
    ['ibgp as a string', { ibgp: 'yes' }, true, /ibgp/],
    ['multihop TTL 1', { multihop: 1 }, true, /multihop/],
    ['multihop TTL 256', { multihop: 256 }, true, /multihop/],
    ['multihop with ibgp', { ibgp: true, multihop: 2 }, true, /eBGP option/],
    ['a restart time of 4096', { gracefulRestartSec: 4096 }, true, /gracefulRestartSec/],
    ['a restart time of 0', { gracefulRestartSec: 0 }, true, /gracefulRestartSec/],
    ['a hold time of 2', { holdTimeSec: 2 }, true, /holdTimeSec/],
    ['a hold time of 65536', { holdTimeSec: 65536 }, true, /holdTimeSec/],
    ['a fractional hold time', { holdTimeSec: 3.5 }, true, /holdTimeSec/],
    ['ipv6OverIpv4 in an IPv4-only lab', { ipv6OverIpv4: true }, false, /needs an IPv6 lab/],
    ['ipv6OverIpv4 as a number', { ipv6OverIpv4: 1 }, true, /ipv6OverIpv4/],
    ['an error wait of 0', { errorWaitSec: 0 }, true, /errorWaitSec/],
  ])('rejects %s', (_name, v, ipv6, msg) => {
    expect(() => parseBgpRouterOptions(v, ipv6)).toThrow(msg);
  });

  test('edge values are accepted', () => {
    expect(parseBgpRouterOptions({ holdTimeSec: 0 }, false)).toEqual({ holdTimeSec: 0 });
    expect(parseBgpRouterOptions({ holdTimeSec: 3 }, false)).toEqual({ holdTimeSec: 3 });
    expect(parseBgpRouterOptions({ multihop: 255, ibgp: false }, false)).toEqual({ multihop: 255, ibgp: false });
    expect(parseBgpRouterOptions({ ipv6OverIpv4: false }, false)).toEqual({ ipv6OverIpv4: false });
    expect(parseBgpRouterOptions({ bfd: { intervalMs: 10, multiplier: 255 } }, false)).toEqual({
      bfd: { intervalMs: 10, multiplier: 255 },
    });
    expect(parseBgpRouterOptions({ bfd: { intervalMs: 100, multiplier: 3, graceful: true } }, false)).toEqual({
      bfd: { intervalMs: 100, multiplier: 3, graceful: true },
    });
    expect(parseBgpRouterOptions({ bfd: { intervalMs: 100, multiplier: 3, graceful: false } }, false)).toEqual({
      bfd: { intervalMs: 100, multiplier: 3 },
    });
  });
});
