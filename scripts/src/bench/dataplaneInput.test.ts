import { formatIP, mustParseIP, type ParsedIP } from '@ironlb/shared';
import { planDataplane } from '@ironlb/speaker';
import {
  benchInput,
  benchService,
  benchServices,
  ENDPOINT_PORT,
  MAX_ENDPOINTS,
  VIP_CYCLE,
  withoutLastEndpoint,
} from './dataplaneInput';

const within = (ip: ParsedIP, cidr: string): boolean => {
  const [net, len] = cidr.split('/');
  const base = mustParseIP(net).value;
  const size = 1n << BigInt(32 - Number(len));
  return ip.family === 'IPv4' && ip.value >= base && ip.value < base + size;
};

describe('benchServices', () => {
  it('gives 10,000 Services distinct VIP:port keys, VIPs from 203.0.113.128/25 and 198.51.100.0/24 only', () => {
    const list = benchServices({ services: 10_000, endpoints: 10 });
    expect(list).toHaveLength(10_000);
    const keys = new Set(list.map((s) => `${formatIP(s.vip)} ${s.service.ports[0].port}`));
    expect(keys.size).toBe(10_000);
    expect(list.every((s) => within(s.vip, '203.0.113.128/25') || within(s.vip, '198.51.100.0/24'))).toBe(true);
    expect(new Set(list.map((s) => s.service.ports[0].port))).toEqual(
      new Set(Array.from({ length: 27 }, (_, i) => 80 + i)),
    );
    expect(VIP_CYCLE).toHaveLength(384);
  });

  it('gives each Service E ready endpoints of its own in 203.0.113.0/25, never the network or broadcast address', () => {
    const list = benchServices({ services: 300, endpoints: 7 });
    for (const s of list) {
      expect(s.endpoints).toHaveLength(7);
      expect(new Set(s.endpoints.map((e) => formatIP(e.address))).size).toBe(7);
      for (const e of s.endpoints) {
        expect(e.service).toBe(s.service.key);
        expect(within(e.address, '203.0.113.0/25')).toBe(true);
        expect(['203.0.113.0', '203.0.113.127']).not.toContain(formatIP(e.address));
        expect(e.ready).toBe(true);
        expect(e.ports).toEqual([{ name: '', protocol: 'TCP', port: ENDPOINT_PORT }]);
      }
    }
    const max = benchServices({ services: 3, endpoints: MAX_ENDPOINTS });
    expect(new Set(max[2].endpoints.map((e) => formatIP(e.address))).size).toBe(MAX_ENDPOINTS);
  });

  it('skips the VIPs it is told to, and still gives distinct keys', () => {
    const skip = new Set(['198.51.100.1', '198.51.100.11', '198.51.100.100', '198.51.100.200']);
    const list = benchServices({ services: 1000, endpoints: 1, skipVips: skip });
    expect(list.filter((s) => skip.has(formatIP(s.vip)))).toEqual([]);
    expect(new Set(list.map((s) => `${formatIP(s.vip)} ${s.service.ports[0].port}`)).size).toBe(1000);
  });

  it('refuses counts it cannot honour', () => {
    expect(() => benchServices({ services: 0, endpoints: 1 })).toThrow('services must be >= 1');
    expect(() => benchServices({ services: 1, endpoints: 0 })).toThrow('endpoints must be 1..126');
    expect(() => benchServices({ services: 1, endpoints: MAX_ENDPOINTS + 1 })).toThrow('endpoints must be 1..126');
    expect(() => benchServices({ services: 384 * 65_457, endpoints: 1 })).toThrow('do not fit');
  });
});

describe('benchInput', () => {
  it('plans one forward per Service with all its endpoints, masqueraded (Cluster policy), no problem', () => {
    const list = benchServices({ services: 500, endpoints: 4 });
    const plan = planDataplane(benchInput(list));
    expect(plan.problems).toEqual([]);
    expect(plan.forwards.size).toBe(500);
    for (const f of plan.forwards.values()) {
      expect(f.backends).toHaveLength(4);
      expect(f.masquerade).toBe(true);
      expect(f.protocol).toBe('TCP');
    }
  });

  it('takes an extra Service beside the generated ones', () => {
    const target = benchService('bench/target', mustParseIP('198.51.100.200'), 80, [mustParseIP('203.0.113.18')]);
    const list = [...benchServices({ services: 9, endpoints: 2, skipVips: new Set(['198.51.100.200']) }), target];
    const plan = planDataplane(benchInput(list));
    expect(plan.forwards.size).toBe(10);
    const f = plan.forwards.get('198.51.100.200 TCP 80');
    expect(f?.service).toBe('bench/target');
    expect(f?.backends.map((b) => `${formatIP(b.ip)}:${b.port}`)).toEqual(['203.0.113.18:8080']);
  });
});

describe('withoutLastEndpoint', () => {
  it('changes exactly one forward, by one backend', () => {
    const input = benchInput(benchServices({ services: 400, endpoints: 3 }));
    const before = planDataplane(input);
    const after = planDataplane(withoutLastEndpoint(input, 'bench/svc-200'));
    const changed = [...before.forwards.values()].filter(
      (f) => after.forwards.get(f.key)?.backends.length !== f.backends.length,
    );
    expect(changed.map((f) => f.service)).toEqual(['bench/svc-200']);
    expect(after.forwards.get(changed[0].key)?.backends).toHaveLength(2);
    expect(input.endpoints.get('bench/svc-200')).toHaveLength(3);
  });

  it('refuses a Service with no endpoint left', () => {
    const input = benchInput(benchServices({ services: 1, endpoints: 1 }));
    expect(() => withoutLastEndpoint(withoutLastEndpoint(input, 'bench/svc-0'), 'bench/svc-0')).toThrow(
      'no endpoint to lose',
    );
    expect(() => withoutLastEndpoint(input, 'bench/none')).toThrow('no endpoint to lose');
  });
});
