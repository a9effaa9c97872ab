import { helmPath, kubectlPath } from '../tools';
import { run, type RunResult } from './run';

/** The real kubectl and helm, bound to one kubeconfig. */
export function kubeTools(kubeconfig: string): {
  kubectl: (args: string[], input?: string) => Promise<RunResult>;
  helm: (args: string[]) => Promise<RunResult>;
} {
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/root' };
  return {
    kubectl: (args, input) => run(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], { input, env }),
    helm: (args) => run(helmPath(), ['--kubeconfig', kubeconfig, ...args], { env }),
  };
}
