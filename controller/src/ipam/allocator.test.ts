/**
 * The allocation rules of issue 4, each as a sequence of Service changes on one allocator with the expected outcome
 * at every step. A failing step is named by its number in the scenario.
 */
import type { ConfigError, IPFamily, LabelSelector, Pool, ServiceAllocation } from '@ironlb/shared/config';
import { reasonText } from '../service/reasonText';
import { Allocator, type PoolConfig } from './allocator';
import { formatIP, type IPAddress } from './ip';
import { REFUSAL_CODES, type AllocationWarning, type Refusal } from './reasons';
import type { ServicePort, ServiceRequest } from './service';
import { config, ip, pool, service, tcp, udp } from './testFixtures';

type Step =
  | {
      readonly assign: ServiceRequest;
      readonly ips: string[];
      readonly warnings?: string[];
      /** The warnings as values, where a step states them. */
      readonly warned?: AllocationWarning[];
      readonly changed?: boolean;
      readonly pools?: string[];
    }
  | {
      readonly assign: ServiceRequest;
      readonly fails: string;
      /** The refusal as a value, where a step states it. */
      readonly because?: Refusal;
      readonly released?: string[];
      readonly warnings?: string[];
    }
  | { readonly release: string; readonly released: string[] }
  | {
      readonly adopt: ServiceRequest;
      readonly addresses: string[];
      readonly refused?: string;
      readonly because?: Refusal;
      readonly pools?: string[];
      /** Adopted as kept: the warnings' words (those of `warned` when only that is stated; else none). */
      readonly warnings?: string[];
      /** The warnings as values, where a step states them. */
      readonly warned?: AllocationWarning[];
    }
  | { readonly config: PoolConfig; readonly stale: [key: string, ip: string][] }
  | { readonly holders: string; readonly are: string[] }
  | { readonly holds: string; readonly ips: string[] }
  | { readonly usage: [pool: string, family: IPFamily, assigned: number, available: bigint][] };

interface Scenario {
  readonly name: string;
  readonly config: PoolConfig;
  readonly steps: readonly Step[];
}

const show = (ips: readonly IPAddress[]): string[] => ips.map(formatIP);
const words = (reasons: readonly AllocationWarning[]): string[] => reasons.map(reasonText);

/** The actual and expected outcome of one step, as objects of the same shape. */
function outcome(a: Allocator, step: Step): [actual: object, expected: object] {
  if ('assign' in step) {
    const r = a.assign(step.assign);
    if ('fails' in step) {
      const actual = r.ok
        ? { ips: show(r.ips) }
        : {
            fails: reasonText(r.reason),
            because: step.because === undefined ? undefined : r.reason,
            released: show(r.released),
            warnings: words(r.warnings),
          };
      const expected = {
        fails: step.fails,
        because: step.because,
        released: step.released ?? [],
        warnings: step.warnings ?? [],
      };
      return [actual, expected];
    }
    // toEqual ignores undefined fields: `changed`, `pools` and `warned` are compared only where a step states them.
    const expected = {
      ips: step.ips,
      warnings: step.warnings ?? words(step.warned ?? []),
      warned: step.warned,
      changed: step.changed,
      pools: step.pools,
    };
    if (!r.ok) return [{ fails: reasonText(r.reason) }, expected];
    const actual = {
      ips: show(r.ips),
      warnings: words(r.warnings),
      warned: step.warned === undefined ? undefined : r.warnings,
      changed: step.changed === undefined ? undefined : r.changed,
      pools: step.pools === undefined ? undefined : r.pools,
    };
    return [actual, expected];
  }
  if ('release' in step) return [{ released: show(a.release(step.release)) }, { released: step.released }];
  if ('adopt' in step) {
    const r = a.adopt(step.adopt, step.addresses.map(ip));
    const worded = r.ok ? r : { ok: false, reason: reasonText(r.reason) };
    if (step.refused !== undefined) {
      const because = r.ok || step.because === undefined ? undefined : r.reason;
      return [
        { ...worded, because },
        { ok: false, reason: step.refused, because: step.because },
      ];
    }
    const actual = r.ok
      ? {
          ok: true,
          pools: step.pools === undefined ? undefined : r.pools,
          warnings: words(r.warnings),
          warned: step.warned === undefined ? undefined : r.warnings,
        }
      : worded;
    const warnings = step.warnings ?? words(step.warned ?? []);
    return [actual, { ok: true, pools: step.pools, warnings, warned: step.warned }];
  }
  if ('config' in step) {
    const stale = a
      .updateConfig(step.config)
      .map((s) => ({ key: s.key, ip: formatIP(s.ip), reason: reasonText(s.reason), value: s.reason }));
    const want = step.stale.map(([key, addr]) => ({
      key,
      ip: addr,
      reason: `${addr} is no longer in a pool this service may use`,
      value: { code: 'noLongerInPool', ip: ip(addr) },
    }));
    return [{ stale }, { stale: want }];
  }
  if ('holders' in step) return [{ holders: a.servicesOn(ip(step.holders)) }, { holders: step.are }];
  if ('holds' in step) return [{ holds: show(a.addressesOf(step.holds)) }, { holds: step.ips }];
  const usage = a.usage().map((u) => [u.pool, u.family, u.assigned, u.available]);
  return [{ usage }, { usage: step.usage }];
}

const allocation = (a: Partial<ServiceAllocation>): ServiceAllocation => ({
  namespaces: [],
  namespaceSelectors: [],
  serviceSelectors: [],
  ...a,
});
const priority = (n: number): Partial<Pool> => ({ serviceAllocation: allocation({ priority: n }) });
const local = (selector?: Record<string, string>) => ({ externalTrafficPolicy: 'Local', selector }) as const;
const fallback = (name: string): string =>
  `pool "${name}" does not exist; the address comes from the auto-assign pools`;
const poolMissing = (pool: string): AllocationWarning => ({ code: 'poolMissing', pool });
const keptUntilFree = (addr: string): string =>
  `${addr} is no longer in a pool this service may use; the service keeps it until another address is free`;
const kept = (addr: string, why: 'untilAnotherIsFree' | 'requested'): AllocationWarning => ({
  code: 'keptAfterPoolEdit',
  ip: ip(addr),
  why,
});
const exhausted = (family: IPFamily, pools: string[], requireDualStack = false): Refusal => ({
  code: 'poolExhausted',
  family,
  pools,
  requireDualStack,
});
const reversedRange =
  'invalid range "198.51.100.20-198.51.100.10": the first address 198.51.100.20 is after the last 198.51.100.10';
const brokenError: ConfigError = {
  object: 'IPAddressPool ironlb-system/broken',
  field: 'spec.addresses[0]',
  message: reversedRange,
};
/** The pools, and `broken`, which exists but did not load: a reversed range. */
const withBroken = (c: PoolConfig): PoolConfig => ({ ...c, refusedPools: new Map([['broken', [brokenError]]]) });
// Two Services sharing 198.51.100.10 under the key dns, and one asking for it under another key.
const dnsOn10 = (key: string, port: ServicePort): ServiceRequest =>
  service(key, { sharingKey: 'dns', ports: [port], requested: ['198.51.100.10'] });
const intruder = service('ns/intruder', { sharingKey: 'other', ports: [tcp(53)], requested: ['198.51.100.10'] });
const bothHold = 'services "ns/a", "ns/b" already use 198.51.100.10 with sharing key "dns", not "other"';
const bothHoldValue: Refusal = {
  code: 'sharingKeyMismatch',
  holders: ['ns/a', 'ns/b'],
  ip: ip('198.51.100.10'),
  holderKey: 'dns',
  key: 'other',
};
const gold = { matchLabels: { tier: 'gold' }, matchExpressions: [] };
const teamA: LabelSelector = {
  matchLabels: { team: 'a' },
  matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['y', 'x'] }],
};
const exposed: LabelSelector = {
  matchLabels: {},
  matchExpressions: [
    { key: 'internal', operator: 'DoesNotExist', values: [] },
    { key: 'expose', operator: 'In', values: ['yes', 'public'] },
  ],
};

// seed 000: the split pair and the Service mixing TCP and UDP on one port.
const splitTCP = service('acserver/acserver1-service-tcp', {
  labels: { app: 'acserver1' },
  sharingKey: 'acserver-service',
  ports: [tcp(9610), tcp(8085)],
  selector: { app: 'acserver1' },
  requested: ['198.51.100.200'],
});
const splitUDP = service('acserver/acserver1-service-udp', {
  labels: { app: 'acserver1' },
  sharingKey: 'acserver-service',
  ports: [udp(9610)],
  selector: { app: 'acserver1' },
  requested: ['198.51.100.200'],
});
const mixed = service('acserver/acserver4-service', {
  labels: { app: 'acserver1' },
  ports: [tcp(9610), tcp(8085), udp(9610)],
  selector: { app: 'acserver1' },
  requested: ['198.51.100.201'],
});

// seed 003, with the pool's addresses taken from 198.51.100.0/24; 4.3.2.1 is the seed's address outside every pool.
const web = { selector: { app: 'web' }, ports: [tcp(8080)] };
const invalidRequest = service('default/invalid-request', { ...web, requested: ['4.3.2.1'] });
const poolRequest = service('default/pool-request', { ...web, requestedPool: 'doc-example' });
const anyIP = service('default/any-ip', web);
const sharedWeb = { selector: { app: 'web' }, requestedPool: 'doc-example', sharingKey: 'web-server-svc' };
const serviceHTTP = service('default/service-http', { ...sharedWeb, ports: [tcp(80)], requested: ['198.51.100.7'] });
const serviceHTTPS = service('default/service-https', { ...sharedWeb, ports: [tcp(443)], requested: ['198.51.100.7'] });

// Kept after a pool edit (the restart scenarios): a pair sharing a requested address, two Local Services sharing
// one, a dual-stack Service.
const dnsTCP = service('ns/dns-tcp', { sharingKey: 'dns', ports: [tcp(53)], requested: ['198.51.100.14'] });
const dnsUDP = service('ns/dns-udp', { sharingKey: 'dns', ports: [udp(53)], requested: ['198.51.100.14'] });
const local1 = service('ns/l1', {
  sharingKey: 'l',
  ports: [tcp(1)],
  externalTrafficPolicy: 'Local',
  selector: { app: 'l' },
});
const local2 = service('ns/l2', {
  sharingKey: 'l',
  ports: [tcp(2)],
  externalTrafficPolicy: 'Local',
  selector: { app: 'l' },
});

