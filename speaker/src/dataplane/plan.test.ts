import { formatIP, mustParseIP } from '@ironlb/shared';
import { DataplanePlanner, forwardKey, parseSourceRange, planDataplane, problemText } from './plan';
import type { DataplaneEndpoint, DataplaneInput, DataplaneProblem, DataplaneService, Forward } from './types';

const VIP4 = mustParseIP('198.51.100.200');
const VIP6 = mustParseIP('2001:db8:1::200');

function svc(key: string, over: Partial<DataplaneService> = {}): DataplaneService {
  return { key, ports: [{ name: 'http', protocol: 'TCP', port: 80 }], local: false, sourceRanges: [], ...over };
}

function ep(service: string, address: string, over: Partial<DataplaneEndpoint> = {}): DataplaneEndpoint {
  return {
    service,
    address: mustParseIP(address),
    nodeName: 'node1',
    ready: true,
    serving: true,
    terminating: false,
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    ...over,
  };
}

function input(
  services: DataplaneService[],
  endpoints: DataplaneEndpoint[],
  served: [string, string[]][] = [[formatIP(VIP4), services.map((s) => s.key)]],
): DataplaneInput {
  const eps = new Map<string, DataplaneEndpoint[]>();
  for (const e of endpoints) eps.set(e.service, [...(eps.get(e.service) ?? []), e]);
  return {
    node: 'node1',
    served: new Map(served.map(([ip, s]) => [ip, { ip: mustParseIP(ip), services: s }])),
    services: new Map(services.map((s) => [s.key, s])),
    endpoints: eps,
  };
}

/** Every order of `xs` (the plan must not depend on the order the API lists things in). */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

const backends = (f: Forward | undefined): string[] => (f?.backends ?? []).map((b) => `${formatIP(b.ip)}:${b.port}`);
const only = (i: DataplaneInput): Forward => {
  const fs = [...planDataplane(i).forwards.values()];
  expect(fs).toHaveLength(1);
  return fs[0];
};

