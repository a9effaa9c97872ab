/**
 * ironlb-speaker in BGP mode against a real BIRD 2 router: three speakers peer with the router over IPv4 and IPv6,
 * a Service's IP reaches the router as a host route with three next hops (ECMP into the router's kernel), the
 * client's route to the VIP goes via the router, a cordoned node withdraws, the Service's deletion withdraws
 * everywhere, and a speaker's SIGTERM keeps the router's route (graceful restart).
 */
import { labTestGate } from '../lab/testGate';
import { endpointSliceYaml } from '../testing/ironlbYaml';
import { routerFib, routerRoutes } from '../lab/routerQueries';
import { bgpConfigYaml, bgpServiceYaml, hostRoute, routerNextHopNodes } from '../testing/bgpLab';
import { until } from '../testing/controllerProcess';
import { serviceIPOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';

const BGP_CONFIG = bgpConfigYaml({
  peerSpec: '  holdTime: 9s\n  enableGracefulRestart: true\n',
  communities: ['64512:100'],
});
const service = bgpServiceYaml;

const endpointSlice = endpointSliceYaml;

labTestGate('ironlb-speaker, BGP mode with BIRD', () => {
  let l: SpeakerLab;
  const hopsAtRouter = (ip: string): Promise<string[]> => routerNextHopNodes(l.lab, ip);
  const nextHopsBecome = (ip: string, want: string[]): Promise<string[]> =>
    until(
      () => hopsAtRouter(ip),
      (h) => h.join(',') === want.join(','),
      () => l.logs(),
    );

  beforeAll(async () => {
    l = await startSpeakerLab({ prefix: `ilbbgp${process.pid % 10000}`, bgp: { gracefulRestartSec: 60 } });
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

  it('advertises a Local-policy Service only from the nodes with a ready endpoint, following the endpoint', async () => {
    await l.ok(['apply', '-f', '-'], service('local4', 'IPv4', '  externalTrafficPolicy: Local\n'));
    const ip = await serviceIPOf(l, 'local4');
    await l.ok(['apply', '-f', '-'], endpointSlice('local4', 'node2'));
    expect(await nextHopsBecome(ip, ['node2'])).toEqual(['node2']);
    await l.ok(['apply', '-f', '-'], endpointSlice('local4', 'node3'));
    expect(await nextHopsBecome(ip, ['node3'])).toEqual(['node3']);
    await l.ok(['delete', 'service', 'local4']);
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
    const described = await l.ok(['describe', 'service', 'web4']);
    for (const node of ['node1', 'node2', 'node3'])
      expect(described).toContain(`announcing from node "${node}" with protocol "bgp"`);
    const ip6 = await serviceIPOf(l, 'web6');
    await l.ok(['delete', 'service', 'web6']);
    expect(await nextHopsBecome(ip6, [])).toEqual([]);
  }, 120_000);
});