const dual = (policy: ServiceRequest['ipFamilyPolicy'], ...ipFamilies: IPFamily[]) =>
  ({ ipFamilyPolicy: policy, ipFamilies }) as const;
const dualKept = service('ns/d', dual('RequireDualStack', 'IPv6', 'IPv4'));

type ServiceOptions = NonNullable<Parameters<typeof service>[1]>;
const requested10 = { requested: ['198.51.100.10'] };
const dualRequested10 = { ...dual('PreferDualStack', 'IPv4', 'IPv6'), ...requested10 };
const mainFull = 'no available IPv4 address in "main"';
const tenNotAllowed = '"198.51.100.10" is not allowed in config';
/**
 * A pool edit took 198.51.100.10 away from ns/a and left nowhere to move: unchanged, ns/a keeps it; changed in any
 * field it asks with, it no longer may (the change, not the config, would be what keeps it) and lets it go.
 */
const changes: [change: string, before: ServiceOptions, after: ServiceOptions, fails: string][] = [
  ['gained a sharing key', {}, { sharingKey: 'k' }, mainFull],
  ['dropped its sharing key', { sharingKey: 'k' }, {}, mainFull],
  ['changed its externalTrafficPolicy', {}, { externalTrafficPolicy: 'Local' }, mainFull],
  ['named a pool', {}, { requestedPool: 'main' }, mainFull],
  ['changed its port', {}, { ports: [tcp(81)] }, mainFull],
  ['changed its protocol', {}, { ports: [udp(80)] }, mainFull],
  ['added a port', {}, { ports: [tcp(80), tcp(81)] }, mainFull],
  ['changed its ipFamilyPolicy', {}, dual('PreferDualStack', 'IPv4'), mainFull],
  ['listed a second ipFamily under SingleStack', {}, dual('SingleStack', 'IPv4', 'IPv6'), mainFull],
  ['changed its selector', {}, { selector: { app: 'other' } }, mainFull],
  ['dropped its selector', {}, { selector: undefined }, mainFull],
  ['gained a label', {}, { labels: { tier: 'gold' } }, mainFull],
  ['changed a label value', { labels: { tier: 'gold' } }, { labels: { tier: 'silver' } }, mainFull],
  ['moved to a namespace with other labels', {}, { namespaceLabels: { tier: 'gold' } }, mainFull],
  ['requested the address it holds', {}, requested10, tenNotAllowed],
  ['dropped its request', requested10, {}, mainFull],
  [
    'requested a second address',
    dualRequested10,
    { ...dualRequested10, requested: ['198.51.100.10', '2001:db8::10'] },
    tenNotAllowed,
  ],
];
const changedServices = changes.map(([change, before, after, fails]): Scenario => ({
  name: `a pool edit: a Service that ${change} loses the address the edit took away`,
  config: config(pool('main', ['198.51.100.10'])),
  steps: [
    { assign: service('ns/a', before), ips: ['198.51.100.10'] },
    {
      config: config(pool('main', ['198.51.100.11']), pool('v6', ['2001:db8::10'])),
      stale: [['ns/a', '198.51.100.10']],
    },
    { assign: service('ns/b'), ips: ['198.51.100.11'] },
    {
      assign: service('ns/a', before),
      ips: ['198.51.100.10'],
      changed: false,
      warned: [kept('198.51.100.10', before.requested ? 'requested' : 'untilAnotherIsFree')],
    },
    { assign: service('ns/a', after), fails, released: ['198.51.100.10'] },
    { holders: '198.51.100.10', are: [] },
  ],
}));

