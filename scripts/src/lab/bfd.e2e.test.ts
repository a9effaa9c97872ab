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
import { encodeControl } from '@ironlb/speaker';

const NODE = '198.51.100.1';
const ROUTER = '198.51.100.2';
const MULTIHOP_ROUTER = '203.0.113.2';
const PEER_TOOL = path.join(repoRoot, 'scripts', 'dist', 'testing', 'bfdPeer.js');
const WAIT_MS = 15_000;

interface PeerEvent {
  readonly event: string;
  readonly change?: { from: string; to: string; diag: number };
  readonly counts?: Record<string, number>;
  readonly sessions?: {
    id: number;
    state: string;
    txIntervalMs: number;
    detectionTimeMs: number;
    remoteDiscriminator: number;
  }[];
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

  static start(netns: string, profile: object, peerAddress = ROUTER, multihop = false): Peer {
    const arg = JSON.stringify({
      peers: [{ peerAddress, localAddress: NODE, multihop }],
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

type Host = 'node1' | 'router' | 'sw';

/**
 * ironlb's namespace and the router's, joined by a veth (`hop` false), or through a forwarding namespace `sw`
 * (198.51.100.254 / 203.0.113.254; the router is then 203.0.113.2) for multihop. Deleted in afterAll even when a step
 * failed.
 */
function pairSuite(
  title: string,
  hop: boolean,
  body: (ctx: { netns: (host: Host) => string; dir: string; prefix: string }) => void,
): void {
  describe(title, () => {
    const prefix = randomTestPrefix();
    const netns = (host: Host): string => `${prefix}-${host}`;
    const hosts: Host[] = hop ? ['node1', 'sw', 'router'] : ['node1', 'router'];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    // FRR drops to user frr, which must reach its directory inside this one.
    fs.chmodSync(dir, 0o755);
    const ip = (host: Host, ...args: string[]): Promise<string> => mustRun(['ip', '-n', netns(host), ...args]);
    const link = async (a: Host, aDev: string, aIp: string, b: Host, bDev: string, bIp: string): Promise<void> => {
      await mustRun(
        ['ip', 'link', 'add', aDev, 'netns', netns(a), 'type', 'veth', 'peer', 'name', bDev, 'netns'].concat([
          netns(b),
        ]),
      );
      await ip(a, 'addr', 'add', aIp, 'dev', aDev);
      await ip(b, 'addr', 'add', bIp, 'dev', bDev);
      await ip(a, 'link', 'set', aDev, 'up');
      await ip(b, 'link', 'set', bDev, 'up');
    };
    beforeAll(async () => {
      for (const h of hosts) {
        await mustRun(['ip', 'netns', 'add', netns(h)]);
        await ip(h, 'link', 'set', 'lo', 'up');
      }
      if (!hop) {
        await link('node1', `${prefix}-n0`, `${NODE}/24`, 'router', `${prefix}-r0`, `${ROUTER}/24`);
        return;
      }
      await link('node1', `${prefix}-n0`, `${NODE}/24`, 'sw', `${prefix}-s0`, '198.51.100.254/24');
      await link('sw', `${prefix}-s1`, '203.0.113.254/24', 'router', `${prefix}-r0`, `${MULTIHOP_ROUTER}/24`);
      await mustRun(inNetns(netns('sw'), ['sysctl', '-qw', 'net.ipv4.ip_forward=1']));
      await ip('node1', 'route', 'add', '203.0.113.0/24', 'via', '198.51.100.254');
      await ip('router', 'route', 'add', '198.51.100.0/24', 'via', '203.0.113.254');
    });
    afterAll(async () => {
      for (const h of hosts) await runCmd(['ip', 'netns', 'del', netns(h)]);
      fs.rmSync(dir, { recursive: true, force: true });
      const left = (await runCmd(['ip', 'netns', 'list'])).stdout;
      expect(left).not.toContain(prefix);
    });
    body({ netns, dir, prefix });
  });
}

interface FrrPeer {
  status: string;
  diagnostic: string;
  'remote-diagnostic': string;
  'remote-receive-interval': number;
  'remote-transmit-interval': number;
  'remote-detect-multiplier': number;
  multihop: boolean;
}

/** FRR's bfdd alone (no zebra: BFD needs none for static peers) with `peerLines` under `bfd`, in `netns`. */
async function startBfdd(
  netns: string,
  dir: string,
  peerLines: string[],
): Promise<{ stop(): Promise<void>; peer(): Promise<FrrPeer | undefined> }> {
  const frr = path.join(dir, 'frr');
  fs.mkdirSync(frr);
  fs.writeFileSync(
    path.join(frr, 'bfdd.conf'),
    ['frr defaults traditional', 'log stdout informational', 'bfd', ...peerLines, '!', ''].join('\n'),
  );
  const uid = Number((await mustRun(['id', '-u', 'frr'])).trim());
  const gid = Number((await mustRun(['id', '-g', 'frr'])).trim());
  for (const f of ['', 'bfdd.conf']) fs.chownSync(path.join(frr, f), uid, gid);
  const d = daemon(
    inNetns(netns, [
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
  const peer = async (): Promise<FrrPeer | undefined> => {
    const r = await runCmd(['vtysh', '--vty_socket', frr, '-d', 'bfdd', '-c', 'show bfd peers json']);
    if (r.code !== 0) return undefined;
    const peers = JSON.parse(r.stdout) as (FrrPeer & { peer: string })[];
    return peers.find((p) => p.peer === NODE);
  };
  if (!(await waitFor(async () => (await peer()) !== undefined, WAIT_MS))) {
    await d.stop();
    throw new Error(`bfdd did not come up: ${fs.readFileSync(path.join(dir, 'bfdd.log'), 'utf8')}`);
  }
  return { stop: d.stop, peer };
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
    pairSuite('bird', false, ({ netns, dir, prefix }) => {
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

      test('GTSM: a forged AdminDown from the router address with TTL 254 is dropped; the session stays Up', async () => {
        const { id } = await need().info();
        const forged = encodeControl({
          diag: 7,
          state: 'adminDown',
          poll: false,
          final: false,
          cpi: false,
          demand: false,
          detectMult: 3,
          myDiscriminator: 1,
          yourDiscriminator: id,
          desiredMinTxUs: 1_000_000,
          requiredMinRxUs: 1_000_000,
          requiredMinEchoRxUs: 0,
        }).toString('hex');
        const from = need().events.length;
        const send = [
          'import socket, sys',
          's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
          's.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 254)',
          `s.bind(('${ROUTER}', 0))`,
          `for _ in range(3): s.sendto(bytes.fromhex(sys.argv[1]), ('${NODE}', 3784))`,
        ].join('\n');
        await mustRun(inNetns(netns('router'), ['python3', '-c', send, forged]));
        await need().next('a ttl drop', (e) => (e.counts?.ttl ?? 0) >= 3, from);
        expect(need().stateChanges(from)).toEqual([]);
        expect((await need().info()).state).toBe('up');
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

    pairSuite('frr', false, ({ netns, dir }) => {
      let bfdd: Awaited<ReturnType<typeof startBfdd>> | undefined;
      let peer: Peer | undefined;
      const need = (): Peer => {
        if (!peer) throw new Error('bfdPeer did not start');
        return peer;
      };
      const frrPeer = (): Promise<FrrPeer | undefined> => bfdd?.peer() ?? Promise.resolve(undefined);

      beforeAll(async () => {
        bfdd = await startBfdd(netns('router'), dir, [
          ` peer ${NODE} local-address ${ROUTER}`,
          '  receive-interval 100',
          '  transmit-interval 100',
          '  detect-multiplier 3',
          ' !',
        ]);
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

    pairSuite('frr multihop (RFC 5883, one router between)', true, ({ netns, dir }) => {
      let bfdd: Awaited<ReturnType<typeof startBfdd>> | undefined;
      let peer: Peer | undefined;

      beforeAll(async () => {
        bfdd = await startBfdd(netns('router'), dir, [
          ` peer ${NODE} multihop local-address ${MULTIHOP_ROUTER}`,
          '  receive-interval 100',
          '  transmit-interval 100',
          '  detect-multiplier 3',
          ' !',
        ]);
        peer = Peer.start(
          netns('node1'),
          { receiveIntervalMs: 100, transmitIntervalMs: 100, detectMultiplier: 3 },
          MULTIHOP_ROUTER,
          true,
        );
      });

      afterAll(async () => {
        await peer?.stop('SIGKILL');
        await bfdd?.stop();
      });

      test('the multihop session comes Up on port 4784 through the forwarding namespace', async () => {
        if (!peer || !bfdd) throw new Error('setup failed');
        const b = bfdd;
        await peer.next('Up', (e) => e.change?.to === 'up');
        expect(await waitFor(async () => (await b.peer())?.status === 'up', WAIT_MS)).toBe(true);
        expect(await b.peer()).toMatchObject({ multihop: true, 'remote-receive-interval': 100 });
        await peer.stop('SIGKILL');
        expect(await waitFor(async () => (await b.peer())?.status === 'down', WAIT_MS)).toBe(true);
      });
    });
  },
  ['bird', 'frr'],
);