describe('planDataplane: forwards', () => {
  it('one TCP port: its key, the Service, the ready endpoints sorted, masquerade for Cluster', () => {
    const f = only(input([svc('ns/web')], [ep('ns/web', '203.0.113.34'), ep('ns/web', '203.0.113.18')]));
    expect(f).toEqual({
      key: '198.51.100.200 TCP 80',
      ip: VIP4,
      protocol: 'TCP',
      port: 80,
      service: 'ns/web',
      portName: 'http',
      backends: [
        { ip: mustParseIP('203.0.113.18'), port: 8080 },
        { ip: mustParseIP('203.0.113.34'), port: 8080 },
      ],
      masquerade: true,
      sourceRanges: [],
    });
  });

  it('backends sort by address value, not text, then by port', () => {
    const f = only(
      input(
        [svc('ns/web')],
        [
          ep('ns/web', '203.0.113.100'),
          ep('ns/web', '203.0.113.9'),
          ep('ns/web', '203.0.113.9', { ports: [{ name: 'http', protocol: 'TCP', port: 81 }] }),
          ep('ns/web', '203.0.113.9', { ports: [{ name: 'http', protocol: 'TCP', port: 79 }] }),
        ],
      ),
    );
    expect(backends(f)).toEqual(['203.0.113.9:79', '203.0.113.9:81', '203.0.113.9:8080', '203.0.113.100:8080']);
  });

  it('backends come in one order whatever order the slices list them in (address value first, then port)', () => {
    // A higher address with a lower port, and one address with two ports, in every input order.
    const given = ['203.0.113.100:79', '203.0.113.9:8080', '203.0.113.10:80', '203.0.113.9:81'];
    for (const order of permutations(given)) {
      const eps = order.map((b) => {
        const [address, port] = b.split(':');
        return ep('ns/web', address, { ports: [{ name: 'http', protocol: 'TCP', port: Number(port) }] });
      });
      expect(backends(only(input([svc('ns/web')], eps)))).toEqual([
        '203.0.113.9:81',
        '203.0.113.9:8080',
        '203.0.113.10:80',
        '203.0.113.100:79',
      ]);
    }
  });

  it('the same endpoint in two slices is one backend', () => {
    const f = only(input([svc('ns/web')], [ep('ns/web', '203.0.113.18'), ep('ns/web', '203.0.113.18')]));
    expect(backends(f)).toEqual(['203.0.113.18:8080']);
  });

  it('TCP and UDP on one port are two forwards with their own endpoint ports (seed 000)', () => {
    const ports = [
      { name: 'game-tcp', protocol: 'TCP' as const, port: 9610 },
      { name: 'game-udp', protocol: 'UDP' as const, port: 9610 },
    ];
    const plan = planDataplane(
      input(
        [svc('ns/game', { ports })],
        [
          ep('ns/game', '203.0.113.18', {
            ports: [
              { name: 'game-tcp', protocol: 'TCP', port: 7000 },
              { name: 'game-udp', protocol: 'UDP', port: 7001 },
            ],
          }),
        ],
      ),
    );
    expect([...plan.forwards.keys()]).toEqual(['198.51.100.200 TCP 9610', '198.51.100.200 UDP 9610']);
    expect(backends(plan.forwards.get('198.51.100.200 TCP 9610'))).toEqual(['203.0.113.18:7000']);
    expect(backends(plan.forwards.get('198.51.100.200 UDP 9610'))).toEqual(['203.0.113.18:7001']);
  });

  it('the split pair: two Services sharing the IP, TCP on one and UDP on the other', () => {
    const tcp = svc('ns/game-tcp', { ports: [{ name: '', protocol: 'TCP', port: 9610 }] });
    const udp = svc('ns/game-udp', { ports: [{ name: '', protocol: 'UDP', port: 9610 }] });
    const plan = planDataplane(
      input(
        [tcp, udp],
        [
          ep('ns/game-tcp', '203.0.113.18', { ports: [{ name: '', protocol: 'TCP', port: 9610 }] }),
          ep('ns/game-udp', '203.0.113.19', { ports: [{ name: '', protocol: 'UDP', port: 9610 }] }),
        ],
      ),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.forwards.get('198.51.100.200 TCP 9610')?.service).toBe('ns/game-tcp');
    expect(backends(plan.forwards.get('198.51.100.200 UDP 9610'))).toEqual(['203.0.113.19:9610']);
  });

  it("an endpoint port matches by name and protocol: another port's name or protocol is not it", () => {
    const f = only(
      input(
        [svc('ns/web')],
        [
          ep('ns/web', '203.0.113.18', { ports: [{ name: 'metrics', protocol: 'TCP', port: 9000 }] }),
          ep('ns/web', '203.0.113.19', { ports: [{ name: 'http', protocol: 'UDP', port: 8080 }] }),
          ep('ns/web', '203.0.113.20'),
        ],
      ),
    );
    expect(backends(f)).toEqual(['203.0.113.20:8080']);
  });

  it('endpoints of the other family are not backends of a VIP (dual stack: each VIP its family)', () => {
    const plan = planDataplane(
      input(
        [svc('ns/web')],
        [ep('ns/web', '203.0.113.18'), ep('ns/web', '2001:db8:100:1::2')],
        [
          [formatIP(VIP4), ['ns/web']],
          [formatIP(VIP6), ['ns/web']],
        ],
      ),
    );
    expect([...plan.forwards.keys()]).toEqual(['198.51.100.200 TCP 80', '2001:db8:1::200 TCP 80']);
    expect(backends(plan.forwards.get('198.51.100.200 TCP 80'))).toEqual(['203.0.113.18:8080']);
    expect(backends(plan.forwards.get('2001:db8:1::200 TCP 80'))).toEqual(['2001:db8:100:1::2:8080']);
  });

  it('forwards come IPv4 before IPv6 and by address value, whatever order the IPs are served in', () => {
    const plan = planDataplane(
      input(
        [svc('ns/a')],
        [],
        [
          ['2001:db8:1::200', ['ns/a']],
          ['198.51.100.210', ['ns/a']],
          ['198.51.100.9', ['ns/a']],
        ],
      ),
    );
    expect([...plan.forwards.keys()]).toEqual([
      '198.51.100.9 TCP 80',
      '198.51.100.210 TCP 80',
      '2001:db8:1::200 TCP 80',
    ]);
  });

  it('a served Service the cache does not hold, or with no endpoints entry, is skipped or refuses', () => {
    const plan = planDataplane(input([svc('ns/web')], [], [[formatIP(VIP4), ['ns/gone', 'ns/web']]]));
    expect([...plan.forwards.keys()]).toEqual(['198.51.100.200 TCP 80']);
    expect(plan.forwards.get('198.51.100.200 TCP 80')?.backends).toEqual([]);
  });

  it('only the Services shown on an IP are forwarded on it', () => {
    const plan = planDataplane(
      input(
        [svc('ns/a'), svc('ns/b', { ports: [{ name: 'http', protocol: 'TCP', port: 81 }] })],
        [],
        [
          ['198.51.100.200', ['ns/a']],
          ['198.51.100.201', ['ns/b']],
        ],
      ),
    );
    expect([...plan.forwards.keys()]).toEqual(['198.51.100.200 TCP 80', '198.51.100.201 TCP 81']);
  });
});

