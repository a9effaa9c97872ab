// The lab's pods for dataplane tests: more pod addresses on a pod host, TCP+UDP echo servers bound to them that
// answer `<pod> <peer address>`, and clients that ask them from any host and return a typed result
// (answer / refused / timeout / other). The command lines and their meaning are in echoProtocol.ts; this file only
// runs them. Servers are lab processes (lab.spawn): `down` ends them; `stop()` ends them earlier, by pid.
import { spawn } from 'node:child_process';
import type { Lab } from './lab';
import {
  echoClientArgv,
  echoOutcome,
  echoServerArgv,
  missingListeners,
  parseListeners,
  tallyResults,
  type ClientRun,
  type EchoClientOptions,
  type EchoProto,
  type EchoResult,
  type EchoTally,
  type IpFamily,
  type Listener,
} from './echoProtocol';
import { podIp, podsOfNode, type PodAddress } from './podAddresses';
import { killPids } from './processes';
import { inNetns, mustRun, waitFor } from './sh';

/**
 * Gives pod host `pod{node}` the addresses of pods 0..count-1 (pod{node}-0 is already its own) and returns those
 * pods. Idempotent (`ip addr replace`). Outgoing traffic of the pod host keeps pod{node}-0 as its source. The node routes the whole pod subnet to veth-pod, so no route changes:
 * the node resolves each new address by ARP/NDP on the veth like any other.
 */
