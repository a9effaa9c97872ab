// The native packet socket for real, in the lab: node1 runs the compiled arpEcho fixture (openPacketSocket on
// eth0, answering ARP for an address no host has); the client arpings it, sends NDP solicitations, and floods
// node1 with traffic the kernel's BPF filter must keep away from JS.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { ADDON_PATH, BUILD_COMMAND, openPacketSocket } from '@ironlb/speaker';
import { repoRoot } from '../tools';
import { Lab } from './lab';
import { randomTestPrefix } from './names';
import { sleep, waitFor } from './sh';
import { labTestGate } from './testGate';

const ECHO_SRC = path.join(repoRoot, 'scripts', 'src', 'l2tools', 'arpEcho.ts');
const ECHO_JS = path.join(repoRoot, 'scripts', 'dist', 'l2tools', 'arpEcho.js');
const VIP4 = '198.51.100.250'; // in the layer-2 pool space; no host has it
const VIP6 = '2001:db8:1::250';
const VIP6_FULL = '2001:db8:1:0:0:0:0:250'; // as the fixture prints NS targets
const SOLICITED_NODE_MAC = '33:33:ff:00:02:50'; // ff02::1:ff00:250

/** The fixture running in a lab host: its output lines, and a stop by pid. */
interface Echo {
  child: ChildProcess & { pid: number };
  lines: string[];
  exited: Promise<number | null>;
}

function startEcho(lab: Lab, host: string): Echo {
  const child = lab.spawn(host, [process.execPath, ECHO_JS, 'eth0', VIP4, SOLICITED_NODE_MAC]);
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  child.stderr!.on('data', (d: Buffer) => lines.push(`stderr ${d.toString().trim()}`));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, lines, exited };
}

async function stopEcho(e: Echo): Promise<void> {
  if (e.child.exitCode !== null || e.child.signalCode !== null) return;
  process.kill(e.child.pid, 'SIGTERM');
  const t = setTimeout(() => process.kill(e.child.pid, 'SIGKILL'), 5000);
  await e.exited;
  clearTimeout(t);
}

const rxPackets = async (lab: Lab, host: string): Promise<number> =>
  Number((await lab.exec(host, ['cat', '/sys/class/net/eth0/statistics/rx_packets'])).stdout);

