/**
 * The dataplane's plan: for every IP this node serves, each Service port on it and where its new connections go.
 * Pure: the same input gives the same plan, in the same order, so renderers can diff plans and name their objects
 * from the forwards' keys.
 *
 * kube-proxy's semantics, as a user of it expects them: ready endpoints of the VIP's family; Local policy only this
 * node's, with the client's address kept; Cluster policy all of them, source-NATed to this node; when none is ready,
 * the serving-and-terminating ones (KEP-1669), and when there are none of those either, connections are refused.
 * Where one IP carries two Services with the same protocol and port (the controller refuses that; a race or a manual
 * status edit can still show it), the first by key keeps it and the other is a problem, never both.
 */
import { BITS, formatIP, parseIP, type ParsedIP } from '@ironlb/shared';
import type {
  Backend,
  DataplaneEndpoint,
  DataplaneInput,
  DataplanePlan,
  DataplaneProblem,
  DataplaneService,
  Forward,
  ServicePortSpec,
  SourcePrefix,
} from './types';

export const forwardKey = (ip: ParsedIP, protocol: string, port: number): string =>
  `${formatIP(ip)} ${protocol} ${port}`;

/** A loadBalancerSourceRanges entry: a CIDR (host bits cleared, as kube-proxy's sloppy parse does) or undefined. */
export function parseSourceRange(text: string): SourcePrefix | undefined {
  const parts = text.trim().split('/');
  if (parts.length !== 2 || !/^(0|[1-9][0-9]{0,2})$/.test(parts[1])) return undefined;
  const ip = parseIP(parts[0]);
  const length = Number(parts[1]);
  if (!ip || length > BITS[ip.family]) return undefined;
  const hostBits = BigInt(BITS[ip.family] - length);
  return { ip: { family: ip.family, value: (ip.value >> hostBits) << hostBits }, length };
}

const byIP = (a: ParsedIP, b: ParsedIP): number =>
  a.family === b.family ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.family === 'IPv4' ? -1 : 1;

/** The endpoints a Service port on a VIP of `family` sends new connections to, sorted, without duplicates. */
function backendsOf(
  svc: DataplaneService,
  sp: ServicePortSpec,
  family: ParsedIP['family'],
  endpoints: readonly DataplaneEndpoint[],
  node: string,
): Backend[] {
  const mine = endpoints.filter((e) => e.address.family === family && (!svc.local || e.nodeName === node));
  const ready = mine.filter((e) => e.ready);
  const chosen = ready.length > 0 ? ready : mine.filter((e) => e.serving && e.terminating);
  const seen = new Map<string, Backend>();
  for (const e of chosen) {
    const p = e.ports.find((x) => x.name === sp.name && x.protocol === sp.protocol);
    if (!p) continue;
    seen.set(`${formatIP(e.address)} ${p.port}`, { ip: e.address, port: p.port });
  }
  return [...seen.values()].sort((a, b) => byIP(a.ip, b.ip) || a.port - b.port);
}

/** The Service's source ranges; a problem for each entry that is no CIDR (a repeated one reported once). */
function rangesOf(svc: DataplaneService, problems: DataplaneProblem[]): SourcePrefix[] {
  const out: SourcePrefix[] = [];
  const reported = new Set<string>();
  for (const value of svc.sourceRanges) {
    const p = parseSourceRange(value);
    if (p) out.push(p);
    else if (!reported.has(value)) {
      reported.add(value);
      problems.push({ code: 'badSourceRange', service: svc.key, value });
    }
  }
  return out;
}

/** What a Service planned on one IP gave, kept while the Service, its endpoints and the node are the same objects. */
interface OnIP {
  readonly endpoints: readonly DataplaneEndpoint[] | undefined;
  readonly node: string;
  /** One per Service port, in the Service's order; reused as they are, so an unchanged forward keeps its identity. */
  readonly forwards: readonly Forward[];
  readonly noRangeOfFamily: boolean;
}

interface Remembered {
  readonly ranges: readonly SourcePrefix[];
  readonly badRanges: readonly DataplaneProblem[];
  readonly onIP: Map<string, OnIP>;
}