export async function addPodAddresses(lab: Lab, node: number, count: number): Promise<PodAddress[]> {
  const pods = podsOfNode(node, count);
  const host = lab.host(`pod${node}`);
  const eth0 = host.ifaces[0];
  const lines = pods.slice(1).flatMap((p) => [
    `address replace ${p.ipv4}/${eth0.ipv4Len} dev ${eth0.name}`,
    // nodad: usable at once (the lab turns DAD off anyway). preferred_lft 0 (deprecated): still bound, answered
    // and resolved, but never picked as a source, which would otherwise be the newest address; so the pod host's
    // own traffic comes from pod{k}-0 in both families, as IPv4 does with secondary addresses.
    ...(lab.plan.ipv6 ? [`address replace ${p.ipv6}/${eth0.ipv6Len} dev ${eth0.name} nodad preferred_lft 0`] : []),
  ]);
  if (lines.length > 0) await mustRun(['ip', '-n', host.netns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
  return pods;
}

export interface ServeEchoOptions {
  /** Default: every family the lab has. */
  families?: IpFamily[];
  /** Default: both, on the same port. */
  protos?: EchoProto[];
  /** How long to wait until every socket listens (default 5000 ms). */
  listenTimeoutMs?: number;
}

export interface EchoServer {
  pod: PodAddress;
  port: number;
  /** socat's own pids, one per protocol and family. */
  pids: number[];
  /** Ends the servers now (SIGTERM, then SIGKILL); the pod then refuses: TCP RST, ICMP port unreachable. */
  stop(): Promise<void>;
}

/** Starts the echo servers of one pod on `port` and returns once each listens (throws if one exits first). */
export async function serveEcho(
  lab: Lab,
  pod: PodAddress,
  port: number,
  opts: ServeEchoOptions = {},
): Promise<EchoServer> {
  const families = opts.families ?? (lab.plan.ipv6 ? [4, 6] : [4]);
  const protos = opts.protos ?? ['tcp', 'udp'];
  const wanted: Listener[] = [];
  const pids: number[] = [];
  const exits: string[] = [];
  const stop = async (): Promise<void> => {
    const survivors = await killPids(pids);
    if (survivors.length > 0) throw new Error(`echo servers of ${pod.name} would not die: ${survivors.join(' ')}`);
  };
  for (const proto of protos) {
    for (const family of families) {
      const argv = echoServerArgv(pod, proto, family, port);
      const child = lab.spawn(pod.host, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
      pids.push(child.pid);
      wanted.push({ proto, ip: podIp(pod, family), port });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        if (stderr.length < 4096) stderr += d.toString();
      });
      child.on('exit', (code, signal) => {
        exits.push(`${argv.join(' ')}: exit ${code ?? signal ?? '?'} ${stderr.trim()}`);
      });
    }
  }
  const listening = async (): Promise<boolean> => {
    if (exits.length > 0) throw new Error(`an echo server of ${pod.name} exited: ${exits.join('; ')}`);
    const ss = await lab.exec(pod.host, ['ss', '-Hlntu']);
    return ss.code === 0 && missingListeners(wanted, parseListeners(ss.stdout)).length === 0;
  };
  try {
    if (!(await waitFor(listening, opts.listenTimeoutMs ?? 5000))) {
      throw new Error(`echo servers of ${pod.name} did not listen on ${port}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { pod, port, pids, stop };
}

/** serveEcho for each pod in turn, same port and options. */
export async function serveEchoPods(
  lab: Lab,
  pods: PodAddress[],
  port: number,
  opts: ServeEchoOptions = {},
): Promise<EchoServer[]> {
  const servers: EchoServer[] = [];
  for (const p of pods) servers.push(await serveEcho(lab, p, port, opts));
  return servers;
}

export interface AskOptions extends EchoClientOptions {
  /** No answer line within this long is a `timeout` (default 3000 ms). */
  timeoutMs?: number;
}

const DEFAULT_ASK_TIMEOUT_MS = 3000;

/**
 * Runs a socat client in `from`'s namespace until it prints a line (then ends it: a UDP client would wait for
 * more), exits, or the timeout passes (then kills it). The pid signalled is socat's: `ip netns exec` execs it.
 */
function runClient(
  lab: Lab,
  from: string,
  argv: string[],
  input: string | undefined,
  timeoutMs: number,
): Promise<ClientRun> {
  const [cmd, ...args] = inNetns(lab.host(from).netns, argv);
  return new Promise<ClientRun>((resolve) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const run: ClientRun = { stdout: '', stderr: '', timedOut: false, code: undefined };
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(run);
    };
    const timer = setTimeout(() => {
      run.timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      run.stdout += d.toString();
      if (run.stdout.includes('\n')) child.kill('SIGTERM');
    });
    child.stderr?.on('data', (d: Buffer) => (run.stderr += d.toString()));
    child.on('error', (e) => {
      run.stderr += e.message;
      finish();
    });
    child.on('close', (code) => {
      run.code = code ?? undefined;
      finish();
    });
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      // Left open: at EOF on stdin socat would give the answer only its half-close grace (-t, 0.5 s).
      child.stdin.write(input);
    }
  });
}

/** One TCP connection from host `from` to addr:port: the answering pod and the source it saw, or why not. */
export async function askTcp(
  lab: Lab,
  from: string,
  addr: string,
  port: number,
  opts: AskOptions = {},
): Promise<EchoResult> {
  const argv = echoClientArgv('tcp', addr, port, opts);
  return echoOutcome(await runClient(lab, from, argv, undefined, opts.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS));
}

/** One UDP datagram from host `from` to addr:port and the answer datagram, or why none came. */
export async function askUdp(
  lab: Lab,
  from: string,
  addr: string,
  port: number,
  opts: AskOptions = {},
): Promise<EchoResult> {
  const argv = echoClientArgv('udp', addr, port, opts);
  return echoOutcome(await runClient(lab, from, argv, 'ping\n', opts.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS));
}

/** `n` requests one after another, each from a new socket (so a new source port): answers per pod, and failures. */
async function askMany(
  ask: typeof askTcp,
  lab: Lab,
  from: string,
  addr: string,
  port: number,
  n: number,
  opts: AskOptions,
): Promise<EchoTally> {
  const results: EchoResult[] = [];
  for (let i = 0; i < n; i++) results.push(await ask(lab, from, addr, port, opts));
  return tallyResults(results);
}

/** `n` TCP connections one after another: answers per pod, and the failures. */
export const askTcpMany = (lab: Lab, from: string, addr: string, port: number, n: number, opts: AskOptions = {}) =>
  askMany(askTcp, lab, from, addr, port, n, opts);

/** `n` UDP requests one after another: answers per pod, and the failures. */
export const askUdpMany = (lab: Lab, from: string, addr: string, port: number, n: number, opts: AskOptions = {}) =>
  askMany(askUdp, lab, from, addr, port, n, opts);
