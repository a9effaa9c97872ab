/**
 * ironlb installed in the lab the way users install it: `helm install` of charts/ironlb into ironlb-kube, with the
 * lab kubelet running the pods the chart's DaemonSet and Deployment ask for. Shared by the demo and the chart's lab
 * tests.
 */
import * as path from 'node:path';
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
 * them; their names.
 */
export async function releasePodsReady(
  kubectl: (args: string[]) => Promise<CmdResult>,
  count: number,
  logs: () => string,
  also: (p: ListedPod) => boolean = () => true,
  deadlineMs?: number,
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
  return list.map((p) => p.metadata.name);
}
