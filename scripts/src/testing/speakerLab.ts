/**
 * A whole layer-2 setup for the speaker's lab tests, its benchmark and the demo: ironlb-kube in this process (also on
 * a Unix socket every node reaches at 127.0.0.1:6443), the lab (3 nodes, a client, BIRD), the CRDs, a pool on the
 * lab segment with an L2Advertisement, ironlb-controller, and one ironlb-speaker per node, each in its node's
 * namespace. Everything started is stopped by pid, and the lab is swept by prefix, even when a step failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKubeServer, writeKubeconfig, type KubeServer } from '@ironlb/kube-testserver';
import { Lab } from '../lab/lab';
import type { BgpRouterOptions } from '../lab/bgpOptions';
import type { RouterKind } from '../lab/plan';
import type { CmdResult } from '../lab/sh';
import { daemonArgv } from './daemonCommand';
import { repoRoot } from '../tools';
import { CRDS, startController, until, type ControllerProcess } from './controllerProcess';
import { kubectlPath, kubeTools } from '@ironlb/kube-testserver';
import { poolsYaml } from './ironlbYaml';

export const SPEAKER_BIN = path.join(repoRoot, 'speaker', 'bin', 'ironlb-speaker.js');
export const KUBE_PORT = 6443;

export const L2_POOL = poolsYaml({
  name: 'lab',
  addresses: ['198.51.100.200-198.51.100.254', '2001:db8:1::200-2001:db8:1::2ff'],
});
/** Layer 2 for the lab segment's pool only: the BGP tests' pool is reached through the router, not by ARP. */
export const L2_ADVERTISEMENT = `apiVersion: ironlb.io/v1beta1
kind: L2Advertisement
metadata:
  name: lab
  namespace: ironlb-system
spec:
  ipAddressPools: [lab]
`;

export interface SpeakerProcess {
  readonly node: string;
  readonly child: ChildProcess & { pid: number };
  output(): string;
  running(): boolean;
}

export interface SpeakerLab {
  readonly lab: Lab;
  server: KubeServer;
  /** Stops the API server (state kept); `back()` starts it again on the same port and socket. */
  takeApiAway(): Promise<{ back(): Promise<void> }>;
  readonly kubeconfig: string;
  readonly nodes: readonly string[];
  controller: ControllerProcess;
  readonly speakers: Map<string, SpeakerProcess>;
  kubectl(args: string[], input?: string): Promise<CmdResult>;
  /** kubectl that must succeed: its stdout. */
  ok(args: string[], input?: string): Promise<string>;
  startSpeaker(node: string, extra?: string[]): SpeakerProcess;
  killSpeaker(node: string, signal?: NodeJS.Signals): Promise<void>;
  /** Every log, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

export interface SpeakerLabOptions {
  prefix: string;
  nodes?: number;
  /** Extra speaker flags, for every speaker. */
  speakerArgs?: string[];
  /** Node's own flags for the speakers, in place of those in the bin's shebang (a benchmark comparing them). */
  nodeFlags?: string[];
  /** Start the speakers (default true). */
  speakers?: boolean;
  /** The router's daemon (default BIRD) and its BGP options (MD5, BFD, graceful restart...). */
  router?: RouterKind;
  bgp?: BgpRouterOptions;
}

