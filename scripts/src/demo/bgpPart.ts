/**
 * The demo's BGP part, after layer 2 in the same lab: the speakers peer with the lab's BIRD router (BFD at
 * 100 ms x 3 on top of a 90 s hold time), an IPv4 and an IPv6 Service in the BGP pool reach the router as host
 * routes with three next hops (ECMP in the router's kernel), the client's connections to the IPv4 VIP are spread
 * over the nodes and forwarded to the pods, and a node whose link goes down leaves the router's kernel route (the
 * time that takes is measured) while the connections are still answered through the others.
 */
import type { Lab } from '../lab/lab';
import { clientRouteGet, routerBfdSessions, routerFib } from '../lab/routerQueries';
import { birdSocket } from '../lab/routerDaemon';
import { mustRun, runCmd, type CmdResult } from '../lab/sh';
import {
  bgpConfigYaml,
  bgpServiceYaml,
  hostRoute,
  routerNextHopNodes,
  BFD_PROFILE_FAST as BFD_PROFILE,
} from '../testing/bgpLab';
import { until } from '../testing/controllerProcess';
import { indent, must, say } from './show';
import { ask, askSpread, PODS, sliceYaml, type Answered, type Request } from './traffic';

const NODES = ['node1', 'node2', 'node3'];
const ALL = NODES.join(',');
/** The node whose link the demo takes down. */
const CUT = 'node2';
/**
 * web4's pods: those behind node1 and node3. None runs behind node2, which forwards to them all the same (Cluster
 * policy), so its link going down takes a path away, never a pod.
 */
const WEB4_PODS = PODS.filter((p) => p.node !== CUT);
/** web4's one port, TCP 80, unnamed, as the slice's. */
const WEB4_SLICE = sliceYaml({ service: 'web4', ports: [{ protocol: 'TCP', port: 80 }], pods: WEB4_PODS });
const HTTP: Request = { proto: 'tcp', port: 80 };

/**
 * A hold time long enough that only BFD can explain a drop within a second; a 1 s connect retry (default 5 s,
 * doubling) so a node whose link comes back is dialled again soon.
 */
const CONFIG = bgpConfigYaml({
  peerSpec: '  holdTime: 90s\n  connectTime: 1s\n  bfdProfile: fast\n',
  extra: BFD_PROFILE,
});

export interface BgpPartContext {
  readonly lab: Lab;
  kubectl(args: string[], input?: string): Promise<CmdResult>;
  /** Every log so far, for a failure message. */
  logs(): string;
}

