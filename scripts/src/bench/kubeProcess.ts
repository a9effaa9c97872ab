import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IRONLB_KUBE_BIN } from '@ironlb/kube-testserver';
import { parse } from 'yaml';

/** ironlb-kube as its own process, so its memory and CPU are its own and not the benchmark's. */
export interface KubeProcess {
  url: string;
  kubeconfig: string;
  pid: number;
  rssBytes(): number;
  stop(): Promise<void>;
}

export async function startKubeProcess(extraArgs: string[] = []): Promise<KubeProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-kube-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child: ChildProcess = spawn(
    process.execPath,
    [IRONLB_KUBE_BIN, 'serve', '--port', '0', '--kubeconfig-out', kubeconfig, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^ready$/m.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`ironlb-kube exited with ${code} before it was ready`)));
  });
  const config = parse(fs.readFileSync(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string } }> };
  const pid = child.pid ?? -1;
  return {
    url: config.clusters[0].cluster.server,
    kubeconfig,
    pid,
    rssBytes: () => {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(pid, 'SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
