import { mustParseIP } from '@ironlb/shared';
import {
  DUMMY_UNAVAILABLE,
  DummyUnavailableError,
  ipCommandVipLink,
  parseAddrJson,
  parseLinkKind,
  syncVips,
  vipChanges,
  type IpRunner,
} from './vipLink';

/** A runner that records each `ip` invocation and answers from a script (a function of the arguments). */
function scripted(answer: (args: string) => string | Error): { run: IpRunner; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: (args) => {
      const line = args.join(' ');
      calls.push(line);
      const a = answer(line);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
  };
}

// In the shape `ip -j addr show` prints (iproute2 6, as seen on a down veth here), trimmed, with a link-local added.
const ADDR_JSON = JSON.stringify([
  {
    ifindex: 3,
    ifname: 'ironlb-ipvs0',
    flags: ['BROADCAST', 'NOARP'],
    operstate: 'DOWN',
    addr_info: [
      { family: 'inet', local: '198.51.100.10', prefixlen: 32, scope: 'global', label: 'ironlb-ipvs0' },
      { family: 'inet6', local: '2001:db8::10', prefixlen: 128, scope: 'global', nodad: true },
      { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
    ],
  },
]);

const v4 = mustParseIP('198.51.100.10');
const v6 = mustParseIP('2001:db8::10');

describe('parsing ip -j output', () => {
  test('the global addresses, not link-local ones', () => {
    expect(parseAddrJson(ADDR_JSON)).toEqual([v4, v6]);
    expect(parseAddrJson('[]')).toEqual([]);
    expect(parseAddrJson('[{"ifname":"x"}]')).toEqual([]);
    expect(() => parseAddrJson('{}')).toThrow('not a list');
  });

  test('the link kind', () => {
    expect(parseLinkKind('[{"ifname":"ironlb-ipvs0","linkinfo":{"info_kind":"dummy"}}]')).toBe('dummy');
    expect(parseLinkKind('[{"ifname":"eth0"}]')).toBe('');
    expect(() => parseLinkKind('[]')).toThrow('no link');
  });
});

describe('vipChanges', () => {
  const a = mustParseIP('198.51.100.1');
  const b = mustParseIP('198.51.100.2');
  test('additions and removals; duplicates once', () => {
    expect(vipChanges([a, v6], [b, v6, b])).toEqual({ add: [b], remove: [a] });
    expect(vipChanges([], [])).toEqual({ add: [], remove: [] });
    expect(vipChanges([a], [a])).toEqual({ add: [], remove: [] });
  });
});

describe('ipCommandVipLink: the ip commands', () => {
  test('ensure creates a missing dummy link, in the namespace given', async () => {
    const s = scripted((l) => (l.includes('link show') ? new Error('Device "ironlb-ipvs0" does not exist.') : ''));
    await ipCommandVipLink({ netns: 'ns1', run: s.run }).ensure();
    expect(s.calls).toEqual(['-n ns1 -d -j link show dev ironlb-ipvs0', '-n ns1 link add ironlb-ipvs0 type dummy']);
  });

  test('ensure leaves an existing dummy link as it is', async () => {
    const s = scripted(() => '[{"ifname":"ironlb-ipvs0","linkinfo":{"info_kind":"dummy"}}]');
    await ipCommandVipLink({ run: s.run }).ensure();
    expect(s.calls).toEqual(['-d -j link show dev ironlb-ipvs0']);
  });

  test('ensure refuses a link of the name that is not a dummy', async () => {
    const s = scripted(() => '[{"ifname":"ironlb-ipvs0","linkinfo":{"info_kind":"veth"}}]');
    await expect(ipCommandVipLink({ run: s.run }).ensure()).rejects.toThrow(
      'ironlb-ipvs0 exists and is not a dummy link (veth)',
    );
  });

  test('a kernel without the dummy type: DummyUnavailableError', async () => {
    const s = scripted((l) =>
      l.includes('link show') ? new Error('does not exist') : new Error('ip link add: Error: Unknown device type.'),
    );
    const err = await ipCommandVipLink({ run: s.run })
      .ensure()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DummyUnavailableError);
    expect((err as Error).message).toBe(DUMMY_UNAVAILABLE);
  });

  test('other failures pass through', async () => {
    const s = scripted(() => new Error('RTNETLINK answers: Operation not permitted'));
    await expect(ipCommandVipLink({ run: s.run }).ensure()).rejects.toThrow('Operation not permitted');
    const t = scripted((l) =>
      l.includes('link show') ? new Error('does not exist') : new Error('Operation not permitted'),
    );
    await expect(ipCommandVipLink({ run: t.run }).ensure()).rejects.toThrow('Operation not permitted');
  });

  test('add: /32, and /128 nodad; remove: an absent address is fine, other errors are not', async () => {
    const s = scripted((l) => (l.includes('198.51.100.99') ? new Error('Error: ipv4: Address not found.') : ''));
    const link = ipCommandVipLink({ run: s.run });
    await link.add(v4);
    await link.add(v6);
    await link.remove(v4);
    await link.remove(mustParseIP('198.51.100.99'));
    expect(s.calls).toEqual([
      'addr replace 198.51.100.10/32 dev ironlb-ipvs0',
      'addr replace 2001:db8::10/128 dev ironlb-ipvs0 nodad',
      'addr del 198.51.100.10/32 dev ironlb-ipvs0',
      'addr del 198.51.100.99/32 dev ironlb-ipvs0',
    ]);
    const bad = scripted(() => new Error('RTNETLINK answers: Operation not permitted'));
    await expect(ipCommandVipLink({ run: bad.run }).remove(v4)).rejects.toThrow('not permitted');
  });

  test('addresses and destroy', async () => {
    const s = scripted((l) => (l.startsWith('-j addr') ? ADDR_JSON : new Error('Cannot find device "ironlb-ipvs0"')));
    const link = ipCommandVipLink({ run: s.run });
    expect(await link.addresses()).toEqual([v4, v6]);
    await link.destroy();
    expect(s.calls).toEqual(['-j addr show dev ironlb-ipvs0', 'link del ironlb-ipvs0']);
    const bad = scripted(() => new Error('Operation not permitted'));
    await expect(ipCommandVipLink({ run: bad.run }).destroy()).rejects.toThrow('not permitted');
  });

  test('syncVips: additions before removals', async () => {
    const s = scripted((l) => (l.startsWith('-j addr') ? ADDR_JSON : ''));
    await syncVips(ipCommandVipLink({ run: s.run, name: 'x0' }), [v6, mustParseIP('198.51.100.11')]);
    expect(s.calls).toEqual([
      '-j addr show dev x0',
      'addr replace 198.51.100.11/32 dev x0',
      'addr del 198.51.100.10/32 dev x0',
    ]);
  });
});
