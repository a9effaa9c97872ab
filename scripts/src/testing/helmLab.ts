/**
 * ironlb installed in the lab the way users install it: `helm install` of charts/ironlb into ironlb-kube, with the
 * lab kubelet running the pods the chart's DaemonSet and Deployment ask for. Shared by the demo and the chart's lab
 * tests.
 */
import * as path from 'node:path';
import { startKubeServer, type KubeServer } from '@ironlb/kube-testserver';
import { KubeClient, fromKubeconfig } from '@ironlb/shared/k8s';
import type { Lab } from '../lab/lab';
import type { CmdResult } from '../lab/sh';
import { ironlbImage } from '../lab/kubelet/image';
import { LabKubelet } from '../lab/kubelet/kubelet';
import { repoRoot } from '../tools';
import { until } from './controllerProcess';
import { KUBE_PORT } from './speakerLab';

export const CHART = path.join(repoRoot, 'charts', 'ironlb');
export const RELEASE_NAMESPACE = 'ironlb-system';

export async function startLabKubelet(
  lab: Lab,
  kubeconfig: string,
  kubeSocket: string,
  dir: string,
): Promise<LabKubelet> {
  const kubelet = new LabKubelet({
    lab,
    client: new KubeClient(fromKubeconfig(kubeconfig)),
    image: ironlbImage(repoRoot),
    dir,
    kubeSocket,
    kubePort: KUBE_PORT,
  });
  await kubelet.start();
  return kubelet;
}

export interface LabKubeServer {
  server: KubeServer;
  kubeconfig: string;
  /** The Unix socket the lab's namespaces reach the API server through. */
  socket: string;
}

/**
 * ironlb-kube for a lab whose pods the lab kubelet runs, its kubeconfig and socket in `dir`: dual-stack, and
 * calling webhooks in a pod's namespace through the socket the kubelet forwards there.
 */
export async function startLabKubeServer(dir: string, kubelet: () => LabKubelet | undefined): Promise<LabKubeServer> {
  const kubeconfig = path.join(dir, 'kubeconfig');
  const socket = path.join(dir, 'kube.sock');
  const server = await startKubeServer({
    port: 0,
    kubeconfigOut: kubeconfig,
    socketPath: socket,
    strategyOptions: { dualStack: true },
    webhookDialer: (a) => kubelet()?.socketFor(a.host, a.port),
  });
  return { server, kubeconfig, socket };
}

/** `helm install ironlb charts/ironlb -n ironlb-system --create-namespace` with `sets` (--set k=v each). */
export function helmInstallArgs(sets: readonly string[]): string[] {
  return [
    'install',
    'ironlb',
    CHART,
    '-n',
    RELEASE_NAMESPACE,
    '--create-namespace',
    ...sets.flatMap((s) => ['--set', s]),
  ];
}

export interface ListedPod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { restartCount?: number }[];
  };
}

/** The pod's restarts, all containers together (kubectl's RESTARTS). */
export const restarts = (p: ListedPod): number =>
  (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);

const podReady = (p: ListedPod): boolean =>
  p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Waits until `count` pods of the release run and are ready, and each passes `also`, as `kubectl get pods` shows
 * them, and the DaemonSets and Deployments count them ready; their names.
 */
export async function releasePodsReady(
  kubectl: (args: string[]) => Promise<CmdResult>,
  count: number,
  logs: () => string,
  also: (p: ListedPod) => boolean = () => true,
  // Five daemons starting at once on a loaded 2-core CI machine: well past the default 30 s.
  deadlineMs = 120_000,
): Promise<string[]> {
  const list = await until(
    async () => {
      const r = await kubectl(['get', 'pods', '-n', RELEASE_NAMESPACE, '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as { items: ListedPod[] }).items : [];
    },
    (items) => items.length === count && items.every((p) => podReady(p) && also(p)),
    logs,
    deadlineMs,
  );
  // The workloads' counts follow the pods within a pass of the kubelet; `kubectl get ds,deploy` reads them.
  await until(
    async () => {
      const r = await kubectl(['get', 'daemonsets,deployments', '-n', RELEASE_NAMESPACE, '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as { items: WorkloadStatus[] }).items : [];
    },
    (items) => items.length > 0 && items.every(workloadReady),
    logs,
    deadlineMs,
  );
  return list.map((p) => p.metadata.name);
}

interface WorkloadStatus {
  kind: string;
  spec: { replicas?: number };
  status?: { desiredNumberScheduled?: number; numberReady?: number; readyReplicas?: number };
}

const workloadReady = (w: WorkloadStatus): boolean =>
  w.kind === 'DaemonSet'
    ? (w.status?.numberReady ?? -1) === (w.status?.desiredNumberScheduled ?? -2)
    : (w.status?.readyReplicas ?? 0) === (w.spec.replicas ?? 1);