export async function bgpPart(c: BgpPartContext): Promise<void> {
  const { lab, kubectl, logs } = c;
  const hopsBecome = (ip: string, want: string): Promise<string[]> =>
    until(
      () => routerNextHopNodes(lab, ip),
      (h) => h.join(',') === want,
      logs,
    );

  say('BGP: the speakers peer with the router (BFD 100 ms x 3, hold time 90 s) and advertise a second pool');
  console.log(`    $ kubectl apply -f - <<EOF\n${indent(CONFIG)}\n    EOF`);
  await must(kubectl(['apply', '-f', '-'], CONFIG));
  const sessions = await until(
    () => lab.routerStatus(),
    (st) => st.sessions.length === 2 * NODES.length && st.sessions.every((x) => x.established),
    logs,
  );
  const bfd = await until(
    () => routerBfdSessions(lab),
    (b) => NODES.every((n) => b[lab.host(n).ipv4] === 'Up'),
    logs,
  );
  console.log('    the router (birdc show protocols; show bfd sessions):');
  for (const x of sessions.sessions) {
    console.log(
      `      ${x.name.padEnd(9)} ${x.neighbor.padEnd(15)} ${x.state.padEnd(12)} BFD ${bfd[x.neighbor] ?? '-'}`,
    );
  }
  const services = `${bgpServiceYaml('web4', 'IPv4')}---\n${bgpServiceYaml('web6', 'IPv6')}`;
  console.log('    $ kubectl apply -f web4.yaml -f web6.yaml   # type: LoadBalancer, metallb.io/address-pool: bgp');
  const applied = Date.now();
  console.log(indent(await must(kubectl(['apply', '-f', '-'], services))));
  const ipOf = async (name: string): Promise<string> =>
    (
      await until(
        () => must(kubectl(['get', 'svc', name, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])),
        (ip) => ip.trim() !== '',
        logs,
      )
    ).trim();
  const vip4 = await ipOf('web4');
  const vip6 = await ipOf('web6');
  console.log(`    $ kubectl get svc web4 web6\n${indent(await must(kubectl(['get', 'svc', 'web4', 'web6'])))}`);

  say(`the router learns ${vip4} and ${vip6} from all three nodes`);
  await hopsBecome(vip4, ALL);
  await hopsBecome(vip6, ALL);
  await until(
    () => routerFib(lab, hostRoute(vip4)),
    (hops) => hops.length === NODES.length,
    logs,
  );
  console.log(
    `    three next hops for both, in BIRD and in the kernel, ${Date.now() - applied} ms after kubectl apply`,
  );
  const statuses = await until(
    () => must(kubectl(['get', 'servicebgpstatuses', '-n', 'ironlb-system'])),
    (text) => NODES.every((n) => new RegExp(`^default\\.web4\\.${n}\\s.*router-v4`, 'm').test(text)),
    logs,
  );
  console.log(`    $ kubectl get servicebgpstatuses -n ironlb-system\n${indent(statuses)}`);
  console.log(`    router$ birdc show route ${hostRoute(vip4)} all   # trimmed\n${indent(await birdRoute(lab, vip4))}`);
  console.log(`    router$ ip route show ${vip4}\n${indent(await routerKernelRoute(lab, vip4))}`);
  console.log(`    router$ ip -6 route show ${vip6}\n${indent(await routerKernelRoute(lab, vip6))}`);
  const via = await clientRouteGet(lab, vip4);
  console.log(`    client$ ip route get ${vip4}\n    ${vip4} via ${via.gateway ?? '(on link)'} dev ${via.dev}`);

  say(`connections from the client to ${vip4}:80, spread over the nodes by the router (ECMP by ports), to the pods`);
  console.log(
    `    web4's EndpointSlice (written by the demo: its echo servers are lab processes, not Pods): ` +
      `${WEB4_PODS.map((p) => p.name).join(', ')}, port 80\n` +
      `    (no pod behind ${CUT}, which forwards all the same: Cluster policy)`,
  );
  await must(kubectl(['apply', '-f', '-'], WEB4_SLICE));
  // Every node's rules are in once a connection came through each (one without them would refuse it).
  const ready = new Set<string>();
  await until(
    async () => {
      const a = await ask(lab, vip4, HTTP);
      if (a.result.kind === 'answer' && a.via) ready.add(a.via);
      return ready.size;
    },
    (n) => n === NODES.length,
    logs,
  );
  const before = await askSpread(lab, vip4, HTTP, { min: 6, max: 12, nodes: 2 });
  mustCome(before, vip4, (a) => a.via !== undefined, 'through a node');
  if (new Set(before.map((a) => a.via)).size < 2) {
    throw new Error(`${before.length} connections to ${vip4} all came through one node`);
  }

  const cutAddress = lab.host(CUT).ipv4;
  say(`${CUT}'s link goes down; the router's kernel route is read every 10 ms until ${CUT} (${cutAddress}) leaves it`);
  await lab.setLink(CUT, false);
  const downAt = performance.now();
  try {
    for (;;) {
      const hops = await routerFib(lab, hostRoute(vip4));
      if (!hops.some((h) => h.gateway === cutAddress)) break;
      if (performance.now() - downAt > 20_000) throw new Error(`the router kept ${CUT} for 20 s:\n${logs()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const dropped = Math.round(performance.now() - downAt);
    console.log(`    the router dropped ${CUT} ${dropped} ms after its link went down (BFD; the hold time is 90 s)`);
    console.log(`    router$ ip route show ${vip4}\n${indent(await routerKernelRoute(lab, vip4))}`);
    console.log(`    the client's connections, still answered, through the other nodes:`);
    const during = await askSpread(lab, vip4, HTTP, { min: 4, max: 4, nodes: 2 });
    mustCome(during, vip4, (a) => a.via !== undefined && a.via !== CUT, `through a node other than ${CUT}`);
  } finally {
    await lab.setLink(CUT, true);
  }

  say(`${CUT}'s link comes back: its speaker's session and its next hop return`);
  const upAt = performance.now();
  await hopsBecome(vip4, ALL);
  await until(
    () => routerFib(lab, hostRoute(vip4)),
    (hops) => hops.length === NODES.length,
    logs,
  );
  console.log(`    three next hops again ${((performance.now() - upAt) / 1000).toFixed(1)} s later`);
  console.log(`    router$ ip route show ${vip4}\n${indent(await routerKernelRoute(lab, vip4))}`);
}

/** Throws unless every answer came as `ok` says (`how`, for the message). */
function mustCome(answers: Answered[], vip: string, ok: (a: Answered) => boolean, how: string): void {
  const bad = answers.filter((a) => !ok(a));
  if (bad.length > 0) throw new Error(`${bad.length} of ${answers.length} answers from ${vip} did not come ${how}`);
}

/** `birdc show route <vip> all`, kept to the route, its paths and their BGP next hops and AS paths. */
async function birdRoute(lab: Lab, ip: string): Promise<string> {
  const r = await runCmd(['birdc', '-s', birdSocket(lab.dir), 'show', 'route', hostRoute(ip), 'all']);
  if (r.code !== 0) throw new Error(`birdc show route failed: ${r.stdout}${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => /^\S+\/\d+\s|^\s+(unicast|via|BGP\.(as_path|next_hop))|^\s+\S+\s+unicast/.test(l))
    .join('\n');
}

async function routerKernelRoute(lab: Lab, ip: string): Promise<string> {
  const family = ip.includes(':') ? '-6' : '-4';
  const text = await mustRun(['ip', '-n', lab.host('router').netns, family, 'route', 'show', hostRoute(ip)]);
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}
