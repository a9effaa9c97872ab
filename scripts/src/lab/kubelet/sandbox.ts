/**
 * A pod's network for the lab kubelet: a host-network pod runs in its node's namespace; any other pod gets a
 * namespace of its own (`<prefix>-kpod<N>`, swept with the lab) holding loopback, an eth0 to its node with the pod's
 * address from its node's pod range, and a forwarder that makes the API server reachable at 127.0.0.1:<kubePort>
 * as it is on the nodes. The lab's pods are reached from the root namespace (the API server calling a webhook)
 * through a Unix socket forwarded into the pod's namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { listensOnLoopback, tcpToUnixArgv } from '../forward';
import { mustRun, runCmd, waitFor } from '../sh';

/** Addresses of node k's pod range (203.0.113.16k/28) the lab's own pods leave free: .16k+10 to .16k+14. */
export const SANDBOX_SLOTS = 5;

export function sandboxAddress(nodeName: string, slot: number): string {
  const k = Number(/^node(\d+)$/.exec(nodeName)?.[1]);
  if (!Number.isInteger(k) || k < 1) throw new Error(`no pod range for node ${nodeName}`);
  if (slot < 0 || slot >= SANDBOX_SLOTS) throw new Error(`node ${nodeName} has no free pod address (slot ${slot})`);
  return `203.0.113.${16 * k + 10 + slot}`;
}

export const sandboxNetns = (prefix: string, id: number): string => `${prefix}-kpod${id}`;

/** Starts socat in `netns`; resolves once `listening` says so, killing it (by its own pid) if it never does. */
async function forwarder(
  netns: string,
  argv: string[],
  logFile: string,
  listening: () => Promise<boolean>,
): Promise<ChildProcess> {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (!(await waitFor(listening, 5000))) {
    child.kill('SIGKILL');
    throw new Error(`${argv.join(' ')} in ${netns} did not listen: ${fs.readFileSync(logFile, 'utf8')}`);
  }
  return child;
}

/** 127.0.0.1:<port> inside `netns` reaches the Unix socket `socketPath` (the API server). */
export function forwardTcpToUnix(
  netns: string,
  port: number,
  socketPath: string,
  logFile: string,
): Promise<ChildProcess> {
  return forwarder(netns, tcpToUnixArgv(port, socketPath), logFile, () => listensOnLoopback(netns, port));
}

/** The Unix socket `socketPath` of the root namespace reaches `host:port` inside `netns` (the webhook's pod). */
export function forwardUnixToTcp(
  netns: string,
  socketPath: string,
  host: string,
  port: number,
  logFile: string,
): Promise<ChildProcess> {
  fs.rmSync(socketPath, { force: true });
  const argv = ['socat', `UNIX-LISTEN:${socketPath},fork,max-children=64`, `TCP:${host}:${port}`];
  return forwarder(netns, argv, logFile, async () => fs.existsSync(socketPath));
}

/**
 * The pod's namespace, its eth0 a veth whose other end (`kp<id>`) is in the node's namespace with a host route to
 * the pod, proxy ARP answering the pod's default route: the usual shape of a CNI's pod network.
 */
export async function createSandbox(netns: string, id: number, nodeNetns: string, address: string): Promise<void> {
  const nodeSide = `kp${id}`;
  await mustRun(['ip', 'netns', 'add', netns]);
  await mustRun(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
  await mustRun([
    'ip',
    '-n',
    netns,
    'link',
    'add',
    'eth0',
    'type',
    'veth',
    'peer',
    'name',
    nodeSide,
    'netns',
    nodeNetns,
  ]);
  await mustRun(['ip', '-n', netns, 'addr', 'add', `${address}/32`, 'dev', 'eth0']);
  await mustRun(['ip', '-n', netns, 'link', 'set', 'eth0', 'up']);
  await mustRun(['ip', '-n', netns, 'route', 'add', 'default', 'dev', 'eth0']);
  await mustRun(['ip', 'netns', 'exec', nodeNetns, 'sysctl', '-q', '-w', `net.ipv4.conf.${nodeSide}.proxy_arp=1`]);
  await mustRun(['ip', '-n', nodeNetns, 'link', 'set', nodeSide, 'up']);
  await mustRun(['ip', '-n', nodeNetns, 'route', 'add', `${address}/32`, 'dev', nodeSide]);
}

export async function deleteSandbox(netns: string): Promise<void> {
  await runCmd(['ip', 'netns', 'del', netns]);
}
