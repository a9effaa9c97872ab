/**
 * ironlb-speaker's BFD with real routers: BIRD and FRR (bfdd) run BFD at 100 ms x 3 with every node, the BGP
 * sessions keep a 90 s hold time and graceful restart, and a node whose link goes down is dropped from the VIP's
 * next hops by BFD: long before the hold timer or the restart time could (without BFD the router keeps the path for
 * 90 s, or for the restart time).
 */
import { labTestGate } from '../lab/testGate';
import { routerBfdSessions } from '../lab/routerQueries';
import type { RouterKind } from '../lab/plan';
import { until } from '../testing/controllerProcess';
import { bgpConfigYaml, bgpServiceYaml, routerNextHopNodes, BFD_PROFILE_FAST as BFD_PROFILE } from '../testing/bgpLab';
import { serviceIPOf, startSpeakerLab, type SpeakerLab } from '../testing/speakerLab';

/** Long enough that only BFD can explain a drop within the test's wait. */
const HOLD = '  holdTime: 90s\n  enableGracefulRestart: true\n  bfdProfile: fast\n';

describe.each<RouterKind>(['bird', 'frr'])('ironlb-speaker BFD with %s', (router) => {
  labTestGate(
    `BFD with ${router}`,
    () => {
      let l: SpeakerLab;
      beforeAll(async () => {
        l = await startSpeakerLab({
          prefix: `ilbbfd${router[0]}${process.pid % 1000}`,
          nodes: 2,
          router,
          bgp: { bfd: { intervalMs: 100, multiplier: 3 }, gracefulRestartSec: 120, holdTimeSec: 90, errorWaitSec: 2 },
        });
        await l.ok(['apply', '-f', '-'], bgpConfigYaml({ peerSpec: HOLD, extra: BFD_PROFILE }));
      }, 120_000);
      afterAll(async () => {
        await l?.stop();
      });

      it('brings BFD up with every node and advertises the VIP from both', async () => {
        await l.ok(['apply', '-f', '-'], bgpServiceYaml('web', 'IPv4'));
        const ip = await serviceIPOf(l, 'web');
        await until(
          () => routerNextHopNodes(l.lab, ip),
          (h) => h.join(',') === 'node1,node2',
          () => l.logs(),
        );
        // Every node's BFD session Up before any link goes down: a node without one is dropped only at the hold time.
        const addresses = l.lab.plan.hosts.filter((h) => h.role === 'node').map((h) => h.ifaces[0].ipv4);
        const sessions = await until(
          () => routerBfdSessions(l.lab),
          (s) => addresses.every((a) => s[a] === 'Up'),
          () => l.logs(),
        );
        for (const a of addresses) expect(sessions[a]).toBe('Up');
      }, 120_000);

      it('drops a node whose link goes down well within the hold time, graceful restart notwithstanding', async () => {
        const ip = await serviceIPOf(l, 'web');
        await l.lab.setLink('node2', false);
        try {
          // Given up after 20 s: far below the 90 s hold time and the 120 s restart time, so only BFD can drop it.
          expect(
            await until(
              () => routerNextHopNodes(l.lab, ip),
              (h) => h.join(',') === 'node1',
              () => l.logs(),
              20_000,
            ),
          ).toEqual(['node1']);
        } finally {
          await l.lab.setLink('node2', true);
        }
        await until(
          () => routerNextHopNodes(l.lab, ip),
          (h) => h.join(',') === 'node1,node2',
          () => l.logs(),
        );
      }, 180_000);
    },
    [router],
  );
});
