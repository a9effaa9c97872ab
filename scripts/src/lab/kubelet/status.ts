/**
 * What the lab kubelet writes back to the API, as a kubelet, the workload controllers and the EndpointSlice
 * controller would: the Pod (owned by its workload, bound to its node) and its status, the workloads' status
 * counts (so `kubectl get ds,deploy` and `helm status` read true), and the slices of the Services that select its
 * pods (so the API server finds the webhook's endpoints as it would in a cluster). Pure.
 */
import type { ContainerPort, SelectingService, Workload } from './objects';
import type { DesiredPod } from './schedule';

export interface ContainerState {
  name: string;
  running: boolean;
  ready: boolean;
  restartCount: number;
  /** ISO time the current process started, or undefined while it waits to restart. */
  startedAt?: string;
  /** The last exit's code, 128 + the signal's number for a signal (137: SIGKILL), as the kubelet reports it. */
  lastExitCode?: number;
}

export interface PodState {
  pod: DesiredPod;
  podIP: string;
  hostIP: string;
  containers: ContainerState[];
}

const REVISION_LABEL: Record<string, string> = {
  DaemonSet: 'controller-revision-hash',
  Deployment: 'pod-template-hash',
};

export function podLabels(pod: DesiredPod): Record<string, string> {
  return { ...pod.template.labels, [REVISION_LABEL[pod.owner.kind] ?? 'pod-template-hash']: pod.templateHash };
}

/** The Pod as the workload controller creates it and the scheduler binds it. */
export function podManifest(pod: DesiredPod): Record<string, unknown> {
  const spec = pod.template.spec;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      labels: podLabels(pod),
      ...(Object.keys(pod.template.annotations).length > 0 ? { annotations: pod.template.annotations } : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: pod.owner.kind,
          name: pod.owner.name,
          uid: pod.owner.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeName: pod.nodeName,
      serviceAccountName: spec.serviceAccountName,
      hostNetwork: spec.hostNetwork,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
      ...(Object.keys(spec.nodeSelector).length > 0 ? { nodeSelector: spec.nodeSelector } : {}),
      ...(spec.tolerations.length > 0 ? { tolerations: spec.tolerations } : {}),
      containers: spec.containers.map((c) => ({
        name: c.name,
        image: c.image,
        ...(c.command ? { command: c.command } : {}),
        ...(c.args ? { args: c.args } : {}),
        ...(c.ports.length > 0 ? { ports: c.ports } : {}),
      })),
    },
  };
}

const allReady = (s: PodState): boolean => s.containers.length > 0 && s.containers.every((c) => c.ready);

export function podStatus(s: PodState, now: string): Record<string, unknown> {
  const ready = allReady(s);
  const condition = (type: string, ok: boolean): Record<string, string> => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: now,
  });
  return {
    phase: 'Running',
    hostIP: s.hostIP,
    podIP: s.podIP,
    podIPs: [{ ip: s.podIP }],
    conditions: [
      condition('PodScheduled', true),
      condition('Initialized', true),
      condition('ContainersReady', ready),
      condition('Ready', ready),
    ],
    containerStatuses: s.containers.map((c) => {
      const pod = s.pod.template.spec.containers.find((x) => x.name === c.name);
      return {
        name: c.name,
        image: pod?.image ?? '',
        imageID: '',
        ready: c.ready,
        started: c.running,
        restartCount: c.restartCount,
        state: c.running
          ? { running: { startedAt: c.startedAt ?? now } }
          : { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${c.name}` } },
        ...(c.lastExitCode === undefined
          ? {}
          : {
              lastState: {
                terminated: { reason: c.lastExitCode === 0 ? 'Completed' : 'Error', exitCode: c.lastExitCode },
              },
            }),
      };
    }),
  };
}

/** The workload's status counts from the pods the lab runs for it. */
export function workloadStatus(w: Workload, desired: number, pods: readonly PodState[]): Record<string, unknown> {
  const mine = pods.filter((p) => p.pod.owner.uid === w.ref.uid);
  const ready = mine.filter(allReady).length;
  if (w.ref.kind === 'DaemonSet') {
    return {
      observedGeneration: w.generation,
      desiredNumberScheduled: desired,
      currentNumberScheduled: mine.length,
      updatedNumberScheduled: mine.length,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    };
  }
  const available = ready >= desired;
  return {
    observedGeneration: w.generation,
    replicas: mine.length,
    updatedReplicas: mine.length,
    readyReplicas: ready,
    availableReplicas: ready,
    ...(desired - ready > 0 ? { unavailableReplicas: desired - ready } : {}),
    conditions: [
      {
        type: 'Available',
        status: available ? 'True' : 'False',
        reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
    ],
  };
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function targetPort(target: number | string, ports: readonly ContainerPort[], protocol: string): number | undefined {
  if (typeof target === 'number') return target;
  return ports.find((p) => p.name === target && p.protocol === protocol)?.containerPort;
}

/** The EndpointSlice of a Service that selects pods the lab runs: its ready pods and their target ports. */
export function endpointSlice(svc: SelectingService, pods: readonly PodState[]): Record<string, unknown> {
  const selected = pods.filter((p) => p.pod.namespace === svc.namespace && selects(svc.selector, podLabels(p.pod)));
  const containerPorts = selected.flatMap((p) => p.pod.template.spec.containers.flatMap((c) => c.ports));
  const ports = svc.ports.flatMap((sp) => {
    const port = targetPort(sp.targetPort, containerPorts, sp.protocol);
    return port === undefined ? [] : [{ name: sp.name, protocol: sp.protocol, port }];
  });
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${svc.name}-lab`,
      namespace: svc.namespace,
      labels: {
        'kubernetes.io/service-name': svc.name,
        'endpointslice.kubernetes.io/managed-by': 'lab-kubelet.ironlb.io',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.name, uid: svc.uid, controller: true }],
    },
    addressType: 'IPv4',
    endpoints: selected.map((p) => ({
      addresses: [p.podIP],
      conditions: { ready: allReady(p), serving: allReady(p), terminating: false },
      nodeName: p.pod.nodeName,
      targetRef: { kind: 'Pod', namespace: p.pod.namespace, name: p.pod.name },
    })),
    ports,
  };
}

/** True when the Service selects at least one of the lab's pods (else the slice is none of the kubelet's business). */
export function selectsAny(svc: SelectingService, pods: readonly PodState[]): boolean {
  return pods.some((p) => p.pod.namespace === svc.namespace && selects(svc.selector, podLabels(p.pod)));
}