labTestGate('speaker packet socket (AF_PACKET + BPF) in the lab', () => {
  const prefix = randomTestPrefix();
  let lab: Lab | undefined;
  let echo: Echo | undefined;
  const others: (ChildProcess & { pid: number })[] = [];
  const need = (): { lab: Lab; echo: Echo } => {
    if (!lab || !echo) throw new Error('the lab or the fixture did not come up (see beforeAll)');
    return { lab, echo };
  };

  beforeAll(async () => {
    if (!fs.existsSync(ADDON_PATH) || !fs.existsSync(ECHO_JS)) return; // the first tests say what is missing
    lab = await Lab.up({ prefix, nodes: 3, router: 'bird', ipv6: true });
    echo = startEcho(lab, 'node1');
    const e = echo;
    if (!(await waitFor(async () => e.lines.some((l) => l.startsWith('ready')), 10_000)))
      throw new Error(`arpEcho did not start: ${e.lines.join('\n')}`);
  }, 60_000);

  afterAll(async () => {
    // Even when a test failed: every process we started, by pid, then the lab's namespaces by prefix.
    if (echo) await stopEcho(echo);
    for (const p of others) if (p.exitCode === null && p.signalCode === null) process.kill(p.pid, 'SIGKILL');
    await Lab.down(prefix);
  });

  test('the addon and the fixture are built', () => {
    expect({ addon: fs.existsSync(ADDON_PATH), how: BUILD_COMMAND }).toEqual({ addon: true, how: BUILD_COMMAND });
    expect({ fixture: fs.existsSync(ECHO_JS), how: 'npx tsc -b' }).toEqual({ fixture: true, how: 'npx tsc -b' });
    expect(fs.statSync(ECHO_JS).mtimeMs).toBeGreaterThanOrEqual(fs.statSync(ECHO_SRC).mtimeMs);
  });

  test('errors name the step, the interface and the errno; no such socket is left open', () => {
    expect(() =>
      openPacketSocket(
        'eth9',
        () => undefined,
        () => undefined,
      ),
    ).toThrow(expect.objectContaining({ code: 'ENODEV', message: 'open eth9: ENODEV (No such device)' }));
    expect(() =>
      openPacketSocket(
        'lo',
        () => undefined,
        () => undefined,
      ),
    ).toThrow(expect.objectContaining({ code: 'ENOTETHER', message: 'open lo: not an Ethernet interface' }));
    expect(() =>
      openPacketSocket(
        'a-name-longer-than-15',
        () => undefined,
        () => undefined,
      ),
    ).toThrow(/1 to 15 bytes/);
  });

  test("the socket knows node1's MAC and eth0's ifindex", async () => {
    const { lab, echo } = need();
    const ifindex = (await lab.exec('node1', ['cat', '/sys/class/net/eth0/ifindex'])).stdout.trim();
    expect(echo.lines[0]).toBe(`ready ${lab.host('node1').mac} ${ifindex}`);
  });

  test(`arping ${VIP4} from the client: node1's fixture answers from node1's MAC; its own replies never reach JS`, async () => {
    const { lab, echo } = need();
    const mac = lab.host('node1').mac;
    const r = await lab.exec('client', ['arping', '-c', '3', '-w', '5', '-I', 'eth0', VIP4], { timeoutMs: 10_000 });
    expect(r.stdout).toContain('3 packets transmitted, 3 packets received');
    expect(r.stdout.match(new RegExp(`bytes from ${mac} \\(${VIP4.replace(/\./g, '\\.')}\\)`, 'g'))).toHaveLength(3);
    expect(r.code).toBe(0);
    expect(echo.lines.filter((l) => l === `arp-request 198.51.100.100 ${VIP4}`).length).toBeGreaterThanOrEqual(3);
    expect(echo.lines.filter((l) => l.startsWith(`arp-reply ${mac}`))).toEqual([]);
  });

  test(`Neighbor Solicitations for ${VIP6} reach the callback; the membership shows in ip maddr until dropped`, async () => {
    const { lab, echo } = need();
    const maddr = async (): Promise<string> => (await lab.exec('node1', ['ip', 'maddr', 'show', 'dev', 'eth0'])).stdout;
    expect(await maddr()).toContain(SOLICITED_NODE_MAC);
    const before = echo.lines.length;
    // Nobody answers (node1's kernel does not own the address): ndisc6 times out; we only want the NS seen.
    await lab.exec('client', ['ndisc6', '-1', '-r', '2', '-w', '300', VIP6, 'eth0']);
    expect(await waitFor(async () => echo.lines.slice(before).includes(`ns ${VIP6_FULL}`), 3000)).toBe(true);
    echo.child.stdin!.write('drop\n');
    expect(await waitFor(async () => echo.lines.includes('dropped'), 3000)).toBe(true);
    expect(await maddr()).not.toContain(SOLICITED_NODE_MAC);
  });

  test('a flood of UDP, TCP and non-NDP ICMPv6 reaches node1 but not JS (the BPF filter drops it in the kernel)', async () => {
    const { lab, echo } = need();
    const rx0 = await rxPackets(lab, 'node1');
    const before = echo.lines.length;
    const payload = 'x'.repeat(400_000); // 2000 datagrams of 200 bytes per family
    const tcp = lab.spawn('node1', ['socat', '-u', 'TCP-LISTEN:7100,reuseaddr', 'OPEN:/dev/null'], { stdio: 'ignore' });
    others.push(tcp);
    expect(await lab.waitForListen('node1', 7100)).toBe(true);
    const results = await Promise.all([
      lab.exec('client', ['socat', '-u', '-b', '200', 'STDIN', 'UDP4-SENDTO:198.51.100.11:9999'], { input: payload }),
      lab.exec('client', ['socat', '-u', '-b', '200', 'STDIN', 'UDP6-SENDTO:[2001:db8:1::11]:9999'], {
        input: payload,
      }),
      lab.exec('client', ['socat', '-u', 'STDIN', 'TCP4:198.51.100.11:7100'], { input: payload.repeat(5) }),
      lab.exec('client', ['rdisc6', '-1', '-r', '3', '-w', '100', 'eth0']), // Router Solicitations: ICMPv6 133
    ]);
    expect(results.slice(0, 3).map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    await sleep(300);
    const rx = (await rxPackets(lab, 'node1')) - rx0;
    const seen = echo.lines.slice(before);
    console.log(
      `flood: node1's eth0 received ${rx} packets; ${seen.length} frames reached JS: ${seen.slice(0, 10).join(', ')}`,
    );
    expect(rx).toBeGreaterThan(4000);
    expect(echo.lines.filter((l) => l.startsWith('other') || l.startsWith('error') || l.startsWith('stderr'))).toEqual(
      [],
    );
    // Only ARP and NDP, which the client's and node1's own address resolution may send meanwhile.
    expect(seen.every((l) => /^(arp-request|arp-reply|ns|na) /.test(l))).toBe(true);
    expect(seen.length).toBeLessThan(20);
  });

  test("node1's link going down and up: onError gets ENETDOWN and reading goes on", async () => {
    const { lab, echo } = need();
    await lab.exec('node1', ['ip', 'link', 'set', 'eth0', 'down']);
    await sleep(200);
    await lab.exec('node1', ['ip', 'link', 'set', 'eth0', 'up']);
    expect(await waitFor(async () => echo.lines.includes('error recv eth0: ENETDOWN (Network is down)'), 3000)).toBe(
      true,
    );
    const r = await lab.exec('client', ['arping', '-c', '3', '-w', '5', '-I', 'eth0', VIP4], { timeoutMs: 10_000 });
    expect(r.stdout).toContain('3 packets transmitted, 3 packets received');
  });

  test('close (twice) ends the process cleanly', async () => {
    const { echo } = need();
    echo.child.stdin!.write('close\n');
    expect(await echo.exited).toBe(0);
    expect(echo.lines.at(-1)).toBe('closed');
  });
});
