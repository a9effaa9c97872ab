// The lab API for tests and the CLI: Lab.up() builds a lab from options, Lab.attach() picks up one a
// previous process built (from its state file), lab.down() removes it. See plan.ts for the addresses.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bgpAsns, parseBgpRouterOptions, type BgpRouterOptions } from './bgpOptions';
import { DEFAULT_PREFIX, labDirPath, stateFilePath, validatePrefix } from './names';
import { noteNetnsDir } from './netnsDir';
import { listensOnLoopback, tcpToUnixArgv } from './forward';
import { findHost, planLab, type HostRole, type IfacePlan, type LabPlan, type RouterKind } from './plan';
import { assertNoRootOverlap, assertRoot, assertTools, toolsFor } from './preflight';
import { isSameProcess, killPids, pidAlive } from './processes';
import { ROUTER_ROLES, routerStatus, startRouter, type SpawnDaemon } from './routerDaemon';
import type { RouterStatus } from './routerStatusParse';
import { inNetns, mustRun, runCmd, waitFor, type CmdOptions, type CmdResult } from './sh';
import type { LabProcess, LabState } from './state';
import { readState, writeState } from './stateStore';
import { existingLabNamespaces, sweepLab, type SweepReport } from './teardown';
import { createTopology } from './topology';

export interface LabUpOptions {
  /** Node hosts, 1..7 (default 3). */
  nodes?: number;
  router?: RouterKind;
  ipv6?: boolean;
  /** Namespace/file prefix (default `ilb`); tests use randomTestPrefix(). */
  prefix?: string;
  /** Forward every node's 127.0.0.1:<kubePort> to this Unix socket in the root namespace. */
  kubeSocket?: string;
  kubePort?: number;
  /** How the router treats its BGP neighbors (MD5, BFD, iBGP, multihop, timers...); none by default. */
  bgp?: BgpRouterOptions;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

export interface LabHost {
  name: string;
  role: HostRole;
  netns: string;
  /** The main interface: eth0 (to the bridge; for pod hosts, to their node). */
  ifname: string;
  mac: string;
  ipv4: string;
  ipv6?: string;
  ifaces: IfacePlan[];
}

function toHost(plan: LabPlan, name: string): LabHost {
  const h = findHost(plan, name);
  const eth0 = h.ifaces[0];
  return {
    name: h.name,
    role: h.role,
    netns: h.netns,
    ifname: eth0.name,
    mac: eth0.mac,
    ipv4: eth0.ipv4,
    ipv6: eth0.ipv6,
    ifaces: h.ifaces,
  };
}

/** Is the recorded lab complete: every namespace there and every daemon/forwarder alive? */
function isHealthy(state: LabState): boolean {
  const present = new Set(existingLabNamespaces(state.prefix));
  return (
    state.namespaces.every((n) => present.has(n)) &&
    state.processes.filter((p) => p.role !== 'spawn').every((p) => isSameProcess(p.pid, p.argv))
  );
}

/** Refuses a live lab; sweeps what a crashed one left. */
async function clearLeftovers(prefix: string, log: (l: string) => void): Promise<void> {
  let state: LabState | undefined;
  try {
    state = readState(prefix);
  } catch (e) {
    log(`ignoring unreadable state file (${(e as Error).message}); sweeping by prefix`);
  }
  if (state?.phase === 'creating' && state.ownerPid !== process.pid && pidAlive(state.ownerPid)) {
    throw new Error(`another 'ironlb-lab up' (pid ${state.ownerPid}) is creating lab '${prefix}' right now`);
  }
  if (state?.phase === 'up' && isHealthy(state)) {
    throw new Error(
      `a lab with prefix '${prefix}' is already up (state ${stateFilePath(prefix)}); ` +
        `use it, or run 'ironlb-lab down${prefix === DEFAULT_PREFIX ? '' : ` --prefix ${prefix}`}' first`,
    );
  }
  const leftovers = existingLabNamespaces(prefix);
  if (state || leftovers.length > 0 || fs.existsSync(labDirPath(prefix))) {
    log(`cleaning leftovers of an earlier '${prefix}' lab (${leftovers.length} namespaces)`);
    await sweepLab(prefix, state);
  }
}

export class Lab {
  private constructor(
    private currentPlan: LabPlan,
    private state: LabState,
  ) {}

  /** The address plan; its AS numbers follow the router's BGP options (iBGP), so a restart may change it. */
  get plan(): LabPlan {
    return this.currentPlan;
  }

