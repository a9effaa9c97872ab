/**
 * Which pods the lab's workloads ask for and where they run, as the DaemonSet controller, the Deployment
 * controller and the scheduler would place them: a DaemonSet's pod on every node its nodeSelector and tolerations
 * allow, a Deployment's replicas spread over the allowed nodes (its anti-affinity prefers distinct nodes).
 * A pod's name holds its template's hash, so a changed template (`helm upgrade`) is new pods replacing the old.
 * Pure.
 */
import { createHash } from 'node:crypto';
import type { LabNode, ObjectRef, PodTemplate, Taint, Toleration, Workload } from './objects';

export interface DesiredPod {
  namespace: string;
  name: string;
  nodeName: string;
  owner: ObjectRef;
  /** The template's hash, as the pod's `pod-template-hash` / `controller-revision-hash` label. */
  templateHash: string;
  template: PodTemplate;
}

export interface Unscheduled {
  owner: ObjectRef;
  reason: string;
}

export interface Schedule {
  pods: DesiredPod[];
  unscheduled: Unscheduled[];
}

const hash = (text: string, length: number): string => createHash('sha256').update(text).digest('hex').slice(0, length);

export function templateHash(template: PodTemplate): string {
  return hash(JSON.stringify(template), 10);
}

/** True when a toleration lets a pod onto a node with `taint` (the scheduler's rule). */
export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect !== undefined && t.effect !== taint.effect) return false;
    if (t.key === undefined) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

/** Why `node` cannot run pods of `template`, or undefined when it can. */
export function unfit(node: LabNode, template: PodTemplate): string | undefined {
  for (const [k, v] of Object.entries(template.spec.nodeSelector)) {
    if (node.labels[k] !== v) return `node(s) didn't match Pod's node affinity/selector`;
  }
  const blocking = node.taints.filter((t) => t.effect !== 'PreferNoSchedule');
  if (blocking.some((t) => !tolerates(template.spec.tolerations, t))) return `node(s) had untolerated taint`;
  return undefined;
}

export function schedule(nodes: readonly LabNode[], workloads: readonly Workload[]): Schedule {
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  const pods: DesiredPod[] = [];
  const unscheduled: Unscheduled[] = [];
  for (const w of workloads) {
    const fit = sorted.filter((n) => unfit(n, w.template) === undefined);
    const th = templateHash(w.template);
    const pod = (name: string, nodeName: string): DesiredPod => ({
      namespace: w.ref.namespace,
      name,
      nodeName,
      owner: w.ref,
      templateHash: th,
      template: w.template,
    });
    if (w.replicas === undefined) {
      for (const n of fit) pods.push(pod(`${w.ref.name}-${hash(`${th}/${n.name}`, 5)}`, n.name));
      continue;
    }
    if (w.replicas > 0 && fit.length === 0) {
      const why = sorted.map((n) => unfit(n, w.template)).find((r) => r !== undefined) ?? 'no nodes available';
      unscheduled.push({ owner: w.ref, reason: `0/${sorted.length} nodes are available: ${why}` });
      continue;
    }
    for (let i = 0; i < w.replicas; i++) {
      pods.push(pod(`${w.ref.name}-${th}-${hash(`${th}/${i}`, 5)}`, fit[i % fit.length].name));
    }
  }
  return { pods, unscheduled };
}