describe('planDataplane: which endpoints', () => {
  it('Cluster: ready endpoints of every node; not-ready ones are left out', () => {
    const f = only(
      input(
        [svc('ns/web')],
        [
          ep('ns/web', '203.0.113.18'),
          ep('ns/web', '203.0.113.34', { nodeName: 'node2' }),
          ep('ns/web', '203.0.113.35', { nodeName: 'node2', ready: false, serving: false }),
        ],
      ),
    );
    expect(backends(f)).toEqual(['203.0.113.18:8080', '203.0.113.34:8080']);
    expect(f.masquerade).toBe(true);
  });

  it("Local: only this node's endpoints, and no masquerade (the client's address reaches the pod)", () => {
    const f = only(
      input(
        [svc('ns/web', { local: true })],
        [
          ep('ns/web', '203.0.113.18'),
          ep('ns/web', '203.0.113.34', { nodeName: 'node2' }),
          ep('ns/web', '203.0.113.19', { nodeName: undefined }),
        ],
      ),
    );
    expect(backends(f)).toEqual(['203.0.113.18:8080']);
    expect(f.masquerade).toBe(false);
  });

  it('no ready endpoint: the serving and terminating ones (KEP-1669); ready ones win over them', () => {
    const terminating = { ready: false, serving: true, terminating: true };
    const onlyTerminating = only(input([svc('ns/web')], [ep('ns/web', '203.0.113.18', terminating)]));
    expect(backends(onlyTerminating)).toEqual(['203.0.113.18:8080']);
    const both = only(
      input([svc('ns/web')], [ep('ns/web', '203.0.113.18', terminating), ep('ns/web', '203.0.113.19')]),
    );
    expect(backends(both)).toEqual(['203.0.113.19:8080']);
  });

  it('terminating but not serving, or serving but not terminating (not ready): no backend, so refused', () => {
    const f = only(
      input(
        [svc('ns/web')],
        [
          ep('ns/web', '203.0.113.18', { ready: false, serving: false, terminating: true }),
          ep('ns/web', '203.0.113.19', { ready: false, serving: true, terminating: false }),
        ],
      ),
    );
    expect(f.backends).toEqual([]);
  });

  it("Local with ready endpoints on other nodes only: this node's terminating ones, else none", () => {
    const f = only(
      input(
        [svc('ns/web', { local: true })],
        [
          ep('ns/web', '203.0.113.34', { nodeName: 'node2' }),
          ep('ns/web', '203.0.113.18', { ready: false, serving: true, terminating: true }),
        ],
      ),
    );
    expect(backends(f)).toEqual(['203.0.113.18:8080']);
  });
});

