/**
 * The demo's BGP part, after layer 2 in the same lab: the speakers peer with the lab's BIRD router (BFD at
 * 100 ms x 3 on top of a 90 s hold time), an IPv4 and an IPv6 Service in the BGP pool reach the router as host
 * routes with three next hops (ECMP in the router's kernel), the client's request to the VIP is answered, and a
 * node whose link goes down leaves the router's kernel route; the time that takes is measured.
 */
import type { Lab } from '../lab/lab';
import { clientRouteGet, routerBfdSessions, routerFib } from '../lab/routerQueries';
import { birdSocket } from '../lab/routerDaemon';
import { serveTcp, tcpRequest } from '../lab/labServices';
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

const NODES = ['node1', 'node2', 'node3'];
const ALL = NODES.join(',');
/** The node whose link the demo takes down. */
const CUT = 'node2';

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
  /** Starts the node's speaker again if it is not running (the layer 2 failover killed one); true if it did. */
  ensureSpeaker(node: string): boolean;
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
  for (const node of NODES) {
    if (c.ensureSpeaker(node)) console.log(`    ${node}: ironlb-speaker started again (the failover above killed it)`);
  }
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

  say('a request from the client to the VIP, through the router, to one of the nodes');
  // No kube-proxy runs in the lab to carry VIP:80 to a pod: each node holds the VIP itself and answers.
  for (const node of NODES) {
    await mustRun(['ip', '-n', lab.host(node).netns, 'addr', 'add', hostRoute(vip4), 'dev', 'lo']);
    await serveTcp(lab, node, 80, `hello-from-${node}`);
  }
  const answer = await tcpRequest(lab, 'client', vip4, 80);
  console.log(`    (each node holds ${vip4} on lo and answers port 80, standing in for kube-proxy and a pod)`);
  console.log(`    client -> ${vip4}:80 answered: ${answer || '(nothing)'}`);
  if (!/^hello-from-node\d$/.test(answer)) throw new Error(`the client's request to ${vip4} was not answered`);

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
