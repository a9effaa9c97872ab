/**
 * The lab's kubelet: what runs the chart's pods when there are no containers. It registers the lab's nodes as a
 * kubelet would, reads the DaemonSets and Deployments from the API server, and runs each pod they ask for as
 * processes in the pod's node (host network) or in a namespace of its own: the command, args and environment of
 * the API objects, the security context through setpriv (user, group, capability bounding set, no_new_privs),
 * readiness and liveness probes over HTTP, restarts with the kubelet's back-off. It writes back the Pods, their
 * status, the workloads' counts and the EndpointSlices of the Services that select them. A template change
 * (`helm upgrade`) replaces the pods; a deleted workload (`helm uninstall`) stops them.
 *
 * What it does not do: pull or unpack an image (the image is this repository, built), mount volumes (a read-only
 * root filesystem is not enforced), enforce resource limits, or give the processes a UTS or mount namespace. It
 * hands each container a kubeconfig (KUBECONFIG) instead of a mounted service account token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { statusCodeOf, type KubeClient } from '@ironlb/shared/k8s';
import type { Lab } from '../lab';
import { runCmd } from '../sh';
import { containerProcess, setprivArgv, type LabImage, type PodFacts } from './container';
import {
  LabKubeletError,
  parseNode,
  parseSelectingService,
  parseWorkload,
  type Container,
  type HttpProbe,
  type SelectingService,
} from './objects';
import {
  createSandbox,
  deleteSandbox,
  forwardTcpToUnix,
  forwardUnixToTcp,
  sandboxAddress,
  sandboxNetns,
  SANDBOX_SLOTS,
} from './sandbox';
import { schedule, type DesiredPod } from './schedule';
import {
  endpointSlice,
  podManifest,
  podStatus,
  selectsAny,
  workloadStatus,
  type ContainerState,
  type PodState,
} from './status';

export interface LabKubeletOptions {
  lab: Lab;
  client: KubeClient;
  image: LabImage;
  /** Where pod directories and logs go; made traversable for the containers' users. */
  dir: string;
  /** The API server's Unix socket, and the port the lab's namespaces reach it on. */
  kubeSocket: string;
  kubePort: number;
  /** How often the API is read (ms). */
  periodMs?: number;
}

/** The kubelet's restart back-off: the first restart at once, then 10 s doubling to 5 min (reset after 10 min up). */
export function restartDelayMs(previousRestarts: number): number {
  if (previousRestarts === 0) return 0;
  return Math.min(10_000 * 2 ** (previousRestarts - 1), 300_000);
}
const BACKOFF_RESET_MS = 600_000;
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';

interface RunningContainer {
  spec: Container;
  state: ContainerState;
  child?: ChildProcess;
  /** When the next start may happen (after an exit). */
  restartAt: number;
  consecutiveRestarts: number;
  liveFailures: number;
  nextProbeAt: number;
  logFile: string;
}

interface RunningPod {
  desired: DesiredPod;
  key: string;
  netns: string;
  sandbox?: { id: number; slot: number; forwarder: ChildProcess };
  podIP: string;
  hostIP: string;
  dir: string;
  uid: string;
  containers: RunningContainer[];
  /** Unix sockets reaching the pod's container ports, by port. */
  sockets: Map<number, { path: string; child: ChildProcess }>;
  lastStatus: string;
}

const podKey = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;

export class LabKubelet {
  private readonly pods = new Map<string, RunningPod>();
  private readonly failedNodes = new Set<string>();
  private readonly lastWritten = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private nextSandbox = 1;
  private stopped = false;
  /** Errors of the last pass, one per object, for the caller to show. */
  readonly problems = new Map<string, string>();

  constructor(private readonly o: LabKubeletOptions) {
    fs.mkdirSync(o.dir, { recursive: true, mode: 0o711 });
    fs.chmodSync(o.dir, 0o711);
  }