describe('planDataplane: affinity and source ranges', () => {
  it('carries the affinity timeout, and none when absent', () => {
    expect(only(input([svc('ns/web', { affinitySec: 10800 })], [])).affinitySec).toBe(10800);
    expect('affinitySec' in only(input([svc('ns/web')], []))).toBe(false);
  });

  it('source ranges of the VIP family, host bits cleared, sorted', () => {
    const f = only(
      input([svc('ns/web', { sourceRanges: ['203.0.113.77/24', ' 198.51.100.0/25 ', '2001:db8::/32'] })], []),
    );
    expect(f.sourceRanges.map((r) => `${formatIP(r.ip)}/${r.length}`)).toEqual(['198.51.100.0/25', '203.0.113.0/24']);
  });

  it('source ranges come in one order whatever order the Service lists them in (address, then length)', () => {
    const given = ['203.0.113.0/24', '198.51.100.128/25', '198.51.100.0/25', '198.51.100.0/24'];
    for (const order of permutations(given)) {
      const f = only(input([svc('ns/web', { sourceRanges: order })], []));
      expect(f.sourceRanges.map((r) => `${formatIP(r.ip)}/${r.length}`)).toEqual([
        '198.51.100.0/24',
        '198.51.100.0/25',
        '198.51.100.128/25',
        '203.0.113.0/24',
      ]);
    }
  });

  it('the same prefix with two lengths sorts shorter first', () => {
    const f = only(input([svc('ns/web', { sourceRanges: ['198.51.100.0/25', '198.51.100.0/24'] })], []));
    expect(f.sourceRanges.map((r) => r.length)).toEqual([24, 25]);
  });

  it('entries that are no CIDR are problems, each once, and left out', () => {
    const bad = [
      '198.51.100.0',
      '198.51.100.0/33',
      'x/24',
      '2001:db8::/129',
      '198.51.100.0/08',
      '/24',
      '198.51.100.0/24/1',
    ];
    const plan = planDataplane(
      input(
        [
          svc('ns/web', {
            ports: [
              { name: 'a', protocol: 'TCP', port: 80 },
              { name: 'b', protocol: 'TCP', port: 81 },
            ],
            sourceRanges: [...bad, '198.51.100.0/24'],
          }),
        ],
        [],
        [
          ['198.51.100.200', ['ns/web']],
          ['198.51.100.201', ['ns/web']],
        ],
      ),
    );
    expect(plan.problems).toEqual(bad.map((value) => ({ code: 'badSourceRange', service: 'ns/web', value })));
    for (const f of plan.forwards.values()) expect(f.sourceRanges).toHaveLength(1);
  });

  it('the same bad entry twice in one Service is one problem', () => {
    const p = planDataplane(input([svc('ns/web', { sourceRanges: ['nope', 'nope', '198.51.100.0/24'] })], []));
    expect(p.problems).toEqual([{ code: 'badSourceRange', service: 'ns/web', value: 'nope' }]);
  });

  it('ranges given but none of the VIP family: open to every source, as kube-proxy, and said', () => {
    const plan = planDataplane(
      input([svc('ns/web', { sourceRanges: ['2001:db8::/32'] })], [], [[formatIP(VIP4), ['ns/web']]]),
    );
    expect(plan.forwards.get('198.51.100.200 TCP 80')?.sourceRanges).toEqual([]);
    expect(plan.problems).toEqual([{ code: 'noRangeOfFamily', service: 'ns/web', ip: '198.51.100.200' }]);
  });

  it('no ranges at all: no problem', () => {
    expect(planDataplane(input([svc('ns/web')], [])).problems).toEqual([]);
  });
});

describe('planDataplane: one IP, one protocol and port, one Service', () => {
  it('the first Service by key keeps the port; the other is a problem, and its other ports still forward', () => {
    const a = svc('ns/a');
    const b = svc('ns/b', {
      ports: [
        { name: 'http', protocol: 'TCP', port: 80 },
        { name: 'other', protocol: 'TCP', port: 81 },
      ],
    });
    const plan = planDataplane(input([b, a], [], [[formatIP(VIP4), ['ns/b', 'ns/a']]]));
    expect(plan.forwards.get('198.51.100.200 TCP 80')?.service).toBe('ns/a');
    expect(plan.forwards.get('198.51.100.200 TCP 81')?.service).toBe('ns/b');
    expect(plan.problems).toEqual([{ code: 'portTaken', key: '198.51.100.200 TCP 80', kept: 'ns/a', dropped: 'ns/b' }]);
  });
});

