/**
 * connectBgp and listenBgp for real, in two network namespaces joined by a veth pair: "spk" runs the compiled probe
 * (probe.ts: our sockets), "rtr" runs BIRD 2 with TCP-MD5 sessions, passive toward spk's .1 / ::1 and active toward
 * spk's listener on .3 / ::3 port 1790. Sessions are checked at the TCP level: a hand-made OPEN goes out
 * and BIRD's OPEN comes back. What the kernel refuses (bad or missing MD5, too small a TTL) is shown by its own
 * counters in /proc/net/netstat (TcpExt TCPMD5Failure, TCPMD5NotFound, TCPMD5Unexpected, TCPMinTTLDrop), not by
 * timing. Jest runs in the root namespace; nothing is added there, and both namespaces go in afterAll.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { promisify } from 'node:util';
import { TCP_ADDON_PATH } from './native';
import type { ConnectOptions, ListenOptions } from './options';

const run = promisify(execFile);
const PROBE_SRC = path.join(__dirname, 'probe.ts');
const PROBE_JS = path.resolve(__dirname, '..', '..', '..', 'dist', 'bgp', 'socket', 'probe.js');

const id = Math.floor(Math.random() * 36 ** 6)
  .toString(36)
  .padStart(6, '0');
const SPK = `ilbsock${id}-spk`;
const RTR = `ilbsock${id}-rtr`;
const PASSWORD = 'md5-lab-secret';
const WRONG = 'not-the-secret';
const RTR_AS = 64512;
const SPK_AS = 64513;
const LISTEN_PORT = 1790;

/** OPEN: marker, length 29, type 1, version 4, AS 64513, hold 90 s, BGP identifier 198.51.100.1, no parameters. */
const OPEN4 = `${'ff'.repeat(16)}001d0104fc01005ac633640100`;
/** The same with one capability, multiprotocol IPv6 unicast (RFC 4760), without which BIRD refuses an IPv6 session. */
const OPEN6 = `${'ff'.repeat(16)}00250104fc01005ac6336401080206010400020001`;
const V4 = {
  open: OPEN4,
  spk: '198.51.100.1',
  spkListen: '198.51.100.3',
  spkGtsm: '198.51.100.4',
  rtr: '198.51.100.2',
};
const V6 = {
  open: OPEN6,
  spk: '2001:db8:5::1',
  spkListen: '2001:db8:5::3',
  spkGtsm: '2001:db8:5::4',
  rtr: '2001:db8:5::2',
};

function birdConfig(): string {
  const channel = (f: 4 | 6): string => `ipv${f} { import all; export none; };`;
  const common = `local as ${RTR_AS}; password "${PASSWORD}";`;
  // Active sessions start disabled: a test enables them once the probe listens.
  const active = 'disabled on; connect delay time 1; connect retry time 2;';
  return [
    'log stderr all;',
    `router id ${V4.rtr};`,
    'protocol device {}',
    `protocol bgp passive4 { ${common} local ${V4.rtr}; neighbor ${V4.spk} as ${SPK_AS}; passive on; ${channel(4)} }`,
    `protocol bgp passive6 { ${common} local ${V6.rtr}; neighbor ${V6.spk} as ${SPK_AS}; passive on; ${channel(6)} }`,
    `protocol bgp gtsm4 { ${common} local ${V4.rtr}; neighbor ${V4.spkGtsm} as ${SPK_AS}; passive on; ttl security on; ${channel(4)} }`,
    `protocol bgp gtsm6 { ${common} local ${V6.rtr}; neighbor ${V6.spkGtsm} as ${SPK_AS}; passive on; ttl security on; ${channel(6)} }`,
    `protocol bgp active4 { ${common} local ${V4.rtr}; neighbor ${V4.spkListen} port ${LISTEN_PORT} as ${SPK_AS}; ${active} ${channel(4)} }`,
    `protocol bgp active6 { ${common} local ${V6.rtr}; neighbor ${V6.spkListen} port ${LISTEN_PORT} as ${SPK_AS}; ${active} ${channel(6)} }`,
    '',
  ].join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

const ip = (args: string[]): Promise<unknown> => run('ip', args);

/** The namespace's TcpExt counters (each namespace has its own /proc/net/netstat). */
async function tcpExt(ns: string): Promise<Record<string, number>> {
  const { stdout } = await run('ip', ['netns', 'exec', ns, 'cat', '/proc/net/netstat']);
  const lines = stdout.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

interface Probe {
  readonly child: ChildProcess & { pid: number };
  readonly lines: string[];
  /** Waits for a line starting with `prefix`; throws with the probe's output when none comes. */
  line(prefix: string, timeoutMs?: number): Promise<string>;
  /** The bytes of every `data` line so far, in order. */
  received(): Buffer;
  tell(line: string): void;
  stop(): Promise<void>;
}

const probes: Probe[] = [];

function startProbe(
  ns: string,
  send: string,
  command: { mode: 'connect'; options: ConnectOptions } | { mode: 'listen'; options: ListenOptions },
): Probe {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, PROBE_JS, JSON.stringify({ ...command, send })], {
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcess & { pid: number };
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  child.stderr!.on('data', (d: Buffer) => lines.push(`stderr ${d.toString().trim()}`));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const probe: Probe = {
    child,
    lines,
    async line(prefix, timeoutMs = 15_000) {
      if (!(await waitFor(() => lines.some((l) => l.startsWith(prefix)), timeoutMs)))
        throw new Error(`no '${prefix}' line from the probe in ${ns}; it said:\n${lines.join('\n')}`);
      return lines.find((l) => l.startsWith(prefix))!;
    },
    received: () =>
      Buffer.concat(lines.filter((l) => l.startsWith('data ')).map((l) => Buffer.from(l.slice(5), 'hex'))),
    tell: (l) => child.stdin!.write(`${l}\n`),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid, 'SIGKILL');
      await exited;
    },
  };
  probes.push(probe);
  return probe;
}

