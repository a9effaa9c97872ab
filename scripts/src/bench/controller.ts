import { Allocator, parseIP, reasonText, type ServiceRequest } from '@ironlb/controller';
import type { AddressRange, IPFamily, Pool } from '@ironlb/shared/config';
import { benchControllerE2E } from './controllerE2E';
import { fmt, median } from './stats';
import { rng } from '@ironlb/shared';

/**
 * The pure allocator (no I/O): allocations per second with 1k, 10k and 100k Services already holding addresses. All
 * cases are built first, then measured in alternating rounds in this one process, so machine noise mostly cancels
 * out of the ratios. Each timed allocation is followed by the (untimed) release of a random Service, so the count
 * stays put and the holes the search must find keep moving.
 */

function cidr(text: string): AddressRange {
  const [addr, len] = text.split('/');
  const ip = parseIP(addr);
  if (!ip) throw new Error(`bad address ${addr}`);
  const host = BigInt((ip.family === 'IPv4' ? 32 : 128) - Number(len));
  const first = (ip.value >> host) << host;
  return { family: ip.family, first, last: first + (1n << host) - 1n };
}

const pool = (name: string, ranges: string[], avoidBuggyIPs: boolean): Pool => ({
  name,
  ranges: ranges.map(cidr),
  autoAssign: true,
  avoidBuggyIPs,
});

interface Case {
  readonly label: string;
  readonly existing: number;
  readonly allocator: Allocator;
  /** Keys of the Services now holding addresses, for picking one to release. */
  readonly held: string[];
  readonly next: () => ServiceRequest;
  readonly random: () => number;
}

function request(key: string, family: IPFamily, port: number, sharingKey?: string): ServiceRequest {
  return {
    key,
    namespaceLabels: {},
    labels: {},
    ports: [{ port, protocol: 'TCP' }],
    sharingKey,
    externalTrafficPolicy: 'Cluster',
    selector: { app: key },
    requestedIPs: [],
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: [family],
  };
}

/**
 * `existing` Services with one address each; a tenth more were assigned and then released at random, so the free
 * addresses are holes spread over the held span rather than one run at its end.
 */
function unsharedCase(label: string, p: Pool, family: IPFamily, existing: number, span: number): Case {
  const allocator = new Allocator({ pools: new Map([[p.name, p]]) });
  const random = rng(existing);
  const held: string[] = [];
  let serial = 0;
  const next = (): ServiceRequest => request(`bench/svc-${serial++}`, family, 80);
  for (let i = 0; i < span; i++) {
    const svc = next();
    if (!allocator.assign(svc).ok) throw new Error(`${label}: setup ran out of addresses at ${i}`);
    held.push(svc.key);
  }
  while (held.length > existing) release({ allocator, held, random });
  return { label, existing, allocator, held, next, random };
}

/**
 * `existing` Services sharing the 508 IPv4 addresses under `keys` sharing keys, each Service on a port new to its
 * key: it takes the lowest address that is free or held under its key, found through the sharing-key index. With
 * 1k Services and more, every address is held and nearly every allocation shares.
 */
function sharedCase(label: string, p: Pool, existing: number, keys: number): Case {
  const allocator = new Allocator({ pools: new Map([[p.name, p]]) });
  const random = rng(existing);
  const held: string[] = [];
  let serial = 0;
  const next = (): ServiceRequest => {
    const i = serial++;
    return request(`bench/svc-${i}`, 'IPv4', 1 + Math.floor(i / keys), `tenant-${i % keys}`);
  };
  for (let i = 0; i < existing; i++) {
    const svc = next();
    if (!allocator.assign(svc).ok) throw new Error(`${label}: setup failed at ${i}`);
    held.push(svc.key);
  }
  return { label, existing, allocator, held, next, random };
}

function release(c: Pick<Case, 'allocator' | 'held' | 'random'>): void {
  const i = Math.floor(c.random() * c.held.length);
  const key = c.held[i];
  c.held[i] = c.held[c.held.length - 1];
  c.held.pop();
  c.allocator.release(key);
}

/** Allocations per second over `ops` allocations; only the assign calls are timed. */
function measure(c: Case, ops: number): number {
  const requests = Array.from({ length: ops }, c.next);
  let ns = 0n;
  for (const svc of requests) {
    const started = process.hrtime.bigint();
    const r = c.allocator.assign(svc);
    ns += process.hrtime.bigint() - started;
    if (!r.ok) throw new Error(`${c.label}: ${reasonText(r.reason)}`);
    c.held.push(svc.key);
    release(c);
  }
  return ops / (Number(ns) / 1e9);
}

const k = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));

// The pure allocator first, then the daemon end to end (controllerE2E.ts).
export async function benchController(args: string[]): Promise<void> {
  const ops = Number(args[0] ?? 10_000);
  const rounds = 7;
  const sizes = [1_000, 10_000, 100_000];
  const v6 = pool('v6', ['2001:db8::/64'], false);
  const v4 = pool('v4', ['198.51.100.0/24', '203.0.113.0/24'], true);

  const groups: { title: string; cases: Case[]; ratioOf: [number, number] }[] = [
    {
      title: 'IPv6 pool 2001:db8::/64, one address per Service',
      cases: sizes.map((n) => unsharedCase(`v6 ${k(n)}`, v6, 'IPv6', n, Math.round(n * 1.1))),
      ratioOf: [sizes[2], sizes[0]],
    },
    {
      title: 'IPv4 pools 198.51.100.0/24 + 203.0.113.0/24, avoidBuggyIPs (508 addresses), shared under 50 keys',
      cases: sizes.map((n) => sharedCase(`v4 shared ${k(n)}`, v4, n, 50)),
      ratioOf: [sizes[2], sizes[0]],
    },
    {
      // 508 addresses cannot hold 1k unshared Services: the documentation ranges are all we may use.
      title: 'IPv4, the same 508 addresses, one address per Service (as full as they get)',
      cases: [100, 500].map((n) => unsharedCase(`v4 ${n}`, v4, 'IPv4', n, 508)),
      ratioOf: [500, 100],
    },
  ];

  const all = groups.flatMap((g) => g.cases);
  // A first round warms the JIT so that no measured round pays for compilation.
  all.forEach((c) => measure(c, ops));
  const rates = new Map<Case, number[]>(all.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) for (const c of all) rates.get(c)?.push(measure(c, ops));

  console.log(
    `controller allocator, pure (no I/O): allocations/s, median of ${rounds} alternating rounds of ${ops} allocations per case`,
  );
  console.log(
    '  each allocation is followed by the release of a random Service, so the count of existing ones stays put',
  );
  for (const g of groups) {
    console.log(`  ${g.title}:`);
    const rateOf = (existing: number): number => {
      const c = g.cases.find((x) => x.existing === existing);
      return c ? median(rates.get(c) ?? []) : NaN;
    };
    for (const c of g.cases) console.log(`    ${k(c.existing).padStart(5)} existing: ${fmt(rateOf(c.existing), 0)}/s`);
    const [big, small] = g.ratioOf;
    console.log(`    ratio ${k(big)}/${k(small)}: ${fmt(rateOf(big) / rateOf(small), 2)} (target >= 0.5)`);
  }
  await benchControllerE2E();
}
