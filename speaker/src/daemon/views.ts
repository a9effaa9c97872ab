/**
 * API objects into the plan's inputs. Pure and defensive: the API server validated these objects, but a field this
 * code does not understand reads as "not there", never as a crash.
 */
import { parseIP, type ParsedIP } from '@ironlb/shared';
import type { NodeView, ServiceView } from '../mode/view';

type Raw = Record<string, unknown>;
const rec = (v: unknown): Raw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function stringMap(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(rec(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export const keyOf = (o: unknown): string => {
  const m = rec(rec(o).metadata);
  return `${str(m.namespace) ?? ''}/${str(m.name) ?? ''}`;
};

/**
 * A LoadBalancer Service of our class (no class, or `lbClass`) that shows ingress IPs; anything else is not ours to
 * announce. The IPs are the ones the controller wrote, in order.
 */
export function serviceViewOf(svc: unknown, lbClass: string): ServiceView | undefined {
  const o = rec(svc);
  const spec = rec(o.spec);
  if (spec.type !== 'LoadBalancer') return undefined;
  const cls = str(spec.loadBalancerClass);
  if (cls !== undefined && cls !== lbClass) return undefined;
  const ips: ParsedIP[] = [];
  for (const entry of list(rec(rec(o.status).loadBalancer).ingress)) {
    const ip = parseIP(str(rec(entry).ip) ?? '');
    if (ip) ips.push(ip);
  }
  if (ips.length === 0) return undefined;
  return { key: keyOf(svc), ips, local: spec.externalTrafficPolicy === 'Local' };
}

export function nodeViewOf(node: unknown): NodeView | undefined {
  const o = rec(node);
  const name = str(rec(o.metadata).name);
  if (!name) return undefined;
  return { name, labels: stringMap(rec(o.metadata).labels), unschedulable: rec(o.spec).unschedulable === true };
}

/** The node's InternalIP addresses, IPv4 first: where its speaker's heartbeats are sent. */
export function internalIPsOf(node: unknown): string[] {
  const ips = list(rec(rec(node).status).addresses)
    .map(rec)
    .filter((a) => a.type === 'InternalIP')
    .map((a) => str(a.address))
    .filter((a): a is string => a !== undefined && parseIP(a) !== undefined);
  return ips.sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')));
}

/**
 * The nodes with a ready endpoint, from one EndpointSlice: its Service (the kubernetes.io/service-name label) and
 * the nodeName of every endpoint whose `ready` condition is not false (absent means ready, as in the API docs).
 */
export function sliceEndpoints(slice: unknown): { service: string; nodes: string[] } | undefined {
  const o = rec(slice);
  const meta = rec(o.metadata);
  const svcName = stringMap(meta.labels)['kubernetes.io/service-name'];
  if (!svcName) return undefined;
  const nodes = list(o.endpoints)
    .map(rec)
    .filter((e) => rec(e.conditions).ready !== false)
    .map((e) => str(e.nodeName))
    .filter((n): n is string => n !== undefined);
  return { service: `${str(meta.namespace) ?? ''}/${svcName}`, nodes };
}

/** Service key → nodes with a ready endpoint, over all slices (a Service may have several). */
export function endpointNodesOf(slices: Iterable<unknown>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const slice of slices) {
    const e = sliceEndpoints(slice);
    if (!e) continue;
    const set = out.get(e.service) ?? new Set<string>();
    for (const n of e.nodes) set.add(n);
    out.set(e.service, set);
  }
  return out;
}
