/**
 * The dataplane's input from the API objects the speaker caches: LoadBalancer Services (ports, policy, affinity,
 * source ranges) and EndpointSlices (addresses, conditions, node, ports). Parsed at the edge: anything malformed is
 * left out (a port without a number, an endpoint without an address), never a crash.
 */
import { parseIP } from '@ironlb/shared';
import type { DataplaneEndpoint, DataplaneService, EndpointPort, L4Protocol, ServicePortSpec } from './types';

type Raw = Record<string, unknown>;
const rec = (v: unknown): Raw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** kube-proxy's default ClientIP affinity timeout: 3 hours. */
export const DEFAULT_AFFINITY_SEC = 10_800;

function protocolOf(v: unknown): L4Protocol | undefined {
  const p = v ?? 'TCP';
  return p === 'TCP' || p === 'UDP' || p === 'SCTP' ? p : undefined;
}

const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;

/** A Service of type LoadBalancer served by `lbClass` (absent class: ours too), as the dataplane needs it. */
export function dataplaneServiceOf(svc: unknown, lbClass: string): DataplaneService | undefined {
  const o = rec(svc);
  const meta = rec(o.metadata);
  const spec = rec(o.spec);
  if (spec.type !== 'LoadBalancer') return undefined;
  const cls = str(spec.loadBalancerClass);
  if (cls !== undefined && cls !== lbClass) return undefined;
  const ports: ServicePortSpec[] = [];
  for (const p of list(spec.ports).map(rec)) {
    const protocol = protocolOf(p.protocol);
    if (protocol && isPort(p.port)) ports.push({ name: str(p.name) ?? '', protocol, port: p.port });
  }
  const affinity =
    spec.sessionAffinity === 'ClientIP' ? rec(rec(spec.sessionAffinityConfig).clientIP).timeoutSeconds : undefined;
  return {
    key: `${str(meta.namespace) ?? ''}/${str(meta.name) ?? ''}`,
    ports,
    local: spec.externalTrafficPolicy === 'Local',
    ...(spec.sessionAffinity === 'ClientIP'
      ? { affinitySec: typeof affinity === 'number' && affinity > 0 ? affinity : DEFAULT_AFFINITY_SEC }
      : {}),
    sourceRanges: list(spec.loadBalancerSourceRanges).flatMap((r) => str(r) ?? []),
  };
}

/** The endpoints of one EndpointSlice, each with the slice's ports; none when the slice names no Service. */
export function dataplaneEndpointsOf(slice: unknown): DataplaneEndpoint[] {
  const o = rec(slice);
  const meta = rec(o.metadata);
  const name = str(rec(meta.labels)['kubernetes.io/service-name']);
  if (!name) return [];
  const service = `${str(meta.namespace) ?? ''}/${name}`;
  const ports: EndpointPort[] = [];
  for (const p of list(o.ports).map(rec)) {
    const protocol = protocolOf(p.protocol);
    if (protocol && isPort(p.port)) ports.push({ name: str(p.name) ?? '', protocol, port: p.port });
  }
  const out: DataplaneEndpoint[] = [];
  for (const e of list(o.endpoints).map(rec)) {
    const c = rec(e.conditions);
    // The API's defaults: ready absent is ready; serving absent follows ready; terminating absent is false.
    const ready = c.ready !== false;
    const serving = typeof c.serving === 'boolean' ? c.serving : ready;
    const terminating = c.terminating === true;
    const nodeName = str(e.nodeName);
    // One endpoint, one address: the API says consumers use the first.
    const address = parseIP(str(list(e.addresses)[0]) ?? '');
    if (!address) continue;
    out.push({ service, address, ...(nodeName ? { nodeName } : {}), ready, serving, terminating, ports });
  }
  return out;
}
