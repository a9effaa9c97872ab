import { mustParseIP } from '@ironlb/shared';
import type { DataplanePlan, Forward, L4Protocol } from '../types';
import { endpointChain, serviceChain } from './names';
import { commentFor, endpointText, probability, renderIptables, renderRemoval } from './render';
import type { RenderedChains } from './save';

// Chain hashes below were computed with Python (base64.b32encode(hashlib.sha256(key).digest())[:16]), not with
// the code under test.
const SVC80 = 'IRONLB-SVC-RGNVK6K7EGKKSU2U'; // '198.51.100.200 TCP 80'
const FW80 = 'IRONLB-FW-RGNVK6K7EGKKSU2U';
const SEP18 = 'IRONLB-SEP-2HBRWVDVOWZWPRCR'; // '198.51.100.200 TCP 80 203.0.113.18:8080'
const SEP19 = 'IRONLB-SEP-CG35DZG4HKX7SZG4'; // '198.51.100.200 TCP 80 203.0.113.19:8080'
const SEP20 = 'IRONLB-SEP-2UJAO22E36K6GXNH'; // '198.51.100.200 TCP 80 203.0.113.20:8080'
const SVC6 = 'IRONLB-SVC-4SG4KLAY3S5OCTS2'; // '2001:db8:1::200 UDP 53'
const SEP6 = 'IRONLB-SEP-LHDC7FTIOJMF7GPC'; // '2001:db8:1::200 UDP 53 [2001:db8:100:1::2]:5353'
const SVC443 = 'IRONLB-SVC-MF6YJZ4DRVYSTVEA'; // '198.51.100.203 TCP 443'
const SEP443 = 'IRONLB-SEP-474XVAJWQ3MPIROD'; // '198.51.100.203 TCP 443 203.0.113.18:8443'

interface ForwardOpts {
  backends?: string[];
  masquerade?: boolean;
  affinitySec?: number;
  sourceRanges?: string[];
  service?: string;
  portName?: string;
}

function fwd(ip: string, protocol: L4Protocol, port: number, o: ForwardOpts = {}): Forward {
  return {
    key: `${ip} ${protocol} ${port}`,
    ip: mustParseIP(ip),
    protocol,
    port,
    service: o.service ?? 'shop/web',
    portName: o.portName ?? 'http',
    backends: (o.backends ?? []).map((b) => {
      const at = b.lastIndexOf(':');
      return { ip: mustParseIP(b.slice(0, at).replace(/^\[|\]$/g, '')), port: Number(b.slice(at + 1)) };
    }),
    masquerade: o.masquerade ?? true,
    affinitySec: o.affinitySec,
    sourceRanges: (o.sourceRanges ?? []).map((r) => {
      const [a, l] = r.split('/');
      return { ip: mustParseIP(a), length: Number(l) };
    }),
  };
}

const plan = (...forwards: Forward[]): DataplanePlan => ({
  forwards: new Map(forwards.map((f) => [f.key, f])),
  problems: [],
});

/** The lines every render has, around the Forwards' own. */
const NAT_HEAD = [
  '*nat',
  ':IRONLB-PREROUTING - [0:0]',
  ':IRONLB-OUTPUT - [0:0]',
  ':IRONLB-SERVICES - [0:0]',
  ':IRONLB-POSTROUTING - [0:0]',
];
const NAT_BASE = [
  '-A IRONLB-PREROUTING -j IRONLB-SERVICES',
  '-A IRONLB-OUTPUT -j IRONLB-SERVICES',
  '-A IRONLB-POSTROUTING -m mark ! --mark 0x40000/0x40000 -j RETURN',
  '-A IRONLB-POSTROUTING -j MARK --xor-mark 0x40000',
  '-A IRONLB-POSTROUTING -j MASQUERADE --random-fully',
];

