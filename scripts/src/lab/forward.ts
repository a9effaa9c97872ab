/**
 * The socat forwarder that makes `127.0.0.1:<port>` inside a lab namespace reach a Unix socket of the root namespace
 * (the API test server): its command and the check that it listens, for the lab's nodes and the lab kubelet's pods.
 */
import * as path from 'node:path';
import { inNetns, runCmd } from './sh';

/**
 * Connections one forwarder serves at once (each is a process): further ones wait in the listen backlog, because a
 * client that opens connections without bound (a speaker bursting thousands of writes did) would otherwise make socat
 * fork until the machine runs out of pids, and the forwarder die of it.
 */
export const FORWARD_MAX_CONNECTIONS = 256;

export function tcpToUnixArgv(port: number, socketPath: string): string[] {
  return [
    'socat',
    `TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr,max-children=${FORWARD_MAX_CONNECTIONS},backlog=1024`,
    `UNIX-CONNECT:${path.resolve(socketPath)}`,
  ];
}

/** Whether something listens on 127.0.0.1:<port> inside `netns`. */
export async function listensOnLoopback(netns: string, port: number): Promise<boolean> {
  const r = await runCmd(inNetns(netns, ['ss', '-Hltn', `sport = :${port}`]));
  return r.code === 0 && r.stdout.includes(`127.0.0.1:${port}`);
}
