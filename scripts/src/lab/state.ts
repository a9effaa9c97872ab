// The state file: what a lab created, so `down` removes exactly that. Pure: types, parse/validate
// and serialise; reading and writing the file is in stateStore.ts.
import { parseBgpRouterOptions, type BgpRouterOptions } from './bgpOptions';
import { ROUTER_KINDS, MAX_NODES, type RouterKind } from './plan';
import { validatePrefix } from './names';

export interface LabProcess {
  pid: number;
  host: string;
  /** What it is for: bird, zebra, bgpd, gobgpd, forward:<port>, spawn. */
  role: string;
  /** The command line after `ip netns exec` exec'd it, to recognise the pid later (pids get reused). */
  argv: string[];
}

export interface LabOptionsRecord {
  nodes: number;
  router: RouterKind;
  ipv6: boolean;
  kubeSocket?: string;
  kubePort?: number;
  /** The router's BGP options as last started (`restartRouter` may change them). */
  bgp?: BgpRouterOptions;
}

export interface LabState {
  version: 1;
  prefix: string;
  /** `creating` until `up` finished: a `creating` state whose owner is dead is a crash to sweep. */
  phase: 'creating' | 'up';
  ownerPid: number;
  createdAt: string;
  options: LabOptionsRecord;
  namespaces: string[];
  /** Directories the lab made (configs, sockets, logs), removed by `down`. */
  dirs: string[];
  processes: LabProcess[];
}

function fail(msg: string): never {
  throw new Error(`invalid lab state file: ${msg}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isPid = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 1;

function parseOptions(v: unknown): LabOptionsRecord {
  if (!isRecord(v)) fail('options is not an object');
  const { nodes, router, ipv6, kubeSocket, kubePort, bgp } = v;
  if (typeof nodes !== 'number' || !Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) fail('options.nodes');
  if (typeof router !== 'string' || !(ROUTER_KINDS as readonly string[]).includes(router)) fail('options.router');
  if (typeof ipv6 !== 'boolean') fail('options.ipv6');
  if (kubeSocket !== undefined && typeof kubeSocket !== 'string') fail('options.kubeSocket');
  if (kubePort !== undefined && (typeof kubePort !== 'number' || kubePort < 1 || kubePort > 65535))
    fail('options.kubePort');
  let parsedBgp: BgpRouterOptions | undefined;
  try {
    parsedBgp = bgp === undefined ? undefined : parseBgpRouterOptions(bgp, ipv6);
  } catch (e) {
    fail(`options.bgp: ${(e as Error).message}`);
  }
  return { nodes, router: router as RouterKind, ipv6, kubeSocket, kubePort, bgp: parsedBgp };
}

function parseProcess(v: unknown, i: number): LabProcess {
  if (!isRecord(v)) fail(`processes[${i}] is not an object`);
  if (!isPid(v.pid)) fail(`processes[${i}].pid`);
  if (typeof v.host !== 'string' || typeof v.role !== 'string') fail(`processes[${i}].host/role`);
  if (!isStringArray(v.argv) || v.argv.length === 0) fail(`processes[${i}].argv`);
  return { pid: v.pid, host: v.host, role: v.role, argv: v.argv };
}

export function parseState(text: string): LabState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail(`not JSON (${(e as Error).message})`);
  }
  if (!isRecord(doc)) fail('not an object');
  if (doc.version !== 1) fail(`unsupported version ${String(doc.version)}`);
  if (typeof doc.prefix !== 'string') fail('prefix');
  const prefix = validatePrefix(doc.prefix);
  if (doc.phase !== 'creating' && doc.phase !== 'up') fail('phase');
  if (!isPid(doc.ownerPid)) fail('ownerPid');
  if (typeof doc.createdAt !== 'string') fail('createdAt');
  if (!isStringArray(doc.namespaces)) fail('namespaces');
  // A state file must never make `down` delete someone else's namespace or directory.
  for (const ns of doc.namespaces) if (!ns.startsWith(`${prefix}-`)) fail(`namespace ${ns} lacks prefix ${prefix}-`);
  if (!isStringArray(doc.dirs)) fail('dirs');
  for (const d of doc.dirs) if (!d.startsWith('/') || !d.includes(prefix)) fail(`dir ${d} is not a lab dir`);
  if (!Array.isArray(doc.processes)) fail('processes');
  return {
    version: 1,
    prefix,
    phase: doc.phase,
    ownerPid: doc.ownerPid,
    createdAt: doc.createdAt,
    options: parseOptions(doc.options),
    namespaces: doc.namespaces,
    dirs: doc.dirs,
    processes: doc.processes.map(parseProcess),
  };
}

export function serializeState(state: LabState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
