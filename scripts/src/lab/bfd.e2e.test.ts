// ironlb's BFD (speaker/src/bgp/bfd, BfdSessions in its worker thread) against BIRD 2 and FRR bfdd, each in its own
// pair of network namespaces joined by a veth: ironlb in `<prefix>-node1` (198.51.100.1), the router daemon in
// `<prefix>-router` (198.51.100.2). ironlb runs as scripts/dist/testing/bfdPeer.js under `ip netns exec` (compiled:
// `npx tsc -b` first). Assertions are about states; the waits are generous bounds, never measured thresholds.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { randomTestPrefix } from './names';
import { inNetns, mustRun, runCmd, waitFor } from './sh';
import { labTestGate } from './testGate';
import { repoRoot } from '../tools';

const NODE = '198.51.100.1';
const ROUTER = '198.51.100.2';
const PEER_TOOL = path.join(repoRoot, 'scripts', 'dist', 'testing', 'bfdPeer.js');
const WAIT_MS = 15_000;

interface PeerEvent {
  readonly event: string;
  readonly change?: { from: string; to: string; diag: number };
  readonly sessions?: { state: string; txIntervalMs: number; detectionTimeMs: number; remoteDiscriminator: number }[];
  readonly message?: string;
}

/** ironlb's end: the bfdPeer child (its pid is node's: `ip netns exec` execs) and the events it printed. */
class Peer {
  readonly events: PeerEvent[] = [];
  private readonly exited: Promise<void>;

