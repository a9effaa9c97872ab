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
});
