import { mustParseIP } from '@ironlb/shared';
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
});