/** The peer's first message must be an OPEN from BIRD: marker, type 1, version 4, BIRD's AS. */
async function expectBirdOpen(p: Probe): Promise<void> {
  await waitFor(() => p.received().length >= 29, 15_000);
  const m = p.received();
  expect({
    marker: m.subarray(0, 16).toString('hex'),
    type: m[18],
    version: m[19],
    as: m.length >= 22 ? m.readUInt16BE(20) : undefined,
  }).toEqual({ marker: 'ff'.repeat(16), type: 1, version: 4, as: RTR_AS });
}

/** The types of the whole BGP messages in `m`, in order (each message's length is at bytes 16-17). */
function messageTypes(m: Buffer): number[] {
  const types: number[] = [];
  for (let at = 0; at + 19 <= m.length; at += m.readUInt16BE(at + 16)) {
    if (m.readUInt16BE(at + 16) < 19) break;
    types.push(m[at + 18]);
  }
  return types;
}

let bird: (ChildProcess & { pid: number }) | undefined;
let birdLog = '';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironlb-socket-e2e-'));
const birdSock = path.join(dir, 'bird.ctl');
const birdc = (args: string[]): Promise<{ stdout: string }> => run('birdc', ['-s', birdSock, ...args]);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const reason = isRoot || process.env.CI === 'true' ? undefined : 'needs root (network namespaces)';