const scenarios: Scenario[] = [
  {
    name: 'the lowest free address, pools tried by name when no priority is set',
    config: config(pool('b-pool', ['198.51.100.10-198.51.100.11']), pool('a-pool', ['198.51.100.20-198.51.100.21'])),
    steps: [
      {
        usage: [
          ['a-pool', 'IPv4', 0, 2n],
          ['b-pool', 'IPv4', 0, 2n],
        ],
      },
      { assign: service('ns/s1'), ips: ['198.51.100.20'], pools: ['a-pool'], changed: true },
      { assign: service('ns/s2'), ips: ['198.51.100.21'] },
      { assign: service('ns/s3'), ips: ['198.51.100.10'], pools: ['b-pool'] },
      { assign: service('ns/s4'), ips: ['198.51.100.11'] },
      {
        assign: service('ns/s5'),
        fails: 'no available IPv4 address in "a-pool", "b-pool"',
        because: exhausted('IPv4', ['a-pool', 'b-pool']),
      },
      { release: 'ns/s1', released: ['198.51.100.20'] },
      { release: 'ns/never-assigned', released: [] },
      { assign: service('ns/s5'), ips: ['198.51.100.20'] },
      { assign: service('ns/s3'), ips: ['198.51.100.10'], changed: false },
      { holders: '198.51.100.20', are: ['ns/s5'] },
      { holders: '198.51.100.99', are: [] },
      { holds: 'ns/s1', ips: [] },
      { holds: 'ns/s4', ips: ['198.51.100.11'] },
      {
        usage: [
          ['a-pool', 'IPv4', 2, 0n],
          ['b-pool', 'IPv4', 2, 0n],
        ],
      },
    ],
  },
  {
    name: 'priority: lowest value first, pools without priority after, ties by name',
    config: config(
      pool('zeta', ['198.51.100.1'], priority(1)),
      pool('beta', ['198.51.100.2'], priority(2)),
      pool('alpha', ['198.51.100.3']),
      pool('gamma', ['198.51.100.4'], priority(1)),
    ),
    steps: [
      { assign: service('ns/s1'), ips: ['198.51.100.4'], pools: ['gamma'] },
      { assign: service('ns/s2'), ips: ['198.51.100.1'], pools: ['zeta'] },
      { assign: service('ns/s3'), ips: ['198.51.100.2'], pools: ['beta'] },
      { assign: service('ns/s4'), ips: ['198.51.100.3'], pools: ['alpha'] },
      { assign: service('ns/s5'), fails: 'no available IPv4 address in "gamma", "zeta", "beta", "alpha"' },
    ],
  },
  {
    name: 'autoAssign false: a pool only for Services that name it or request one of its addresses',
    config: config(
      pool('manual', ['198.51.100.50-198.51.100.51'], { autoAssign: false, ...priority(1) }),
      pool('auto', ['198.51.100.60']),
    ),
    steps: [
      { assign: service('ns/s1'), ips: ['198.51.100.60'], pools: ['auto'] },
      { assign: service('ns/s2'), fails: 'no available IPv4 address in "auto"', because: exhausted('IPv4', ['auto']) },
      { assign: service('ns/s3', { requestedPool: 'manual' }), ips: ['198.51.100.50'], pools: ['manual'] },
      { assign: service('ns/s4', { requested: ['198.51.100.51'] }), ips: ['198.51.100.51'], pools: ['manual'] },
      { assign: service('ns/s4'), ips: ['198.51.100.51'], changed: false },
    ],
  },
  {
    name: 'avoidBuggyIPs skips .0 and .255; other pools hand them out',
    config: config(
      pool('careful', ['198.51.100.254/31', '203.0.113.0/31'], { avoidBuggyIPs: true, ...priority(1) }),
      pool('plain', ['203.0.113.254/31']),
    ),
    steps: [
      {
        usage: [
          ['careful', 'IPv4', 0, 2n],
          ['plain', 'IPv4', 0, 2n],
        ],
      },
      { assign: service('ns/s1'), ips: ['198.51.100.254'] },
      { assign: service('ns/s2'), ips: ['203.0.113.1'] },
      { assign: service('ns/s3'), ips: ['203.0.113.254'], pools: ['plain'] },
      { assign: service('ns/s4'), ips: ['203.0.113.255'] },
      { assign: service('ns/s5'), fails: 'no available IPv4 address in "careful", "plain"' },
      { release: 'ns/s2', released: ['203.0.113.1'] },
      {
        assign: service('ns/s6', { requested: ['203.0.113.0'] }),
        fails: '"203.0.113.0" is in pool "careful", which hands out no address ending in .0 or .255 (avoidBuggyIPs)',
        because: { code: 'buggyIPAvoided', ip: ip('203.0.113.0'), pool: 'careful' },
      },
      {
        assign: service('ns/s7', { requested: ['198.51.100.255'] }),
        fails: '"198.51.100.255" is in pool "careful", which hands out no address ending in .0 or .255 (avoidBuggyIPs)',
      },
      {
        assign: service('ns/s7', { requested: ['198.51.100.255'], requestedPool: 'careful' }),
        fails: '"198.51.100.255" is in pool "careful", which hands out no address ending in .0 or .255 (avoidBuggyIPs)',
      },
      {
        usage: [
          ['careful', 'IPv4', 1, 1n],
          ['plain', 'IPv4', 2, 0n],
        ],
      },
    ],
  },
  {
    name: 'seed 003: an address outside every pool, a missing pool, any IP, a pair sharing by key',
    config: config(pool('default-pool', ['198.51.100.0/24'], { avoidBuggyIPs: true })),
    steps: [
      {
        assign: invalidRequest,
        fails: '"4.3.2.1" is not allowed in config',
        because: { code: 'notInAnyPool', ip: ip('4.3.2.1') },
      },
      { holds: 'default/invalid-request', ips: [] },
      {
        assign: poolRequest,
        ips: ['198.51.100.1'],
        pools: ['default-pool'],
        warnings: [fallback('doc-example')],
        warned: [poolMissing('doc-example')],
      },
      { assign: anyIP, ips: ['198.51.100.2'] },
      { assign: serviceHTTP, ips: ['198.51.100.7'], warnings: [fallback('doc-example')] },
      { assign: serviceHTTPS, ips: ['198.51.100.7'], warnings: [fallback('doc-example')] },
      { holders: '198.51.100.7', are: ['default/service-http', 'default/service-https'] },
      { assign: invalidRequest, fails: '"4.3.2.1" is not allowed in config' },
      { usage: [['default-pool', 'IPv4', 3, 251n]] },
      { release: 'default/service-http', released: ['198.51.100.7'] },
      { holders: '198.51.100.7', are: ['default/service-https'] },
      { usage: [['default-pool', 'IPv4', 3, 251n]] },
      { release: 'default/service-https', released: ['198.51.100.7'] },
      { usage: [['default-pool', 'IPv4', 2, 252n]] },
    ],
  },
  {
    name: 'seed 000: the split TCP/UDP pair shares one IP, the mixed Service gets one IP',
    config: config(pool('acserver', ['198.51.100.192/26'])),
    steps: [
      { assign: splitTCP, ips: ['198.51.100.200'] },
      { assign: splitUDP, ips: ['198.51.100.200'] },
      { holders: '198.51.100.200', are: ['acserver/acserver1-service-tcp', 'acserver/acserver1-service-udp'] },
      {
        assign: service('acserver/late-tcp', {
          sharingKey: 'acserver-service',
          ports: [tcp(9610)],
          requested: ['198.51.100.200'],
        }),
        fails: 'service "acserver/acserver1-service-tcp" already uses 198.51.100.200:9610/TCP',
        because: {
          code: 'portConflict',
          holder: 'acserver/acserver1-service-tcp',
          ip: ip('198.51.100.200'),
          port: 9610,
          protocol: 'TCP',
        },
      },
      {
        assign: service('acserver/late-udp', {
          sharingKey: 'acserver-service',
          ports: [udp(9610)],
          requested: ['198.51.100.200'],
        }),
        fails: 'service "acserver/acserver1-service-udp" already uses 198.51.100.200:9610/UDP',
      },
      { assign: mixed, ips: ['198.51.100.201'] },
      { assign: service('acserver/mixed-auto', { ports: [tcp(53), udp(53)] }), ips: ['198.51.100.192'] },
      { assign: splitTCP, ips: ['198.51.100.200'], changed: false },
      { usage: [['acserver', 'IPv4', 3, 61n]] },
    ],
  },
  {
    name: 'auto-assignment shares the lowest address whose holders are compatible',
    config: config(pool('p', ['198.51.100.10-198.51.100.13'])),
    steps: [
      { assign: service('ns/a', { sharingKey: 'k', ports: [tcp(80)] }), ips: ['198.51.100.10'] },
      { assign: service('ns/b', { sharingKey: 'k', ports: [tcp(443)] }), ips: ['198.51.100.10'] },
      { assign: service('ns/c', { sharingKey: 'k', ports: [tcp(80)] }), ips: ['198.51.100.11'] },
      { assign: service('ns/d', { ports: [tcp(8080)] }), ips: ['198.51.100.12'] },
      { assign: service('ns/e', { sharingKey: 'k', ports: [tcp(8080)] }), ips: ['198.51.100.10'] },
      { assign: service('ns/f', { sharingKey: 'other', ports: [tcp(22)] }), ips: ['198.51.100.13'] },
      { assign: service('ns/g', { sharingKey: 'other', ports: [tcp(23)] }), ips: ['198.51.100.13'] },
      {
        assign: service('ns/h', { sharingKey: 'third', ports: [tcp(24)] }),
        fails: 'no available IPv4 address in "p"',
        because: exhausted('IPv4', ['p']),
      },
      { holders: '198.51.100.10', are: ['ns/a', 'ns/b', 'ns/e'] },
      { release: 'ns/d', released: ['198.51.100.12'] },
      // 80 is taken on .10 and on .11, so the next free address.
      { assign: service('ns/i', { sharingKey: 'k', ports: [tcp(80), tcp(443)] }), ips: ['198.51.100.12'] },
      { release: 'ns/a', released: ['198.51.100.10'] },
      { release: 'ns/b', released: ['198.51.100.10'] },
      { release: 'ns/e', released: ['198.51.100.10'] },
      // A free address below the shared ones wins.
      { assign: service('ns/j', { sharingKey: 'k', ports: [tcp(9000)] }), ips: ['198.51.100.10'] },
      { usage: [['p', 'IPv4', 4, 0n]] },
    ],
  },
  {
    name: 'sharing keys: none never shares, different keys never share',
    config: config(pool('p', ['198.51.100.10-198.51.100.13'])),
    steps: [
      { assign: service('ns/a'), ips: ['198.51.100.10'] },
      {
        assign: service('ns/b', { sharingKey: 'k', ports: [tcp(443)], requested: ['198.51.100.10'] }),
        fails: 'service "ns/a" already uses 198.51.100.10 and does not allow sharing',
        because: { code: 'sharingKeyMismatch', holders: ['ns/a'], ip: ip('198.51.100.10'), key: 'k' },
      },
      { assign: service('ns/c', { sharingKey: 'k' }), ips: ['198.51.100.11'] },
      {
        assign: service('ns/d', { ports: [tcp(443)], requested: ['198.51.100.11'] }),
        fails: 'service "ns/c" already uses 198.51.100.11 and this service has no sharing key',
        because: { code: 'sharingKeyMismatch', holders: ['ns/c'], ip: ip('198.51.100.11'), holderKey: 'k' },
      },
      {
        assign: service('ns/e', { sharingKey: 'other', ports: [tcp(443)], requested: ['198.51.100.11'] }),
        fails: 'service "ns/c" already uses 198.51.100.11 with sharing key "k", not "other"',
        because: {
          code: 'sharingKeyMismatch',
          holders: ['ns/c'],
          ip: ip('198.51.100.11'),
          holderKey: 'k',
          key: 'other',
        },
      },
      {
        assign: service('ns/f', { sharingKey: 'k', ports: [tcp(443)], requested: ['198.51.100.11'] }),
        ips: ['198.51.100.11'],
      },
      // An empty allow-shared-ip annotation is no key at all.
      { assign: service('ns/g', { sharingKey: '' }), ips: ['198.51.100.12'] },
      { assign: service('ns/h', { sharingKey: '', ports: [tcp(443)] }), ips: ['198.51.100.13'] },
      {
        assign: service('ns/i', { sharingKey: '', ports: [tcp(444)], requested: ['198.51.100.12'] }),
        fails: 'service "ns/g" already uses 198.51.100.12 and does not allow sharing',
      },
    ],
  },
  {
    name: 'a Service waiting for a shared address is told of every holder, sorted, the same at every re-check',
    config: config(pool('main', ['198.51.100.10-198.51.100.11'])),
    steps: [
      { assign: dnsOn10('ns/b', udp(53)), ips: ['198.51.100.10'] },
      { assign: dnsOn10('ns/a', tcp(53)), ips: ['198.51.100.10'] },
      { assign: intruder, fails: bothHold, because: bothHoldValue },
      // Each holder re-checked (it holds the address again) changes nothing in what the waiting one is told.
      { assign: dnsOn10('ns/b', udp(53)), ips: ['198.51.100.10'], changed: false },
      { assign: intruder, fails: bothHold, because: bothHoldValue },
      { assign: dnsOn10('ns/a', tcp(53)), ips: ['198.51.100.10'], changed: false },
      { assign: intruder, fails: bothHold, because: bothHoldValue },
      // One holder left: the words of a single holder, as they always were.
      { release: 'ns/a', released: ['198.51.100.10'] },
      {
        assign: intruder,
        fails: 'service "ns/b" already uses 198.51.100.10 with sharing key "dns", not "other"',
        because: { ...bothHoldValue, holders: ['ns/b'] },
      },
    ],
  },
  {
    name: 'externalTrafficPolicy Local shares only with Local Services of the same selector',
    config: config(pool('p', ['198.51.100.10-198.51.100.13'])),
    steps: [
      { assign: service('ns/a', { sharingKey: 'k', ...local({ app: 'web' }) }), ips: ['198.51.100.10'] },
      {
        assign: service('ns/b', { sharingKey: 'k', ports: [tcp(443)], ...local({ app: 'web' }) }),
        ips: ['198.51.100.10'],
      },
      { assign: service('ns/c', { sharingKey: 'k', ports: [tcp(8080)] }), ips: ['198.51.100.11'] },
      {
        assign: service('ns/d', { sharingKey: 'k', ports: [tcp(9090)], requested: ['198.51.100.10'] }),
        fails:
          'services "ns/a", "ns/b" already use 198.51.100.10 with externalTrafficPolicy Local; only Local services may share it',
        because: {
          code: 'trafficPolicyMismatch',
          holders: ['ns/a', 'ns/b'],
          ip: ip('198.51.100.10'),
          holderPolicy: 'Local',
        },
      },
      {
        assign: service('ns/e', {
          sharingKey: 'k',
          ports: [tcp(9090)],
          requested: ['198.51.100.10'],
          ...local({ app: 'api' }),
        }),
        fails:
          'services "ns/a", "ns/b" already use 198.51.100.10 with externalTrafficPolicy Local and a different selector',
        because: { code: 'localPolicySelectorMismatch', holders: ['ns/a', 'ns/b'], ip: ip('198.51.100.10') },
      },
      {
        assign: service('ns/f', { sharingKey: 'k', ports: [tcp(9090)], requested: ['198.51.100.10'], ...local() }),
        fails: 'services "ns/a", "ns/b" already use 198.51.100.10; a Local service without a selector never shares',
        because: {
          code: 'localPolicySelectorMismatch',
          holders: ['ns/a', 'ns/b'],
          ip: ip('198.51.100.10'),
          withoutSelector: 'service',
        },
      },
      {
        assign: service('ns/g', {
          sharingKey: 'k',
          ports: [tcp(9090)],
          requested: ['198.51.100.11'],
          ...local({ app: 'web' }),
        }),
        fails:
          'service "ns/c" already uses 198.51.100.11 with externalTrafficPolicy Cluster; a Local service shares only with Local ones',
        because: { code: 'trafficPolicyMismatch', holders: ['ns/c'], ip: ip('198.51.100.11'), holderPolicy: 'Cluster' },
      },
      { assign: service('ns/h', { sharingKey: 'k2', ...local() }), ips: ['198.51.100.12'] },
      { assign: service('ns/i', { sharingKey: 'k2', ports: [tcp(81)], ...local() }), ips: ['198.51.100.13'] },
      {
        assign: service('ns/j', {
          sharingKey: 'k2',
          ports: [tcp(82)],
          requested: ['198.51.100.12'],
          ...local({ app: 'web' }),
        }),
        fails:
          'service "ns/h" already uses 198.51.100.12 with externalTrafficPolicy Local and no selector, so it never shares',
        because: {
          code: 'localPolicySelectorMismatch',
          holders: ['ns/h'],
          ip: ip('198.51.100.12'),
          withoutSelector: 'holder',
        },
      },
      // Auto-assignment passes over the Local address for a Cluster Service with the same key.
      { release: 'ns/i', released: ['198.51.100.13'] },
      { assign: service('ns/k', { sharingKey: 'k', ports: [tcp(9999)] }), ips: ['198.51.100.11'] },
    ],
  },
  {
    name: 'requested addresses must be in a pool the Service may use and of its families',
    config: config(
      pool('team', ['198.51.100.10-198.51.100.19'], { serviceAllocation: allocation({ namespaces: ['team'] }) }),
      pool('open', ['198.51.100.20-198.51.100.29']),
      pool('v6', ['2001:db8::/120']),
    ),
    steps: [
      {
        assign: service('other/a', { requested: ['198.51.100.10'] }),
        fails:
          '"198.51.100.10" is in pool "team", which admits only namespaces team (namespaces); this service is in namespace "other"',
        because: {
          code: 'namespaceNotAdmitted',
          ip: ip('198.51.100.10'),
          pool: 'team',
          namespace: 'other',
          namespaces: ['team'],
          namespaceSelectors: [],
        },
      },
      {
        assign: service('other/a', { requested: ['198.51.100.30'] }),
        fails: '"198.51.100.30" is not allowed in config',
        because: { code: 'notInAnyPool', ip: ip('198.51.100.30') },
      },
      { assign: service('team/a', { requested: ['198.51.100.10'] }), ips: ['198.51.100.10'], pools: ['team'] },
      {
        assign: service('other/b', { requested: ['2001:db8::5'] }),
        fails: '"2001:db8::5" does not match the service\'s IP families (IPv4)',
        because: { code: 'familyMismatch', ip: ip('2001:db8::5'), families: ['IPv4'] },
      },
      {
        assign: service('other/c', { requested: ['198.51.100.20', '198.51.100.21'] }),
        fails: 'more than one IPv4 address requested',
        because: { code: 'tooManyAddresses', family: 'IPv4', requested: true },
      },
      {
        assign: service('other/d', { requestedPool: 'open', requested: ['198.51.100.10'] }),
        fails: '"198.51.100.10" is not in pool "open"; it is in pool "team"',
        because: { code: 'inOtherPool', ip: ip('198.51.100.10'), named: 'open', pool: 'team' },
      },
      {
        assign: service('other/d', { requestedPool: 'open', requested: ['198.51.100.30'] }),
        fails: '"198.51.100.30" is not in pool "open"',
        because: { code: 'notInNamedPool', ip: ip('198.51.100.30'), pool: 'open' },
      },
      {
        assign: service('other/e', { requestedPool: 'team' }),
        fails: 'pool "team" may not be used by this service',
        because: { code: 'poolForbidden', pool: 'team', requireDualStack: false },
      },
      {
        assign: service('other/e', { requestedPool: 'team', requested: ['198.51.100.11'] }),
        fails: 'pool "team" may not be used by this service',
        because: { code: 'poolForbidden', pool: 'team', requireDualStack: false },
      },
      {
        assign: service('other/e', { ...dual('RequireDualStack', 'IPv4', 'IPv6'), requestedPool: 'team' }),
        fails: 'RequireDualStack: pool "team" may not be used by this service',
        because: { code: 'poolForbidden', pool: 'team', requireDualStack: true },
      },
      {
        assign: service('other/e', {
          ...dual('RequireDualStack', 'IPv4', 'IPv6'),
          requestedPool: 'team',
          requested: ['198.51.100.11', '2001:db8::11'],
        }),
        fails: 'pool "team" may not be used by this service',
        because: { code: 'poolForbidden', pool: 'team', requireDualStack: false },
      },
      { assign: service('other/f', { requestedPool: 'open', requested: ['198.51.100.25'] }), ips: ['198.51.100.25'] },
      {
        assign: service('other/g', { ...dual('SingleStack', 'IPv6'), requested: ['2001:db8::5'] }),
        ips: ['2001:db8::5'],
      },
      {
        assign: service('other/h', { requested: ['198.51.100.25'] }),
        fails: 'service "other/f" already uses 198.51.100.25 and does not allow sharing',
      },
      {
        assign: service('other/i', {
          ...dual('PreferDualStack', 'IPv4', 'IPv6'),
          requested: ['2001:db8::7', '198.51.100.27'],
        }),
        ips: ['198.51.100.27', '2001:db8::7'],
        pools: ['open', 'v6'],
      },
      {
        assign: service('other/j', { ...dual('PreferDualStack', 'IPv4', 'IPv6'), requested: ['198.51.100.28'] }),
        ips: ['198.51.100.28'],
      },
      {
        assign: service('other/k', { ...dual('RequireDualStack', 'IPv4', 'IPv6'), requested: ['198.51.100.29'] }),
        fails: 'RequireDualStack needs a requested IPv6 address too',
        because: { code: 'dualStackRequestIncomplete', family: 'IPv6' },
      },
      {
        assign: service('other/l', { requested: ['::ffff:198.51.100.22'] }),
        fails: '"::ffff:198.51.100.22" does not match the service\'s IP families (IPv4)',
        because: { code: 'familyMismatch', ip: ip('::ffff:198.51.100.22'), families: ['IPv4'] },
      },
    ],
  },
  {
    name: 'a requested pool that exists is the only pool tried, whatever its priority',
    config: config(
      pool('first', ['198.51.100.10'], priority(1)),
      pool('second', ['198.51.100.20'], priority(2)),
      pool('v6only', ['2001:db8::/120']),
    ),
    steps: [
      { assign: service('ns/a', { requestedPool: 'second' }), ips: ['198.51.100.20'], pools: ['second'] },
      { assign: service('ns/b'), ips: ['198.51.100.10'] },
      { assign: service('ns/c', { requestedPool: 'second' }), fails: 'no available IPv4 address in "second"' },
      {
        assign: service('ns/d', { requestedPool: 'v6only' }),
        fails: 'pool "v6only" has no IPv4 addresses',
        because: { code: 'poolLacksFamily', pool: 'v6only', family: 'IPv4', requireDualStack: false },
      },
      {
        assign: service('ns/d', { ...dual('RequireDualStack', 'IPv6', 'IPv4'), requestedPool: 'v6only' }),
        fails: 'RequireDualStack: pool "v6only" has no IPv4 addresses',
        because: { code: 'poolLacksFamily', pool: 'v6only', family: 'IPv4', requireDualStack: true },
      },
      {
        assign: service('ns/e', { requestedPool: 'gone' }),
        fails: 'no available IPv4 address in "first", "second"',
        because: exhausted('IPv4', ['first', 'second']),
        warnings: [fallback('gone')],
      },
    ],
  },
  {
    name: 'a named pool that exists but is invalid: refused with its errors, never another pool; served once valid',
    config: withBroken(config(pool('open', ['198.51.100.10-198.51.100.19']))),
    steps: [
      {
        assign: service('ns/a', { requestedPool: 'broken' }),
        fails: `pool "broken" is invalid: IPAddressPool ironlb-system/broken: spec.addresses[0]: ${reversedRange}`,
        because: { code: 'poolInvalid', pool: 'broken', errors: [brokenError] },
      },
      {
        assign: service('ns/b', { requestedPool: 'broken', requested: ['198.51.100.10'] }),
        fails: `pool "broken" is invalid: IPAddressPool ironlb-system/broken: spec.addresses[0]: ${reversedRange}`,
      },
      {
        assign: service('ns/c', { ...dual('RequireDualStack', 'IPv4', 'IPv6'), requestedPool: 'broken' }),
        fails: `pool "broken" is invalid: IPAddressPool ironlb-system/broken: spec.addresses[0]: ${reversedRange}`,
      },
      { usage: [['open', 'IPv4', 0, 10n]] },
      // A pool that does not exist at all still falls back, as before.
      { assign: service('ns/d', { requestedPool: 'gone' }), ips: ['198.51.100.10'], warnings: [fallback('gone')] },
      {
        config: config(pool('open', ['198.51.100.10-198.51.100.19']), pool('broken', ['203.0.113.10-203.0.113.20'])),
        stale: [],
      },
      { assign: service('ns/a', { requestedPool: 'broken' }), ips: ['203.0.113.10'], pools: ['broken'] },
      {
        assign: service('ns/b', { requestedPool: 'broken', requested: ['198.51.100.10'] }),
        fails: '"198.51.100.10" is not in pool "broken"; it is in pool "open"',
      },
      // Broken again: the Service holding one of its addresses keeps it, as after any pool edit.
      { config: withBroken(config(pool('open', ['198.51.100.10-198.51.100.19']))), stale: [['ns/a', '203.0.113.10']] },
      {
        assign: service('ns/a', { requestedPool: 'broken' }),
        ips: ['203.0.113.10'],
        changed: false,
        warnings: [keptUntilFree('203.0.113.10')],
      },
      {
        adopt: service('ns/e', { requestedPool: 'broken' }),
        addresses: ['203.0.113.11'],
        warned: [kept('203.0.113.11', 'untilAnotherIsFree')],
      },
    ],
  },
  {
    name: 'serviceAllocation: namespaces, namespace selectors, service selectors',
    config: config(
      pool('team-a', ['198.51.100.10'], { serviceAllocation: allocation({ priority: 1, namespaces: ['team-a'] }) }),
      pool('gold', ['198.51.100.20'], { serviceAllocation: allocation({ priority: 2, namespaceSelectors: [gold] }) }),
      pool('public', ['198.51.100.30'], {
        serviceAllocation: allocation({
          priority: 3,
          serviceSelectors: [
            { matchLabels: {}, matchExpressions: [{ key: 'expose', operator: 'In', values: ['public'] }] },
          ],
        }),
      }),
      pool('open', ['198.51.100.40-198.51.100.41']),
    ),
    steps: [
      { assign: service('team-a/s1'), ips: ['198.51.100.10'], pools: ['team-a'] },
      { assign: service('other/s2', { namespaceLabels: { tier: 'gold' } }), ips: ['198.51.100.20'], pools: ['gold'] },
      { assign: service('other/s3', { labels: { expose: 'public' } }), ips: ['198.51.100.30'], pools: ['public'] },
      { assign: service('other/s4'), ips: ['198.51.100.40'], pools: ['open'] },
      { assign: service('team-a/s5'), ips: ['198.51.100.41'] },
      {
        assign: service('team-a/s6', { namespaceLabels: { tier: 'gold' }, labels: { expose: 'public' } }),
        fails: 'no available IPv4 address in "team-a", "gold", "public", "open"',
      },
      { assign: service('other/s7'), fails: 'no available IPv4 address in "open"' },
    ],
  },
  {
    name: 'a requested address in a pool the Service may not use: the pool and the rule that keeps it out',
    config: config(
      pool('team-a', ['198.51.100.0/28'], {
        serviceAllocation: allocation({ namespaces: ['team-a', 'team-b'], namespaceSelectors: [gold, teamA] }),
      }),
      pool('gold', ['198.51.100.16/28'], { serviceAllocation: allocation({ namespaceSelectors: [gold] }) }),
      pool('public', ['198.51.100.32/28'], {
        serviceAllocation: allocation({ namespaces: ['web'], serviceSelectors: [exposed, gold] }),
      }),
    ),
    steps: [
      {
        assign: service('other/a', { requested: ['198.51.100.7'] }),
        fails:
          '"198.51.100.7" is in pool "team-a", which admits only namespaces team-a, team-b (namespaces) or namespaces matching tier=gold or team=a,zone notin (x,y) (namespaceSelectors); this service is in namespace "other"',
        because: {
          code: 'namespaceNotAdmitted',
          ip: ip('198.51.100.7'),
          pool: 'team-a',
          namespace: 'other',
          namespaces: ['team-a', 'team-b'],
          namespaceSelectors: [gold, teamA],
        },
      },
      {
        assign: service('other/a', { requested: ['198.51.100.17'], namespaceLabels: { tier: 'silver' } }),
        fails:
          '"198.51.100.17" is in pool "gold", which admits only namespaces matching tier=gold (namespaceSelectors); this service is in namespace "other"',
      },
      // Its namespace may use the pool, its labels do not match: the service rule.
      {
        assign: service('web/a', { requested: ['198.51.100.33'], labels: { expose: 'private' } }),
        fails:
          '"198.51.100.33" is in pool "public", which admits only services matching expose in (public,yes),!internal or tier=gold (serviceSelectors); this service\'s labels do not match',
        because: {
          code: 'serviceNotSelected',
          ip: ip('198.51.100.33'),
          pool: 'public',
          serviceSelectors: [exposed, gold],
        },
      },
      // Both rules fail: the namespace rule, checked first, is the one named.
      {
        assign: service('other/b', { requested: ['198.51.100.33'] }),
        fails:
          '"198.51.100.33" is in pool "public", which admits only namespaces web (namespaces); this service is in namespace "other"',
      },
      { assign: service('web/c', { requested: ['198.51.100.33'], labels: { expose: 'yes' } }), ips: ['198.51.100.33'] },
      { assign: service('team-b/d', { requested: ['198.51.100.7'] }), ips: ['198.51.100.7'] },
      {
        assign: service('x/e', { requested: ['198.51.100.8'], namespaceLabels: { team: 'a' } }),
        ips: ['198.51.100.8'],
      },
      // In no pool at all: MetalLB's words, which users search for.
      {
        assign: service('other/f', { requested: ['198.51.100.100'] }),
        fails: '"198.51.100.100" is not allowed in config',
      },
    ],
  },
  {
    name: 'no pool the Service may use',
    config: config(pool('team-a', ['198.51.100.10'], { serviceAllocation: allocation({ namespaces: ['team-a'] }) })),
    steps: [
      {
        assign: service('other/s'),
        fails: 'no auto-assign pool with IPv4 addresses may be used by this service',
        because: { code: 'noUsablePool', family: 'IPv4', requireDualStack: false },
      },
      {
        assign: service('team-a/s', { ...dual('SingleStack', 'IPv6') }),
        fails: 'no auto-assign pool with IPv6 addresses may be used by this service',
      },
      {
        assign: service('team-a/t', { ...dual('RequireDualStack', 'IPv4', 'IPv6') }),
        fails: 'RequireDualStack: no auto-assign pool with IPv6 addresses may be used by this service',
        because: { code: 'noUsablePool', family: 'IPv6', requireDualStack: true },
      },
      // Nothing half-done: the failed dual-stack Service did not keep the IPv4 address.
      { usage: [['team-a', 'IPv4', 0, 1n]] },
      { assign: service('team-a/u', { ...dual('PreferDualStack', 'IPv4', 'IPv6') }), ips: ['198.51.100.10'] },
    ],
  },
  {
    name: 'ipFamilyPolicy: SingleStack, PreferDualStack, RequireDualStack',
    config: config(pool('v4', ['198.51.100.10-198.51.100.13']), pool('v6', ['2001:db8::10/127'])),
    steps: [
      {
        assign: service('ns/s1', dual('RequireDualStack', 'IPv4', 'IPv6')),
        ips: ['198.51.100.10', '2001:db8::10'],
        pools: ['v4', 'v6'],
      },
      {
        assign: service('ns/s2', dual('RequireDualStack', 'IPv6', 'IPv4')),
        ips: ['2001:db8::11', '198.51.100.11'],
        pools: ['v6', 'v4'],
      },
      {
        assign: service('ns/s3', dual('RequireDualStack', 'IPv4', 'IPv6')),
        fails: 'RequireDualStack: no available IPv6 address in "v6"',
        because: exhausted('IPv6', ['v6'], true),
      },
      {
        usage: [
          ['v4', 'IPv4', 2, 2n],
          ['v6', 'IPv6', 2, 0n],
        ],
      },
      { assign: service('ns/s4', dual('PreferDualStack', 'IPv4', 'IPv6')), ips: ['198.51.100.12'] },
      { assign: service('ns/s5', dual('SingleStack', 'IPv6')), fails: 'no available IPv6 address in "v6"' },
      { assign: service('ns/s6', dual('PreferDualStack', 'IPv6', 'IPv4')), fails: 'no available IPv6 address in "v6"' },
      { release: 'ns/s1', released: ['198.51.100.10', '2001:db8::10'] },
      // PreferDualStack gains the second family once there is an address for it, keeping the first.
      {
        assign: service('ns/s4', dual('PreferDualStack', 'IPv4', 'IPv6')),
        ips: ['198.51.100.12', '2001:db8::10'],
        changed: true,
      },
      {
        assign: service('ns/s7', dual('RequireDualStack', 'IPv4')),
        fails: 'RequireDualStack needs two ipFamilies, the service lists only IPv4',
        because: { code: 'dualStackOneFamily', family: 'IPv4' },
      },
      {
        assign: service('ns/s7', dual('SingleStack')),
        fails: 'the service has no ipFamilies',
        because: { code: 'noIPFamilies' },
      },
      {
        assign: service('ns/s7', dual('PreferDualStack', 'IPv6', 'IPv6')),
        fails: 'ipFamilies [IPv6, IPv6] name each family at most once',
        because: { code: 'ipFamilyRepeated', families: ['IPv6', 'IPv6'] },
      },
      { assign: service('ns/s8', dual('SingleStack', 'IPv6', 'IPv4')), fails: 'no available IPv6 address in "v6"' },
      { assign: service('ns/s8', dual('SingleStack', 'IPv4', 'IPv6')), ips: ['198.51.100.10'] },
      {
        assign: service('ns/s9', { ...dual('SingleStack', 'IPv6'), requested: ['2001:db8::11'] }),
        fails: 'service "ns/s2" already uses 2001:db8::11 and does not allow sharing',
      },
      {
        assign: service('ns/s10', {
          ...dual('RequireDualStack', 'IPv4', 'IPv6'),
          requested: ['198.51.100.13', '2001:db8::10'],
        }),
        fails: 'service "ns/s4" already uses 2001:db8::10 and does not allow sharing',
      },
      // The failed request took nothing: .13 is still free.
      { assign: service('ns/s11'), ips: ['198.51.100.13'] },
    ],
  },
  {
    name: 'an IPv6 /64 pool, counted and searched without enumeration',
    config: config(pool('big', ['2001:db8:0:1::/64'])),
    steps: [
      { usage: [['big', 'IPv6', 0, 1n << 64n]] },
      { assign: service('ns/a', dual('SingleStack', 'IPv6')), ips: ['2001:db8:0:1::'] },
      { assign: service('ns/b', dual('SingleStack', 'IPv6')), ips: ['2001:db8:0:1::1'] },
      { assign: service('ns/c', dual('SingleStack', 'IPv6')), ips: ['2001:db8:0:1::2'] },
      { release: 'ns/b', released: ['2001:db8:0:1::1'] },
      { assign: service('ns/d', dual('SingleStack', 'IPv6')), ips: ['2001:db8:0:1::1'] },
      {
        assign: service('ns/e', { ...dual('SingleStack', 'IPv6'), requested: ['2001:db8:0:1:ffff:ffff:ffff:ffff'] }),
        ips: ['2001:db8:0:1:ffff:ffff:ffff:ffff'],
      },
      { assign: service('ns/f', dual('SingleStack', 'IPv6')), ips: ['2001:db8:0:1::3'] },
      { usage: [['big', 'IPv6', 5, (1n << 64n) - 5n]] },
    ],
  },
  {
    name: 'a dual-stack pool is counted per family',
    config: config(pool('dual', ['198.51.100.0/30', '2001:db8::/126'])),
    steps: [
      {
        assign: service('ns/a', dual('RequireDualStack', 'IPv6', 'IPv4')),
        ips: ['2001:db8::', '198.51.100.0'],
        pools: ['dual'],
      },
      {
        usage: [
          ['dual', 'IPv4', 1, 3n],
          ['dual', 'IPv6', 1, 3n],
        ],
      },
    ],
  },
  {
    name: 'a changed Service keeps its address while still valid, else moves',
    config: config(pool('main', ['198.51.100.10-198.51.100.19']), pool('other', ['203.0.113.10-203.0.113.19'])),
    steps: [
      { assign: service('ns/a', { sharingKey: 'k' }), ips: ['198.51.100.10'], changed: true },
      { assign: service('ns/b', { sharingKey: 'k', ports: [tcp(443)] }), ips: ['198.51.100.10'] },
      { assign: service('ns/a', { sharingKey: 'k' }), ips: ['198.51.100.10'], changed: false },
      {
        assign: service('ns/a', { sharingKey: 'k', ports: [tcp(80), tcp(8080)] }),
        ips: ['198.51.100.10'],
        changed: false,
      },
      // Now colliding with ns/b on 443: it moves.
      { assign: service('ns/a', { sharingKey: 'k', ports: [tcp(443)] }), ips: ['198.51.100.11'], changed: true },
      { holders: '198.51.100.10', are: ['ns/b'] },
      {
        assign: service('ns/a', { sharingKey: 'k', requested: ['198.51.100.15'] }),
        ips: ['198.51.100.15'],
        changed: true,
      },
      { holds: 'ns/a', ips: ['198.51.100.15'] },
      // Dropping the request does not move it.
      { assign: service('ns/a', { sharingKey: 'k' }), ips: ['198.51.100.15'], changed: false },
      { assign: service('ns/a', { sharingKey: 'k', requestedPool: 'other' }), ips: ['203.0.113.10'], pools: ['other'] },
      { assign: service('ns/a', { sharingKey: 'k' }), ips: ['203.0.113.10'], changed: false },
      { assign: service('ns/a', { sharingKey: 'k', requested: ['198.51.100.10'] }), ips: ['198.51.100.10'] },
      { holders: '198.51.100.10', are: ['ns/a', 'ns/b'] },
      // A new sharing key while another Service holds the address: it moves.
      { assign: service('ns/a', { sharingKey: 'k2' }), ips: ['198.51.100.11'], changed: true },
      // A new sharing key while alone on the address: it stays, and now shares under the new key only.
      { assign: service('ns/b', { sharingKey: 'k3', ports: [tcp(443)] }), ips: ['198.51.100.10'], changed: false },
      { assign: service('ns/c', { sharingKey: 'k3', ports: [tcp(81)] }), ips: ['198.51.100.10'] },
      {
        assign: service('ns/d', { sharingKey: 'k', ports: [tcp(82)], requested: ['198.51.100.10'] }),
        fails: 'services "ns/b", "ns/c" already use 198.51.100.10 with sharing key "k3", not "k"',
      },
      // A change that cannot be satisfied frees the old address.
      {
        assign: service('ns/a', { sharingKey: 'k2', requested: ['203.0.113.200'] }),
        fails: '"203.0.113.200" is not allowed in config',
        released: ['198.51.100.11'],
      },
      { holds: 'ns/a', ips: [] },
      { assign: service('ns/e'), ips: ['198.51.100.11'] },
    ],
  },
  {
    name: 'a label change that takes a pool away moves the Service; one that does not, does not',
    config: config(
      pool('gold', ['198.51.100.10'], {
        serviceAllocation: allocation({ priority: 1, serviceSelectors: [gold] }),
      }),
      pool('open', ['198.51.100.20']),
    ),
    steps: [
      { assign: service('ns/a', { labels: { tier: 'gold' } }), ips: ['198.51.100.10'] },
      { assign: service('ns/a'), ips: ['198.51.100.20'], changed: true },
      { assign: service('ns/a', { labels: { tier: 'gold' } }), ips: ['198.51.100.20'], changed: false },
    ],
  },
  {
    name: 'restart: valid addresses are adopted as they are, incompatible ones refused, the rest kept',
    config: config(pool('main', ['198.51.100.0/24'], { avoidBuggyIPs: true }), pool('v6', ['2001:db8::/120'])),
    steps: [
      { adopt: splitTCP, addresses: ['198.51.100.200'], pools: ['main'] },
      { adopt: splitUDP, addresses: ['198.51.100.200'] },
      {
        adopt: service('ns/x', { ports: [tcp(9610)] }),
        addresses: ['198.51.100.200'],
        refused:
          'services "acserver/acserver1-service-tcp", "acserver/acserver1-service-udp" already use 198.51.100.200 and this service has no sharing key',
      },
      {
        adopt: service('ns/late', { sharingKey: 'acserver-service', ports: [udp(9610)] }),
        addresses: ['198.51.100.200'],
        refused: 'service "acserver/acserver1-service-udp" already uses 198.51.100.200:9610/UDP',
        because: {
          code: 'portConflict',
          holder: 'acserver/acserver1-service-udp',
          ip: ip('198.51.100.200'),
          port: 9610,
          protocol: 'UDP',
        },
      },
      // An address the config does not allow (avoidBuggyIPs, no pool) is kept, as assign keeps it after a pool edit.
      {
        adopt: service('ns/y'),
        addresses: ['198.51.100.255'],
        pools: [],
        warnings: [keptUntilFree('198.51.100.255')],
      },
      {
        adopt: service('ns/z'),
        addresses: ['203.0.113.5'],
        warned: [kept('203.0.113.5', 'untilAnotherIsFree')],
      },
      {
        adopt: service('ns/w'),
        addresses: ['2001:db8::1'],
        refused: '"2001:db8::1" does not match the service\'s IP families (IPv4)',
        because: { code: 'familyMismatch', ip: ip('2001:db8::1'), families: ['IPv4'] },
      },
      {
        adopt: service('ns/v', { requested: ['198.51.100.9'] }),
        addresses: ['198.51.100.8'],
        refused: '"198.51.100.8" is not the requested address "198.51.100.9"',
        because: { code: 'notRequestedAddress', ip: ip('198.51.100.8'), requested: ip('198.51.100.9') },
      },
      { adopt: service('ns/u'), addresses: [], refused: 'no address to adopt', because: { code: 'nothingToAdopt' } },
      {
        adopt: service('ns/s'),
        addresses: ['198.51.100.6', '198.51.100.7'],
        refused: 'more than one IPv4 address',
        because: { code: 'tooManyAddresses', family: 'IPv4', requested: false },
      },
      {
        adopt: service('ns/s', dual('SingleStack')),
        addresses: ['198.51.100.6'],
        refused: 'the service has no ipFamilies',
        because: { code: 'noIPFamilies' },
      },
      {
        adopt: service('ns/s', { requestedPool: 'v6' }),
        addresses: ['198.51.100.6'],
        warned: [kept('198.51.100.6', 'untilAnotherIsFree')],
      },
      { adopt: service('ns/t', dual('RequireDualStack', 'IPv4', 'IPv6')), addresses: ['2001:db8::5', '198.51.100.5'] },
      { holds: 'ns/t', ips: ['198.51.100.5', '2001:db8::5'] },
      { holds: 'ns/x', ips: [] },
      // New Services go around the adopted addresses.
      { assign: service('ns/n1'), ips: ['198.51.100.1'] },
      { assign: service('ns/n2'), ips: ['198.51.100.2'] },
      { assign: service('ns/n3'), ips: ['198.51.100.3'] },
      { assign: service('ns/n4'), ips: ['198.51.100.4'] },
      // .6 is held by ns/s, kept although its named pool v6 does not offer it.
      { assign: service('ns/n5'), ips: ['198.51.100.7'] },
      // And the adopted Services keep them when the controller re-checks them.
      { assign: splitTCP, ips: ['198.51.100.200'], changed: false },
      {
        assign: service('ns/t', dual('RequireDualStack', 'IPv4', 'IPv6')),
        ips: ['198.51.100.5', '2001:db8::5'],
        changed: false,
      },
      {
        usage: [
          ['main', 'IPv4', 8, 246n],
          ['v6', 'IPv6', 1, 255n],
        ],
      },
      // A kept address moves at the first re-check that finds another free, as it would have before the restart.
      { assign: service('ns/y'), ips: ['198.51.100.8'], changed: true },
      // One whose named pool has nothing for it keeps its address, with the warning, until one is.
      {
        assign: service('ns/s', { requestedPool: 'v6' }),
        ips: ['198.51.100.6'],
        changed: false,
        warnings: [keptUntilFree('198.51.100.6')],
      },
    ],
  },
  {
    name: 'restart after a pool edit: kept addresses are adopted as kept, the older of two that clash wins',
    config: config(pool('main', ['198.51.100.10-198.51.100.11']), pool('v6', ['2001:db8::10'])),
    steps: [
      {
        adopt: service('ns/a'),
        addresses: ['198.51.100.12'],
        pools: [],
        warned: [kept('198.51.100.12', 'untilAnotherIsFree')],
      },
      {
        adopt: service('ns/b'),
        addresses: ['198.51.100.12'],
        refused: 'service "ns/a" already uses 198.51.100.12 and does not allow sharing',
      },
      {
        adopt: service('ns/r', { requested: ['198.51.100.13'] }),
        addresses: ['198.51.100.13'],
        warnings: [
          '198.51.100.13 is no longer in a pool this service may use; the service keeps it because it requested it',
        ],
        warned: [kept('198.51.100.13', 'requested')],
      },
      { adopt: dnsTCP, addresses: ['198.51.100.14'], warned: [kept('198.51.100.14', 'requested')] },
      { adopt: dnsUDP, addresses: ['198.51.100.14'], warned: [kept('198.51.100.14', 'requested')] },
      {
        adopt: service('ns/intruder', { sharingKey: 'other', ports: [udp(53)] }),
        addresses: ['198.51.100.14'],
        refused: 'services "ns/dns-tcp", "ns/dns-udp" already use 198.51.100.14 with sharing key "dns", not "other"',
      },
      { adopt: local1, addresses: ['198.51.100.15'], warned: [kept('198.51.100.15', 'untilAnotherIsFree')] },
      { adopt: local2, addresses: ['198.51.100.15'], warned: [kept('198.51.100.15', 'untilAnotherIsFree')] },
      {
        adopt: service('ns/l3', { sharingKey: 'l', ports: [tcp(3)] }),
        addresses: ['198.51.100.15'],
        refused:
          'services "ns/l1", "ns/l2" already use 198.51.100.15 with externalTrafficPolicy Local; only Local services may share it',
      },
      { adopt: service('ns/v6', dual('SingleStack', 'IPv6')), addresses: ['2001:db8::10'], pools: ['v6'] },
      {
        adopt: dualKept,
        addresses: ['198.51.100.10', '2001:db8::99'],
        pools: ['main'],
        warned: [kept('2001:db8::99', 'untilAnotherIsFree')],
      },
      { holds: 'ns/d', ips: ['2001:db8::99', '198.51.100.10'] },
      { holders: '198.51.100.14', are: ['ns/dns-tcp', 'ns/dns-udp'] },
      { assign: service('ns/n'), ips: ['198.51.100.11'] },
      // The first pass re-checks every Service: the pools are full, so each keeps what it showed, with the warning.
      { assign: service('ns/a'), ips: ['198.51.100.12'], changed: false, warnings: [keptUntilFree('198.51.100.12')] },
      {
        assign: service('ns/r', { requested: ['198.51.100.13'] }),
        ips: ['198.51.100.13'],
        changed: false,
        warned: [kept('198.51.100.13', 'requested')],
      },
      { assign: dnsUDP, ips: ['198.51.100.14'], changed: false, warned: [kept('198.51.100.14', 'requested')] },
      { assign: local2, ips: ['198.51.100.15'], changed: false, warned: [kept('198.51.100.15', 'untilAnotherIsFree')] },
      {
        assign: dualKept,
        ips: ['2001:db8::99', '198.51.100.10'],
        changed: false,
        warned: [kept('2001:db8::99', 'untilAnotherIsFree')],
      },
      { assign: service('ns/b'), fails: 'no available IPv4 address in "main"' },
      { release: 'ns/n', released: ['198.51.100.11'] },
      { assign: service('ns/a'), ips: ['198.51.100.11'], changed: true },
    ],
  },
  {
    name: 'a pool edit: addresses that left are kept and reported, and move once another is free',
    config: config(pool('main', ['198.51.100.10-198.51.100.12'])),
    steps: [
      { assign: service('ns/a'), ips: ['198.51.100.10'] },
      { assign: service('ns/b'), ips: ['198.51.100.11'] },
      { assign: service('ns/r', { requested: ['198.51.100.12'] }), ips: ['198.51.100.12'] },
      { config: config(pool('main', ['198.51.100.11-198.51.100.12'])), stale: [['ns/a', '198.51.100.10']] },
      { holds: 'ns/a', ips: ['198.51.100.10'] },
      { usage: [['main', 'IPv4', 2, 0n]] },
      {
        assign: service('ns/a'),
        ips: ['198.51.100.10'],
        changed: false,
        warnings: [keptUntilFree('198.51.100.10')],
        warned: [kept('198.51.100.10', 'untilAnotherIsFree')],
      },
      {
        config: config(pool('main', ['198.51.100.11-198.51.100.12']), pool('extra', ['203.0.113.10'])),
        stale: [['ns/a', '198.51.100.10']],
      },
      { assign: service('ns/a'), ips: ['203.0.113.10'], changed: true, pools: ['extra'] },
      {
        config: config(pool('main', ['198.51.100.11']), pool('extra', ['203.0.113.10'])),
        stale: [['ns/r', '198.51.100.12']],
      },
      {
        assign: service('ns/r', { requested: ['198.51.100.12'] }),
        ips: ['198.51.100.12'],
        warnings: [
          '198.51.100.12 is no longer in a pool this service may use; the service keeps it because it requested it',
        ],
        warned: [kept('198.51.100.12', 'requested')],
      },
      {
        assign: service('ns/r', { requested: ['198.51.100.12'], ports: [tcp(81)] }),
        fails: '"198.51.100.12" is not allowed in config',
        released: ['198.51.100.12'],
      },
      { config: config(pool('main', ['198.51.100.10-198.51.100.12'])), stale: [['ns/a', '203.0.113.10']] },
      { assign: service('ns/c'), ips: ['198.51.100.10'] },
      // Changed while its address is gone: it moves rather than keeps.
      { assign: service('ns/a', { ports: [tcp(8080)] }), ips: ['198.51.100.12'], changed: true },
      { config: config(pool('main', ['198.51.100.10-198.51.100.12'])), stale: [] },
    ],
  },
  {
    name: 'a pool edit: a changed Service with nowhere to go loses the address that left',
    config: config(pool('main', ['198.51.100.10'])),
    steps: [
      { assign: service('ns/a'), ips: ['198.51.100.10'] },
      { config: config(pool('main', ['198.51.100.11'])), stale: [['ns/a', '198.51.100.10']] },
      { assign: service('ns/b'), ips: ['198.51.100.11'] },
      { assign: service('ns/a'), ips: ['198.51.100.10'], warnings: [keptUntilFree('198.51.100.10')] },
      {
        assign: service('ns/a', { ports: [tcp(81)] }),
        fails: 'no available IPv4 address in "main"',
        released: ['198.51.100.10'],
      },
    ],
  },
  {
    name: 'a pool edit: an address added back while held is not handed out twice',
    config: config(pool('main', ['198.51.100.10'])),
    steps: [
      { assign: service('ns/a'), ips: ['198.51.100.10'] },
      { config: config(pool('main', ['198.51.100.11'])), stale: [['ns/a', '198.51.100.10']] },
      { config: config(pool('main', ['198.51.100.10-198.51.100.11'])), stale: [] },
      { usage: [['main', 'IPv4', 1, 1n]] },
      { assign: service('ns/b'), ips: ['198.51.100.11'] },
      { assign: service('ns/c'), fails: 'no available IPv4 address in "main"' },
    ],
  },
  {
    name: 'a pool edit: turning on avoidBuggyIPs reports a held .255, turning serviceAllocation on reports outsiders',
    config: config(pool('main', ['198.51.100.255', '203.0.113.1'])),
    steps: [
      { assign: service('ns/a'), ips: ['198.51.100.255'] },
      { assign: service('other/b'), ips: ['203.0.113.1'] },
      {
        config: config(
          pool('main', ['198.51.100.255', '203.0.113.1'], {
            avoidBuggyIPs: true,
            serviceAllocation: allocation({ namespaces: ['ns'] }),
          }),
        ),
        stale: [
          ['ns/a', '198.51.100.255'],
          ['other/b', '203.0.113.1'],
        ],
      },
      { usage: [['main', 'IPv4', 1, 0n]] },
      { assign: service('ns/a'), ips: ['198.51.100.255'], warnings: [keptUntilFree('198.51.100.255')] },
      { release: 'other/b', released: ['203.0.113.1'] },
      { assign: service('ns/a'), ips: ['203.0.113.1'], changed: true },
    ],
  },
  {
    name: 'a pool edit: a named pool that stops admitting the Service keeps its address until it can move',
    config: config(pool('named', ['198.51.100.10']), pool('spare', ['198.51.100.20'])),
    steps: [
      { assign: service('ns/a', { requestedPool: 'named' }), ips: ['198.51.100.10'] },
      {
        config: config(
          pool('named', ['198.51.100.10'], { serviceAllocation: allocation({ namespaces: ['other'] }) }),
          pool('spare', ['198.51.100.20']),
        ),
        stale: [['ns/a', '198.51.100.10']],
      },
      {
        assign: service('ns/a', { requestedPool: 'named' }),
        ips: ['198.51.100.10'],
        warnings: [keptUntilFree('198.51.100.10')],
      },
      { assign: service('ns/b', { requestedPool: 'named' }), fails: 'pool "named" may not be used by this service' },
      {
        assign: service('ns/a', { requestedPool: 'named', ports: [tcp(81)] }),
        fails: 'pool "named" may not be used by this service',
        released: ['198.51.100.10'],
      },
    ],
  },
  {
    name: 'a change of IP families drops the address of the family no longer wanted',
    config: config(pool('v4', ['198.51.100.10']), pool('v6', ['2001:db8::10'])),
    steps: [
      { assign: service('ns/a'), ips: ['198.51.100.10'] },
      {
        assign: service('ns/a', dual('RequireDualStack', 'IPv4', 'IPv6')),
        ips: ['198.51.100.10', '2001:db8::10'],
        changed: true,
      },
      { assign: service('ns/a', dual('SingleStack', 'IPv6')), ips: ['2001:db8::10'], changed: true },
      {
        usage: [
          ['v4', 'IPv4', 0, 1n],
          ['v6', 'IPv6', 1, 0n],
        ],
      },
    ],
  },
  {
    name: 'three Services share one address; a port is free again once its holder leaves or stops using it',
    config: config(pool('p', ['198.51.100.10-198.51.100.11'])),
    steps: [
      { assign: dnsOn10('ns/a', tcp(53)), ips: ['198.51.100.10'] },
      { assign: dnsOn10('ns/b', udp(53)), ips: ['198.51.100.10'] },
      { assign: dnsOn10('ns/c', tcp(853)), ips: ['198.51.100.10'] },
      { holders: '198.51.100.10', are: ['ns/a', 'ns/b', 'ns/c'] },
      {
        assign: dnsOn10('ns/d', tcp(853)),
        fails: 'service "ns/c" already uses 198.51.100.10:853/TCP',
        because: { code: 'portConflict', holder: 'ns/c', ip: ip('198.51.100.10'), port: 853, protocol: 'TCP' },
      },
      { assign: dnsOn10('ns/d', udp(53)), fails: 'service "ns/b" already uses 198.51.100.10:53/UDP' },
      { release: 'ns/c', released: ['198.51.100.10'] },
      { holders: '198.51.100.10', are: ['ns/a', 'ns/b'] },
      { assign: dnsOn10('ns/x', udp(53)), fails: 'service "ns/b" already uses 198.51.100.10:53/UDP' },
      // Two holders remain; the port the third used is taken by the next Service that asks.
      { assign: dnsOn10('ns/d', tcp(853)), ips: ['198.51.100.10'] },
      { assign: dnsOn10('ns/e', tcp(53)), fails: 'service "ns/a" already uses 198.51.100.10:53/TCP' },
      // A holder that changes its ports stays on the address and frees the ones it dropped.
      { assign: dnsOn10('ns/a', tcp(5353)), ips: ['198.51.100.10'], changed: false },
      { assign: dnsOn10('ns/e', tcp(53)), ips: ['198.51.100.10'] },
      { assign: dnsOn10('ns/f', tcp(5353)), fails: 'service "ns/a" already uses 198.51.100.10:5353/TCP' },
      { holders: '198.51.100.10', are: ['ns/a', 'ns/b', 'ns/d', 'ns/e'] },
      // Down to two holders, then one: the ports of those that left are free, those of the one that stays are not.
      { release: 'ns/a', released: ['198.51.100.10'] },
      { release: 'ns/b', released: ['198.51.100.10'] },
      { release: 'ns/d', released: ['198.51.100.10'] },
      { assign: dnsOn10('ns/f', tcp(5353)), ips: ['198.51.100.10'] },
      { release: 'ns/f', released: ['198.51.100.10'] },
      { assign: dnsOn10('ns/g', tcp(53)), fails: 'service "ns/e" already uses 198.51.100.10:53/TCP' },
      { assign: dnsOn10('ns/g', udp(53)), ips: ['198.51.100.10'] },
      // Auto-assignment joins the shared address while a port is free on it, else takes the next address.
      { assign: service('ns/h', { sharingKey: 'dns', ports: [tcp(853)] }), ips: ['198.51.100.10'] },
      { assign: service('ns/i', { sharingKey: 'dns', ports: [tcp(853)] }), ips: ['198.51.100.11'] },
      { holders: '198.51.100.10', are: ['ns/e', 'ns/g', 'ns/h'] },
      { usage: [['p', 'IPv4', 2, 0n]] },
    ],
  },
  {
    name: 'the first and last address of every range are handed out, the ones just outside are not',
    config: config(
      pool('ranges', ['203.0.113.20-203.0.113.21', '2001:db8::10-2001:db8::11', '198.51.100.10-198.51.100.12']),
    ),
    steps: [
      {
        usage: [
          ['ranges', 'IPv4', 0, 5n],
          ['ranges', 'IPv6', 0, 2n],
        ],
      },
      { assign: service('ns/last', { requested: ['203.0.113.21'] }), ips: ['203.0.113.21'], pools: ['ranges'] },
      { assign: service('ns/first', { requested: ['198.51.100.10'] }), ips: ['198.51.100.10'], pools: ['ranges'] },
      {
        assign: service('ns/last6', { ...dual('SingleStack', 'IPv6'), requested: ['2001:db8::11'] }),
        ips: ['2001:db8::11'],
      },
      ...['198.51.100.9', '198.51.100.13', '203.0.113.19', '203.0.113.22'].map((addr): Step => ({
        assign: service('ns/outside', { requested: [addr] }),
        fails: `"${addr}" is not allowed in config`,
        because: { code: 'notInAnyPool', ip: ip(addr) },
      })),
      ...['2001:db8::f', '2001:db8::12'].map((addr): Step => ({
        assign: service('ns/outside', { ...dual('SingleStack', 'IPv6'), requested: [addr] }),
        fails: `"${addr}" is not allowed in config`,
      })),
      { assign: service('ns/a'), ips: ['198.51.100.11'] },
      { assign: service('ns/b'), ips: ['198.51.100.12'] },
      { assign: service('ns/c'), ips: ['203.0.113.20'] },
      { assign: service('ns/d'), fails: 'no available IPv4 address in "ranges"' },
      { assign: service('ns/e', dual('SingleStack', 'IPv6')), ips: ['2001:db8::10'] },
      { assign: service('ns/f', dual('SingleStack', 'IPv6')), fails: 'no available IPv6 address in "ranges"' },
      {
        usage: [
          ['ranges', 'IPv4', 5, 0n],
          ['ranges', 'IPv6', 2, 0n],
        ],
      },
      { release: 'ns/last', released: ['203.0.113.21'] },
      { assign: service('ns/d'), ips: ['203.0.113.21'] },
    ],
  },
  {
    name: 'avoidBuggyIPs leaves IPv6 alone: addresses ending in 0 or ff are handed out',
    config: config(
      pool('careful', ['198.51.100.255-198.51.101.0', '2001:db8::ff-2001:db8::100'], { avoidBuggyIPs: true }),
    ),
    steps: [
      {
        usage: [
          ['careful', 'IPv4', 0, 0n],
          ['careful', 'IPv6', 0, 2n],
        ],
      },
      { assign: service('ns/a', dual('SingleStack', 'IPv6')), ips: ['2001:db8::ff'] },
      { assign: service('ns/b', dual('SingleStack', 'IPv6')), ips: ['2001:db8::100'] },
      { assign: service('ns/c'), fails: 'no available IPv4 address in "careful"' },
      { release: 'ns/b', released: ['2001:db8::100'] },
      {
        assign: service('ns/d', { ...dual('SingleStack', 'IPv6'), requested: ['2001:db8::100'] }),
        ips: ['2001:db8::100'],
        pools: ['careful'],
      },
      {
        assign: service('ns/e', { requested: ['198.51.101.0'] }),
        fails: '"198.51.101.0" is in pool "careful", which hands out no address ending in .0 or .255 (avoidBuggyIPs)',
      },
      {
        usage: [
          ['careful', 'IPv4', 0, 0n],
          ['careful', 'IPv6', 2, 0n],
        ],
      },
    ],
  },
  {
    name: 'a pool with IPv4 and IPv6 ranges keeps the families apart where their integers meet',
    // ::198.51.100.1 is the IPv6 address whose integer is that of 198.51.100.1.
    config: config(pool('mixed', ['2001:db8::1', '::198.51.100.1', '198.51.100.10'])),
    steps: [
      { assign: service('ns/a', { requested: ['198.51.100.10'] }), ips: ['198.51.100.10'], pools: ['mixed'] },
      {
        assign: service('ns/b', { requested: ['198.51.100.1'] }),
        fails: '"198.51.100.1" is not allowed in config',
        because: { code: 'notInAnyPool', ip: ip('198.51.100.1') },
      },
      {
        assign: service('ns/c', { ...dual('SingleStack', 'IPv6'), requested: ['::198.51.100.1'] }),
        ips: ['::c633:6401'],
      },
      {
        assign: service('ns/d', { ...dual('SingleStack', 'IPv6'), requested: ['::198.51.100.10'] }),
        fails: '"::c633:640a" is not allowed in config',
      },
      { assign: service('ns/e', dual('SingleStack', 'IPv6')), ips: ['2001:db8::1'] },
    ],
  },
  {
    name: 'dual-stack: each family is judged on its own, in the order of ipFamilies',
    config: config(pool('v4', ['198.51.100.10-198.51.100.11']), pool('v6', ['2001:db8::10'])),
    steps: [
      // Adopted after a pool edit took both away: each kept, reported in the order of the Service's ipFamilies.
      {
        adopt: service('ns/d4', dual('RequireDualStack', 'IPv4', 'IPv6')),
        addresses: ['2001:db8::99', '198.51.100.99'],
        warned: [kept('198.51.100.99', 'untilAnotherIsFree'), kept('2001:db8::99', 'untilAnotherIsFree')],
      },
      {
        adopt: service('ns/d6', dual('RequireDualStack', 'IPv6', 'IPv4')),
        addresses: ['198.51.100.98', '2001:db8::98'],
        warned: [kept('2001:db8::98', 'untilAnotherIsFree'), kept('198.51.100.98', 'untilAnotherIsFree')],
      },
      { holds: 'ns/d6', ips: ['2001:db8::98', '198.51.100.98'] },
      // Requested addresses of both families are each matched against the request of their own family.
      {
        adopt: service('ns/r', {
          ...dual('RequireDualStack', 'IPv4', 'IPv6'),
          requested: ['198.51.100.10', '2001:db8::10'],
        }),
        addresses: ['2001:db8::10', '198.51.100.10'],
        pools: ['v4', 'v6'],
      },
      { release: 'ns/r', released: ['198.51.100.10', '2001:db8::10'] },
      // One family moves, the other stays: a change all the same.
      {
        assign: service('ns/d4', dual('RequireDualStack', 'IPv4', 'IPv6')),
        ips: ['198.51.100.10', '2001:db8::10'],
        changed: true,
      },
      {
        config: config(pool('v4', ['198.51.100.10-198.51.100.11']), pool('v6', ['2001:db8::11'])),
        stale: [
          ['ns/d4', '2001:db8::10'],
          ['ns/d6', '2001:db8::98'],
          ['ns/d6', '198.51.100.98'],
        ],
      },
      {
        assign: service('ns/d4', dual('RequireDualStack', 'IPv4', 'IPv6')),
        ips: ['198.51.100.10', '2001:db8::11'],
        changed: true,
      },
      // PreferDualStack re-checked while no IPv6 address is free: it keeps its IPv4 one and nothing else.
      { assign: service('ns/p', dual('PreferDualStack', 'IPv4', 'IPv6')), ips: ['198.51.100.11'] },
      { assign: service('ns/p', dual('PreferDualStack', 'IPv4', 'IPv6')), ips: ['198.51.100.11'], changed: false },
      // PreferDualStack may request its second family alone; only RequireDualStack needs both.
      { release: 'ns/d4', released: ['198.51.100.10', '2001:db8::11'] },
      {
        assign: service('ns/q', { ...dual('PreferDualStack', 'IPv4', 'IPv6'), requested: ['2001:db8::11'] }),
        ips: ['2001:db8::11'],
        pools: ['v6'],
      },
    ],
  },
  ...changedServices,
];