  /** The router's BGP options as it runs now. */
  get bgpOptions(): BgpRouterOptions {
    return this.state.options.bgp ?? {};
  }

  static async up(opts: LabUpOptions = {}): Promise<Lab> {
    const log = opts.log ?? ((): void => undefined);
    const prefix = validatePrefix(opts.prefix ?? DEFAULT_PREFIX);
    assertRoot();
    const ipv6 = opts.ipv6 ?? false;
    const bgp = parseBgpRouterOptions(opts.bgp, ipv6);
    const plan = planLab({ prefix, nodes: opts.nodes ?? 3, router: opts.router ?? 'bird', ipv6, ...bgpAsns(bgp) });
    if ((opts.kubeSocket === undefined) !== (opts.kubePort === undefined)) {
      throw new Error('--kube-socket and --kube-port go together');
    }
    assertTools(toolsFor(plan.router, opts.kubeSocket !== undefined));
    await assertNoRootOverlap(plan);
    await clearLeftovers(prefix, log);

    const dir = labDirPath(prefix);
    const state: LabState = {
      version: 1,
      prefix,
      phase: 'creating',
      ownerPid: process.pid,
      createdAt: new Date().toISOString(),
      options: {
        nodes: opts.nodes ?? 3,
        router: plan.router,
        ipv6: plan.ipv6,
        kubeSocket: opts.kubeSocket,
        kubePort: opts.kubePort,
        bgp,
      },
      namespaces: [],
      dirs: [dir],
      processes: [],
    };
    noteNetnsDir();
    writeState(state);
    const lab = new Lab(plan, state);
    try {
      // 0755: FRR runs as user frr and must traverse into its own subdirectory.
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
      log(`creating ${plan.hosts.length + 1} namespaces ${prefix}-*`);
      await createTopology(plan, (ns) => {
        state.namespaces.push(ns);
        writeState(state);
      });
      if (plan.router !== 'none') log(`starting ${plan.router} in ${prefix}-router`);
      await startRouter(plan, dir, (host, role, argv, logFile) => lab.spawnDaemon(host, role, argv, logFile), bgp);
      if (opts.kubeSocket !== undefined && opts.kubePort !== undefined) {
        for (const h of plan.hosts.filter((x) => x.role === 'node')) {
          await lab.forwardToUnixSocket(h.name, opts.kubePort, opts.kubeSocket);
        }
      }
      state.phase = 'up';
      writeState(state);
      return lab;
    } catch (e) {
      await sweepLab(prefix, state);
      throw e;
    }
  }

  /** The lab a previous `up` (maybe another process) left running under `prefix`. */
  static attach(prefix: string = DEFAULT_PREFIX): Lab {
    const state = readState(validatePrefix(prefix));
    if (!state) throw new Error(`no lab '${prefix}' is up (no ${stateFilePath(prefix)})`);
    const o = state.options;
    const plan = planLab({
      prefix: state.prefix,
      nodes: o.nodes,
      router: o.router,
      ipv6: o.ipv6,
      ...bgpAsns(o.bgp ?? {}),
    });
    return new Lab(plan, state);
  }

  /** Removes whatever a lab with this prefix left, with or without its state file. */
  static async down(prefix: string = DEFAULT_PREFIX): Promise<SweepReport> {
    validatePrefix(prefix);
    assertRoot();
    let state: LabState | undefined;
    try {
      state = readState(prefix);
    } catch {
      state = undefined;
    }
    return sweepLab(prefix, state);
  }

  get prefix(): string {
    return this.plan.prefix;
  }

  /** The lab's directory: daemon configs, control sockets, logs. */
  get dir(): string {
    return labDirPath(this.prefix);
  }

  get processes(): readonly LabProcess[] {
    return this.state.processes;
  }

  hosts(): LabHost[] {
    return this.plan.hosts.map((h) => toHost(this.plan, h.name));
  }

  host(name: string): LabHost {
    return toHost(this.plan, name);
  }

  /** Runs argv inside a host's namespace to completion; never throws on a non-zero exit. */
  exec(host: string, argv: string[], opts: CmdOptions = {}): Promise<CmdResult> {
    return runCmd(inNetns(this.host(host).netns, argv), opts);
  }

