/**
 * ironlb-speaker in BGP mode against a real BIRD 2 router: three speakers peer with the router over IPv4 and IPv6,
 * a Service's IP reaches the router as a host route with three next hops (ECMP into the router's kernel), the
 * client's route to the VIP goes via the router, a cordoned node withdraws, the Service's deletion withdraws
 * everywhere, and a speaker's SIGTERM keeps the router's route (graceful restart).
 */
import { labTestGate } from '../lab/testGate';
import { routerFib, routerRoutes } from '../lab/routerQueries';
import { nextHopsOf } from '../lab/routerRoutesParse';
import { until } from '../testing/controllerProcess';
import { serviceIPOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';

const BGP_CONFIG = `apiVersion: ironlb.io/v1beta1
kind: IPAddressPool
metadata:
  name: bgp
  namespace: ironlb-system
spec:
  addresses: [203.0.113.128/25, 2001:db8:200::/64]
---
apiVersion: ironlb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: bgp
  namespace: ironlb-system
spec:
  ipAddressPools: [bgp]
  communities: ["64512:100"]
---
apiVersion: ironlb.io/v1beta1
kind: BGPPeer
metadata:
  name: router-v4
  namespace: ironlb-system
spec:
  myASN: 64513
  peerASN: 64512
  peerAddress: 198.51.100.1
  holdTime: 9s
  enableGracefulRestart: true
---
apiVersion: ironlb.io/v1beta1
kind: BGPPeer
metadata:
  name: router-v6
  namespace: ironlb-system
spec:
  myASN: 64513
  peerASN: 64512
  peerAddress: 2001:db8:1::1
  holdTime: 9s
  enableGracefulRestart: true
`;

const service = (name: string, family: 'IPv4' | 'IPv6'): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  annotations:
    metallb.io/address-pool: bgp
spec:
  type: LoadBalancer
  ipFamilyPolicy: SingleStack
  ipFamilies: [${family}]
  selector:
    app: ${name}
  ports:
    - port: 80
`;

const hostRoute = (ip: string): string => (ip.includes(':') ? `${ip}/128` : `${ip}/32`);

labTestGate('ironlb-speaker, BGP mode with BIRD', () => {
  let l: SpeakerLab;
  const nodeAddress = new Map<string, string>();

  const hopsAtRouter = async (ip: string): Promise<string[]> => {
    const routes = await routerRoutes(l.lab, hostRoute(ip));
    const r = routes.find((x) => x.prefix === hostRoute(ip));
    return r ? nextHopsOf(r).map((h) => nodeAddress.get(h) ?? h) : [];
  };
  const nextHopsBecome = (ip: string, want: string[]): Promise<string[]> =>
    until(
      () => hopsAtRouter(ip),
      (h) => h.join(',') === want.join(','),
      () => l.logs(),
    );

  beforeAll(async () => {
    l = await startSpeakerLab({ prefix: `ilbbgp${process.pid % 10000}`, bgp: { gracefulRestartSec: 60 } });
    for (const h of l.lab.plan.hosts) {
      if (h.role !== 'node') continue;
      nodeAddress.set(h.ifaces[0].ipv4, h.name);
      if (h.ifaces[0].ipv6) nodeAddress.set(h.ifaces[0].ipv6, h.name);
    }
    await l.ok(['apply', '-f', '-'], BGP_CONFIG);
  }, 120_000);

  afterAll(async () => {
    await l?.stop();
  });

  it('advertises an IPv4 and an IPv6 Service from every node; the router installs three next hops', async () => {
    await l.ok(['apply', '-f', '-'], `${service('web4', 'IPv4')}---\n${service('web6', 'IPv6')}`);
    const ip4 = await serviceIPOf(l, 'web4');
    const ip6 = await serviceIPOf(l, 'web6');
    expect(await nextHopsBecome(ip4, ['node1', 'node2', 'node3'])).toEqual(['node1', 'node2', 'node3']);
    expect(await nextHopsBecome(ip6, ['node1', 'node2', 'node3'])).toEqual(['node1', 'node2', 'node3']);
    const routes = await routerRoutes(l.lab, hostRoute(ip4));
    for (const p of routes[0].paths) expect(p.communities).toContain('64512:100');
    const fib = await until(
      () => routerFib(l.lab, hostRoute(ip4)),
      (hops) => hops.length === 3,
      () => l.logs(),
    );
    expect(fib).toHaveLength(3);
  }, 120_000);

  it('withdraws from a cordoned node first, and advertises again once uncordoned', async () => {
    const ip4 = await serviceIPOf(l, 'web4');
    await l.ok(['cordon', 'node2']);
    expect(await nextHopsBecome(ip4, ['node1', 'node3'])).toEqual(['node1', 'node3']);
    await l.ok(['uncordon', 'node2']);
    expect(await nextHopsBecome(ip4, ['node1', 'node2', 'node3'])).toEqual(['node1', 'node2', 'node3']);
  }, 120_000);

  it('keeps the route through a speaker restart (SIGTERM, graceful restart), then refreshes it', async () => {
    const ip4 = await serviceIPOf(l, 'web4');
    await l.killSpeaker('node3', 'SIGTERM');
    // Once the router has seen node3's session close, it keeps node3's path as stale and goes on forwarding.
    await until(
      () => l.lab.routerStatus(),
      (st) => st.sessions.some((x) => x.name === 'node3' && x.state !== 'Established'),
      () => l.logs(),
    );
    expect(await hopsAtRouter(ip4)).toEqual(['node1', 'node2', 'node3']);
    expect(await routerFib(l.lab, hostRoute(ip4))).toHaveLength(3);
    l.startSpeaker('node3');
    expect(await nextHopsBecome(ip4, ['node1', 'node2', 'node3'])).toEqual(['node1', 'node2', 'node3']);
  }, 120_000);

  it('withdraws everywhere when the Service goes, and says which peers carry it in ServiceBGPStatus', async () => {
    const status = await until(
      () => l.ok(['get', 'servicebgpstatuses', '-n', 'ironlb-system', '-o', 'json']),
      (out) => (JSON.parse(out) as { items: unknown[] }).items.length >= 6,
      () => l.logs(),
    );
    expect(status).toContain('router-v4');
    const ip6 = await serviceIPOf(l, 'web6');
    await l.ok(['delete', 'service', 'web6']);
    expect(await nextHopsBecome(ip6, [])).toEqual([]);
  }, 120_000);
});
