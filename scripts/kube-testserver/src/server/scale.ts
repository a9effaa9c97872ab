/**
 * The /scale subresource: an autoscaling/v1 Scale view of an object's replicas (Deployments, and custom resources
 * whose CRD declares the scale subresource at `.spec.replicas`/`.status.replicas`).
 */
import type { ResourceInfo } from '../api/registry';
import { badRequest } from '../errors';
import type { Json, JsonObject, KubeObject } from '../types';
import { asObject } from './json';

function selectorString(spec: JsonObject | undefined): string {
  const sel = asObject(spec?.selector);
  const labels = asObject(sel?.matchLabels) ?? (sel && !sel.matchExpressions ? sel : undefined);
  if (!labels) return '';
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

export function scaleOf(_info: ResourceInfo, obj: KubeObject): JsonObject {
  const spec = asObject(obj.spec);
  const status = asObject(obj.status);
  const m = obj.metadata;
  const metadata: JsonObject = {
    name: m.name ?? '',
    ...(m.namespace ? { namespace: m.namespace } : {}),
    uid: m.uid ?? '',
    resourceVersion: m.resourceVersion ?? '',
    creationTimestamp: m.creationTimestamp ?? null,
  };
  const replicas = typeof spec?.replicas === 'number' ? spec.replicas : 0;
  const statusReplicas = typeof status?.replicas === 'number' ? status.replicas : 0;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
    spec: { replicas },
    status: { replicas: statusReplicas, selector: selectorString(spec) },
  };
}

/** The merge patch that writes a Scale back onto its object (keeping its resourceVersion as a precondition). */
export function scalePatch(_info: ResourceInfo, scale: JsonObject): Json {
  const replicas = asObject(scale.spec)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw badRequest(
      'Scale.autoscaling "" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0',
    );
  }
  const rv = asObject(scale.metadata)?.resourceVersion;
  return { ...(typeof rv === 'string' && rv ? { metadata: { resourceVersion: rv } } : {}), spec: { replicas } };
}