export async function startSpeakerLab(opts: SpeakerLabOptions): Promise<SpeakerLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${opts.prefix}-`));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const nodeKubeconfig = path.join(dir, 'node-kubeconfig');
  const socket = path.join(dir, 'kube.sock');
  let server: KubeServer | undefined;
  let lab: Lab | undefined;
  let controller: ControllerProcess | undefined;
  const speakers = new Map<string, SpeakerProcess>();
  const stop = async (): Promise<void> => {
    for (const s of speakers.values()) {
      if (s.running()) {
        const exited = new Promise((r) => s.child.once('exit', r));
        process.kill(s.child.pid, 'SIGKILL');
        await exited;
      }
    }
    await controller?.kill();
    await Lab.down(opts.prefix);
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // State persists in a file, so a test can take the API server away and bring the same cluster back.
    const serve = (port: number): Promise<KubeServer> =>
      startKubeServer({
        port,
        kubeconfigOut: kubeconfig,
        socketPath: socket,
        dataFile: path.join(dir, 'state.json'),
        strategyOptions: { dualStack: true },
      });
    server = await serve(0);
    writeNodeKubeconfig(nodeKubeconfig);
    const count = opts.nodes ?? 3;
    lab = await Lab.up({
      prefix: opts.prefix,
      nodes: count,
      router: opts.router ?? 'bird',
      ...(opts.bgp ? { bgp: opts.bgp } : {}),
      ipv6: true,
      kubeSocket: socket,
      kubePort: KUBE_PORT,
    });
    const tools = kubeTools(kubeconfig);
    const ok = async (args: string[], input?: string): Promise<string> => {
      const r = await tools.kubectl(args, input);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    await ok(['apply', '-f', CRDS]);
    await ok(['apply', '-f', '-'], `${L2_POOL}---\n${L2_ADVERTISEMENT}`);
    controller = startController(kubeconfig, { logFile: path.join(dir, 'controller.log') });
    const theLab = lab;
    const startSpeaker = (node: string, extra: string[] = []): SpeakerProcess => {
      const s = spawnSpeaker(
        theLab,
        node,
        nodeKubeconfig,
        path.join(dir, `speaker-${node}.log`),
        [...(opts.speakerArgs ?? []), ...extra],
        opts.nodeFlags,
      );
      speakers.set(node, s);
      return s;
    };
    const nodes = Array.from({ length: count }, (_, i) => `node${i + 1}`);
    if (opts.speakers !== false) for (const n of nodes) startSpeaker(n);
    const result: SpeakerLab = {
      lab,
      server,
      kubeconfig,
      nodes,
      controller,
      speakers,
      kubectl: tools.kubectl,
      ok,
      startSpeaker,
      takeApiAway: async () => {
        const port = result.server.port;
        await result.server.stop();
        return {
          back: async () => {
            result.server = await serve(port);
            server = result.server;
          },
        };
      },
      killSpeaker: async (node, signal = 'SIGKILL') => {
        const s = speakers.get(node);
        if (!s?.running()) return;
        const exited = new Promise((r) => s.child.once('exit', r));
        process.kill(s.child.pid, signal);
        await exited;
      },
      logs: () =>
        [
          `--- controller\n${controller?.output() ?? ''}`,
          ...[...speakers.values()].map((s) => `--- speaker ${s.node}\n${s.output()}`),
        ].join('\n'),
      stop,
    };
    return result;
  } catch (e) {
    await stop();
    throw e;
  }
}

/** One ironlb-speaker in `node`'s namespace, reaching the API at 127.0.0.1:6443, logging to `logFile`. */
export function spawnSpeaker(
  lab: Lab,
  node: string,
  nodeKubeconfig: string,
  logFile: string,
  extra: readonly string[] = [],
  nodeFlags?: readonly string[],
): SpeakerProcess {
  const fd = fs.openSync(logFile, 'a');
  const child = lab.spawn(
    node,
    // No kubelet runs in the lab: the speaker registers its Node itself.
    [
      ...daemonArgv(SPEAKER_BIN, nodeFlags),
      '--kubeconfig',
      nodeKubeconfig,
      '--node-name',
      node,
      '--register-node',
      // Tests that predate the dataplane serve VIPs from listeners on the nodes themselves, which our DNAT would
      // take the traffic from: a test of the dataplane asks for one with its own --dataplane.
      ...(extra.includes('--dataplane') ? [] : ['--dataplane', 'none']),
      ...extra,
    ],
    {
      stdio: ['ignore', fd, fd],
    },
  );
  fs.closeSync(fd);
  let alive = true;
  child.once('exit', () => (alive = false));
  return {
    node,
    child,
    output: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    running: () => alive,
  };
}

/** A kubeconfig for processes in the lab's nodes: the API server as every node sees it, 127.0.0.1:6443. */
export function writeNodeKubeconfig(file: string): void {
  writeKubeconfig(file, `http://127.0.0.1:${KUBE_PORT}`);
}

