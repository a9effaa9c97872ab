import { mustParseIP } from '@ironlb/shared';
import { forward, plan } from '../testPlans';
import type { DataplanePlan, Forward } from '../types';
import { endpointChain, endpointsMap, forwardObjects, nameHash, serviceChain, sharedChainOf } from './objects';
import { diffTable, renderFull, sameForward, sharedChainUsers } from './render';

/** The statements alone, from the chains a full rewrite to `prev` leaves. */
const renderDiff = (prev: DataplanePlan, next: DataplanePlan): string => diffTable(prev, next).text;

/** A Forward with backends written `address:port` (`[v6]:port`). */
const fwd = (
  ip: string,
  protocol: Forward['protocol'],
  port: number,
  backends: string[],
  over: Partial<Forward> = {},
) =>
  forward(
    ip,
    protocol,
    port,
    backends.map((b) => {
      const i = b.lastIndexOf(':');
      return [b.slice(0, i).replace(/^\[|\]$/g, ''), Number(b.slice(i + 1))] as const;
    }),
    { service: 'ns/web', portName: 'http', ...over },
  );

const WEB = fwd('198.51.100.200', 'TCP', 80, ['203.0.113.18:8080', '203.0.113.34:8080']);
const svcOf = (f: Forward): string => serviceChain(f);
const epOf = (f: Forward, i: number): string => endpointChain(f, f.backends[i]);