test.each(scenarios)('$name', ({ config: initial, steps }) => {
  const allocator = new Allocator(initial);
  steps.forEach((step, i) => {
    const [actual, expected] = outcome(allocator, step);
    expect({ step: i + 1, ...actual }).toEqual({ step: i + 1, ...expected });
  });
});

test('every refusal is asserted as a value by some step', () => {
  const asserted = new Set(
    scenarios.flatMap((s) => s.steps.flatMap((step) => ('because' in step && step.because ? [step.because.code] : []))),
  );
  expect(REFUSAL_CODES.filter((code) => !asserted.has(code))).toEqual([]);
});

test('a restart gives the answers the running controller gave: adopt, then re-check, keeps what a pool edit left', () => {
  // In creation order; the restarted controller adopts in this order (oldest first), then re-checks in it.
  const services = [
    service('ns/r', { requested: ['198.51.100.13'] }),
    dnsTCP,
    dnsUDP,
    local1,
    local2,
    service('ns/a'),
    service('ns/n'),
    dualKept,
    service('ns/v6', dual('SingleStack', 'IPv6')),
  ];
  const answers = (a: Allocator) =>
    services.map((svc) => {
      const r = a.assign(svc);
      return r.ok ? { key: svc.key, ips: show(r.ips), warnings: r.warnings, changed: r.changed } : r;
    });
  const edited = config(pool('main', ['198.51.100.12']), pool('v6', ['2001:db8::10']));

  const running = new Allocator(
    config(pool('main', ['198.51.100.10-198.51.100.15']), pool('v6', ['2001:db8::10/127'])),
  );
  for (const svc of services) expect(running.assign(svc).ok).toBe(true);
  expect(running.updateConfig(edited).map((s) => s.key)).toEqual([
    'ns/a',
    'ns/d',
    'ns/dns-tcp',
    'ns/dns-udp',
    'ns/l1',
    'ns/l2',
    'ns/r',
    'ns/v6',
  ]);
  const before = answers(running);

  const restarted = new Allocator(edited);
  for (const svc of services) expect(restarted.adopt(svc, running.addressesOf(svc.key)).ok).toBe(true);
  const after = answers(restarted);

  expect(after).toEqual(before);
  expect(before.filter((r) => 'warnings' in r && r.warnings.length > 0).map((r) => 'key' in r && r.key)).toEqual([
    'ns/r',
    'ns/dns-tcp',
    'ns/dns-udp',
    'ns/l1',
    'ns/l2',
    'ns/a',
    'ns/d',
    'ns/v6',
  ]);
});
