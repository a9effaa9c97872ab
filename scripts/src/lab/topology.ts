// Builds the namespaces, bridge, veths, addresses and routes of a plan. Everything is created inside
// lab namespaces (veth peers are born directly in their target namespace), so the root namespace
// never holds a lab interface, address or route, not even for an instant.
import type { HostPlan, LabPlan, WirePlan } from './plan';
import { inNetns, mustRun, runCmd, waitFor } from './sh';

/** All namespaces of a plan, the switch first (its deletion takes the bridge with it). */
export function planNamespaces(plan: LabPlan): string[] {
  return [plan.switchNetns, ...plan.hosts.map((h) => h.netns)];
}

/** `ip -n <netns> -batch -`: one process per namespace instead of one per command. */
async function ipBatch(netns: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  await mustRun(['ip', '-n', netns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

function sysctlsFor(plan: LabPlan, host: HostPlan | undefined): string[] {
  // DAD off before any interface exists, so link-local addresses are usable at once too.
  const s = ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'];
  if (!plan.ipv6 || host === undefined) {
    // No IPv6 at all unless asked; the switch never needs it (it only bridges frames).
    s.push('net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
  }
  if (host?.role === 'pod') {
    // Every datagram to a port nobody serves gets its ICMP port unreachable (tests read it as `refused`):
    // Linux otherwise allows a burst of 6 per destination, then one a second.
    s.push('net.ipv4.icmp_ratelimit=0');
    if (plan.ipv6) s.push('net.ipv6.icmp.ratelimit=0');
  }
  if (host?.role === 'router') {
    // ECMP by the connection (addresses and ports), as routers in front of load balancers hash: Linux's default
    // hashes the addresses alone, which sends every connection of one client to one VIP over one node.
    s.push('net.ipv4.fib_multipath_hash_policy=1');
    if (plan.ipv6) s.push('net.ipv6.fib_multipath_hash_policy=1');
    // The client shares the segment with the nodes: a redirect would send it to one node directly, past the ECMP.
    s.push('net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.default.send_redirects=0');
  }
  if (host?.role === 'node') {
    // A node forwards VIP traffic to another node's pod out of the interface it came in on: the redirects that
    // would draw name the pod, mean nothing to the client, and spend the ICMP rate budget its refusals need.
    s.push('net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.default.send_redirects=0');
  }
  if (host?.role === 'client') {
    s.push('net.ipv4.conf.all.accept_redirects=0', 'net.ipv4.conf.default.accept_redirects=0');
    if (plan.ipv6) s.push('net.ipv6.conf.all.accept_redirects=0', 'net.ipv6.conf.default.accept_redirects=0');
  }
  if (host?.forwarding) {
    s.push('net.ipv4.ip_forward=1');
    if (plan.ipv6) s.push('net.ipv6.conf.all.forwarding=1');
  }
  return s;
}

async function addNamespace(plan: LabPlan, netns: string, host: HostPlan | undefined): Promise<void> {
  await mustRun(['ip', 'netns', 'add', netns]);
  await mustRun(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
  await mustRun(inNetns(netns, ['sysctl', '-q', '-w', ...sysctlsFor(plan, host)]));
}

function wireLines(w: WirePlan, bridge: string): string[] {
  const lines = [
    `link add ${w.aName} address ${w.aMac} type veth peer name ${w.bName} address ${w.bMac} netns ${w.bNetns}`,
  ];
  if (w.bridged) lines.push(`link set ${w.aName} master ${bridge}`);
  lines.push(`link set ${w.aName} up`);
  return lines;
}

function hostLines(host: HostPlan): string[] {
  const lines: string[] = [];
  for (const i of host.ifaces) {
    lines.push(`address add ${i.ipv4}/${i.ipv4Len} dev ${i.name}`);
    // nodad: tests must not wait ~1 s for duplicate address detection.
    if (i.ipv6) lines.push(`address add ${i.ipv6}/${i.ipv6Len} dev ${i.name} nodad`);
    lines.push(`link set ${i.name} up`);
  }
  for (const r of host.routes) {
    const v6 = r.via.includes(':');
    const dst = r.dst === 'default' ? (v6 ? '::/0' : '0.0.0.0/0') : r.dst;
    lines.push(`route add ${dst} via ${r.via}`);
  }
  return lines;
}

/**
 * Creates the lab. `onNamespace` runs before each namespace is made, so the state file lists it
 * even if we crash right after.
 */
export async function createTopology(plan: LabPlan, onNamespace: (netns: string) => void): Promise<void> {
  const entries: [string, HostPlan | undefined][] = [
    [plan.switchNetns, undefined],
    ...plan.hosts.map((h): [string, HostPlan] => [h.netns, h]),
  ];
  for (const [netns] of entries) onNamespace(netns);
  // The first `ip netns add` may create and mount /run/netns; do it alone, then the rest in parallel.
  await addNamespace(plan, entries[0][0], entries[0][1]);
  await Promise.all(entries.slice(1).map(([ns, h]) => addNamespace(plan, ns, h)));

  // Bridge (no STP, no multicast snooping: frames, ARP and NDP just flood) and the veths into it;
  // each node's veth to its pod host is made inside the node namespace.
  const swLines = [`link add ${plan.bridge} type bridge stp_state 0 mcast_snooping 0`, `link set ${plan.bridge} up`];
  const byNetns = new Map<string, string[]>([[plan.switchNetns, swLines]]);
  for (const w of plan.wires) {
    const lines = byNetns.get(w.aNetns) ?? [];
    lines.push(...wireLines(w, plan.bridge));
    byNetns.set(w.aNetns, lines);
  }
  await Promise.all([...byNetns].map(([ns, lines]) => ipBatch(ns, lines)));
  await Promise.all(plan.hosts.map((h) => ipBatch(h.netns, hostLines(h))));
  if (!(await waitFor(async () => (await Promise.all(plan.hosts.map(allLinksUp))).every(Boolean), 5000))) {
    throw new Error('lab interfaces did not come up within 5 s');
  }
}

/** veth carrier follows its peer; callers' first packet must not race it. */
async function allLinksUp(host: HostPlan): Promise<boolean> {
  const r = await runCmd(['ip', '-n', host.netns, '-j', 'link', 'show']);
  if (r.code !== 0) return false;
  const links: unknown = JSON.parse(r.stdout || '[]');
  return (
    Array.isArray(links) &&
    host.ifaces.every((i) =>
      links.some(
        (l: unknown) =>
          typeof l === 'object' &&
          l !== null &&
          'ifname' in l &&
          'operstate' in l &&
          l.ifname === i.name &&
          l.operstate === 'UP',
      ),
    )
  );
}
