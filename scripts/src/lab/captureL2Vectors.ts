/**
 * Captures the byte vectors of the speaker's layer-2 codec tests (speaker/src/l2/codec/fixtures/*.hex) from real
 * tools in a throwaway lab: arping (Thomas Habets' arping, Debian's `arping` package), ndisc6, and the kernel's own
 * ARP replies, Neighbor Advertisements, DAD probes, NUD probes, gratuitous ARP (arp_notify) and unsolicited NAs
 * (ndisc_notify). Every frame is captured with tcpdump on the client's eth0, in its namespace.
 *
 *   npx tsc -b && sudo node scripts/dist/lab/captureL2Vectors.js [--out <dir>]
 *
 * Root only (network namespaces). It builds a 3-node dual-stack lab under a random `ilbt*` prefix, adds its VIPs
 * (198.51.100.200, 2001:db8:1::200) inside the lab's namespaces only, and takes the lab down at the end, on failure
 * and on SIGINT/SIGTERM; tcpdump runs as a lab process, so the teardown ends it even if this script dies. The DAD
 * probe's nonce (and so its checksum) differs from one capture to the next, and ndisc6's flow label (the kernel's
 * automatic one, a keyed hash) may differ after a reboot; addresses, MACs and every other field come out the same,
 * which the tests rely on.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../tools';
import { Lab } from './lab';
import { describeFrame, formatFixture, parsePcap, summarizeFrame, type FrameSummary } from './l2Capture';
import { randomTestPrefix } from './names';
import { watchTcpdump } from './pcapCapture';
import { runCmd, sleep, waitFor } from './sh';

const DEFAULT_OUT = path.join(repoRoot, 'speaker', 'src', 'l2', 'codec', 'fixtures');
const VIP4 = '198.51.100.200';
const VIP6 = '2001:db8:1::200';
/** ARP (tagged or not) and ICMPv6 NS/NA; `vlan` last, since it shifts the offsets of what follows it. */
const FILTER = 'arp or (icmp6 and (ip6[40] == 135 or ip6[40] == 136)) or (vlan and arp)';
const CAPTURE_HOST = 'client';

interface Want {
  name: string;
  what: string;
  /** The frame wanted: every field given must match its summary. */
  match: (s: FrameSummary) => boolean;
}

interface Step {
  /** Commands as a reader would type them, `(host) argv`, for the fixture's comment. */
  commands: string[];
  run: (lab: Lab) => Promise<void>;
  wants: Want[];
}

interface Vector {
  name: string;
  comments: string[];
  frame: Buffer;
}

