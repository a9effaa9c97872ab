// FRR and GoBGP as the router host's daemon: each comes up in its own lab, answers its own status
// query, and accepts a node's BGP session. The FRR lab also forwards the nodes' kube port (`up` option).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lab } from './lab';
import { startBirdSpeaker, waitEstablished } from './labServices';
import { randomTestPrefix } from './names';
import type { RouterKind } from './plan';
import { labTestGate } from './testGate';

function routerSuite(router: RouterKind, kubeForward: boolean): void {
  describe(router, () => {
    const prefix = randomTestPrefix();
    let lab: Lab | undefined;
    let server: http.Server | undefined;
    const sock = path.join(os.tmpdir(), `${prefix}-kube.sock`);
    const need = (): Lab => {
      if (!lab) throw new Error('the lab did not come up (see beforeAll)');
      return lab;
    };

    beforeAll(async () => {
      if (kubeForward) {
        server = http.createServer((_req, res) => res.end('kube'));
        await new Promise<void>((r) => server?.listen(sock, r));
      }
      lab = await Lab.up({ nodes: 2, router, prefix, ...(kubeForward ? { kubeSocket: sock, kubePort: 16443 } : {}) });
    });

    afterAll(async () => {
      await Lab.down(prefix);
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      fs.rmSync(sock, { force: true });
    });

    test(`${router} is up with a passive session per node`, async () => {
      const st = await need().routerStatus();
      expect(st).toMatchObject({ daemon: router, up: true });
      expect(st.sessions.map((s) => `${s.name} ${s.neighbor}`).sort()).toEqual([
        'node1 198.51.100.11',
        'node2 198.51.100.12',
      ]);
    });

    test(`a node establishes a BGP session with ${router}`, async () => {
      await startBirdSpeaker(need(), 'node2', ['203.0.113.201/32']);
      const st = await waitEstablished(need(), 'node2');
      expect(st.sessions.find((s) => s.name === 'node2')?.established).toBe(true);
    });

    if (kubeForward) {
      test('up --kube-socket forwards every node to the Unix socket', async () => {
        for (const node of ['node1', 'node2']) {
          const r = await need().exec(node, ['socat', '-T', '3', 'STDIO', 'TCP4:127.0.0.1:16443'], {
            input: 'GET / HTTP/1.0\r\n\r\n',
          });
          expect(r.stdout).toContain('kube');
        }
      });
    }

    test('down removes it', async () => {
      const r = await need().down();
      expect(r.survivors).toEqual([]);
      expect(fs.existsSync(path.join('/run/netns', `${prefix}-router`))).toBe(false);
    });
  });
}

labTestGate(
  'lab routers: FRR and GoBGP',
  () => {
    routerSuite('frr', true);
    routerSuite('gobgp', false);
  },
  ['frr', 'gobgp'],
);