describe('forwardObjects', () => {
  it('names derive from the key (and the backend): stable across plans, 16 hex characters', () => {
    expect(svcOf(WEB)).toBe(`svc-${nameHash('198.51.100.200 TCP 80')}`);
    expect(svcOf(WEB)).toMatch(/^svc-[0-9a-f]{16}$/);
    expect(epOf(WEB, 0)).toBe(`ep-${nameHash('198.51.100.200 TCP 80 203.0.113.18 8080')}`);
    expect(epOf(WEB, 1)).not.toBe(epOf(WEB, 0));
  });

  it('Cluster, two endpoints: masquerade element, endpoints by index, the shared chain of 2; no chain of its own', () => {
    const o = forwardObjects(WEB);
    expect([...o.sets]).toEqual([]);
    expect([...o.chains]).toEqual([]);
    expect([...o.sharedChains]).toEqual([
      ['dnat4-tcp-2', ['meta l4proto tcp dnat ip to ip daddr . th dport . numgen random mod 2 map @endpoints4-tcp']],
    ]);
    expect(sharedChainOf(WEB)).toBe('dnat4-tcp-2');
    expect(o.elements).toEqual([
      { set: 'masquerade4', key: '198.51.100.200 . tcp . 80' },
      { set: 'endpoints4-tcp', key: '198.51.100.200 . 80 . 0', value: '203.0.113.18 . 8080' },
      { set: 'endpoints4-tcp', key: '198.51.100.200 . 80 . 1', value: '203.0.113.34 . 8080' },
      { set: 'forwards4', key: '198.51.100.200 . tcp . 80', value: 'goto dnat4-tcp-2' },
    ]);
  });

  it('Local (no masquerade), IPv6, UDP: no masquerade element; ip6 DNAT; the IPv6 maps', () => {
    const f = fwd('2001:db8:1::200', 'UDP', 53, ['[2001:db8:100:1::2]:5353'], { masquerade: false });
    const o = forwardObjects(f);
    expect([...o.sharedChains]).toEqual([
      ['dnat6-udp-1', ['meta l4proto udp dnat ip6 to ip6 daddr . th dport . numgen random mod 1 map @endpoints6-udp']],
    ]);
    expect(o.elements).toEqual([
      { set: 'endpoints6-udp', key: '2001:db8:1::200 . 53 . 0', value: '2001:db8:100:1::2 . 5353' },
      { set: 'forwards6', key: '2001:db8:1::200 . udp . 53', value: 'goto dnat6-udp-1' },
    ]);
  });

  it('SCTP is sctp, in a map and chain of its own', () => {
    const f = fwd('198.51.100.200', 'SCTP', 38412, ['203.0.113.18:38412']);
    expect([...forwardObjects(f).sharedChains]).toEqual([
      ['dnat4-sctp-1', ['meta l4proto sctp dnat ip to ip daddr . th dport . numgen random mod 1 map @endpoints4-sctp']],
    ]);
    expect(endpointsMap('IPv6', 'SCTP')).toBe('endpoints6-sctp');
  });

  it('affinity, IPv6: the endpoint chain DNATs with brackets', () => {
    const f = fwd('2001:db8:1::200', 'UDP', 53, ['[2001:db8:100:1::2]:5353'], { masquerade: false, affinitySec: 5 });
    expect(forwardObjects(f).chains.get(epOf(f, 0))?.[1]).toBe('meta l4proto udp dnat ip6 to [2001:db8:100:1::2]:5353');
  });

  it('affinity: a timeout set per endpoint, checked before the pick, updated in the endpoint chain', () => {
    const f = { ...WEB, affinitySec: 10800 };
    const o = forwardObjects(f);
    const sets = [...o.sets.keys()];
    expect(sets).toHaveLength(2);
    for (const s of sets) expect(o.sets.get(s)).toBe('type ipv4_addr; flags dynamic,timeout; timeout 10800s;');
    expect([...o.sharedChains]).toEqual([]);
    expect(sharedChainOf(f)).toBeUndefined();
    expect(o.elements).toEqual([
      { set: 'masquerade4', key: '198.51.100.200 . tcp . 80' },
      { set: 'forwards4', key: '198.51.100.200 . tcp . 80', value: `goto ${svcOf(f)}` },
    ]);
    expect(o.chains.get(svcOf(f))).toEqual([
      `ip saddr @${sets[0]} goto ${epOf(f, 0)}`,
      `ip saddr @${sets[1]} goto ${epOf(f, 1)}`,
      `numgen random mod 2 vmap { 0 : goto ${epOf(f, 0)}, 1 : goto ${epOf(f, 1)} }`,
    ]);
    expect(o.chains.get(epOf(f, 0))).toEqual([
      `update @${sets[0]} { ip saddr }`,
      'meta l4proto tcp dnat ip to 203.0.113.18:8080',
    ]);
    // A new timeout is a new set (a set's timeout cannot change in place).
    expect([...forwardObjects({ ...f, affinitySec: 60 }).sets.keys()]).not.toContain(sets[0]);
    const v6 = forwardObjects(fwd('2001:db8:1::200', 'TCP', 80, ['[2001:db8:100:1::2]:80'], { affinitySec: 5 }));
    expect([...v6.sets.values()]).toEqual(['type ipv6_addr; flags dynamic,timeout; timeout 5s;']);
    expect([...v6.chains.values()][0][0]).toMatch(/^update @aff-[0-9a-f]{16} \{ ip6 saddr \}$/);
  });

  it('no endpoint: no chains, an element in refused; source ranges: limited plus one allowed element each', () => {
    const f = fwd('198.51.100.201', 'TCP', 443, [], {
      sourceRanges: [
        { ip: mustParseIP('198.51.100.0'), length: 24 },
        { ip: mustParseIP('203.0.113.7'), length: 32 },
      ],
    });
    const o = forwardObjects(f);
    expect([...o.chains]).toEqual([]);
    expect([...o.sharedChains]).toEqual([]);
    expect(sharedChainOf(f)).toBeUndefined();
    expect(o.elements).toEqual([
      { set: 'refused4', key: '198.51.100.201 . tcp . 443' },
      { set: 'limited4', key: '198.51.100.201 . tcp . 443' },
      { set: 'allowed4', key: '198.51.100.201 . tcp . 443 . 198.51.100.0/24' },
      { set: 'allowed4', key: '198.51.100.201 . tcp . 443 . 203.0.113.7/32' },
    ]);
    const v6 = forwardObjects(
      fwd('2001:db8:1::200', 'TCP', 80, [], { sourceRanges: [{ ip: mustParseIP('2001:db8::'), length: 32 }] }),
    );
    expect(v6.elements.map((e) => e.set)).toEqual(['refused6', 'limited6', 'allowed6']);
  });
});