async function must(lab: Lab, host: string, argv: string[], okCodes: number[] = [0]): Promise<string> {
  const r = await lab.exec(host, argv, { timeoutMs: 10000 });
  if (!okCodes.includes(r.code)) {
    throw new Error(`(${host}) ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}

const cmd = (host: string, argv: string[]): string => `(${host}) ${argv.join(' ')}`;

/** A step that runs one command in one host; arping and ndisc6 exit 1 when nobody answers, which some steps expect. */
function oneCommand(host: string, argv: string[], wants: Want[], okCodes: number[] = [0]): Step {
  return { commands: [cmd(host, argv)], run: async (lab) => void (await must(lab, host, argv, okCodes)), wants };
}

function steps(lab: Lab): Step[] {
  const client = lab.host('client');
  const node1 = lab.host('node1');
  const node2 = lab.host('node2');
  const arp = (op: 'request' | 'reply', from: string, senderIP: string, targetIP: string) => (s: FrameSummary) =>
    s.vlan === undefined &&
    s.ethSrc === from &&
    s.arp?.op === op &&
    s.arp.senderIP === senderIP &&
    s.arp.targetIP === targetIP;
  const nd = (type: 'ns' | 'na', from: string, target: string, srcIP?: string) => (s: FrameSummary) =>
    s.ethSrc === from && s.nd?.type === type && s.nd.target === target && (srcIP === undefined || s.nd.srcIP === srcIP);
  const accept = 'net.ipv6.conf.eth0.accept_dad';

  return [
    oneCommand(
      'client',
      ['arping', '-c1', '-w', '2', '-i', 'eth0', VIP4],
      [
        {
          name: 'arp-request-arping',
          what: 'ARP request from arping, broadcast (arping pads it to 58 bytes)',
          match: arp('request', client.mac, client.ipv4, VIP4),
        },
        {
          name: 'arp-reply-kernel',
          what: "node1's kernel answering it for a VIP on its eth0: unicast reply, 42 bytes (a veth does not pad)",
          match: arp('reply', node1.mac, VIP4, client.ipv4),
        },
      ],
    ),
    oneCommand(
      'node1',
      ['arping', '-U', '-S', VIP4, '-c1', '-w', '1', '-i', 'eth0', VIP4],
      [
        {
          name: 'arp-gratuitous-request-arping',
          what: 'gratuitous ARP request from arping -U: sender IP = target IP = VIP, target MAC ff:ff:ff:ff:ff:ff',
          match: arp('request', node1.mac, VIP4, VIP4),
        },
      ],
      [0, 1],
    ),
    oneCommand(
      'node1',
      ['arping', '-U', '-P', '-S', VIP4, '-c1', '-w', '1', '-i', 'eth0', VIP4],
      [
        {
          name: 'arp-gratuitous-reply-arping',
          what: 'gratuitous ARP reply from arping -U -P (broadcast)',
          match: arp('reply', node1.mac, VIP4, VIP4),
        },
      ],
      [0, 1],
    ),
    oneCommand(
      'client',
      ['arping', '-0', '-c1', '-w', '2', '-i', 'eth0', VIP4],
      [
        {
          name: 'arp-probe-arping',
          what: 'RFC 5227 probe from arping -0: sender IP 0.0.0.0',
          match: arp('request', client.mac, '0.0.0.0', VIP4),
        },
        {
          name: 'arp-probe-reply-kernel',
          what: "node1's kernel answering the probe: unicast reply with target IP 0.0.0.0",
          match: arp('reply', node1.mac, VIP4, '0.0.0.0'),
        },
      ],
    ),
    {
      commands: [
        cmd('client', ['ip', 'neigh', 'flush', 'dev', 'eth0']),
        cmd('client', ['socat', '-T1', '-', 'TCP4:198.51.100.13:9,connect-timeout=1']),
      ],
      run: async (l) => {
        await must(l, 'client', ['ip', 'neigh', 'flush', 'dev', 'eth0']);
        // Port 9 is closed: the connect fails once the kernel has resolved node3 (ARP) and got the RST.
        await must(l, 'client', ['socat', '-T1', '-', 'TCP4:198.51.100.13:9,connect-timeout=1'], [0, 1]);
      },
      wants: [
        {
          name: 'arp-request-kernel',
          what: "the client kernel's own ARP request (address resolution), broadcast, 42 bytes",
          match: arp('request', client.mac, client.ipv4, '198.51.100.13'),
        },
      ],
    },
    oneCommand(
      'client',
      ['ip', 'neigh', 'replace', node1.ipv4, 'lladdr', node1.mac, 'dev', 'eth0', 'nud', 'probe'],
      [
        {
          name: 'arp-request-kernel-unicast',
          what: "the client kernel's NUD probe: ARP request unicast to the cached MAC, target MAC zeros",
          match: (s) => s.ethDst === node1.mac && arp('request', client.mac, client.ipv4, node1.ipv4)(s),
        },
      ],
    ),
    {
      commands: [
        cmd('node2', ['sysctl', '-w', 'net.ipv4.conf.eth0.arp_notify=1', 'net.ipv6.conf.eth0.ndisc_notify=1']),
        cmd('node2', ['ip', 'link', 'set', 'eth0', 'address', node2.mac]) + '   (its own MAC again: NETDEV_CHANGEADDR)',
      ],
      run: async (l) => {
        await must(l, 'node2', [
          'sysctl',
          '-w',
          'net.ipv4.conf.eth0.arp_notify=1',
          'net.ipv6.conf.eth0.ndisc_notify=1',
        ]);
        await must(l, 'node2', ['ip', 'link', 'set', 'eth0', 'address', node2.mac]);
      },
      wants: [
        {
          name: 'arp-gratuitous-kernel',
          what: "node2's kernel announcing its address (arp_notify): request, sender IP = target IP, target MAC zeros, broadcast",
          match: arp('request', node2.mac, node2.ipv4, node2.ipv4),
        },
        {
          name: 'na-unsolicited-kernel',
          what: "node2's kernel advertising its address (ndisc_notify): unsolicited NA to ff02::1, Override, Router (node2 forwards)",
          match: (s) => nd('na', node2.mac, node2.ipv6 ?? '')(s) && s.nd?.dstIP === 'ff02::1',
        },
      ],
    },
    oneCommand(
      'client',
      ['arping', '-V', '100', '-c1', '-w', '1', '-i', 'eth0', VIP4],
      [
        {
          name: 'arp-request-arping-vlan',
          what: 'ARP request from arping -V 100: 802.1Q tagged (VLAN 100), nobody answers',
          match: (s) => s.vlan === 100 && s.arp?.op === 'request' && s.arp.targetIP === VIP4,
        },
      ],
      [1],
    ),
    oneCommand(
      'client',
      ['ndisc6', '-1', '-r', '1', VIP6, 'eth0'],
      [
        {
          name: 'ns-ndisc6',
          what: 'Neighbor Solicitation from ndisc6: to the solicited-node group, from link-local, Source Link-Layer Address option',
          match: nd('ns', client.mac, VIP6),
        },
        {
          name: 'na-kernel-router',
          what: "node1's kernel answering it: solicited NA, Router set (node1 forwards), source = the target itself",
          match: nd('na', node1.mac, VIP6),
        },
      ],
    ),
    oneCommand(
      'node1',
      ['ndisc6', '-1', '-r', '1', client.ipv6 ?? '', 'eth0'],
      [
        {
          name: 'ns-ndisc6-from-node1',
          what: 'Neighbor Solicitation from ndisc6 in node1 for the client',
          match: nd('ns', node1.mac, client.ipv6 ?? ''),
        },
        {
          name: 'na-kernel-host',
          what: "the client's kernel answering it: solicited NA, Router clear (the client does not forward)",
          match: nd('na', client.mac, client.ipv6 ?? ''),
        },
      ],
    ),
    oneCommand(
      'client',
      ['ip', '-6', 'neigh', 'replace', node1.ipv6 ?? '', 'lladdr', node1.mac, 'dev', 'eth0', 'nud', 'probe'],
      [
        {
          name: 'ns-unicast-kernel',
          what: "the client kernel's NUD probe: NS unicast to node1's address and MAC",
          match: (s) => nd('ns', client.mac, node1.ipv6 ?? '')(s) && s.nd?.dstIP === node1.ipv6,
        },
        {
          name: 'na-unicast-kernel',
          what: "node1's kernel answering a unicast NS: no Target Link-Layer Address option and Override clear",
          match: nd('na', node1.mac, node1.ipv6 ?? ''),
        },
      ],
    ),
    {
      commands: [
        cmd('client', ['sysctl', '-w', `${accept}=1`]),
        cmd('client', ['ip', '-6', 'addr', 'add', `${VIP6}/64`, 'dev', 'eth0']),
      ],
      run: async (l) => {
        await must(l, 'client', ['sysctl', '-w', `${accept}=1`]);
        await must(l, 'client', ['ip', '-6', 'addr', 'add', `${VIP6}/64`, 'dev', 'eth0']);
        // DAD starts within rtr_solicit_delay (1 s); node1 defends, so the address ends up dadfailed.
        const failed = async (): Promise<boolean> =>
          (await must(l, 'client', ['ip', '-6', 'addr', 'show', 'dev', 'eth0'])).includes('dadfailed');
        if (!(await waitFor(failed, 5000, 100))) throw new Error(`DAD of ${VIP6} in the client did not fail`);
        await must(l, 'client', ['ip', '-6', 'addr', 'del', `${VIP6}/64`, 'dev', 'eth0']);
        await must(l, 'client', ['sysctl', '-w', `${accept}=0`]);
      },
      wants: [
        {
          name: 'ns-dad-kernel',
          what: "the client kernel's DAD probe: NS from :: to the solicited-node group, Nonce option (14), no SLLA",
          match: (s) => nd('ns', client.mac, VIP6, '::')(s),
        },
        {
          name: 'na-dad-kernel',
          what: "node1's kernel defending the address: NA to ff02::1, Solicited clear",
          match: (s) => nd('na', node1.mac, VIP6)(s) && s.nd?.dstIP === 'ff02::1',
        },
      ],
    },
  ];
}

/** Runs `step` with tcpdump capturing on the client's eth0 and returns the frames it saw. */
async function capture(lab: Lab, step: Step, live: Set<ChildProcess>): Promise<Buffer[]> {
  // --immediate-mode: libpcap's TPACKET_V3 ring otherwise holds frames up to 1 s, and SIGTERM before that loses them.
  const argv = ['tcpdump', '-i', 'eth0', '--immediate-mode', '-U', '-n', '-w', '-', FILTER];
  const child = lab.spawn(CAPTURE_HOST, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  const tcpdump = watchTcpdump(child);
  try {
    await tcpdump.listening(`in ${CAPTURE_HOST}`);
    await step.run(lab);
    await sleep(300); // the answers to what was just sent
  } finally {
    // SIGTERM: tcpdump flushes and exits (SIGKILL after 3 s).
    await tcpdump.stop();
    live.delete(child);
  }
  return parsePcap(Buffer.concat(chunks));
}

async function toolVersions(): Promise<string> {
  const first = async (argv: string[]): Promise<string> => {
    const r = await runCmd(argv);
    return `${r.stdout}${r.stderr}`.split('\n')[0].trim();
  };
  const arping = (await first(['arping', '--help'])).replace(/, by .*/, '');
  const ndisc6 = (await first(['ndisc6', '-V'])).replace(/^ndisc6: /, '').replace(/ \(.*\)$/, '');
  return [
    `Linux ${await first(['uname', '-r'])}`,
    arping,
    `ndisc6 ${ndisc6.replace(/^.* /, '')}`,
    await first(['tcpdump', '--version']),
  ].join(', ');
}

async function captureAll(lab: Lab, live: Set<ChildProcess>, log: (l: string) => void): Promise<Vector[]> {
  const versions = await toolVersions();
  await must(lab, 'node1', ['ip', 'addr', 'add', `${VIP4}/32`, 'dev', 'eth0']);
  await must(lab, 'node1', ['ip', '-6', 'addr', 'add', `${VIP6}/128`, 'dev', 'eth0', 'nodad']);
  const setup = [
    cmd('node1', ['ip', 'addr', 'add', `${VIP4}/32`, 'dev', 'eth0']),
    cmd('node1', ['ip', '-6', 'addr', 'add', `${VIP6}/128`, 'dev', 'eth0', 'nodad']),
  ];
  const vectors: Vector[] = [];
  for (const step of steps(lab)) {
    const frames = await capture(lab, step, live);
    for (const want of step.wants) {
      const frame = frames.find((f) => want.match(summarizeFrame(f)));
      if (!frame) {
        throw new Error(
          `${want.name}: no such frame after ${step.commands.join('; ')}; captured:\n  ${frames.map(describeFrame).join('\n  ') || '(nothing)'}`,
        );
      }
      log(`${want.name}: ${describeFrame(frame)}`);
      vectors.push({
        name: want.name,
        frame,
        comments: [
          `${want.name}: ${want.what}`,
          `frame: ${describeFrame(frame)}`,
          `lab: 3 nodes, BIRD, IPv6 (README's address plan); setup: ${setup.join('; ')}`,
          ...step.commands.map((c) => `command: ${c}`),
          `captured: (${CAPTURE_HOST}) tcpdump -i eth0 --immediate-mode -U -n -w - '${FILTER}'`,
          `tools: ${versions}`,
          'regenerate: npx tsc -b && sudo node scripts/dist/lab/captureL2Vectors.js',
        ],
      });
    }
  }
  return vectors;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 && args[outAt + 1] ? path.resolve(args[outAt + 1]) : DEFAULT_OUT;
  const prefix = randomTestPrefix();
  const live = new Set<ChildProcess>();
  let down: Promise<unknown> | undefined;
  const teardown = (): Promise<unknown> => {
    for (const c of live) c.kill('SIGKILL');
    down ??= Lab.down(prefix);
    return down;
  };
  const onSignal = (): void => {
    console.error(`interrupted: taking lab ${prefix} down, no fixture written`);
    void teardown().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    console.log(`lab ${prefix}: up`);
    const lab = await Lab.up({ prefix, nodes: 3, router: 'bird', ipv6: true });
    const vectors = await captureAll(lab, live, (l) => console.log(`  ${l}`));
    fs.mkdirSync(out, { recursive: true });
    for (const v of vectors) fs.writeFileSync(path.join(out, `${v.name}.hex`), formatFixture(v.comments, v.frame));
    console.log(`${vectors.length} vectors written to ${out}`);
  } finally {
    await teardown();
    console.log(`lab ${prefix}: down`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`captureL2Vectors failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
