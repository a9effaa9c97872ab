/**
 * What the rest of the repository uses of ironlb-kube: the server in-process, its kubeconfig, the command's script
 * for starting it as a process of its own (`node IRONLB_KUBE_BIN serve ...`), and a test cluster with the real kubectl
 * and helm bound to it.
 */
import * as path from 'node:path';
import { packageRoot } from './paths';

export { startKubeServer, type KubeServer, type KubeServerOptions } from './server/index';
export { writeKubeconfig } from './server/kubeconfig';
export { helmPath, kubectlPath } from './paths';
export {
  kubeTools,
  startTestCluster,
  waitFor,
  type KubeTools,
  type TestCluster,
  type TestClusterOptions,
} from './testing/cluster';
export { runCommand, type CmdOptions, type CmdResult } from './testing/run';
export type { Address, ServiceRef, WebhookDialer, WebhookResolver } from './admission/resolve';

/** The `ironlb-kube` command: bin/ironlb-kube.js, which runs the compiled dist/cli.js. */
export const IRONLB_KUBE_BIN = path.join(packageRoot, 'bin', 'ironlb-kube.js');