describe('renderFull', () => {
  it('replaces the table atomically: add, delete, then the whole table and its elements', () => {
    const text = renderFull(plan(WEB, fwd('198.51.100.201', 'UDP', 53, [])));
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['add table inet ironlb', 'delete table inet ironlb', 'table inet ironlb {']);
    expect(text.endsWith('\n')).toBe(true);
    expect(lines.slice(-7)).toEqual([
      '  }',
      '}',
      'add element inet ironlb masquerade4 { 198.51.100.200 . tcp . 80 }',
      'add element inet ironlb endpoints4-tcp { 198.51.100.200 . 80 . 0 : 203.0.113.18 . 8080, 198.51.100.200 . 80 . 1 : 203.0.113.34 . 8080 }',
      'add element inet ironlb forwards4 { 198.51.100.200 . tcp . 80 : goto dnat4-tcp-2 }',
      'add element inet ironlb refused4 { 198.51.100.201 . udp . 53 }',
      '',
    ]);
    // A shared chain is declared once, however many forwards go to it.
    const two = renderFull(plan(WEB, fwd('198.51.100.201', 'TCP', 80, ['203.0.113.50:80', '203.0.113.51:80'])));
    expect(two.split('  chain dnat4-tcp-2 {\n').length).toBe(2);
    expect(two).toContain(
      '  chain dnat4-tcp-2 {\n    meta l4proto tcp dnat ip to ip daddr . th dport . numgen random mod 2 map @endpoints4-tcp\n  }\n',
    );
    // With affinity, endpoint chains are declared before the service chain that jumps to them.
    const aff = renderFull(plan({ ...WEB, affinitySec: 60 }));
    const affRules = forwardObjects({ ...WEB, affinitySec: 60 }).chains.get(epOf(WEB, 1)) ?? [];
    expect(aff).toContain(`  chain ${epOf(WEB, 1)} {\n${affRules.map((r) => `    ${r}\n`).join('')}  }\n`);
    expect(aff.indexOf(`chain ${epOf(WEB, 1)} {`)).toBeLessThan(aff.indexOf(`chain ${svcOf(WEB)} {`));
    expect(aff.indexOf(`chain ${epOf(WEB, 1)} {`)).toBeGreaterThan(0);
  });

  it('affinity sets are declared in the table, before the chains that name them', () => {
    const f = { ...WEB, affinitySec: 10800 };
    const sets = [...forwardObjects(f).sets.keys()];
    const text = renderFull(plan(f));
    for (const name of sets) {
      const decl = `  set ${name} { type ipv4_addr; flags dynamic,timeout; timeout 10800s; }\n`;
      expect(text).toContain(decl);
      expect(text.indexOf(decl)).toBeLessThan(text.indexOf(`  chain ${epOf(f, 0)} {`));
    }
  });

  it('the base: maps and sets per family, and the hooked chains with their priorities', () => {
    const text = renderFull(plan(), 0x4000);
    for (const line of [
      '  map forwards4 { type ipv4_addr . inet_proto . inet_service : verdict; }',
      '  map forwards6 { type ipv6_addr . inet_proto . inet_service : verdict; }',
      '  map endpoints4-tcp { typeof ip daddr . th dport . numgen random mod 1 : ip daddr . tcp dport; }',
      '  map endpoints4-udp { typeof ip daddr . th dport . numgen random mod 1 : ip daddr . udp dport; }',
      '  map endpoints4-sctp { typeof ip daddr . th dport . numgen random mod 1 : ip daddr . sctp dport; }',
      '  map endpoints6-tcp { typeof ip6 daddr . th dport . numgen random mod 1 : ip6 daddr . tcp dport; }',
      '  map endpoints6-udp { typeof ip6 daddr . th dport . numgen random mod 1 : ip6 daddr . udp dport; }',
      '  map endpoints6-sctp { typeof ip6 daddr . th dport . numgen random mod 1 : ip6 daddr . sctp dport; }',
      '  set masquerade4 { type ipv4_addr . inet_proto . inet_service; }',
      '  set masquerade6 { type ipv6_addr . inet_proto . inet_service; }',
      '  set refused6 { type ipv6_addr . inet_proto . inet_service; }',
      '  set limited4 { type ipv4_addr . inet_proto . inet_service; }',
      '  set allowed6 { type ipv6_addr . inet_proto . inet_service . ipv6_addr; flags interval; }',
      '  chain refuse {\n    meta l4proto tcp reject with tcp reset\n    reject with icmpx port-unreachable\n  }',
      '  chain filter-prerouting {\n    type filter hook prerouting priority dstnat - 10; policy accept;\n    ip daddr . meta l4proto . th dport @limited4 ip daddr . meta l4proto . th dport . ip saddr != @allowed4 drop\n    ip6 daddr . meta l4proto . th dport @limited6 ip6 daddr . meta l4proto . th dport . ip6 saddr != @allowed6 drop',
      '  chain filter-forward {\n    type filter hook forward priority filter; policy accept;\n    ct state new ip daddr . meta l4proto . th dport @refused4 goto refuse\n    ct state new ip6 daddr . meta l4proto . th dport @refused6 goto refuse\n  }',
      '  chain filter-input {\n    type filter hook input priority filter;',
      '  chain filter-output {\n    type filter hook output priority filter;',
      '  chain nat-prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n    ip daddr . meta l4proto . th dport @masquerade4 meta mark set meta mark | 0x4000\n    ip6 daddr . meta l4proto . th dport @masquerade6 meta mark set meta mark | 0x4000\n    ip daddr . meta l4proto . th dport vmap @forwards4\n    ip6 daddr . meta l4proto . th dport vmap @forwards6\n  }',
      '  chain nat-output {\n    type nat hook output priority -100; policy accept;\n    ip daddr . meta l4proto . th dport @masquerade4 meta mark set meta mark | 0x4000\n    ip6 daddr . meta l4proto . th dport @masquerade6 meta mark set meta mark | 0x4000\n    ip daddr . meta l4proto . th dport vmap @forwards4',
      '  chain nat-postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n    meta mark & 0x4000 == 0x4000 meta mark set meta mark ^ 0x4000 masquerade\n  }',
    ])
      expect(text).toContain(line);
    // Each declaration on a line of its own.
    const lines = text.split('\n');
    for (const v of ['4', '6'])
      for (const p of ['tcp', 'udp', 'sctp'])
        expect(lines.filter((l) => l.startsWith(`  map endpoints${v}-${p} {`))).toHaveLength(1);
    expect(renderFull(plan(), 0x80)).toContain('meta mark & 0x80 == 0x80 meta mark set meta mark ^ 0x80 masquerade');
    expect(renderFull(plan(), 0x80)).toContain('th dport @masquerade6 meta mark set meta mark | 0x80\n');
    // An empty plan adds no elements.
    expect(text.trimEnd().endsWith('}')).toBe(true);
  });
});