/** The MAC of `ifname` in `host`, as `ip` prints it (lower case). */
export async function macOf(lab: Lab, host: string, ifname = 'eth0'): Promise<string> {
  const r = await lab.exec(host, ['cat', `/sys/class/net/${ifname}/address`]);
  return r.stdout.trim();
}

/** The MACs that answered one ARP request from the client (arping, one probe, 1 s wait); empty when nobody did. */
/** The first ingress IP the controller wrote for the Service `name` (default namespace), once there is one. */
export async function serviceIPOf(l: SpeakerLab, name: string): Promise<string> {
  const ip = await until(
    () => l.ok(['get', 'svc', name, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']),
    (text) => text !== '',
    () => l.logs(),
  );
  return ip.trim();
}

export async function arpingMacs(lab: Lab, ip: string): Promise<string[]> {
  const r = await lab.exec('client', ['arping', '-c', '1', '-w', '1', '-i', 'eth0', ip]);
  return [...r.stdout.matchAll(/from ([0-9a-f:]{17})/gi)].map((m) => m[1].toLowerCase());
}

/** The MAC in the Neighbor Advertisement ndisc6 got for `ip` from the client; undefined when none came. */
export async function ndiscMac(lab: Lab, ip: string): Promise<string | undefined> {
  const r = await lab.exec('client', ['ndisc6', '-1', '-r', '2', '-w', '500', ip, 'eth0']);
  return /Target link-layer address:\s*([0-9A-F:]{17})/i.exec(r.stdout)?.[1].toLowerCase();
}

/** A `kubectl get -w` running in the background: every line it printed so far. */
export interface KubectlWatch {
  lines(): string[];
  /** Ends kubectl (by its pid) and waits for it and the last of its output. */
  stop(): Promise<void>;
}

/**
 * Runs `kubectl get <args> -w` (the real kubectl, in this namespace: the API server is in-process) until stopped; it
 * prints the objects listed, then every change. Transient objects a poll could miss (written, then deleted within
 * 100 ms) show up here.
 */
export function kubectlWatch(kubeconfig: string, args: readonly string[]): KubectlWatch {
  const child = spawn(kubectlPath(), ['--kubeconfig', kubeconfig, 'get', ...args, '-w'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  return {
    lines: () => out.split('\n').filter(Boolean),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid);
      await exited;
    },
  };
}

/** What a host saw of the segment: per source MAC, the IPs it spoke for as their owner. */
export interface OwnerCapture {
  /** The IPs `mac` sent a gratuitous ARP, an ARP reply or a Neighbor Advertisement for, so far. */
  ownedBy(mac: string): Set<string>;
  /** Ends tcpdump (by its pid) and waits for it and the last of its output. */
  stop(): Promise<void>;
}

/**
 * tcpdump on `host`'s eth0 (in its namespace), reading ARP and ICMPv6: which MAC spoke for which IP as its owner
 * (a gratuitous ARP, with sender = target; an ARP reply; a Neighbor Advertisement). Probes (ARP from 0.0.0.0, DAD
 * from ::) do not count: a node probing an IP does not answer it. Resolves once tcpdump listens.
 */
export async function captureOwners(lab: Lab, host: string): Promise<OwnerCapture> {
  const child = lab.spawn(host, ['tcpdump', '-i', 'eth0', '--immediate-mode', '-l', '-nn', '-e', 'arp or icmp6'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid);
    await exited;
  };
  const deadline = Date.now() + 10_000;
  while (!err.includes('listening on')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`tcpdump in ${host} did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const owner = [
    /Request who-has (\S+) tell (\S+),/, // gratuitous when both are the same IP
    /Reply (\S+) is-at /,
    /neighbor advertisement, tgt is ([0-9a-f:]+),/,
  ];
  return {
    ownedBy: (mac) => {
      const ips = new Set<string>();
      for (const line of out.split('\n')) {
        if (/^\S+ ([0-9a-f:]{17}) > /.exec(line)?.[1] !== mac.toLowerCase()) continue;
        const [garp, reply, na] = owner.map((re) => re.exec(line));
        if (garp && garp[1] === garp[2]) ips.add(garp[1]);
        if (reply) ips.add(reply[1]);
        if (na) ips.add(na[1]);
      }
      return ips;
    },
    stop,
  };
}
