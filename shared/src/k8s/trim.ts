/**
 * What the daemons keep of the objects they watch. A cache holds every Service, Node and EndpointSlice of the cluster
 * for the process's life, so whatever no code reads is dropped as the object arrives (client-go's informers strip
 * managedFields the same way): managedFields and kubectl's last-applied copy from every object; of a Node, the image
 * list, capacity and system info a kubelet reports; of an EndpointSlice, each endpoint's Pod reference.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Keeps `keys` of `v` when it is an object (and only those present); anything else is left as it is. */
function pick(v: unknown, keys: readonly string[]): unknown {
  if (!isRecord(v)) return v;
  const out: Raw = {};
  for (const k of keys) if (k in v) out[k] = v[k];
  return out;
}

/** The object without managedFields and the last-applied annotation; the object itself when it has neither. */
export function stripBookkeeping<T extends KubernetesObject>(o: T): T {
  const meta: unknown = o.metadata;
  if (!isRecord(meta)) return o;
  const annotations = meta.annotations;
  const lastApplied = isRecord(annotations) && LAST_APPLIED in annotations;
  if (!('managedFields' in meta) && !lastApplied) return o;
  const { managedFields: _dropped, ...rest } = meta;
  if (lastApplied) {
    const { [LAST_APPLIED]: _applied, ...kept } = annotations;
    rest.annotations = kept;
  }
  return { ...o, metadata: rest };
}

/** A Node as the speaker reads it: labels, cordon, taints and pod CIDRs, its addresses and conditions. */
export function trimNode(o: KubernetesObject): KubernetesObject {
  const node = stripBookkeeping(o) as Raw;
  return {
    ...node,
    spec: pick(node.spec, ['unschedulable', 'taints', 'podCIDR', 'podCIDRs', 'providerID']),
    status: pick(node.status, ['addresses', 'conditions']),
  } as KubernetesObject;
}

/** An EndpointSlice without each endpoint's Pod reference (targetRef), which nothing of ours reads. */
export function trimEndpointSlice(o: KubernetesObject): KubernetesObject {
  const slice = stripBookkeeping(o) as Raw;
  if (!Array.isArray(slice.endpoints)) return slice as KubernetesObject;
  const endpoints = slice.endpoints.map((e: unknown) => {
    if (!isRecord(e) || !('targetRef' in e)) return e;
    const { targetRef: _pod, ...rest } = e;
    return rest;
  });
  return { ...slice, endpoints } as KubernetesObject;
}