  /** Registers the lab's nodes (as their kubelets would) and starts reading the API. */
  async start(): Promise<void> {
    for (const host of this.o.lab.hosts().filter((h) => h.role === 'node')) await this.registerNode(host.name);
    const tick = (): void => {
      if (this.stopped) return;
      this.pass = this.reconcile()
        .catch((e: unknown) => {
          this.problems.set('kubelet', e instanceof Error ? e.message : String(e));
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.o.periodMs ?? 500);
        });
    };
    tick();
  }

  private async registerNode(name: string): Promise<void> {
    const host = this.o.lab.host(name);
    const body = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
      },
    };
    try {
      await this.o.client.post('/api/v1/nodes', body);
    } catch (e) {
      if (statusCodeOf(e) !== 409) throw e;
    }
    const addresses = [host.ipv4, ...(host.ipv6 ? [host.ipv6] : [])].map((address) => ({
      type: 'InternalIP',
      address,
    }));
    const now = new Date().toISOString();
    await this.o.client.mergePatch(`/api/v1/nodes/${name}/status`, {
      status: {
        addresses: [...addresses, { type: 'Hostname', address: name }],
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now },
        ],
        nodeInfo: { kubeletVersion: 'v1.35.0-lab', operatingSystem: 'linux', architecture: 'amd64' },
      },
    });
    // The API server taints a new Node not-ready; the node lifecycle controller lifts it once the kubelet says Ready.
    const node = await this.o.client.get<{ spec?: { taints?: { key: string }[] } }>(`/api/v1/nodes/${name}`);
    const taints = (node.spec?.taints ?? []).filter((t) => t.key !== NOT_READY_TAINT);
    await this.o.client.mergePatch(`/api/v1/nodes/${name}`, { spec: { taints: taints.length > 0 ? taints : null } });
  }

  /** The node dies with everything on it: its pods' processes are SIGKILLed and nothing there restarts. */
  async failNode(node: string): Promise<string[]> {
    this.failedNodes.add(node);
    await this.pass;
    const killed: string[] = [];
    for (const pod of this.pods.values()) {
      if (pod.desired.nodeName !== node) continue;
      for (const c of pod.containers) {
        if (c.child?.pid !== undefined && c.state.running) {
          killed.push(`${pod.desired.name}/${c.spec.name} (pid ${c.child.pid})`);
          await killAndWait(c.child, 'SIGKILL');
        }
      }
    }
    return killed;
  }

  /** The node comes back: its kubelet starts its pods' containers again (each a restart). */
  reviveNode(node: string): void {
    this.failedNodes.delete(node);
    for (const pod of this.pods.values()) {
      if (pod.desired.nodeName !== node) continue;
      for (const c of pod.containers) c.restartAt = 0;
    }
  }

  /** The Unix socket that reaches `host:port` when `host` is one of the lab's pods (for the API server's webhook calls). */
  socketFor(host: string, port: number): string | undefined {
    for (const pod of this.pods.values()) {
      if (pod.podIP === host) return pod.sockets.get(port)?.path;
    }
    return undefined;
  }

  /** The containers whose process is alive, with their pod, node and pid. */
  processes(): { pod: string; node: string; container: string; pid: number }[] {
    return [...this.pods.values()].flatMap((p) =>
      p.containers
        .filter((c) => c.state.running && c.child?.pid !== undefined)
        .map((c) => ({
          pod: p.desired.name,
          node: p.desired.nodeName,
          container: c.spec.name,
          pid: c.child?.pid ?? 0,
        })),
    );
  }

  /** Every container's log, for a failure message. */
  logs(): string {
    const problems = [...this.problems.values()].map((p) => `lab kubelet: ${p}`);
    const logs = [...this.pods.values()].flatMap((p) =>
      p.containers.map((c) => `--- ${p.key} ${c.spec.name}\n${readTail(c.logFile)}`),
    );
    return [...problems, ...logs].join('\n');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass;
    await Promise.all([...this.pods.values()].map((p) => this.stopPod(p, false)));
    this.pods.clear();
  }

  private async reconcile(): Promise<void> {
    const nodes = await this.list('/api/v1/nodes', (o) => parseNode(o));
    const workloads = [
      ...(await this.list('/apis/apps/v1/daemonsets', (o) => parseWorkload('DaemonSet', o))),
      ...(await this.list('/apis/apps/v1/deployments', (o) => parseWorkload('Deployment', o))),
    ];
    const services = (await this.list('/api/v1/services', (o) => parseSelectingService(o))).filter(
      (s): s is SelectingService => s !== undefined,
    );
    const plan = schedule(nodes, workloads);
    for (const u of plan.unscheduled) this.problems.set(podKey(u.owner), u.reason);
    const wanted = new Map(plan.pods.map((p) => [podKey(p), p]));
    for (const pod of [...this.pods.values()]) {
      if (!wanted.has(pod.key) && !this.failedNodes.has(pod.desired.nodeName)) {
        this.pods.delete(pod.key);
        await this.stopPod(pod, true);
      }
    }
    for (const desired of plan.pods) {
      if (this.failedNodes.has(desired.nodeName)) continue;
      let pod = this.pods.get(podKey(desired));
      if (!pod) {
        try {
          pod = await this.createPod(desired);
        } catch (e) {
          this.problems.set(podKey(desired), e instanceof Error ? e.message : String(e));
          continue;
        }
        this.pods.set(pod.key, pod);
      }
      await this.runContainers(pod);
      await this.writePodStatus(pod);
    }
    const states = [...this.pods.values()].map((p) => this.stateOf(p));
    for (const w of workloads) {
      const desired = w.replicas ?? plan.pods.filter((p) => p.owner.uid === w.ref.uid).length;
      const plural = w.ref.kind === 'DaemonSet' ? 'daemonsets' : 'deployments';
      await this.writeOnce(
        `/apis/apps/v1/namespaces/${w.ref.namespace}/${plural}/${w.ref.name}/status`,
        { status: workloadStatus(w, desired, states) },
        'merge',
      );
    }
    for (const svc of services.filter((s) => selectsAny(s, states))) {
      const slice = endpointSlice(svc, states);
      await this.writeOnce(
        `/apis/discovery.k8s.io/v1/namespaces/${svc.namespace}/endpointslices/${svc.name}-lab`,
        slice,
        'put',
      );
    }
  }

  private async list<T>(apiPath: string, parse: (o: unknown) => T): Promise<T[]> {
    const list = await this.o.client.get<{ items?: unknown[] }>(apiPath);
    const out: T[] = [];
    for (const item of list.items ?? []) {
      try {
        out.push(parse(item));
      } catch (e) {
        if (!(e instanceof LabKubeletError)) throw e;
        this.problems.set(e.message.split(':')[0], e.message);
      }
    }
    return out;
  }

  /** Writes what changed since the last write to `apiPath` (merge patch, or create-or-replace). */
  private async writeOnce(apiPath: string, body: Record<string, unknown>, how: 'merge' | 'put'): Promise<void> {
    const text = JSON.stringify(body);
    if (this.lastWritten.get(apiPath) === text) return;
    if (how === 'merge') await this.o.client.mergePatch(apiPath, body);
    else {
      try {
        const current = await this.o.client.get<{ metadata?: { resourceVersion?: string } }>(apiPath);
        const meta = { ...(body.metadata as object), resourceVersion: current.metadata?.resourceVersion };
        await this.o.client.put(apiPath, { ...body, metadata: meta });
      } catch (e) {
        if (statusCodeOf(e) !== 404) throw e;
        await this.o.client.post(apiPath.slice(0, apiPath.lastIndexOf('/')), body);
      }
    }
    this.lastWritten.set(apiPath, text);
  }

  private async createPod(desired: DesiredPod): Promise<RunningPod> {
    const host = this.o.lab.host(desired.nodeName);
    const key = podKey(desired);
    const dir = path.join(this.o.dir, `${desired.namespace}_${desired.name}`);
    fs.mkdirSync(dir, { recursive: true });
    let netns = host.netns;
    let podIP = host.ipv4;
    let sandbox: RunningPod['sandbox'];
    if (!desired.template.spec.hostNetwork) {
      const used = new Set(
        [...this.pods.values()].filter((p) => p.desired.nodeName === desired.nodeName).map((p) => p.sandbox?.slot),
      );
      const slot = [...Array(SANDBOX_SLOTS).keys()].find((s) => !used.has(s));
      if (slot === undefined) throw new LabKubeletError(`${key}: node ${desired.nodeName} has no free pod address`);
      const id = this.nextSandbox++;
      netns = sandboxNetns(this.o.lab.prefix, id);
      podIP = sandboxAddress(desired.nodeName, slot);
      await createSandbox(netns, id, host.netns, podIP);
      const forwarder = await forwardTcpToUnix(
        netns,
        this.o.kubePort,
        this.o.kubeSocket,
        path.join(dir, 'api-forward.log'),
      );
      sandbox = { id, slot, forwarder };
    }
    const pod = await this.o.client
      .post<{ metadata?: { uid?: string } }>(`/api/v1/namespaces/${desired.namespace}/pods`, podManifest(desired))
      .catch(async (e: unknown) => {
        if (statusCodeOf(e) !== 409) throw e;
        return this.o.client.get<{ metadata?: { uid?: string } }>(
          `/api/v1/namespaces/${desired.namespace}/pods/${desired.name}`,
        );
      });
    const running: RunningPod = {
      desired,
      key,
      netns,
      ...(sandbox ? { sandbox } : {}),
      podIP,
      hostIP: host.ipv4,
      dir,
      uid: pod.metadata?.uid ?? '',
      containers: desired.template.spec.containers.map((spec) => ({
        spec,
        state: { name: spec.name, running: false, ready: false, restartCount: 0 },
        restartAt: 0,
        consecutiveRestarts: 0,
        liveFailures: 0,
        nextProbeAt: 0,
        logFile: path.join(dir, `${spec.name}.log`),
      })),
      sockets: new Map(),
      lastStatus: '',
    };
    for (const port of desired.template.spec.containers.flatMap((c) => c.ports).filter((p) => p.protocol === 'TCP')) {
      const socket = path.join(dir, `port-${port.containerPort}.sock`);
      const log = path.join(dir, `port-${port.containerPort}.log`);
      const child = await forwardUnixToTcp(netns, socket, podIP, port.containerPort, log);
      running.sockets.set(port.containerPort, { path: socket, child });
    }
    return running;
  }

  private facts(pod: RunningPod): PodFacts {
    const d = pod.desired;
    return {
      name: d.name,
      namespace: d.namespace,
      uid: pod.uid,
      nodeName: d.nodeName,
      serviceAccountName: d.template.spec.serviceAccountName,
      hostIP: pod.hostIP,
      podIP: pod.podIP,
      labels: d.template.labels,
      annotations: d.template.annotations,
    };
  }

  private async runContainers(pod: RunningPod): Promise<void> {
    const now = Date.now();
    for (const c of pod.containers) {
      if (!c.state.running && now >= c.restartAt) this.startContainer(pod, c);
      if (c.state.running && now >= c.nextProbeAt) await this.probe(pod, c, now);
    }
  }

  private startContainer(pod: RunningPod, c: RunningContainer): void {
    const where = `Pod ${pod.key}`;
    const proc = containerProcess(
      where,
      c.spec,
      pod.desired.template.spec.securityContext,
      this.facts(pod),
      this.o.image,
    );
    const home = path.join(pod.dir, `home-${c.spec.name}`);
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const kubeconfig = path.join(home, 'kubeconfig');
    fs.writeFileSync(kubeconfig, podKubeconfig(this.o.kubePort, pod.desired), { mode: 0o600 });
    fs.chownSync(home, proc.uid, proc.gid);
    fs.chownSync(kubeconfig, proc.uid, proc.gid);
    fs.chmodSync(pod.dir, 0o711);
    const fd = fs.openSync(c.logFile, 'a');
    const env = {
      PATH: `${path.dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOSTNAME: pod.desired.template.spec.hostNetwork ? pod.desired.nodeName : pod.desired.name,
      HOME: home,
      KUBECONFIG: kubeconfig,
      ...proc.env,
    };
    const child = spawn('ip', ['netns', 'exec', pod.netns, ...setprivArgv(proc), ...proc.argv], {
      env,
      stdio: ['ignore', fd, fd],
    });
    fs.closeSync(fd);
    const startedAt = Date.now();
    c.child = child;
    c.state = { ...c.state, running: true, ready: false, startedAt: new Date(startedAt).toISOString() };
    c.liveFailures = 0;
    c.nextProbeAt = 0;
    child.once('exit', (code, signal) => {
      if (c.child !== child) return;
      c.child = undefined;
      if (Date.now() - startedAt > BACKOFF_RESET_MS) c.consecutiveRestarts = 0;
      c.restartAt = Date.now() + restartDelayMs(c.consecutiveRestarts);
      c.consecutiveRestarts++;
      c.state = {
        ...c.state,
        running: false,
        ready: false,
        restartCount: c.state.restartCount + 1,
        lastExitCode: code ?? 128 + (signal ? os.constants.signals[signal] : 0),
      };
      delete c.state.startedAt;
    });
  }

  private async probe(pod: RunningPod, c: RunningContainer, now: number): Promise<void> {
    const readiness = c.spec.readinessProbe;
    const liveness = c.spec.livenessProbe;
    const period = Math.min(readiness?.periodSeconds ?? 10, liveness?.periodSeconds ?? 10);
    // Until ready, readiness is asked every pass: a rollout waits for it.
    c.nextProbeAt = now + (c.state.ready ? period * 1000 : 0);
    c.state.ready = readiness ? await httpProbe(pod.netns, readiness) : true;
    if (!liveness) return;
    c.liveFailures = (await httpProbe(pod.netns, liveness)) ? 0 : c.liveFailures + 1;
    if (c.liveFailures >= liveness.failureThreshold && c.child) {
      // The kubelet kills a container its liveness probe gave up on; the exit restarts it.
      c.liveFailures = 0;
      await killAndWait(c.child, 'SIGKILL');
    }
  }

  private stateOf(pod: RunningPod): PodState {
    return { pod: pod.desired, podIP: pod.podIP, hostIP: pod.hostIP, containers: pod.containers.map((c) => c.state) };
  }

  private async writePodStatus(pod: RunningPod): Promise<void> {
    const status = podStatus(this.stateOf(pod), new Date().toISOString());
    const comparable = JSON.stringify({ ...status, conditions: [] }) + pod.containers.map((c) => c.state.ready).join();
    if (comparable === pod.lastStatus) return;
    await this.o.client.mergePatch(`/api/v1/namespaces/${pod.desired.namespace}/pods/${pod.desired.name}/status`, {
      status,
    });
    pod.lastStatus = comparable;
  }

  /** SIGTERM, the grace period, then SIGKILL (each by the container's own pid); the sandbox and the Pod go too. */
  private async stopPod(pod: RunningPod, deleteObject: boolean): Promise<void> {
    const graceMs = pod.desired.template.spec.terminationGracePeriodSeconds * 1000;
    await Promise.all(
      pod.containers.map(async (c) => {
        c.restartAt = Number.POSITIVE_INFINITY;
        if (c.child) await killAndWait(c.child, 'SIGTERM', graceMs);
      }),
    );
    for (const s of pod.sockets.values()) await killAndWait(s.child, 'SIGTERM', 2000);
    if (pod.sandbox) {
      await killAndWait(pod.sandbox.forwarder, 'SIGTERM', 2000);
      await deleteSandbox(pod.netns);
    }
    if (deleteObject) {
      await this.o.client
        .delete(`/api/v1/namespaces/${pod.desired.namespace}/pods/${pod.desired.name}`)
        .catch((e: unknown) => {
          if (statusCodeOf(e) !== 404) throw e;
        });
    }
  }
}

function podKubeconfig(port: number, pod: DesiredPod): string {
  const user = `system:serviceaccount:${pod.namespace}:${pod.template.spec.serviceAccountName}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: lab\n  cluster:\n    server: http://127.0.0.1:${port}`,
    'users:',
    `- name: '${user}'\n  user:\n    token: '${user}'`,
    'contexts:',
    `- name: lab\n  context:\n    cluster: lab\n    user: '${user}'\n    namespace: ${pod.namespace}`,
    'current-context: lab',
    '',
  ].join('\n');
}

async function httpProbe(netns: string, probe: HttpProbe): Promise<boolean> {
  const url = `http://127.0.0.1:${probe.port}${probe.path}`;
  const r = await runCmd([
    'ip',
    'netns',
    'exec',
    netns,
    'curl',
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '--max-time',
    '1',
    url,
  ]);
  const code = Number(r.stdout.trim());
  return code >= 200 && code < 400;
}

/** Signals the process by its own pid and waits for its exit; SIGKILL when `graceMs` passes first. */
async function killAndWait(child: ChildProcess, signal: NodeJS.Signals, graceMs = 0): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, signal);
  if (signal === 'SIGKILL') return exited;
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

function readTail(file: string, max = 20_000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length > max ? text.slice(-max) : text;
  } catch {
    return '';
  }
}