function text(natChains: string[], natRules: string[], filterRules: string[]): string {
  return [
    ...NAT_HEAD,
    ...natChains,
    ...NAT_BASE,
    ...natRules,
    'COMMIT',
    '*filter',
    ':IRONLB-FILTER - [0:0]',
    ...filterRules,
    'COMMIT',
    '',
  ].join('\n');
}

const WEB = '-d 198.51.100.200/32 -p tcp -m tcp --dport 80 -m comment --comment "shop/web:http"';

describe('renderIptables: exact output', () => {
  test('an empty plan: our fixed chains, nothing in them but the masquerade rules', () => {
    const r = renderIptables(plan(), 'IPv4');
    expect(r.text).toBe(text([], [], []));
    expect([...r.chains.nat]).toEqual(['IRONLB-PREROUTING', 'IRONLB-OUTPUT', 'IRONLB-SERVICES', 'IRONLB-POSTROUTING']);
    expect([...r.chains.filter]).toEqual(['IRONLB-FILTER']);
  });

  test('one TCP Forward with two backends, Cluster policy: spread 1/2 then the rest, masquerade mark, DNAT', () => {
    const r = renderIptables(
      plan(fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080', '203.0.113.19:8080'] })),
      'IPv4',
    );
    expect(r.text).toBe(
      text(
        [`:${SVC80} - [0:0]`, `:${SEP18} - [0:0]`, `:${SEP19} - [0:0]`],
        [
          `-A IRONLB-SERVICES ${WEB} -j ${SVC80}`,
          `-A ${SVC80} -m statistic --mode random --probability 0.5000000000 -j ${SEP18}`,
          `-A ${SVC80} -j ${SEP19}`,
          `-A ${SEP18} -j MARK --or-mark 0x40000`,
          `-A ${SEP18} -p tcp -j DNAT --to-destination 203.0.113.18:8080`,
          `-A ${SEP19} -j MARK --or-mark 0x40000`,
          `-A ${SEP19} -p tcp -j DNAT --to-destination 203.0.113.19:8080`,
        ],
        [],
      ),
    );
    expect([...r.chains.nat].slice(4)).toEqual([SVC80, SEP18, SEP19]);
  });

  test('Local policy: no mark but the hairpin one (a backend reaching itself through the VIP)', () => {
    const r = renderIptables(
      plan(fwd('198.51.100.203', 'TCP', 443, { backends: ['203.0.113.18:8443'], masquerade: false, portName: '' })),
      'IPv4',
    );
    expect(r.text).toBe(
      text(
        [`:${SVC443} - [0:0]`, `:${SEP443} - [0:0]`],
        [
          `-A IRONLB-SERVICES -d 198.51.100.203/32 -p tcp -m tcp --dport 443 -m comment --comment "shop/web" -j ${SVC443}`,
          `-A ${SVC443} -j ${SEP443}`,
          `-A ${SEP443} -s 203.0.113.18/32 -j MARK --or-mark 0x40000`,
          `-A ${SEP443} -p tcp -j DNAT --to-destination 203.0.113.18:8443`,
        ],
        [],
      ),
    );
  });

  test('IPv6 UDP: /128, bracketed DNAT target, and the IPv6 hairpin match', () => {
    const r = renderIptables(
      plan(
        fwd('2001:db8:1::200', 'UDP', 53, {
          backends: ['[2001:db8:100:1::2]:5353'],
          masquerade: false,
          service: 'kube-system/dns',
          portName: 'dns',
        }),
      ),
      'IPv6',
    );
    expect(r.text).toBe(
      text(
        [`:${SVC6} - [0:0]`, `:${SEP6} - [0:0]`],
        [
          `-A IRONLB-SERVICES -d 2001:db8:1::200/128 -p udp -m udp --dport 53 -m comment --comment "kube-system/dns:dns" -j ${SVC6}`,
          `-A ${SVC6} -j ${SEP6}`,
          `-A ${SEP6} -s 2001:db8:100:1::2/128 -j MARK --or-mark 0x40000`,
          `-A ${SEP6} -p udp -j DNAT --to-destination [2001:db8:100:1::2]:5353`,
        ],
        [],
      ),
    );
  });

  test('no backends: no nat chain; filter rejects, TCP with a reset, UDP/SCTP with port unreachable per family', () => {
    const r4 = renderIptables(
      plan(
        fwd('198.51.100.200', 'TCP', 80),
        fwd('198.51.100.201', 'UDP', 53, { portName: 'dns' }),
        fwd('198.51.100.202', 'SCTP', 9, { portName: 'sig' }),
      ),
      'IPv4',
    );
    expect(r4.text).toBe(
      text(
        [],
        [],
        [
          `-A IRONLB-FILTER ${WEB} -j REJECT --reject-with tcp-reset`,
          '-A IRONLB-FILTER -d 198.51.100.201/32 -p udp -m udp --dport 53 -m comment --comment "shop/web:dns" -j REJECT --reject-with icmp-port-unreachable',
          '-A IRONLB-FILTER -d 198.51.100.202/32 -p sctp -m sctp --dport 9 -m comment --comment "shop/web:sig" -j REJECT --reject-with icmp-port-unreachable',
        ],
      ),
    );
    expect([...r4.chains.nat]).toHaveLength(4);

    const r6 = renderIptables(plan(fwd('2001:db8:1::200', 'UDP', 53), fwd('2001:db8:1::200', 'TCP', 53)), 'IPv6');
    expect(r6.text).toBe(
      text(
        [],
        [],
        [
          '-A IRONLB-FILTER -d 2001:db8:1::200/128 -p udp -m udp --dport 53 -m comment --comment "shop/web:http" -j REJECT --reject-with icmp6-port-unreachable',
          '-A IRONLB-FILTER -d 2001:db8:1::200/128 -p tcp -m tcp --dport 53 -m comment --comment "shop/web:http" -j REJECT --reject-with tcp-reset',
        ],
      ),
    );
  });

  test('ClientIP affinity: a recent check per endpoint before the spread, the endpoint sets it with its DNAT', () => {
    const r = renderIptables(
      plan(
        fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080', '203.0.113.19:8080'], affinitySec: 10800 }),
      ),
      'IPv4',
    );
    expect(r.text).toBe(
      text(
        [`:${SVC80} - [0:0]`, `:${SEP18} - [0:0]`, `:${SEP19} - [0:0]`],
        [
          `-A IRONLB-SERVICES ${WEB} -j ${SVC80}`,
          `-A ${SVC80} -m recent --name ${SEP18} --rcheck --seconds 10800 --reap -j ${SEP18}`,
          `-A ${SVC80} -m recent --name ${SEP19} --rcheck --seconds 10800 --reap -j ${SEP19}`,
          `-A ${SVC80} -m statistic --mode random --probability 0.5000000000 -j ${SEP18}`,
          `-A ${SVC80} -j ${SEP19}`,
          `-A ${SEP18} -j MARK --or-mark 0x40000`,
          `-A ${SEP18} -p tcp -m recent --name ${SEP18} --set -j DNAT --to-destination 203.0.113.18:8080`,
          `-A ${SEP19} -j MARK --or-mark 0x40000`,
          `-A ${SEP19} -p tcp -m recent --name ${SEP19} --set -j DNAT --to-destination 203.0.113.19:8080`,
        ],
        [],
      ),
    );
  });

  test('affinity of 0 seconds is no affinity', () => {
    const a = renderIptables(
      plan(fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080'], affinitySec: 0 })),
      'IPv4',
    );
    const b = renderIptables(plan(fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080'] })), 'IPv4');
    expect(a.text).toBe(b.text);
    expect(a.text).not.toContain('recent');
  });

  test('source ranges: the firewall chain passes each range on, filter drops what was not DNATed', () => {
    const r = renderIptables(
      plan(
        fwd('198.51.100.200', 'TCP', 80, {
          backends: ['203.0.113.18:8080'],
          sourceRanges: ['203.0.113.0/24', '198.51.100.64/26', '2001:db8::/32'],
        }),
      ),
      'IPv4',
    );
    expect(r.text).toBe(
      text(
        [`:${FW80} - [0:0]`, `:${SVC80} - [0:0]`, `:${SEP18} - [0:0]`],
        [
          `-A IRONLB-SERVICES ${WEB} -j ${FW80}`,
          `-A ${FW80} -s 203.0.113.0/24 -j ${SVC80}`,
          `-A ${FW80} -s 198.51.100.64/26 -j ${SVC80}`,
          `-A ${SVC80} -j ${SEP18}`,
          `-A ${SEP18} -j MARK --or-mark 0x40000`,
          `-A ${SEP18} -p tcp -j DNAT --to-destination 203.0.113.18:8080`,
        ],
        [`-A IRONLB-FILTER ${WEB} -j DROP`],
      ),
    );
    expect(r.chains.nat.has(FW80)).toBe(true);
  });

  test('source ranges of the other family only: the firewall chain passes nothing, filter drops all', () => {
    const r = renderIptables(
      plan(fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080'], sourceRanges: ['2001:db8::/32'] })),
      'IPv4',
    );
    expect(r.text).toContain(`-A IRONLB-SERVICES ${WEB} -j ${FW80}\n-A ${SVC80} -j ${SEP18}\n`);
    expect(r.text).toContain(`-A IRONLB-FILTER ${WEB} -j DROP\n`);
  });

  test('source ranges and no backends: allowed sources are refused (a range of the other family left out), the others dropped', () => {
    const r = renderIptables(
      plan(fwd('198.51.100.200', 'TCP', 80, { sourceRanges: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.64/26'] })),
      'IPv4',
    );
    expect(r.text).toBe(
      text(
        [],
        [],
        [
          `-A IRONLB-FILTER -s 203.0.113.0/24 ${WEB} -j REJECT --reject-with tcp-reset`,
          `-A IRONLB-FILTER -s 198.51.100.64/26 ${WEB} -j REJECT --reject-with tcp-reset`,
          `-A IRONLB-FILTER ${WEB} -j DROP`,
        ],
      ),
    );
  });
});

describe('renderIptables: the spread', () => {
  test('three backends: 1/3, 1/2, then the last unconditionally', () => {
    const r = renderIptables(
      plan(
        fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080', '203.0.113.19:8080', '203.0.113.20:8080'] }),
      ),
      'IPv4',
    );
    const svcRules = r.text.split('\n').filter((l) => l.startsWith(`-A ${SVC80} `));
    expect(svcRules).toEqual([
      `-A ${SVC80} -m statistic --mode random --probability 0.3333333333 -j ${SEP18}`,
      `-A ${SVC80} -m statistic --mode random --probability 0.5000000000 -j ${SEP19}`,
      `-A ${SVC80} -j ${SEP20}`,
    ]);
  });

  test('probability is 1/n with ten decimals', () => {
    expect([2, 3, 4, 7, 1000].map(probability)).toEqual([
      '0.5000000000',
      '0.3333333333',
      '0.2500000000',
      '0.1428571429',
      '0.0010000000',
    ]);
  });

  test('a backend listed twice gets one chain and one share', () => {
    const r = renderIptables(
      plan(
        fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080', '203.0.113.18:8080', '203.0.113.19:8080'] }),
      ),
      'IPv4',
    );
    expect(r.text.split('\n').filter((l) => l === `:${SEP18} - [0:0]`)).toHaveLength(1);
    expect(r.text).toContain(
      `-A ${SVC80} -m statistic --mode random --probability 0.5000000000 -j ${SEP18}\n-A ${SVC80} -j ${SEP19}\n`,
    );
  });
});

describe('renderIptables: families', () => {
  test('each family renders its own Forwards only (ip6tables and iptables hold separate tables)', () => {
    const p = plan(
      fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080'] }),
      fwd('2001:db8:1::200', 'UDP', 53, { backends: ['[2001:db8:100:1::2]:5353'] }),
    );
    const v4 = renderIptables(p, 'IPv4');
    const v6 = renderIptables(p, 'IPv6');
    expect(v4.chains.nat.has(SVC80)).toBe(true);
    expect(v4.chains.nat.has(SVC6)).toBe(false);
    expect(v6.chains.nat.has(SVC6)).toBe(true);
    expect(v6.chains.nat.has(SVC80)).toBe(false);
    expect(v4.text).not.toContain('2001:db8');
    expect(v6.text).not.toContain('198.51.100');
  });
});

describe('renderIptables: names are stable', () => {
  test("a Forward's chains do not depend on the other Forwards, their order, or its backends' order", () => {
    const alone = renderIptables(
      plan(fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080', '203.0.113.19:8080'] })),
      'IPv4',
    );
    const crowded = renderIptables(
      plan(
        fwd('198.51.100.203', 'TCP', 443, { backends: ['203.0.113.18:8443'] }),
        fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.19:8080', '203.0.113.18:8080'], affinitySec: 60 }),
      ),
      'IPv4',
    );
    for (const c of alone.chains.nat) expect(crowded.chains.nat.has(c)).toBe(true);
    expect(crowded.chains.nat.has(SVC443)).toBe(true);
  });

  test('a Forward keyed the same keeps its names when its service, policy or ranges change', () => {
    const a = renderIptables(plan(fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080'] })), 'IPv4');
    const b = renderIptables(
      plan(
        fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080'], service: 'other/svc', masquerade: false }),
      ),
      'IPv4',
    );
    expect([...b.chains.nat]).toEqual([...a.chains.nat]);
    expect(serviceChain('198.51.100.200 TCP 80')).toBe(SVC80);
    expect(endpointChain('198.51.100.200 TCP 80', endpointText({ ip: mustParseIP('203.0.113.18'), port: 8080 }))).toBe(
      SEP18,
    );
  });
});

describe('renderIptables: removal', () => {
  const twoBackends = plan(fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080', '203.0.113.19:8080'] }));

  test('a gone backend: its chain is declared (flushed) with the others and deleted after every rule', () => {
    const before = renderIptables(twoBackends, 'IPv4');
    const after = renderIptables(
      plan(fwd('198.51.100.200', 'TCP', 80, { backends: ['203.0.113.18:8080'] })),
      'IPv4',
      before.chains,
    );
    expect(after.text).toBe(
      [
        ...NAT_HEAD,
        `:${SVC80} - [0:0]`,
        `:${SEP18} - [0:0]`,
        `:${SEP19} - [0:0]`,
        ...NAT_BASE,
        `-A IRONLB-SERVICES ${WEB} -j ${SVC80}`,
        `-A ${SVC80} -j ${SEP18}`,
        `-A ${SEP18} -j MARK --or-mark 0x40000`,
        `-A ${SEP18} -p tcp -j DNAT --to-destination 203.0.113.18:8080`,
        `-X ${SEP19}`,
        'COMMIT',
        '*filter',
        ':IRONLB-FILTER - [0:0]',
        'COMMIT',
        '',
      ].join('\n'),
    );
    expect(after.chains.nat.has(SEP19)).toBe(false);
  });

  test('a gone Forward: all its chains deleted, each once; the fixed chains are never deleted', () => {
    const before = renderIptables(twoBackends, 'IPv4');
    const after = renderIptables(plan(), 'IPv4', before.chains);
    const lines = after.text.split('\n');
    expect(lines.filter((l) => l.startsWith('-X '))).toEqual([`-X ${SVC80}`, `-X ${SEP18}`, `-X ${SEP19}`]);
    // Every deletion comes after the last rule of the table, and after its chain was declared.
    const lastRule = lines.lastIndexOf(NAT_BASE[NAT_BASE.length - 1]);
    for (const c of [SVC80, SEP18, SEP19]) {
      expect(lines.indexOf(`:${c} - [0:0]`)).toBeLessThan(lastRule);
      expect(lines.indexOf(`-X ${c}`)).toBeGreaterThan(lastRule);
    }
    expect([...after.chains.nat]).toEqual([
      'IRONLB-PREROUTING',
      'IRONLB-OUTPUT',
      'IRONLB-SERVICES',
      'IRONLB-POSTROUTING',
    ]);
  });

  test('a gone filter chain (a save found it) is deleted in filter', () => {
    const previous: RenderedChains = { nat: new Set(), filter: new Set(['IRONLB-FILTER', 'IRONLB-OLD']) };
    const r = renderIptables(plan(), 'IPv4', previous);
    expect(r.text.endsWith('*filter\n:IRONLB-FILTER - [0:0]\n:IRONLB-OLD - [0:0]\n-X IRONLB-OLD\nCOMMIT\n')).toBe(true);
  });

  test('the same plan again deletes nothing', () => {
    const before = renderIptables(twoBackends, 'IPv4');
    const again = renderIptables(twoBackends, 'IPv4', before.chains);
    expect(again.text).toBe(before.text);
  });
});

describe('renderIptables: size', () => {
  test('lines grow with the plan: per Forward of n backends, 1 + 2n chains and 1 + n + 2n rules', () => {
    const forwards: Forward[] = [];
    for (let i = 0; i < 2000; i++) {
      forwards.push(
        fwd(`198.51.100.${i % 250}`, 'TCP', 1000 + i, {
          backends: ['203.0.113.18:8080', '203.0.113.19:8080', '203.0.113.20:8080'],
        }),
      );
    }
    const r = renderIptables(plan(...forwards), 'IPv4');
    const lines = r.text.split('\n');
    expect(lines.filter((l) => l.startsWith(':IRONLB-')).length).toBe(5 + 2000 * 4);
    expect(lines.filter((l) => l.startsWith('-A ')).length).toBe(5 + 2000 * (1 + 3 + 6));
    expect(r.chains.nat.size).toBe(4 + 2000 * 4);
  });
});

describe('commentFor', () => {
  test('namespace/name:port, or namespace/name for the unnamed port; odd characters replaced', () => {
    expect(commentFor(fwd('198.51.100.200', 'TCP', 80))).toBe('shop/web:http');
    expect(commentFor(fwd('198.51.100.200', 'TCP', 80, { portName: '' }))).toBe('shop/web');
    expect(commentFor(fwd('198.51.100.200', 'TCP', 80, { service: 'a/"b c"\\' }))).toBe('a/_b_c__:http');
    expect(commentFor(fwd('198.51.100.200', 'TCP', 80, { service: 'x'.repeat(400) }))).toHaveLength(255);
  });
});

describe('renderRemoval', () => {
  test('flushes and deletes every chain given, table by table', () => {
    const r = renderRemoval({ nat: new Set(['IRONLB-PREROUTING', SVC80]), filter: new Set(['IRONLB-FILTER']) });
    expect(r).toBe(
      [
        '*nat',
        ':IRONLB-PREROUTING - [0:0]',
        `:${SVC80} - [0:0]`,
        '-X IRONLB-PREROUTING',
        `-X ${SVC80}`,
        'COMMIT',
        '*filter',
        ':IRONLB-FILTER - [0:0]',
        '-X IRONLB-FILTER',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  test('a table without chains of ours is left out; nothing at all gives no text', () => {
    expect(renderRemoval({ nat: new Set(), filter: new Set(['IRONLB-FILTER']) })).toBe(
      '*filter\n:IRONLB-FILTER - [0:0]\n-X IRONLB-FILTER\nCOMMIT\n',
    );
    expect(renderRemoval({ nat: new Set(), filter: new Set() })).toBe('');
  });
});