describe('DataplanePlanner: memory per Service object', () => {
  const web = svc('ns/web');
  const api = svc('ns/api', { ports: [{ name: 'http', protocol: 'TCP', port: 81 }] });
  const base = input([web, api], [ep('ns/web', '203.0.113.18'), ep('ns/api', '203.0.113.50')]);
  const keys = ['198.51.100.200 TCP 80', '198.51.100.200 TCP 81'];

  it('the same objects again: the very same forwards, equal to a plan made without memory', () => {
    const planner = new DataplanePlanner();
    const first = planner.plan(base);
    const second = planner.plan({ ...base, served: new Map(base.served) });
    for (const k of keys) expect(second.forwards.get(k)).toBe(first.forwards.get(k));
    expect(second).toEqual(planDataplane(base));
  });

  it("one Service's endpoints changed: only its forward is new, with the new endpoints", () => {
    const planner = new DataplanePlanner();
    const first = planner.plan(base);
    const endpoints = new Map(base.endpoints);
    endpoints.set('ns/web', [ep('ns/web', '203.0.113.19')]);
    const second = planner.plan({ ...base, endpoints });
    expect(second.forwards.get(keys[1])).toBe(first.forwards.get(keys[1]));
    expect(backends(second.forwards.get(keys[0]))).toEqual(['203.0.113.19:8080']);
    // Its endpoints gone altogether: refused, not the remembered backends.
    endpoints.delete('ns/web');
    expect(backends(planner.plan({ ...base, endpoints }).forwards.get(keys[0]))).toEqual([]);
  });

  it('a changed Service object, another node or another IP is planned anew', () => {
    const planner = new DataplanePlanner();
    const local = svc('ns/web', { local: true });
    const eps = [
      ep('ns/web', '203.0.113.18', { nodeName: 'node1' }),
      ep('ns/web', '203.0.113.19', { nodeName: 'node2' }),
    ];
    const one = input([local], eps);
    expect(backends(planner.plan(one).forwards.get(keys[0]))).toEqual(['203.0.113.18:8080']);
    expect(backends(planner.plan({ ...one, node: 'node2' }).forwards.get(keys[0]))).toEqual(['203.0.113.19:8080']);
    const cluster = planner.plan({ ...one, services: new Map([['ns/web', svc('ns/web')]]) });
    expect(backends(cluster.forwards.get(keys[0]))).toEqual(['203.0.113.18:8080', '203.0.113.19:8080']);
    const moved = planner.plan(input([local], eps, [['198.51.100.201', ['ns/web']]]));
    expect([...moved.forwards.keys()]).toEqual(['198.51.100.201 TCP 80']);
    expect(moved.forwards.get('198.51.100.201 TCP 80')?.ip).toEqual(mustParseIP('198.51.100.201'));
  });

  it('problems are said in every plan, not only the first that found them', () => {
    const planner = new DataplanePlanner();
    const odd = svc('ns/odd', { sourceRanges: ['nope', '2001:db8::/32'] });
    const twin = svc('ns/twin');
    const i = input([odd, twin], []);
    const codes = (p: { problems: readonly DataplaneProblem[] }) => p.problems.map((x) => x.code);
    const expected = ['badSourceRange', 'noRangeOfFamily', 'portTaken'];
    expect(codes(planner.plan(i))).toEqual(expected);
    expect(codes(planner.plan(i))).toEqual(expected);
    // On two IPs: the bad entry once, the family problem per IP.
    const two = input(
      [odd],
      [],
      [
        ['198.51.100.200', ['ns/odd']],
        ['198.51.100.201', ['ns/odd']],
      ],
    );
    expect(codes(planner.plan(two))).toEqual(['badSourceRange', 'noRangeOfFamily', 'noRangeOfFamily']);
  });
});

describe('parseSourceRange and forwardKey', () => {
  it.each([
    ['198.51.100.7/24', '198.51.100.0/24'],
    ['198.51.100.7/32', '198.51.100.7/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['198.51.100.7/0', '0.0.0.0/0'],
    ['2001:db8::1/64', '2001:db8::/64'],
    ['2001:db8::1/128', '2001:db8::1/128'],
  ])('%s -> %s', (text, want) => {
    const r = parseSourceRange(text);
    expect(r && `${formatIP(r.ip)}/${r.length}`).toBe(want);
  });

  it('keys name the IP as text, the protocol and the port', () => {
    expect(forwardKey(VIP6, 'UDP', 53)).toBe('2001:db8:1::200 UDP 53');
  });
});

describe('problemText', () => {
  it.each<[DataplaneProblem, string]>([
    [
      { code: 'portTaken', key: '198.51.100.200 TCP 80', kept: 'ns/a', dropped: 'ns/b' },
      '198.51.100.200 TCP 80 is forwarded for ns/a; ns/b asks for the same IP, protocol and port and is not forwarded there',
    ],
    [
      { code: 'badSourceRange', service: 'ns/a', value: 'x' },
      'ns/a: spec.loadBalancerSourceRanges entry "x" is not a CIDR (like 198.51.100.0/24); it is ignored',
    ],
    [
      { code: 'noRangeOfFamily', service: 'ns/a', ip: '198.51.100.200' },
      "ns/a: spec.loadBalancerSourceRanges lists no range of 198.51.100.200's family, so 198.51.100.200 accepts every source (as with kube-proxy)",
    ],
  ])('%j', (p, text) => {
    expect(problemText(p)).toBe(text);
  });
});
