import { helmPath, kubectlPath } from '../tools';
import { runCmd, type CmdResult } from '../lab/sh';

/** kubectl and helm finish in seconds; the bound only stops a hung one from hanging a test run. */
const TIMEOUT_MS = 120_000;

/** The real kubectl and helm, bound to one kubeconfig. */
export function kubeTools(kubeconfig: string): {
  kubectl: (args: string[], input?: string) => Promise<CmdResult>;
  helm: (args: string[]) => Promise<CmdResult>;
} {
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/root' };
  return {
    kubectl: (args, input) =>
      runCmd([kubectlPath(), '--kubeconfig', kubeconfig, ...args], { input, env, timeoutMs: TIMEOUT_MS }),
    helm: (args) => runCmd([helmPath(), '--kubeconfig', kubeconfig, ...args], { env, timeoutMs: TIMEOUT_MS }),
  };
}
