// Each router daemon runs with every BGP option on (eBGP multihop, then iBGP after a restart), in its own lab.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allBgpOptions } from './bgpOptions';
import { Lab } from './lab';
import { randomTestPrefix } from './names';
import type { RouterKind } from './plan';
import { frrDir, frrQuery } from './routerDaemon';
import { labTestGate } from './testGate';

/** FRR skips a config line it does not understand and runs on: its running config must show each option. */
async function expectFrrTookEveryLine(lab: Lab, mode: string): Promise<void> {
  const run = await frrQuery(frrDir(lab.dir), 'show running-config');
  expect(run.code).toBe(0);
  for (const line of [
    'neighbor 198.51.100.11 password lab-secret',
    'neighbor 2001:db8:1::12 timers 3 9',
    'neighbor 198.51.100.11 timers connect 1',
    'neighbor 198.51.100.12 bfd profile lab',
    'bgp graceful-restart restart-time 30',
    mode,
  ]) {
    expect(run.stdout).toContain(line);
  }
  expect(run.stdout).toMatch(/address-family ipv6 unicast[^!]*neighbor 198\.51\.100\.11 activate/);
  const bfd = await frrQuery(frrDir(lab.dir), 'show running-config', 'bfdd');
  expect(bfd.stdout).toMatch(/profile lab\n\s+detect-multiplier 4\n\s+transmit-interval 200\n\s+receive-interval 200/);
}

function optionsSuite(router: RouterKind): void {
  describe(router, () => {
    const prefix = randomTestPrefix();
    let lab: Lab | undefined;
    const need = (): Lab => {
      if (!lab) throw new Error('the lab did not come up (see beforeAll)');
      return lab;
    };
    beforeAll(async () => {
      lab = await Lab.up({ nodes: 2, router, prefix, ipv6: true, bgp: allBgpOptions(false) });
    });
    afterAll(async () => {
      await Lab.down(prefix);
    });

    test(`${router} runs with every option on, eBGP multihop`, async () => {
      const st = await need().routerStatus();
      expect(st).toMatchObject({ daemon: router, up: true });
      expect(st.sessions.map((s) => s.name).sort()).toEqual(['node1', 'node1_v6', 'node2', 'node2_v6']);
      expect(need().plan.nodeAsn).toBe(64513);
      if (router === 'frr') await expectFrrTookEveryLine(need(), 'ebgp-multihop 2');
    });

    test(`${router} restarts with every option on, iBGP`, async () => {
      await need().restartRouter(allBgpOptions(true));
      const st = await need().routerStatus();
      expect(st).toMatchObject({ daemon: router, up: true });
      expect(st.sessions).toHaveLength(4);
      expect(need().plan.nodeAsn).toBe(64512);
      expect(Lab.attach(prefix).plan.nodeAsn).toBe(64512);
      if (router === 'frr') await expectFrrTookEveryLine(need(), 'maximum-paths ibgp 8');
    });

    test('down removes it', async () => {
      const r = await need().down();
      expect(r.survivors).toEqual([]);
      expect(fs.existsSync(path.join('/run/netns', `${prefix}-router`))).toBe(false);
    });
  });
}

labTestGate(
  'lab routers with every BGP option',
  () => {
    optionsSuite('bird');
    optionsSuite('frr');
    optionsSuite('gobgp');
  },
  ['bird', 'frr', 'gobgp'],
);
