/**
 * The IPVS edge run on its own, for edge.e2e.test.ts (compiled: dist/dataplane/ipvs/probe.js), inside the network
 * namespace the test made: `node probe.js lookup` opens the edge and reports the family or the error;
 * `node probe.js apply '<plan json>'` also applies the plan's desired state and dumps the table back.
 * One JSON line on stdout.
 */
import type { L4Protocol } from '../types';
import { openIpvs, type OpenIpvsOptions } from './edge';
import { desiredState, destKey, serviceKey, type IpvsState } from './model';
import { updateIpvs } from './sync';
import { forward, plan } from './testPlans';

/** A forward as the test writes it. */
export interface ProbeForward {
  readonly ip: string;
  readonly protocol: L4Protocol;
  readonly port: number;
  readonly backends: readonly (readonly [string, number])[];
  readonly affinitySec?: number;
}

export interface ProbeService {
  readonly key: string;
  readonly scheduler: string;
  readonly flags: number;
  readonly timeoutSec: number;
  readonly netmask: number;
  readonly dests: readonly string[];
}

export type ProbeResult =
  | { readonly ok: true; readonly family: number; readonly failures: readonly string[]; readonly dump: ProbeService[] }
  | { readonly ok: false; readonly name: string; readonly message: string };

/** The forwards the e2e test applies when the kernel has IPVS, and the dump it expects back. */
export const PROBE_FORWARDS: readonly ProbeForward[] = [
  {
    ip: '198.51.100.10',
    protocol: 'TCP',
    port: 80,
    backends: [
      ['203.0.113.1', 8080],
      ['203.0.113.2', 8080],
    ],
  },
  { ip: '198.51.100.10', protocol: 'UDP', port: 53, backends: [['203.0.113.3', 5353]], affinitySec: 10800 },
  { ip: '198.51.100.11', protocol: 'TCP', port: 443, backends: [] },
  { ip: '2001:db8::10', protocol: 'TCP', port: 80, backends: [['2001:db8:1::5', 8080]], affinitySec: 60 },
];

export const PROBE_EXPECTED: readonly ProbeService[] = [
  {
    key: '198.51.100.10 TCP 80',
    scheduler: 'rr',
    flags: 0,
    timeoutSec: 0,
    netmask: 0xffffffff,
    dests: ['203.0.113.1 8080 fwd 0 weight 1', '203.0.113.2 8080 fwd 0 weight 1'],
  },
  {
    key: '198.51.100.10 UDP 53',
    scheduler: 'rr',
    flags: 1,
    timeoutSec: 10800,
    netmask: 0xffffffff,
    dests: ['203.0.113.3 5353 fwd 0 weight 1'],
  },
  { key: '198.51.100.11 TCP 443', scheduler: 'rr', flags: 0, timeoutSec: 0, netmask: 0xffffffff, dests: [] },
  {
    key: '2001:db8::10 TCP 80',
    scheduler: 'rr',
    flags: 1,
    timeoutSec: 60,
    netmask: 128,
    dests: ['2001:db8:1::5 8080 fwd 0 weight 1'],
  },
];

export function probeState(forwards: readonly ProbeForward[]): IpvsState {
  return desiredState(
    plan(
      ...forwards.map((f) =>
        forward(
          f.ip,
          f.protocol,
          f.port,
          f.backends,
          f.affinitySec === undefined ? {} : { affinitySec: f.affinitySec },
        ),
      ),
    ),
  );
}

export function probeServices(state: IpvsState): ProbeService[] {
  return [...state.values()]
    .map((v) => ({
      key: serviceKey(v.service),
      scheduler: v.service.scheduler,
      flags: v.service.flags,
      timeoutSec: v.service.timeoutSec,
      netmask: v.service.netmask,
      dests: [...v.dests.values()].map((d) => `${destKey(d)} fwd ${d.fwdMethod} weight ${d.weight}`).sort(),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** What the probe prints for these arguments; `options` lets the unit test give it FakeKernel. */
export async function runProbe(argv: readonly string[], options: OpenIpvsOptions = {}): Promise<ProbeResult> {
  const [mode, json] = argv;
  let edge;
  try {
    edge = await openIpvs(options);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, name: e.name, message: e.message };
  }
  try {
    if (mode !== 'apply') return { ok: true, family: edge.family, failures: [], dump: [] };
    const desired = probeState(JSON.parse(json ?? '[]') as ProbeForward[]);
    const { failures } = await updateIpvs(edge, new Map(), desired);
    const dumped = (await edge.dump()).state;
    return {
      ok: true,
      family: edge.family,
      failures: failures.map((f) => `${f.command.op} errno ${f.errno}`),
      dump: probeServices(dumped),
    };
  } finally {
    edge.close();
  }
}

if (require.main === module) {
  runProbe(process.argv.slice(2)).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err: unknown) => {
      process.stdout.write(`${JSON.stringify({ ok: false, name: 'ProbeError', message: String(err) })}\n`);
      process.exitCode = 1;
    },
  );
}
