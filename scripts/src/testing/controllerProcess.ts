/**
 * The compiled ironlb-controller as a child process against an ironlb-kube, for the e2e tests and the controller
 * benchmark: start, kill and stop it by pid, read its log, and see the ingress IPs it writes. client-node is
 * ESM-only and jest runs CommonJS, so the controller runs as its own process, as it does in production.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../tools';
import { daemonArgv } from './daemonCommand';
import { rawWatch, type HttpClient, type RawWatch, type WatchEvent } from './kubeHttp';
import { ingressOf, nameOf, type ServiceObject } from './sharingCheck';

export const CRDS = path.join(repoRoot, 'charts', 'ironlb', 'crds');
const BIN = path.join(repoRoot, 'controller', 'bin', 'ironlb-controller.js');
export const DEADLINE_MS = 30_000;
/** Logged once the controller's first pass (adoption, then assignment) is over and it follows changes. */
export const WATCHING = /"informer":"services".*"msg":"watching"/;

export interface ControllerProcess {
  readonly pid: number;
  /** Everything it has written to stdout and stderr so far. */
  output(): string;
  running(): boolean;
  /** The exit code or signal, once it has exited. */
  readonly exited: Promise<string>;
  /** Peak resident set (VmHWM) in bytes; the last value read once it has exited. */
  peakRssBytes(): number;
  /** Sends `signal` (SIGKILL unless told) to its pid and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

/**
 * Starts the controller bound to `kubeconfig`. With `logFile` its output goes straight to that file, so a long
 * run's tens of thousands of log lines cost the caller's event loop nothing.
 */
export function startController(
  kubeconfig: string,
  opts: { logFile?: string; args?: readonly string[]; nodeFlags?: readonly string[] } = {},
): ControllerProcess {
  const fd = opts.logFile === undefined ? undefined : fs.openSync(opts.logFile, 'a');
  const [node, ...args] = daemonArgv(BIN, opts.nodeFlags);
  // The webhook off unless a test asks for it (a later --webhook-port wins): controllers of parallel tests would
  // otherwise all bind 9443, and write a certificate Secret no test looks at.
  const child = spawn(node, [...args, '--kubeconfig', kubeconfig, '--webhook-port=0', ...(opts.args ?? [])], {
    cwd: repoRoot,
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
  });
  if (fd !== undefined) fs.closeSync(fd);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${BIN}`);
  let alive = true;
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      alive = false;
      resolve(signal ?? `exit code ${code}`);
    }),
  );
  let hwm = 0;
  const peakRssBytes = (): number => {
    if (!alive) return hwm;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
    } catch {
      // Exited between the check and the read: the last value read stands.
    }
    return hwm;
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (!alive) return;
    process.kill(pid, signal);
    await exited;
  };
  return {
    pid,
    output: () => (opts.logFile === undefined ? out : fs.readFileSync(opts.logFile, 'utf8')),
    running: () => alive,
    exited,
    peakRssBytes,
    kill,
    stop: async () => {
      if (!alive) return;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => alive && process.kill(pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `read` until `done` holds, or fails at the deadline with the last value and `log()` (the controller's). */
export async function until<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  log: () => string = () => '',
  deadlineMs = DEADLINE_MS,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) {
      // Maps and Sets print their entries (JSON.stringify alone prints any Map as {}).
      const shown = JSON.stringify(v, (_k, x: unknown) =>
        x instanceof Map ? Object.fromEntries(x) : x instanceof Set ? [...x] : x,
      );
      throw new Error(`timed out; last value ${shown}\ncontroller log:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ServiceIPs {
  [key: string]: string[];
}

/** Every Service's ingress IPs, by `namespace/name`, as kubectl (`ok`: kubectl that must succeed) reports them. */
export async function ingressIPs(ok: (args: string[]) => Promise<string>): Promise<ServiceIPs> {
  const list = JSON.parse(await ok(['get', 'services', '-A', '-o', 'json'])) as { items: ServiceObject[] };
  const out: ServiceIPs = {};
  for (const s of list.items) out[nameOf(s)] = ingressOf(s);
  return out;
}

/** Every Service in `namespace` (all namespaces when absent), in one list request. */
export async function listServices(client: HttpClient, url: string, namespace?: string): Promise<ServiceObject[]> {
  const where = namespace === undefined ? '' : `/namespaces/${namespace}`;
  return (await client.json<{ items: ServiceObject[] }>(`${url}/api/v1${where}/services`, 'GET')).items;
}

/**
 * The ironlb CRDs, the controller's namespace and one IPAddressPool, posted directly: a CRD's custom resources are
 * served as soon as it is created.
 */
export async function applyIronlbConfig(client: HttpClient, url: string, addresses: readonly string[]): Promise<void> {
  for (const file of fs.readdirSync(CRDS).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(CRDS, file), 'utf8'))) {
      await client.json(`${url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, 'POST', doc.toJS());
    }
  }
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ironlb-system' } };
  await client.json(`${url}/api/v1/namespaces`, 'POST', ns);
  await client.json(`${url}/apis/ironlb.io/v1beta1/namespaces/ironlb-system/ipaddresspools`, 'POST', {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'e2e', namespace: 'ironlb-system' },
    spec: { addresses },
  });
}

/**
 * Follows the ingress IPs of Services through a raw watch (no polling), and tells when a number of them have some:
 * the time taken is the time the event arrived, not the time a poll happened to look.
 */
export class IngressWatch {
  private readonly ips = new Map<string, string[]>();
  private withIngress = 0;
  /** When the count last grew: what `reached` answers for a count already reached. */
  private lastRiseAt = process.hrtime.bigint();
  private failure: string | undefined;
  private readonly waiters: { count: number; resolve: (at: bigint) => void; reject: (e: Error) => void }[] = [];
  private readonly watch: RawWatch;

  private constructor(url: string) {
    this.watch = rawWatch(url, (e) => this.onEvent(e));
    void this.watch.ended.then((why) => this.fail(why));
  }

  /** Starts a watch on `url` (a Service collection) and resolves once the server has registered it. */
  static async start(url: string): Promise<IngressWatch> {
    const w = new IngressWatch(url);
    await w.watch.open;
    return w;
  }

  /** How many Services have at least one ingress IP. */
  get count(): number {
    return this.withIngress;
  }

  /** `namespace/name` → ingress IPs, for every Service seen. */
  snapshot(): Map<string, string[]> {
    return new Map(this.ips);
  }

  /**
   * Resolves with the hrtime of the event that brought the count to `count` (ask before the burst for an exact time;
   * a count already reached answers when the count last grew); rejects after `ms` or when the watch breaks, with
   * `log()` (the controller's) in the message.
   */
  reached(count: number, ms: number, log: () => string = () => ''): Promise<bigint> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    if (this.withIngress >= count) return Promise.resolve(this.lastRiseAt);
    return new Promise<bigint>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.withIngress} of ${count} Services had IPs after ${ms} ms\ncontroller log:\n${log()}`));
      }, ms);
      const waiter = {
        count,
        resolve: (at: bigint): void => {
          clearTimeout(timer);
          resolve(at);
        },
        reject: (e: Error): void => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Ends the watch; whoever still waits is told, so no timer outlives it. */
  stop(): void {
    this.watch.stop();
    this.fail('the watch was stopped');
  }

  private onEvent(e: WatchEvent): void {
    if (e.type === 'ERROR') return this.fail(`watch error: ${JSON.stringify(e.object)}`);
    if (e.type === 'BOOKMARK') return;
    const svc = e.object as ServiceObject;
    const key = nameOf(svc);
    const had = (this.ips.get(key)?.length ?? 0) > 0;
    const now = e.type === 'DELETED' ? [] : ingressOf(svc);
    if (e.type === 'DELETED') this.ips.delete(key);
    else this.ips.set(key, now);
    this.withIngress += Number(now.length > 0) - Number(had);
    const at = process.hrtime.bigint();
    if (now.length > 0 && !had) this.lastRiseAt = at;
    for (const w of this.waiters.filter((x) => this.withIngress >= x.count)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(at);
    }
  }

  private fail(why: string): void {
    this.failure ??= why;
    for (const w of this.waiters.splice(0)) w.reject(new Error(why));
  }
}