/**
 * The planner, remembering per Service object what it planned: the speaker's cache replaces an object when it
 * changes, so with 10,000 Services one endpoint change re-plans one Service, and every other forward is the very
 * object of the previous plan (the renderers' diffs skip those without comparing them).
 */
export class DataplanePlanner {
  private readonly memory = new WeakMap<DataplaneService, Remembered>();

  plan(input: DataplaneInput): DataplanePlan {
    const forwards = new Map<string, Forward>();
    const problems: DataplaneProblem[] = [];
    const reported = new Set<DataplaneService>();
    const served = [...input.served].sort(([, a], [, b]) => byIP(a.ip, b.ip));
    for (const [ipText, { ip, services }] of served) {
      for (const key of [...services].sort()) {
        const svc = input.services.get(key);
        if (!svc) continue;
        const remembered = this.remembered(svc);
        if (!reported.has(svc)) {
          reported.add(svc);
          problems.push(...remembered.badRanges);
        }
        const endpoints = input.endpoints.get(key);
        let on = remembered.onIP.get(ipText);
        if (!on || on.endpoints !== endpoints || on.node !== input.node) {
          on = planOnIP(svc, ip, remembered.ranges, endpoints, input.node);
          remembered.onIP.set(ipText, on);
        }
        // kube-proxy reads the ranges per family: none of this family leaves this IP open to every source. Kept,
        // so a Service behaves the same with or without kube-proxy, and said, as it is rarely what the author meant.
        if (on.noRangeOfFamily) problems.push({ code: 'noRangeOfFamily', service: svc.key, ip: ipText });
        for (const f of on.forwards) {
          const held = forwards.get(f.key);
          if (held) problems.push({ code: 'portTaken', key: f.key, kept: held.service, dropped: svc.key });
          else forwards.set(f.key, f);
        }
      }
    }
    return { forwards, problems };
  }

  private remembered(svc: DataplaneService): Remembered {
    let r = this.memory.get(svc);
    if (!r) {
      const badRanges: DataplaneProblem[] = [];
      r = { ranges: rangesOf(svc, badRanges), badRanges, onIP: new Map() };
      this.memory.set(svc, r);
    }
    return r;
  }
}

function planOnIP(
  svc: DataplaneService,
  ip: ParsedIP,
  ranges: readonly SourcePrefix[],
  endpoints: readonly DataplaneEndpoint[] | undefined,
  node: string,
): OnIP {
  const sourceRanges = ranges
    .filter((r) => r.ip.family === ip.family)
    .sort((a, b) => byIP(a.ip, b.ip) || a.length - b.length);
  const forwards = svc.ports.map((sp): Forward => ({
    key: forwardKey(ip, sp.protocol, sp.port),
    ip,
    protocol: sp.protocol,
    port: sp.port,
    service: svc.key,
    portName: sp.name,
    backends: backendsOf(svc, sp, ip.family, endpoints ?? [], node),
    masquerade: !svc.local,
    ...(svc.affinitySec !== undefined ? { affinitySec: svc.affinitySec } : {}),
    sourceRanges,
  }));
  return { endpoints, node, forwards, noRangeOfFamily: ranges.length > 0 && sourceRanges.length === 0 };
}

/** A plan made without memory (tests, benchmarks, one-off plans). */
export function planDataplane(input: DataplaneInput): DataplanePlan {
  return new DataplanePlanner().plan(input);
}

/** A problem in words, for the log line and the Event. */
export function problemText(p: DataplaneProblem): string {
  switch (p.code) {
    case 'portTaken':
      return `${p.key} is forwarded for ${p.kept}; ${p.dropped} asks for the same IP, protocol and port and is not forwarded there`;
    case 'badSourceRange':
      return `${p.service}: spec.loadBalancerSourceRanges entry ${JSON.stringify(p.value)} is not a CIDR (like 198.51.100.0/24); it is ignored`;
    case 'noRangeOfFamily':
      return `${p.service}: spec.loadBalancerSourceRanges lists no range of ${p.ip}'s family, so ${p.ip} accepts every source (as with kube-proxy)`;
  }
}