describe('renderDiff', () => {
  const OTHER = fwd('198.51.100.202', 'TCP', 80, ['203.0.113.50:80']);

  it('nothing changed: nothing to send', () => {
    expect(renderDiff(plan(WEB, OTHER), plan({ ...WEB, backends: [...WEB.backends] }, OTHER))).toBe('');
  });

  it('an endpoint added: elements only, and the shared chain of 3 created (the one of 2 kept); nothing of other forwards', () => {
    const next = fwd('198.51.100.200', 'TCP', 80, ['203.0.113.18:8080', '203.0.113.34:8080', '203.0.113.50:8080']);
    expect(renderDiff(plan(WEB, OTHER), plan(next, OTHER))).toBe(
      [
        'add chain inet ironlb dnat4-tcp-3',
        'add rule inet ironlb dnat4-tcp-3 meta l4proto tcp dnat ip to ip daddr . th dport . numgen random mod 3 map @endpoints4-tcp',
        'delete element inet ironlb forwards4 { 198.51.100.200 . tcp . 80 }',
        'add element inet ironlb endpoints4-tcp { 198.51.100.200 . 80 . 2 : 203.0.113.50 . 8080 }',
        'add element inet ironlb forwards4 { 198.51.100.200 . tcp . 80 : goto dnat4-tcp-3 }',
        '',
      ].join('\n'),
    );
  });

  it('shared chains: created only when the table lacks them; kept when their last user leaves', () => {
    const two = (ip: string) => fwd(ip, 'TCP', 80, ['203.0.113.50:80', '203.0.113.51:80']);
    const three = (ip: string) => fwd(ip, 'TCP', 80, ['203.0.113.50:80', '203.0.113.51:80', '203.0.113.52:80']);
    const A = '198.51.100.1';
    const B = '198.51.100.2';
    // B still uses dnat4-tcp-2, another forward already had dnat4-tcp-3: no chain statement at all.
    const lines = renderDiff(
      plan(two(A), two(B), three('198.51.100.3')),
      plan(three(A), two(B), three('198.51.100.3')),
    );
    expect(lines.split('\n').filter((l) => l.includes('chain'))).toEqual([]);
    // A middle endpoint gone: the indexes after it move down.
    const mid = renderDiff(plan(three(A)), plan(fwd(A, 'TCP', 80, ['203.0.113.50:80', '203.0.113.52:80'])));
    expect(mid).toContain('delete element inet ironlb endpoints4-tcp { 198.51.100.1 . 80 . 1, 198.51.100.1 . 80 . 2 }');
    expect(mid).toContain('add element inet ironlb endpoints4-tcp { 198.51.100.1 . 80 . 1 : 203.0.113.52 . 80 }');
    expect(mid).not.toContain('delete chain');
    expect(mid).toContain('add chain inet ironlb dnat4-tcp-2');
  });

  it('shared chains over a run of diffs: each diff starts from the chains the one before left in the table', () => {
    const two = (ip: string) => fwd(ip, 'TCP', 80, ['203.0.113.50:80', '203.0.113.51:80']);
    const three = (ip: string) => fwd(ip, 'TCP', 80, ['203.0.113.50:80', '203.0.113.51:80', '203.0.113.52:80']);
    const A = '198.51.100.1';
    const B = '198.51.100.2';
    const plans = [
      plan(two(A), two(B)),
      plan(three(A), two(B)),
      plan(three(A), three(B)),
      plan(two(A), three(B)),
      plan(fwd(A, 'TCP', 80, ['203.0.113.50:80']), three(B)),
    ];
    const chainLines = (text: string) => text.split('\n').filter((l) => / chain /.test(l));
    let inTable = sharedChainUsers(plans[0]);
    expect([...inTable]).toEqual([['dnat4-tcp-2', 2]]);
    // Refusals and affinity forwards go to no shared chain.
    const others = plan(two(A), fwd(B, 'TCP', 80, []), { ...two('198.51.100.3'), affinitySec: 60 });
    expect([...sharedChainUsers(others)]).toEqual([['dnat4-tcp-2', 1]]);
    const steps: string[][] = [];
    for (let i = 1; i < plans.length; i++) {
      const d = diffTable(plans[i - 1], plans[i], inTable);
      steps.push(chainLines(d.text));
      inTable = d.inTable;
    }
    // dnat4-tcp-2 lost its last user at the second step and stayed, so coming back to it added nothing.
    expect(steps).toEqual([['add chain inet ironlb dnat4-tcp-3'], [], [], ['add chain inet ironlb dnat4-tcp-1']]);
    expect([...inTable].sort()).toEqual([
      ['dnat4-tcp-1', 1],
      ['dnat4-tcp-2', 0],
      ['dnat4-tcp-3', 1],
    ]);
    // Without what the table holds, a diff starts from a full rewrite to its first plan, which has no kept chains.
    expect(chainLines(renderDiff(plans[2], plans[3]))).toEqual(['add chain inet ironlb dnat4-tcp-2']);
  });

  it('with affinity, an endpoint added: its chain and set, then the service chain rewritten', () => {
    const a = { ...WEB, affinitySec: 60 };
    const b = {
      ...fwd('198.51.100.200', 'TCP', 80, ['203.0.113.18:8080', '203.0.113.34:8080', '203.0.113.50:8080']),
      affinitySec: 60,
    };
    const lines = renderDiff(plan(a), plan(b)).trimEnd().split('\n');
    const ep = epOf(b, 2);
    expect(lines[0]).toMatch(
      /^add set inet ironlb aff-[0-9a-f]{16} \{ type ipv4_addr; flags dynamic,timeout; timeout 60s; \}$/,
    );
    expect(lines[1]).toBe(`add chain inet ironlb ${ep}`);
    expect(lines.filter((l) => l.startsWith('flush chain'))).toEqual([`flush chain inet ironlb ${svcOf(a)}`]);
    expect(lines.some((l) => l.startsWith('delete'))).toBe(false);
  });

  it('a forward gone: its element out first, then its service chain; with affinity then its endpoint chains and sets', () => {
    expect(renderDiff(plan(WEB, OTHER), plan(OTHER))).toBe(
      [
        'delete element inet ironlb masquerade4 { 198.51.100.200 . tcp . 80 }',
        'delete element inet ironlb endpoints4-tcp { 198.51.100.200 . 80 . 0, 198.51.100.200 . 80 . 1 }',
        'delete element inet ironlb forwards4 { 198.51.100.200 . tcp . 80 }',
        '',
      ].join('\n'),
    );
    const aff = { ...WEB, affinitySec: 60 };
    const lines = renderDiff(plan(aff, OTHER), plan(OTHER)).trimEnd().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'delete element inet ironlb masquerade4 { 198.51.100.200 . tcp . 80 }',
      'delete element inet ironlb forwards4 { 198.51.100.200 . tcp . 80 }',
      `delete chain inet ironlb ${svcOf(WEB)}`,
      `delete chain inet ironlb ${epOf(WEB, 0)}`,
      `delete chain inet ironlb ${epOf(WEB, 1)}`,
    ]);
    expect(lines.slice(5).map((l) => l.replace(/aff-[0-9a-f]{16}/, 'aff-*'))).toEqual([
      'delete set inet ironlb aff-*',
      'delete set inet ironlb aff-*',
    ]);
  });

  it('a new forward: the shared chain and its rule, then its elements', () => {
    expect(renderDiff(plan(OTHER), plan(WEB, OTHER)).trimEnd().split('\n')).toEqual([
      'add chain inet ironlb dnat4-tcp-2',
      'add rule inet ironlb dnat4-tcp-2 meta l4proto tcp dnat ip to ip daddr . th dport . numgen random mod 2 map @endpoints4-tcp',
      'add element inet ironlb masquerade4 { 198.51.100.200 . tcp . 80 }',
      'add element inet ironlb endpoints4-tcp { 198.51.100.200 . 80 . 0 : 203.0.113.18 . 8080, 198.51.100.200 . 80 . 1 : 203.0.113.34 . 8080 }',
      'add element inet ironlb forwards4 { 198.51.100.200 . tcp . 80 : goto dnat4-tcp-2 }',
    ]);
  });

  it('the last endpoint gone: the elements move from the maps to refused (the shared chain stays)', () => {
    const none = { ...WEB, backends: [] };
    expect(renderDiff(plan(WEB), plan(none))).toBe(
      [
        'delete element inet ironlb masquerade4 { 198.51.100.200 . tcp . 80 }',
        'delete element inet ironlb endpoints4-tcp { 198.51.100.200 . 80 . 0, 198.51.100.200 . 80 . 1 }',
        'delete element inet ironlb forwards4 { 198.51.100.200 . tcp . 80 }',
        'add element inet ironlb refused4 { 198.51.100.200 . tcp . 80 }',
        '',
      ].join('\n'),
    );
  });

  it('an affinity timeout changed: new sets first, old sets deleted last, after the chains stop using them', () => {
    const a = { ...WEB, affinitySec: 10800 };
    const b = { ...WEB, affinitySec: 60 };
    const lines = renderDiff(plan(a), plan(b)).trimEnd().split('\n');
    const oldSets = [...forwardObjects(a).sets.keys()];
    const newSets = [...forwardObjects(b).sets.keys()];
    expect(lines.slice(0, 2)).toEqual(
      newSets.map((s) => `add set inet ironlb ${s} { type ipv4_addr; flags dynamic,timeout; timeout 60s; }`),
    );
    expect(lines.slice(-2)).toEqual(oldSets.map((s) => `delete set inet ironlb ${s}`));
    expect(lines.filter((l) => l.startsWith('flush chain'))).toHaveLength(3);
  });

  it('affinity, an endpoint added: only its set and chain are added; the sets still in use are neither re-added nor deleted', () => {
    const a = { ...WEB, affinitySec: 10800 };
    const b = {
      ...fwd('198.51.100.200', 'TCP', 80, ['203.0.113.18:8080', '203.0.113.34:8080', '203.0.113.50:8080']),
      affinitySec: 10800,
    };
    const sets = [...forwardObjects(b).sets.keys()];
    expect([...forwardObjects(a).sets.keys()]).toEqual(sets.slice(0, 2));
    const ep = epOf(b, 2);
    expect(renderDiff(plan(a), plan(b))).toBe(
      [
        `add set inet ironlb ${sets[2]} { type ipv4_addr; flags dynamic,timeout; timeout 10800s; }`,
        `add chain inet ironlb ${ep}`,
        `add rule inet ironlb ${ep} update @${sets[2]} { ip saddr }`,
        `add rule inet ironlb ${ep} meta l4proto tcp dnat ip to 203.0.113.50:8080`,
        `flush chain inet ironlb ${svcOf(b)}`,
        `add rule inet ironlb ${svcOf(b)} ip saddr @${sets[0]} goto ${epOf(b, 0)}`,
        `add rule inet ironlb ${svcOf(b)} ip saddr @${sets[1]} goto ${epOf(b, 1)}`,
        `add rule inet ironlb ${svcOf(b)} ip saddr @${sets[2]} goto ${ep}`,
        `add rule inet ironlb ${svcOf(b)} numgen random mod 3 vmap { 0 : goto ${epOf(b, 0)}, 1 : goto ${epOf(b, 1)}, 2 : goto ${ep} }`,
        '',
      ].join('\n'),
    );
    // And back: the gone endpoint's chain and set go, last; the others stay.
    const back = renderDiff(plan(b), plan(a)).trimEnd().split('\n');
    expect(back.filter((l) => l.startsWith('delete') || l.startsWith('add set'))).toEqual([
      `delete chain inet ironlb ${ep}`,
      `delete set inet ironlb ${sets[2]}`,
    ]);
  });

  it('source ranges changed: only the allowed elements that differ', () => {
    const r = (ip: string, length: number) => ({ ip: mustParseIP(ip), length });
    const a = { ...WEB, sourceRanges: [r('198.51.100.0', 24), r('203.0.113.0', 24)] };
    const b = { ...WEB, sourceRanges: [r('198.51.100.0', 24), r('203.0.113.0', 25)] };
    expect(renderDiff(plan(a), plan(b))).toBe(
      [
        'delete element inet ironlb allowed4 { 198.51.100.200 . tcp . 80 . 203.0.113.0/24 }',
        'add element inet ironlb allowed4 { 198.51.100.200 . tcp . 80 . 203.0.113.0/25 }',
        '',
      ].join('\n'),
    );
    expect(renderDiff(plan(b), plan(WEB))).toBe(
      [
        'delete element inet ironlb limited4 { 198.51.100.200 . tcp . 80 }',
        'delete element inet ironlb allowed4 { 198.51.100.200 . tcp . 80 . 198.51.100.0/24, 198.51.100.200 . tcp . 80 . 203.0.113.0/25 }',
        '',
      ].join('\n'),
    );
  });

  it('masquerade switched (Cluster to Local): only the masquerade element', () => {
    expect(renderDiff(plan(WEB), plan({ ...WEB, masquerade: false }))).toBe(
      'delete element inet ironlb masquerade4 { 198.51.100.200 . tcp . 80 }\n',
    );
  });

  it('one endpoint change renders the same statements beside 1 or 1,000 unchanged forwards', () => {
    const others = (n: number): Forward[] =>
      Array.from({ length: n }, (_, i) => fwd(`203.0.113.${128 + (i % 100)}`, 'TCP', 1000 + i, ['203.0.113.18:80']));
    const next = { ...WEB, backends: WEB.backends.slice(1) };
    const small = renderDiff(plan(WEB, ...others(1)), plan(next, ...others(1)));
    const large = renderDiff(plan(WEB, ...others(1000)), plan(next, ...others(1000)));
    expect(large).toBe(small);
    expect(small).toContain('add element inet ironlb endpoints4-tcp { 198.51.100.200 . 80 . 0 : 203.0.113.34 . 8080 }');
  });
});

describe('sameForward', () => {
  const r = (ip: string, length: number) => ({ ip: mustParseIP(ip), length });
  const base = { ...WEB, affinitySec: 10, sourceRanges: [r('198.51.100.0', 24)] };
  it.each<[string, Partial<Forward>]>([
    ['service', { service: 'ns/other' }],
    ['portName', { portName: 'https' }],
    ['masquerade', { masquerade: false }],
    ['affinitySec', { affinitySec: 11 }],
    ['a backend fewer', { backends: WEB.backends.slice(1) }],
    ['a backend port', { backends: [WEB.backends[0], { ...WEB.backends[1], port: 8081 }] }],
    ['a backend address', { backends: [WEB.backends[0], { ...WEB.backends[1], ip: mustParseIP('203.0.113.35') }] }],
    ['a range fewer', { sourceRanges: [] }],
    ['a range length', { sourceRanges: [r('198.51.100.0', 25)] }],
    ['a range address', { sourceRanges: [r('198.51.101.0', 24)] }],
  ])('differs by %s', (_, over) => {
    expect(sameForward(base, { ...base, ...over })).toBe(false);
    expect(sameForward(base, { ...base })).toBe(true);
  });
});