  /** Starts argv inside a host's namespace and returns the child (its pid is argv's); `down` ends it. */
  spawn(host: string, argv: string[], opts: { stdio?: StdioOptions } = {}): ChildProcess & { pid: number } {
    const [cmd, ...args] = inNetns(this.host(host).netns, argv);
    const child = spawn(cmd, args, { stdio: opts.stdio ?? 'pipe' });
    if (child.pid === undefined) throw new Error(`could not start ip netns exec for ${argv.join(' ')}`);
    this.record({ pid: child.pid, host, role: 'spawn', argv });
    return child as ChildProcess & { pid: number };
  }

  /** A long-running program, detached and logging to a file, so the lab outlives the CLI's `up`. */
  private spawnDaemon(host: string, role: string, argv: string[], logFile: string): number {
    const fd = fs.openSync(logFile, 'a');
    try {
      const [cmd, ...args] = inNetns(this.host(host).netns, argv);
      const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
      if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
      child.unref();
      this.record({ pid: child.pid, host, role, argv });
      return child.pid;
    } finally {
      fs.closeSync(fd);
    }
  }

  private record(p: LabProcess): void {
    this.state.processes.push(p);
    writeState(this.state);
  }

  /**
   * Makes `127.0.0.1:<port>` inside the host's namespace reach the Unix socket `socketPath` of the root
   * namespace (the API test server), with socat (forward.ts); returns socat's pid once it listens.
   */
  async forwardToUnixSocket(host: string, port: number, socketPath: string): Promise<number> {
    const argv = tcpToUnixArgv(port, socketPath);
    const pid = this.spawnDaemon(host, `forward:${port}`, argv, path.join(this.dir, `forward-${host}-${port}.log`));
    const netns = this.host(host).netns;
    if (!(await waitFor(() => listensOnLoopback(netns, port), 5000)))
      throw new Error(`socat forward in ${host} to ${socketPath} did not listen on ${port}`);
    return pid;
  }

  /** Waits until something listens on TCP `port` inside the host (any address); false on timeout. */
  waitForListen(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
    return waitFor(async () => {
      const r = await this.exec(host, ['ss', '-Hltn', `sport = :${port}`]);
      return r.code === 0 && r.stdout.trim() !== '';
    }, timeoutMs);
  }

  /** Ends the router's BGP daemon(s) (SIGTERM, so they withdraw their kernel routes); the lab stays up. */
  async stopRouter(): Promise<void> {
    const mine = (p: LabProcess): boolean => p.host === 'router' && ROUTER_ROLES.includes(p.role);
    const alive = this.state.processes.filter((p) => mine(p) && isSameProcess(p.pid, p.argv)).map((p) => p.pid);
    const survivors = await killPids(alive);
    if (survivors.length > 0) throw new Error(`router daemon pids that would not die: ${survivors.join(' ')}`);
    this.state.processes = this.state.processes.filter((p) => !mine(p));
    writeState(this.state);
  }

  /**
   * Starts the router's daemon (after stopRouter), with new BGP options when given (else the last ones);
   * iBGP on or off changes the nodes' AS in `plan`.
   */
  async startRouter(bgp?: BgpRouterOptions): Promise<void> {
    if (bgp !== undefined) {
      const parsed = parseBgpRouterOptions(bgp, this.plan.ipv6);
      const o = this.state.options;
      this.currentPlan = planLab({
        prefix: this.prefix,
        nodes: o.nodes,
        router: o.router,
        ipv6: o.ipv6,
        ...bgpAsns(parsed),
      });
      this.state.options = { ...o, bgp: parsed };
      writeState(this.state);
    }
    const spawnDaemon: SpawnDaemon = (host, role, argv, logFile) => this.spawnDaemon(host, role, argv, logFile);
    await startRouter(this.plan, this.dir, spawnDaemon, this.bgpOptions);
  }

  /** stopRouter + startRouter: a test reconfigures the router this way (e.g. `restartRouter({ bfd: ... })`). */
  async restartRouter(bgp?: BgpRouterOptions): Promise<void> {
    await this.stopRouter();
    await this.startRouter(bgp);
  }

  /** Takes a host's interface down or up (`ip link set`), e.g. to cut a node off the segment. */
  async setLink(host: string, up: boolean, ifname = 'eth0'): Promise<void> {
    await mustRun(['ip', '-n', this.host(host).netns, 'link', 'set', ifname, up ? 'up' : 'down']);
  }

  routerStatus(): Promise<RouterStatus> {
    return routerStatus(this.plan, this.dir);
  }

  /** Ends every lab process and removes every namespace and file of the lab. */
  async down(): Promise<SweepReport> {
    return sweepLab(this.prefix, this.state);
  }
}