  constructor(
    readonly child: ChildProcess & { pid: number },
    private readonly stderr: string[] = [],
  ) {
    readline.createInterface({ input: child.stdout! }).on('line', (l) => this.events.push(JSON.parse(l) as PeerEvent));
    child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  static start(netns: string, profile: object): Peer {
    const arg = JSON.stringify({
      peers: [{ peerAddress: ROUTER, localAddress: NODE, multihop: false }],
      profile: { name: 'lab', echoIntervalMs: 50, echoMode: false, passiveMode: false, minimumTtl: 254, ...profile },
    });
    const [cmd, ...args] = inNetns(netns, [process.execPath, PEER_TOOL, arg]);
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error('could not start bfdPeer');
    return new Peer(child as ChildProcess & { pid: number });
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  async next(what: string, ok: (e: PeerEvent) => boolean, from = 0): Promise<PeerEvent> {
    let found: PeerEvent | undefined;
    const seen = await waitFor(async () => (found = this.events.slice(from).find(ok)) !== undefined, WAIT_MS, 20);
    if (!seen || !found) throw new Error(`bfdPeer: no ${what}; events ${JSON.stringify(this.events)} ${this.stderr}`);
    return found;
  }

  async info(): Promise<NonNullable<PeerEvent['sessions']>[number]> {
    const from = this.events.length;
    this.send('info');
    const e = await this.next('info', (x) => x.event === 'info', from);
    return e.sessions![0];
  }

  stateChanges(from = 0): string[] {
    return this.events
      .slice(from)
      .flatMap((e) => (e.change ? [`${e.change.from}->${e.change.to} ${e.change.diag}`] : []));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(this.child.pid, signal);
    await this.exited;
  }
}

/** Two namespaces and a veth between them; deleted in afterAll even when a step failed. */
function pairSuite(
  router: 'bird' | 'frr',
  body: (ctx: { netns: (host: 'node1' | 'router') => string; dir: string; prefix: string }) => void,
): void {
  describe(router, () => {
    const prefix = randomTestPrefix();
    const netns = (host: 'node1' | 'router'): string => `${prefix}-${host}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    // FRR drops to user frr, which must reach its directory inside this one.
    fs.chmodSync(dir, 0o755);
    beforeAll(async () => {
      await mustRun(['ip', 'netns', 'add', netns('node1')]);
      await mustRun(['ip', 'netns', 'add', netns('router')]);
      await mustRun(
        ['ip', 'link', 'add', `${prefix}-n0`, 'netns', netns('node1'), 'type', 'veth', 'peer', 'name'].concat([
          `${prefix}-r0`,
          'netns',
          netns('router'),
        ]),
      );
      for (const [host, ip, dev] of [
        ['node1', NODE, `${prefix}-n0`],
        ['router', ROUTER, `${prefix}-r0`],
      ] as const) {
        await mustRun(['ip', '-n', netns(host), 'addr', 'add', `${ip}/24`, 'dev', dev]);
        await mustRun(['ip', '-n', netns(host), 'link', 'set', 'lo', 'up']);
        await mustRun(['ip', '-n', netns(host), 'link', 'set', dev, 'up']);
      }
    });
    afterAll(async () => {
      for (const host of ['node1', 'router'] as const) await runCmd(['ip', 'netns', 'del', netns(host)]);
      fs.rmSync(dir, { recursive: true, force: true });
      const left = (await runCmd(['ip', 'netns', 'list'])).stdout;
      expect(left).not.toContain(prefix);
    });
    body({ netns, dir, prefix });
  });
}

/** A router daemon started by us in the router namespace, stopped by its own pid. */
function daemon(argv: string[], logFile: string): { child: ChildProcess & { pid: number }; stop(): Promise<void> } {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child: child as ChildProcess & { pid: number },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

interface BirdBfdRow {
  state: string;
  since: string;
  interval: string;
  timeout: string;
}

async function birdSession(sock: string): Promise<BirdBfdRow | undefined> {
  const out = (await runCmd(['birdc', '-s', sock, 'show', 'bfd', 'sessions'])).stdout;
  const line = out.split('\n').find((l) => l.startsWith(NODE));
  if (!line) return undefined;
  const [, , state, since, interval, timeout] = line.trim().split(/\s+/);
  return { state, since, interval, timeout };
}

labTestGate(
  'BFD with BIRD and FRR bfdd',
  () => {
    pairSuite('bird', ({ netns, dir, prefix }) => {
      const sock = path.join(dir, 'bird.ctl');
      let bird: ReturnType<typeof daemon> | undefined;
      let peer: Peer | undefined;
      const need = (): Peer => {
        if (!peer) throw new Error('bfdPeer did not start');
        return peer;
      };

      beforeAll(async () => {
        fs.writeFileSync(
          path.join(dir, 'bird.conf'),
          [
            'log stderr all;',
            `router id ${ROUTER};`,
            'protocol device {}',
            'protocol bfd {',
            '  interface "*" { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; };',
            `  neighbor ${NODE};`,
            '}',
            '',
          ].join('\n'),
        );
        bird = daemon(
          inNetns(netns('router'), ['bird', '-f', '-c', path.join(dir, 'bird.conf'), '-s', sock]),
          path.join(dir, 'bird.log'),
        );
        expect(await waitFor(async () => (await birdSession(sock)) !== undefined, WAIT_MS)).toBe(true);
        peer = Peer.start(netns('node1'), { receiveIntervalMs: 100, transmitIntervalMs: 100, detectMultiplier: 3 });
      });

      afterAll(async () => {
        await peer?.stop('SIGKILL');
        await bird?.stop();
      });

      test('the session comes Up with the intervals negotiated on both ends', async () => {
        await need().next('Up', (e) => e.change?.to === 'up');
        expect(await waitFor(async () => (await birdSession(sock))?.state === 'Up', WAIT_MS)).toBe(true);
        // After BIRD's poll: 100 ms each way, detection 3 x 100 ms.
        expect(await waitFor(async () => (await need().info()).txIntervalMs === 100, WAIT_MS)).toBe(true);
        expect(await need().info()).toMatchObject({ state: 'up', txIntervalMs: 100, detectionTimeMs: 300 });
        expect(await waitFor(async () => (await birdSession(sock))?.interval === '0.100', WAIT_MS)).toBe(true);
        expect(await birdSession(sock)).toMatchObject({ state: 'Up', interval: '0.100', timeout: '0.300' });
      });

      test('a main thread blocked for longer than the detection time does not drop the session', async () => {
        const before = await birdSession(sock);
        const from = need().events.length;
        need().send('block 1500');
        await need().next('unblocked', (e) => e.event === 'unblocked', from);
        expect(need().stateChanges(from)).toEqual([]);
        // BIRD's "since" would change had its session gone down and up again.
        expect(await birdSession(sock)).toEqual(before);
      });

      test('the link going down brings our session Down (detection time expired), and back Up after', async () => {
        const from = need().events.length;
        await mustRun(['ip', '-n', netns('router'), 'link', 'set', `${prefix}-r0`, 'down']);
        await need().next('Down', (e) => e.change?.to === 'down', from);
        expect(need().stateChanges(from)[0]).toBe('up->down 1');
        await mustRun(['ip', '-n', netns('router'), 'link', 'set', `${prefix}-r0`, 'up']);
        await need().next('Up again', (e) => e.change?.to === 'up', from);
        expect(await waitFor(async () => (await birdSession(sock))?.state === 'Up', WAIT_MS)).toBe(true);
      });

      test('BIRD marks its session down when ironlb stops sending', async () => {
        await need().stop('SIGKILL');
        expect(await waitFor(async () => (await birdSession(sock))?.state === 'Down', WAIT_MS)).toBe(true);
      });
    });

    pairSuite('frr', ({ netns, dir }) => {
      const frr = path.join(dir, 'frr');
      let bfdd: ReturnType<typeof daemon> | undefined;
      let peer: Peer | undefined;
      const need = (): Peer => {
        if (!peer) throw new Error('bfdPeer did not start');
        return peer;
      };
      interface FrrPeer {
        status: string;
        diagnostic: string;
        'remote-diagnostic': string;
        'remote-receive-interval': number;
        'remote-transmit-interval': number;
        'remote-detect-multiplier': number;
      }
      const frrPeer = async (): Promise<FrrPeer | undefined> => {
        const r = await runCmd(['vtysh', '--vty_socket', frr, '-d', 'bfdd', '-c', 'show bfd peers json']);
        if (r.code !== 0) return undefined;
        const peers = JSON.parse(r.stdout) as (FrrPeer & { peer: string })[];
        return peers.find((p) => p.peer === NODE);
      };

      beforeAll(async () => {
        fs.mkdirSync(frr);
        fs.writeFileSync(
          path.join(frr, 'bfdd.conf'),
          [
            'frr defaults traditional',
            'log stdout informational',
            'bfd',
            ` peer ${NODE} local-address ${ROUTER}`,
            '  receive-interval 100',
            '  transmit-interval 100',
            '  detect-multiplier 3',
            ' !',
            '!',
            '',
          ].join('\n'),
        );
        const ids = (await mustRun(['id', '-u', 'frr'])).trim();
        const gid = (await mustRun(['id', '-g', 'frr'])).trim();
        for (const f of ['', 'bfdd.conf']) fs.chownSync(path.join(frr, f), Number(ids), Number(gid));
        bfdd = daemon(
          inNetns(netns('router'), [
            '/usr/lib/frr/bfdd',
            '-f',
            path.join(frr, 'bfdd.conf'),
            '-i',
            path.join(frr, 'bfdd.pid'),
            '-z',
            path.join(frr, 'zserv.api'),
            '--vty_socket',
            frr,
            '-u',
            'frr',
            '-g',
            'frr',
          ]),
          path.join(dir, 'bfdd.log'),
        );
        expect(await waitFor(async () => (await frrPeer()) !== undefined, WAIT_MS)).toBe(true);
        peer = Peer.start(netns('node1'), { receiveIntervalMs: 150, transmitIntervalMs: 120, detectMultiplier: 4 });
      });

      afterAll(async () => {
        await peer?.stop('SIGKILL');
        await bfdd?.stop();
      });

      test('the session comes Up; each end holds the other one timers', async () => {
        await need().next('Up', (e) => e.change?.to === 'up');
        expect(await waitFor(async () => (await frrPeer())?.status === 'up', WAIT_MS)).toBe(true);
        expect(await frrPeer()).toMatchObject({
          'remote-receive-interval': 150,
          'remote-transmit-interval': 120,
          'remote-detect-multiplier': 4,
        });
        // Ours: TX max(120, FRR's RX 100) = 120; detection 3 x max(our RX 150, FRR's TX 100) = 450.
        expect(await waitFor(async () => (await need().info()).txIntervalMs === 120, WAIT_MS)).toBe(true);
        expect(await need().info()).toMatchObject({ state: 'up', txIntervalMs: 120, detectionTimeMs: 450 });
      });

      test('removing our session tells FRR AdminDown', async () => {
        need().send('remove');
        await need().next('removed', (e) => e.event === 'removed');
        expect(await waitFor(async () => (await frrPeer())?.status === 'down', WAIT_MS)).toBe(true);
        expect(await frrPeer()).toMatchObject({ 'remote-diagnostic': 'administratively down' });
      });

      test('FRR marks a session down by detection time when ironlb stops sending', async () => {
        await need().stop('SIGKILL');
        peer = Peer.start(netns('node1'), { receiveIntervalMs: 100, transmitIntervalMs: 100, detectMultiplier: 3 });
        await need().next('Up', (e) => e.change?.to === 'up');
        expect(await waitFor(async () => (await frrPeer())?.status === 'up', WAIT_MS)).toBe(true);
        await need().stop('SIGKILL');
        expect(await waitFor(async () => (await frrPeer())?.status === 'down', WAIT_MS)).toBe(true);
        expect(await frrPeer()).toMatchObject({ diagnostic: 'control detection time expired' });
      });
    });
  },
  ['bird', 'frr'],
);
