import { formatIP, mustParseIP } from '@ironlb/shared';
import { DataplaneFeed } from './feed';
import type { DataplanePlan } from './types';

const service = (name: string, extra: Record<string, unknown> = {}): object => ({
  metadata: { namespace: 'ns', name },
  spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80 }], ...extra },
});
const slice = (svc: string, ips: string[]): object => ({
  metadata: { namespace: 'ns', name: `${svc}-x`, labels: { 'kubernetes.io/service-name': svc } },
  ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
  endpoints: ips.map((a) => ({ addresses: [a], nodeName: 'node1' })),
});
const served = (ip: string, ...services: string[]) => new Map([[ip, { ip: mustParseIP(ip), services }]]);

describe('DataplaneFeed', () => {
  it('plans from the served IPs, the Services and all slices of each, and hands the plan on', () => {
    const plans: DataplanePlan[] = [];
    const feed = new DataplaneFeed({ update: (p) => plans.push(p) }, 'node1', 'ironlb', { warn: () => undefined });
    const plan = feed.update(
      served('198.51.100.200', 'ns/web'),
      [service('web'), service('other')],
      [slice('web', ['203.0.113.18']), slice('web', ['203.0.113.19']), slice('other', ['203.0.113.50'])],
    );
    expect(plans).toEqual([plan]);
    expect([...plan.forwards.keys()]).toEqual(['198.51.100.200 TCP 80']);
    expect(plan.forwards.get('198.51.100.200 TCP 80')?.backends.map((b) => b.port)).toEqual([8080, 8080]);
  });

  it('problems are logged once while they stay the same, again when they change', () => {
    const warnings: string[] = [];
    const feed = new DataplaneFeed({ update: () => undefined }, 'node1', 'ironlb', {
      warn: (_o, m) => warnings.push(m),
    });
    const web = service('web', { loadBalancerSourceRanges: ['nope'] });
    feed.update(served('198.51.100.200', 'ns/web'), [web], []);
    feed.update(served('198.51.100.200', 'ns/web'), [web], []);
    expect(warnings).toEqual([
      'ns/web: spec.loadBalancerSourceRanges entry "nope" is not a CIDR (like 198.51.100.0/24); it is ignored',
    ]);
    feed.update(served('198.51.100.200', 'ns/web'), [service('web')], []);
    feed.update(served('198.51.100.200', 'ns/web'), [web], []);
    expect(warnings).toHaveLength(2);
  });

  it('an object parsed once is not parsed again (same identity, same content)', () => {
    const feed = new DataplaneFeed({ update: () => undefined }, 'node1', 'ironlb', { warn: () => undefined });
    const web = service('web') as { spec: { ports: unknown[] } };
    feed.update(served('198.51.100.200', 'ns/web'), [web], []);
    web.spec.ports = [{ port: 81 }];
    const plan = feed.update(served('198.51.100.200', 'ns/web'), [web], []);
    expect([...plan.forwards.keys()]).toEqual(['198.51.100.200 TCP 80']);
  });

  it('unchanged Services keep their forward objects; a replaced slice re-plans its Service only', () => {
    const feed = new DataplaneFeed({ update: () => undefined }, 'node1', 'ironlb', { warn: () => undefined });
    const services = [service('web'), service('other')];
    const webA = slice('web', ['203.0.113.18']);
    const webB = slice('web', ['203.0.113.19']);
    const other = slice('other', ['203.0.113.50']);
    const ips = new Map([
      ['198.51.100.200', { ip: mustParseIP('198.51.100.200'), services: ['ns/web'] }],
      ['198.51.100.201', { ip: mustParseIP('198.51.100.201'), services: ['ns/other'] }],
    ]);
    const WEB = '198.51.100.200 TCP 80';
    const OTHER = '198.51.100.201 TCP 80';
    const first = feed.update(ips, services, [webA, webB, other]);
    const again = feed.update(ips, services, [webA, webB, other]);
    expect(again.forwards.get(WEB)).toBe(first.forwards.get(WEB));
    expect(again.forwards.get(OTHER)).toBe(first.forwards.get(OTHER));
    const webC = slice('web', ['203.0.113.20']);
    const next = feed.update(ips, services, [webA, webC, other]);
    expect(next.forwards.get(OTHER)).toBe(first.forwards.get(OTHER));
    expect(next.forwards.get(WEB)?.backends.map((b) => b.ip)).toEqual([
      mustParseIP('203.0.113.18'),
      mustParseIP('203.0.113.20'),
    ]);
    // A slice fewer, and an empty slice (no endpoints, so no Service to file it under) changes nothing else.
    const empty = slice('other', []);
    const fewer = feed.update(ips, services, [webA, empty, other]);
    expect(fewer.forwards.get(WEB)?.backends.map((b) => b.ip)).toEqual([mustParseIP('203.0.113.18')]);
    expect(fewer.forwards.get(OTHER)?.backends.map((b) => b.ip)).toEqual([mustParseIP('203.0.113.50')]);
  });

  it('a slice appended to a Service is planned; a Service not of type LoadBalancer is left out without harm', () => {
    const feed = new DataplaneFeed({ update: () => undefined }, 'node1', 'ironlb', { warn: () => undefined });
    const a = slice('web', ['203.0.113.18']);
    const web = service('web');
    const notLB = { metadata: { namespace: 'ns', name: 'cip' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } };
    feed.update(served('198.51.100.200', 'ns/web'), [web, notLB], [a]);
    const b = slice('web', ['203.0.113.19']);
    const plan = feed.update(served('198.51.100.200', 'ns/web', 'ns/cip'), [web, notLB], [a, b]);
    expect(plan.forwards.get('198.51.100.200 TCP 80')?.backends.map((x) => x.ip)).toEqual([
      mustParseIP('203.0.113.18'),
      mustParseIP('203.0.113.19'),
    ]);
    expect(plan.forwards.size).toBe(1);
  });

  it('a slice parsed once is not parsed again (the cache replaces changed objects)', () => {
    const feed = new DataplaneFeed({ update: () => undefined }, 'node1', 'ironlb', { warn: () => undefined });
    const a = slice('web', ['203.0.113.18']) as { endpoints: unknown[] };
    feed.update(served('198.51.100.200', 'ns/web'), [service('web')], [a]);
    a.endpoints = [{ addresses: ['203.0.113.99'], nodeName: 'node1' }];
    const plan = feed.update(served('198.51.100.200', 'ns/web'), [service('web')], [a]);
    expect(plan.forwards.get('198.51.100.200 TCP 80')?.backends.map((x) => x.ip)).toEqual([
      mustParseIP('203.0.113.18'),
    ]);
  });

  it('each problem is logged with the Service it is about and its code; one more problem logs them again', () => {
    const logged: object[] = [];
    const feed = new DataplaneFeed({ update: () => undefined }, 'node1', 'ironlb', {
      warn: (o) => logged.push(o),
    });
    const bad = service('web', { loadBalancerSourceRanges: ['nope'] });
    const twin = service('twin');
    feed.update(served('198.51.100.200', 'ns/web', 'ns/twin'), [bad, twin], []);
    expect(logged).toEqual([
      { service: 'ns/web', problem: 'badSourceRange' },
      { service: 'ns/twin', problem: 'portTaken' },
    ]);
    feed.update(served('198.51.100.200', 'ns/web', 'ns/twin'), [bad, twin], []);
    expect(logged).toHaveLength(2);
    const worse = service('web', { loadBalancerSourceRanges: ['nope', 'worse'] });
    feed.update(served('198.51.100.200', 'ns/web', 'ns/twin'), [worse, twin], []);
    expect(logged).toHaveLength(5);
    // Fewer problems is a change too.
    feed.update(served('198.51.100.200', 'ns/web', 'ns/twin'), [bad, twin], []);
    expect(logged).toHaveLength(7);
  });

  it('the first slice replaced, or a slice changed in place beside a new one: the endpoints follow the objects', () => {
    const feed = new DataplaneFeed({ update: () => undefined }, 'node1', 'ironlb', { warn: () => undefined });
    const web = [service('web')];
    const ips = served('198.51.100.200', 'ns/web');
    const backendsOf = (p: DataplanePlan) =>
      p.forwards.get('198.51.100.200 TCP 80')?.backends.map((x) => formatIP(x.ip));
    const a = slice('web', ['203.0.113.18']) as { endpoints: unknown[] };
    expect(backendsOf(feed.update(ips, web, [a]))).toEqual(['203.0.113.18']);
    const a2 = slice('web', ['203.0.113.20']);
    expect(backendsOf(feed.update(ips, web, [a2]))).toEqual(['203.0.113.20']);
    // An object changed in place is not read again (the API cache never does that; a new object is a change).
    a.endpoints = [{ addresses: ['203.0.113.99'], nodeName: 'node1' }];
    const b = slice('web', ['203.0.113.19']);
    expect(backendsOf(feed.update(ips, web, [a, b]))).toEqual(['203.0.113.18', '203.0.113.19']);
  });

  it('problems that change but stay as many are logged again', () => {
    const warnings: string[] = [];
    const feed = new DataplaneFeed({ update: () => undefined }, 'node1', 'ironlb', {
      warn: (_o, m) => warnings.push(m),
    });
    const ips = served('198.51.100.200', 'ns/web');
    feed.update(ips, [service('web', { loadBalancerSourceRanges: ['nope'] })], []);
    feed.update(ips, [service('web', { loadBalancerSourceRanges: ['worse'] })], []);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toContain('"worse"');
  });
});
