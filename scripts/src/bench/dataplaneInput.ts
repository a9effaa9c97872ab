/**
 * The dataplane benchmarks' Services, as the planner takes them (a DataplaneInput): N Services of one TCP port each,
 * each with E ready endpoints, on N distinct VIP:port keys. Pure, so what the benches program is tested.
 *
 * VIPs cycle over 203.0.113.128/25 then 198.51.100.0/24 (384 addresses); each full cycle moves to the next port
 * (80, 81, ...), so 10,000 Services take ports 80..106. Endpoints are in 203.0.113.0/25 (.1 to .126), E consecutive
 * addresses per Service, port 8080. Documentation ranges only.
 */
import { formatIP, mustParseIP, type ParsedIP } from '@ironlb/shared';
import type { DataplaneEndpoint, DataplaneInput, DataplaneService } from '@ironlb/speaker';

export const BENCH_NODE = 'node1';
export const FIRST_PORT = 80;
export const ENDPOINT_PORT = 8080;
/** Usable host addresses of 203.0.113.0/25: an endpoint list longer than this would repeat an address. */
export const MAX_ENDPOINTS = 126;

const v4 = (a: number, b: number, c: number, d: number): ParsedIP =>
  mustParseIP(`${String(a)}.${String(b)}.${String(c)}.${String(d)}`);

/** The VIPs in the order the Services take them. */
export const VIP_CYCLE: readonly ParsedIP[] = [
  ...Array.from({ length: 128 }, (_, i) => v4(203, 0, 113, 128 + i)),
  ...Array.from({ length: 256 }, (_, i) => v4(198, 51, 100, i)),
];

export interface BenchService {
  readonly service: DataplaneService;
  readonly vip: ParsedIP;
  readonly endpoints: readonly DataplaneEndpoint[];
}

export interface BenchInputOptions {
  readonly services: number;
  readonly endpoints: number;
  /** VIPs left out of the cycle (the path bench: the lab's own hosts, the VIP it sends to). */
  readonly skipVips?: ReadonlySet<string>;
}

const endpoint = (service: string, address: ParsedIP, port: number): DataplaneEndpoint => ({
  service,
  address,
  nodeName: BENCH_NODE,
  ready: true,
  serving: true,
  terminating: false,
  ports: [{ name: '', protocol: 'TCP', port }],
});

/** One Service on vip:port, Cluster policy, no affinity, no source ranges, with these endpoints. */
export function benchService(key: string, vip: ParsedIP, port: number, backends: readonly ParsedIP[]): BenchService {
  return {
    service: { key, ports: [{ name: '', protocol: 'TCP', port }], local: false, sourceRanges: [] },
    vip,
    endpoints: backends.map((a) => endpoint(key, a, ENDPOINT_PORT)),
  };
}

/** The bench's Services, in order: Service i is `bench/svc-<i>`. */
export function benchServices(opts: BenchInputOptions): BenchService[] {
  const { services, endpoints } = opts;
  if (!Number.isInteger(services) || services < 1) throw new Error(`services must be >= 1, got ${services}`);
  if (!Number.isInteger(endpoints) || endpoints < 1 || endpoints > MAX_ENDPOINTS)
    throw new Error(`endpoints must be 1..${MAX_ENDPOINTS}, got ${endpoints}`);
  const vips = VIP_CYCLE.filter((ip) => !opts.skipVips?.has(formatIP(ip)));
  if (vips.length === 0) throw new Error('every VIP is skipped');
  // Ports from 80 up; past 65535 the keys would repeat.
  if (FIRST_PORT + Math.ceil(services / vips.length) - 1 > 65_535)
    throw new Error(`${services} Services do not fit on ${vips.length} VIPs`);
  return Array.from({ length: services }, (_, i) => {
    const backends = Array.from({ length: endpoints }, (_, j) => v4(203, 0, 113, 1 + ((i * endpoints + j) % 126)));
    return benchService(`bench/svc-${i}`, vips[i % vips.length], FIRST_PORT + Math.floor(i / vips.length), backends);
  });
}

/** The planner's input for these Services, all served by BENCH_NODE on their VIPs. */
export function benchInput(list: readonly BenchService[]): DataplaneInput {
  const served = new Map<string, { ip: ParsedIP; services: string[] }>();
  for (const s of list) {
    const text = formatIP(s.vip);
    const entry = served.get(text) ?? { ip: s.vip, services: [] };
    entry.services.push(s.service.key);
    served.set(text, entry);
  }
  return {
    node: BENCH_NODE,
    served,
    services: new Map(list.map((s) => [s.service.key, s.service])),
    endpoints: new Map(list.map((s) => [s.service.key, s.endpoints])),
  };
}

/** The same input where Service `key` has lost its last endpoint: the single-endpoint change. */
export function withoutLastEndpoint(input: DataplaneInput, key: string): DataplaneInput {
  const eps = input.endpoints.get(key);
  if (!eps || eps.length === 0) throw new Error(`${key} has no endpoint to lose`);
  const endpoints = new Map(input.endpoints);
  endpoints.set(key, eps.slice(0, -1));
  return { ...input, endpoints };
}
