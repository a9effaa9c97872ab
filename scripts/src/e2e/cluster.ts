/**
 * A test cluster: an in-process ironlb-kube with a kubeconfig in a temporary folder, and the real kubectl and helm
 * bound to it. Tools run as child processes without blocking, since the server shares the test's event loop.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKubeServer, type KubeServer } from '@ironlb/kube-testserver';
import { kubeTools } from '../testing/kubetools';
import type { CmdResult } from '../lab/sh';

export interface TestCluster {
  server: KubeServer;
  dir: string;
  kubeconfig: string;
  kubectl: (args: string[], input?: string) => Promise<CmdResult>;
  helm: (args: string[]) => Promise<CmdResult>;
  /** kubectl that must succeed: its stdout, else an error carrying stderr. */
  ok: (args: string[], input?: string) => Promise<string>;
  stop: () => Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-e2e-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const server = await startKubeServer({ port: 0, kubeconfigOut: kubeconfig });
  const tools = kubeTools(kubeconfig);
  return {
    server,
    dir,
    kubeconfig,
    ...tools,
    ok: async (args, input) => {
      const r = await tools.kubectl(args, input);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    },
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `text()` matches `re`; rejects after `ms` with what was seen. */
export function waitFor(text: () => string, re: RegExp, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (re.test(text())) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${re} in:\n${text()}`));
      else setTimeout(check, 20);
    };
    check();
  });
}