if (reason !== undefined) {
  test(`BGP sockets in network namespaces: not run (${reason})`, () => {
    console.log(`BGP sockets e2e: not run: ${reason}`);
  });
} else {
  describe('BGP sockets (TCP-MD5, GTSM) against BIRD in network namespaces', () => {
    beforeAll(async () => {
      if (!fs.existsSync(TCP_ADDON_PATH) || !fs.existsSync(PROBE_JS)) return; // the first test says what is missing
      await ip(['netns', 'add', SPK]);
      await ip(['netns', 'add', RTR]);
      await ip(['-n', SPK, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', RTR]);
      for (const [ns, addrs] of [
        [
          SPK,
          [V4.spk, V4.spkListen, V4.spkGtsm]
            .map((x) => `${x}/24`)
            .concat([V6.spk, V6.spkListen, V6.spkGtsm].map((x) => `${x}/64`)),
        ],
        [RTR, [`${V4.rtr}/24`, `${V6.rtr}/64`]],
      ] as const) {
        for (const a of addrs)
          await ip(['-n', ns, 'addr', 'add', a, 'dev', 'eth0', ...(a.includes(':') ? ['nodad'] : [])]);
        await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
        await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      }
      const conf = path.join(dir, 'bird.conf');
      fs.writeFileSync(conf, birdConfig());
      bird = spawn('ip', ['netns', 'exec', RTR, '/usr/sbin/bird', '-f', '-c', conf, '-s', birdSock], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }) as ChildProcess & { pid: number };
      bird.stderr!.on('data', (d: Buffer) => (birdLog += d.toString()));
      bird.stdout!.on('data', (d: Buffer) => (birdLog += d.toString()));
      const up = await waitFor(async () => {
        try {
          return (await birdc(['show', 'status'])).stdout.includes('Daemon is up');
        } catch {
          return false;
        }
      }, 10_000);
      if (!up) throw new Error(`bird did not come up:\n${birdLog}`);
    }, 30_000);

    afterAll(async () => {
      // Even when a test failed: every process we started, by its pid, then both namespaces.
      for (const p of probes) await p.stop();
      if (bird && bird.exitCode === null && bird.signalCode === null) {
        const gone = new Promise((r) => bird!.once('exit', r));
        process.kill(bird.pid, 'SIGKILL');
        await gone;
      }
      for (const ns of [SPK, RTR]) await ip(['netns', 'del', ns]).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('the addon and the probe are built', () => {
      expect({ addon: fs.existsSync(TCP_ADDON_PATH), how: 'npm rebuild -w @ironlb/speaker' }).toEqual({
        addon: true,
        how: 'npm rebuild -w @ironlb/speaker',
      });
      expect({ probe: fs.existsSync(PROBE_JS), how: 'npx tsc -b' }).toEqual({ probe: true, how: 'npx tsc -b' });
      expect(fs.statSync(PROBE_JS).mtimeMs).toBeGreaterThanOrEqual(fs.statSync(PROBE_SRC).mtimeMs);
    });

    describe.each([
      ['IPv4', V4],
      ['IPv6', V6],
    ])('%s', (_family, a) => {
      test('connectBgp with the right MD5 password reaches BIRD: OPENs cross', async () => {
        const p = startProbe(SPK, a.open, {
          mode: 'connect',
          options: { peerAddress: a.rtr, sourceAddress: a.spk, md5Password: PASSWORD, ttl: 1 },
        });
        expect(await p.line('connected')).toBe(`connected ${a.spk} ${a.rtr}`);
        await expectBirdOpen(p);
        await p.stop();
      });

      test('device: bound to eth0 it connects; a device that does not exist is ENODEV, before any SYN', async () => {
        const p = startProbe(SPK, a.open, {
          mode: 'connect',
          options: { peerAddress: a.rtr, sourceAddress: a.spk, md5Password: PASSWORD, device: 'eth0', ttl: 1 },
        });
        expect(await p.line('connected')).toBe(`connected ${a.spk} ${a.rtr}`);
        await expectBirdOpen(p);
        await p.stop();
        const none = startProbe(SPK, a.open, {
          mode: 'connect',
          options: { peerAddress: a.rtr, md5Password: PASSWORD, device: 'nosuchdev0' },
        });
        expect(await none.line('error')).toBe('error ENODEV bind to device nosuchdev0: ENODEV (No such device)');
      });

      test.each([
        ['a wrong password', WRONG, 'TCPMD5Failure'],
        ['no password', undefined, 'TCPMD5NotFound'],
      ])("connectBgp with %s: BIRD's kernel drops the SYN, no connection", async (_what, password, counter) => {
        const before = (await tcpExt(RTR))[counter];
        const p = startProbe(SPK, a.open, {
          mode: 'connect',
          options: { peerAddress: a.rtr, sourceAddress: a.spk, md5Password: password, timeoutMs: 3000 },
        });
        const err = await p.line('error');
        expect(err).toMatch(/^error ETIMEDOUT /);
        expect(err).not.toContain(PASSWORD);
        expect(err).not.toContain(WRONG);
        expect((await tcpExt(RTR))[counter]).toBeGreaterThan(before);
        expect(p.lines.some((l) => l.startsWith('connected'))).toBe(false);
      });

      test('GTSM: a listener with minTtl 255 drops a peer sending TTL 1, and takes one sending 255', async () => {
        const l = startProbe(SPK, a.open, {
          mode: 'listen',
          options: { address: a.spkListen, port: LISTEN_PORT + 1, minTtl: 255, ttl: 255 },
        });
        await l.line('listening');
        const before = (await tcpExt(SPK)).TCPMinTTLDrop;
        const low = startProbe(RTR, a.open, {
          mode: 'connect',
          options: { peerAddress: a.spkListen, peerPort: LISTEN_PORT + 1, ttl: 1, timeoutMs: 3000 },
        });
        expect(await low.line('error')).toMatch(/^error ETIMEDOUT /);
        expect((await tcpExt(SPK)).TCPMinTTLDrop).toBeGreaterThan(before);
        expect(l.lines.some((x) => x.startsWith('accepted'))).toBe(false);

        const high = startProbe(RTR, a.open, {
          mode: 'connect',
          options: { peerAddress: a.spkListen, peerPort: LISTEN_PORT + 1, ttl: 255, minTtl: 255 },
        });
        expect(await high.line('connected')).toBe(`connected ${a.rtr} ${a.spkListen}`);
        expect(await l.line('accepted')).toBe(`accepted ${a.rtr}`);
        // Both ends at TTL 255 with min 255: the OPENs cross in both directions.
        await waitFor(() => high.received().length >= 29 && l.received().length >= 29, 10_000);
        expect(high.received().toString('hex')).toBe(a.open);
        expect(l.received().toString('hex')).toBe(a.open);
        await high.stop();
        await l.stop();
      });

      // BIRD's own TTL rules, which a peer edge must match (the README of this directory says what it picks):
      test('BIRD with `ttl security on` answers an OPEN sent at TTL 255 and drops one sent at TTL 1', async () => {
        const good = startProbe(SPK, a.open, {
          mode: 'connect',
          options: { peerAddress: a.rtr, sourceAddress: a.spkGtsm, md5Password: PASSWORD, ttl: 255, minTtl: 255 },
        });
        await good.line('connected');
        // OPEN then KEEPALIVE: BIRD took our OPEN, so our segments passed its minimum of 255.
        await waitFor(() => messageTypes(good.received()).length >= 2, 15_000);
        expect(messageTypes(good.received()).slice(0, 2)).toEqual([1, 4]);
        await good.stop();

        // BIRD's shared listener has no minimum: the handshake completes, then the accepted socket's GTSM drops
        // everything we send at TTL 1, which BIRD's kernel counts.
        const before = (await tcpExt(RTR)).TCPMinTTLDrop;
        const low = startProbe(SPK, a.open, {
          mode: 'connect',
          options: { peerAddress: a.rtr, sourceAddress: a.spkGtsm, md5Password: PASSWORD, ttl: 1 },
        });
        await low.line('connected');
        expect(await waitFor(async () => (await tcpExt(RTR)).TCPMinTTLDrop > before, 15_000)).toBe(true);
        await low.stop();
      });

      test('BIRD single-hop eBGP without ttl security sends at TTL 1: a minTtl of 2 drops its OPEN', async () => {
        const before = (await tcpExt(SPK)).TCPMinTTLDrop;
        const p = startProbe(SPK, a.open, {
          mode: 'connect',
          options: { peerAddress: a.rtr, sourceAddress: a.spk, md5Password: PASSWORD, minTtl: 2 },
        });
        await p.line('connected'); // the SYN-ACK comes from BIRD's listener, at 255
        expect(await waitFor(async () => (await tcpExt(SPK)).TCPMinTTLDrop > before, 15_000)).toBe(true);
        expect(p.received().length).toBe(0);
        await p.stop();
      });

      test('listenBgp: BIRD dials in with MD5, refused until setPeerKey gives the listener the key', async () => {
        const protocol = a === V4 ? 'active4' : 'active6';
        const l = startProbe(SPK, a.open, { mode: 'listen', options: { address: a.spkListen, port: LISTEN_PORT } });
        await l.line('listening');
        const before = (await tcpExt(SPK)).TCPMD5Unexpected;
        await birdc(['enable', protocol]);
        try {
          // BIRD's SYNs carry an MD5 option the listener has no key for: the kernel drops them and counts them.
          const refused = await waitFor(async () => (await tcpExt(SPK)).TCPMD5Unexpected > before, 15_000);
          expect({ refused, accepted: l.lines.filter((x) => x.startsWith('accepted')) }).toEqual({
            refused: true,
            accepted: [],
          });
          l.tell(`key ${a.rtr} ${PASSWORD}`);
          expect(await l.line('key ok')).toBe('key ok');
          expect(await l.line('accepted', 20_000)).toBe(`accepted ${a.rtr}`);
          await expectBirdOpen(l);
        } finally {
          await birdc(['disable', protocol]);
          await l.stop();
        }
      });
    });
  });
}
