/**
 * The demo's real traffic through the speakers' dataplane: an echo server in each node's pod (pod{k}-0, on the
 * ports the Services' targetPorts name, TCP and UDP), the EndpointSlices naming them (the echo servers are lab processes, not Pods in the API, so the demo writes them), and requests
 * from the client through a VIP, one printed line each: the pod that answered, the source it saw, and the node that
 * source belongs to (Cluster policy: the forwarding node's masquerade).
 */
import type { Lab } from '../lab/lab';
import type { LabPlan } from '../lab/plan';
import { askTcp, askUdp, serveEchoPods, type EchoServer } from '../lab/echo';
import type { EchoProto, EchoResult } from '../lab/echoProtocol';
import { podAddress, type PodAddress } from '../lab/podAddresses';

/**
 * Where the pods' echo servers listen: the ports the demo's Services' targetPorts name (seed 000's split pair: 9610
 * and 8085; web4: 80), which an endpoint controller would write into the slices.
 */
export const POD_PORTS: readonly number[] = [9610, 8085, 80];

/** One pod behind each of the demo's three nodes. */
export const PODS: readonly PodAddress[] = [1, 2, 3].map((k) => podAddress(k, 0));

/** The pods' echo servers (IPv4: the demo's traffic goes to IPv4 VIPs); they listen once this resolves. */
export async function servePods(lab: Lab): Promise<EchoServer[]> {
  const servers: EchoServer[] = [];
  for (const port of POD_PORTS) servers.push(...(await serveEchoPods(lab, [...PODS], port, { families: [4] })));
  return servers;
}

export interface SlicePort {
  /** The Service port's name it serves (absent: the Service's one unnamed port). */
  readonly name?: string;
  readonly protocol: 'TCP' | 'UDP';
  /** The pods' port: what the Service port's targetPort names. */
  readonly port: number;
}

export interface SliceOptions {
  readonly service: string;
  readonly namespace?: string;
  readonly ports: readonly SlicePort[];
  /** The Service's pods (default: all the demo's). */
  readonly pods?: readonly PodAddress[];
}

/** The EndpointSlice a Kubernetes endpoint controller would write for `service` with the demo's pods. */
export function sliceYaml(o: SliceOptions): string {
  const endpoints = (o.pods ?? PODS)
    .map(
      (p) =>
        `  - addresses: [${p.ipv4}]\n    nodeName: ${p.node}\n    targetRef: {kind: Pod, name: ${p.name}}\n` +
        `    conditions:\n      ready: true\n`,
    )
    .join('');
  const ports = o.ports
    .map(
      (p) => `  - ${p.name === undefined ? '' : `name: ${p.name}\n    `}protocol: ${p.protocol}\n    port: ${p.port}\n`,
    )
    .join('');
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${o.service}-demo
  namespace: ${o.namespace ?? 'default'}
  labels:
    kubernetes.io/service-name: ${o.service}
addressType: IPv4
endpoints:
${endpoints}ports:
${ports}`;
}

/** Node name by each of the node's own IPv4 addresses (segment and veth-pod): whose masquerade a pod saw. */
export function nodesBySource(plan: Pick<LabPlan, 'hosts'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of plan.hosts) if (h.role === 'node') for (const i of h.ifaces) out.set(i.ipv4, h.name);
  return out;
}

export interface Request {
  readonly proto: EchoProto;
  readonly port: number;
}

export interface Answered {
  readonly request: Request;
  readonly result: EchoResult;
  /** The node whose address the pod saw as the source, when it was one. */
  readonly via?: string;
}

/** One request from the client to vip:port and what came of it. */
export async function ask(lab: Lab, vip: string, request: Request): Promise<Answered> {
  const result =
    request.proto === 'tcp'
      ? await askTcp(lab, 'client', vip, request.port)
      : await askUdp(lab, 'client', vip, request.port);
  const via = result.kind === 'answer' ? nodesBySource(lab.plan).get(result.source) : undefined;
  return { request, result, ...(via ? { via } : {}) };
}

/** `tcp 198.51.100.244:9610 -> pod3-0, which saw 198.51.100.11 (node1)`, or why no answer came. */
export function describeAnswer(vip: string, a: Answered): string {
  const what = `${a.request.proto} ${vip}:${a.request.port}`;
  const r = a.result;
  if (r.kind !== 'answer') return `${what} -> no answer: ${r.kind}${r.kind === 'timeout' ? '' : ` (${r.text})`}`;
  return `${what} -> ${r.pod}, which saw ${r.source}${a.via ? ` (${a.via})` : ''}`;
}

/**
 * The same request, again and again (each a new connection from a new source port), each printed: at least `min`
 * times, and until the answers came through `nodes` different nodes or `max` were asked.
 */
export async function askSpread(
  lab: Lab,
  vip: string,
  request: Request,
  o: { readonly min: number; readonly max: number; readonly nodes: number },
): Promise<Answered[]> {
  const out: Answered[] = [];
  const via = new Set<string>();
  while (out.length < o.max && (out.length < o.min || via.size < o.nodes)) {
    const a = await ask(lab, vip, request);
    console.log(`    ${describeAnswer(vip, a)}`);
    out.push(a);
    if (a.via) via.add(a.via);
  }
  return allAnswered(vip, out);
}

/** The requests in turn, each printed as it comes back; throws after printing if one was not answered. */
export async function askAndShow(lab: Lab, vip: string, requests: readonly Request[]): Promise<Answered[]> {
  const out: Answered[] = [];
  for (const request of requests) {
    const a = await ask(lab, vip, request);
    console.log(`    ${describeAnswer(vip, a)}`);
    out.push(a);
  }
  return allAnswered(vip, out);
}

/** `answers`, once they are all answers: the demo stops at a request nobody answered. */
function allAnswered(vip: string, answers: Answered[]): Answered[] {
  const failed = answers.filter((a) => a.result.kind !== 'answer');
  if (failed.length > 0) throw new Error(`${failed.length} of ${answers.length} requests to ${vip} were not answered`);
  return answers;
}
