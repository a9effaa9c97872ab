/**
 * Where a webhook's Service answers, as the real server's endpoint resolver finds it: the Service port named by
 * clientConfig.service.port, then the first ready address of the Service's EndpointSlices (or Endpoints) and that
 * port's target port there. Pure: reads objects through a small interface.
 */
import type { KubeObject } from '../types';
import { asArr, asNum, asObj, asStr, isObj, type Obj } from '../validation/json';

export interface ServiceRef {
  namespace: string;
  name: string;
  port: number;
}

export interface Address {
  host: string;
  port: number;
}

/** A test's own way to reach a webhook (one on localhost): undefined falls back to the endpoint resolver. */
export type WebhookResolver = (svc: ServiceRef) => Address | undefined;

/**
 * How to connect to a resolved address: a Unix socket path, for a lab whose pods live in network namespaces the
 * server's own cannot route to; undefined dials the address.
 */
export type WebhookDialer = (address: Address) => string | undefined;

export interface ObjectReader {
  get(storage: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(storage: string, namespace?: string): Iterable<[string, KubeObject]>;
}

/** Resolution failures carry the real resolver's wording; they show as the transport error of the call. */
export class ResolveError extends Error {}

const SLICES = 'endpointslices.discovery.k8s.io';

export function resolveService(reader: ObjectReader, ref: ServiceRef): Address {
  const svc = reader.get('services', ref.namespace, ref.name);
  if (!svc) throw new ResolveError(`service "${ref.name}" not found`);
  const spec = asObj(svc.spec) ?? {};
  const type = asStr(spec.type) ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type))
    throw new ResolveError(`unsupported service type "${type}"`);
  const svcPort = (asArr(spec.ports) ?? []).filter(isObj).find((p) => asNum(p.port) === ref.port);
  if (!svcPort) throw new ResolveError(`no service port ${ref.port} found for service "${ref.name}"`);
  const found = fromSlices(reader, ref, svcPort) ?? fromEndpoints(reader, ref, svcPort);
  if (!found) throw new ResolveError(`no endpoints available for service "${ref.name}"`);
  return found;
}

/** The endpoint port for a Service port: matched by the port's name (EndpointSlices and Endpoints name them so). */
function portFor(ports: unknown, svcPort: Obj): number | undefined {
  const name = asStr(svcPort.name) ?? '';
  const protocol = asStr(svcPort.protocol) ?? 'TCP';
  const match = (asArr(ports) ?? [])
    .filter(isObj)
    .find((p) => (asStr(p.name) ?? '') === name && (asStr(p.protocol) ?? 'TCP') === protocol);
  if (match) return asNum(match.port);
  // An endpoint object without ports: the target port, when it is a number.
  return asNum(svcPort.targetPort) ?? asNum(svcPort.port);
}

function fromSlices(reader: ObjectReader, ref: ServiceRef, svcPort: Obj): Address | undefined {
  for (const [, slice] of reader.list(SLICES, ref.namespace)) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== ref.name) continue;
    const port = portFor(slice.ports, svcPort);
    if (port === undefined) continue;
    for (const ep of (asArr(slice.endpoints) ?? []).filter(isObj)) {
      // Ready unset counts as ready (the API's "unknown state, interpret as ready").
      if (asObj(ep.conditions)?.ready === false) continue;
      const host = asStr((asArr(ep.addresses) ?? [])[0]);
      if (host) return { host, port };
    }
  }
  return undefined;
}

function fromEndpoints(reader: ObjectReader, ref: ServiceRef, svcPort: Obj): Address | undefined {
  const eps = reader.get('endpoints', ref.namespace, ref.name);
  for (const subset of (asArr(eps?.subsets) ?? []).filter(isObj)) {
    const port = portFor(subset.ports, svcPort);
    const host = asStr(asObj((asArr(subset.addresses) ?? [])[0])?.ip);
    if (host && port !== undefined) return { host, port };
  }
  return undefined;
}
