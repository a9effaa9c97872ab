/**
 * A test cluster: an in-process ironlb-kube with a kubeconfig in a temporary folder, and the real kubectl and helm
 * bound to it. Tools run as child processes without blocking, since the server shares the test's event loop. This
 * package's own end-to-end tests and ironlb's use it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { helmPath, kubectlPath } from '../paths';
import { startKubeServer, type KubeServer } from '../server/index';
import { runCommand, type CmdResult } from './run';
import type { WebhookResolver } from '../admission/resolve';

/** kubectl and helm finish in seconds; the bound only stops a hung one from hanging a test run. */
const TIMEOUT_MS = 120_000;

export interface TestCluster extends KubeTools {
  server: KubeServer;
  dir: string;
  kubeconfig: string;
  /** kubectl that must succeed: its stdout, else an error carrying stderr. */
  ok: (args: string[], input?: string) => Promise<string>;
  /** helm that must succeed: its stdout, else an error carrying stderr. */
  helmOk: (args: string[]) => Promise<string>;
  stop: () => Promise<void>;
}

/** The real kubectl and helm, bound to one kubeconfig. */
export interface KubeTools {
  kubectl: (args: string[], input?: string) => Promise<CmdResult>;
  helm: (args: string[]) => Promise<CmdResult>;
}

export function kubeTools(kubeconfig: string): KubeTools {
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/root' };
  return {
    kubectl: (args, input) =>
      runCommand([kubectlPath(), '--kubeconfig', kubeconfig, ...args], { env, input, timeoutMs: TIMEOUT_MS }),
    helm: (args) => runCommand([helmPath(), '--kubeconfig', kubeconfig, ...args], { env, timeoutMs: TIMEOUT_MS }),
  };
}

export interface TestClusterOptions {
  /** Service networks of both families, as `ironlb-kube serve --dual-stack`: IPv6 and dual-stack Services work. */
  readonly dualStack?: boolean;
  /** Where validating webhooks' Services answer (a test's webhook on localhost); see KubeServerOptions. */
  readonly webhookResolver?: WebhookResolver;
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-e2e-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const server = await startKubeServer({
    port: 0,
    kubeconfigOut: kubeconfig,
    strategyOptions: { dualStack: opts.dualStack ?? false },
    webhookResolver: opts.webhookResolver,
  });
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
    helmOk: async (args) => {
      const r = await tools.helm(args);
      if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
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
