/**
 * The iptables dataplane in the lab, against the kernel: node1 serves VIP 198.51.100.200 (the client routes it via
 * node1, as if node1 had announced it) and IptablesDataplane, run in node1's namespace, forwards VIP:80 to pod1's
 * echo servers, which answer with the address they saw. Checked: Cluster policy (pod1 sees node1) and Local (pod1
 * sees the client), UDP beside TCP, IPv6, the spread over two backends and ClientIP affinity, a Forward without
 * backends refused at once, source ranges dropping the client while letting pod1 in (through the hairpin), jumps
 * kept exactly once, and that a foreign chain survives sync and cleanup, after which node1's tables are what they
 * were. Uses iptables as installed (the test prints whether it is the nf_tables or the legacy variant).
 */
import type { ChildProcess } from 'node:child_process';
import { formatIP, mustParseIP } from '@ironlb/shared';
import {
  IptablesDataplane,
  processRunner,
  type CommandRunner,
  type DataplanePlan,
  type Forward,
} from '@ironlb/speaker';
import { Lab } from '../lab/lab';
import { randomTestPrefix } from '../lab/names';
import { waitFor } from '../lab/sh';
import { labTestGate } from '../lab/testGate';

type Proto = 'TCP' | 'UDP';
/** A Forward on VIP:80 to backends on port 8080, by what the tests vary. */
interface FwdSpec {
  vip?: string;
  proto?: Proto;
  backends?: string[];
  masquerade?: boolean;
  affinitySec?: number;
  sourceRanges?: string[];
}

const VIP = '198.51.100.200';
const VIP6 = '2001:db8:1::200';
const POD = '203.0.113.18';
const POD_B = '203.0.113.19'; // a second address on pod1, a second backend
const POD6 = '2001:db8:100:1::2';
const NODE1_POD_SIDE = '203.0.113.17';
const NODE1_POD_SIDE6 = '2001:db8:100:1::1';
const CLIENT = '198.51.100.100';

function forward(s: FwdSpec): Forward {
  const vip = s.vip ?? VIP;
  const proto = s.proto ?? 'TCP';
  const ip = mustParseIP(vip);
  return {
    key: `${vip} ${proto} 80`,
    ip,
    protocol: proto,
    port: 80,
    service: 'shop/web',
    portName: 'http',
    backends: (s.backends ?? [POD]).map((b) => ({ ip: mustParseIP(b), port: 8080 })),
    masquerade: s.masquerade ?? true,
    affinitySec: s.affinitySec,
    sourceRanges: (s.sourceRanges ?? []).map((r) => {
      const [a, l] = r.split('/');
      return { ip: mustParseIP(a), length: Number(l) };
    }),
  };
}

const planOf = (...specs: FwdSpec[]): DataplanePlan => ({
  forwards: new Map(specs.map(forward).map((f) => [f.key, f])),
  problems: [],
});

/** A save compared across time: without its comment lines (timestamps) and with counters zeroed. */
const normalized = (save: string): string =>
  save
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
    .join('\n');

interface Answer {
  code: number;
  text: string;
  stderr: string;
  ms: number;
}

labTestGate(
  'dataplane: the iptables backend in the lab',
  () => {
    const prefix = randomTestPrefix();
    let lab: Lab | undefined;
    let dp: IptablesDataplane;
    const servers: ChildProcess[] = [];
    const before: Record<'iptables-save' | 'ip6tables-save', string> = { 'iptables-save': '', 'ip6tables-save': '' };
    const need = (): Lab => {
      if (!lab) throw new Error('the lab did not come up (see beforeAll)');
      return lab;
    };
    const node1 = async (argv: string[]): Promise<string> => {
      const r = await need().exec('node1', argv);
      if (r.code !== 0) throw new Error(`'${argv.join(' ')}' in node1 failed (exit ${r.code}): ${r.stderr}`);
      return r.stdout;
    };
    const save = async (tool: 'iptables-save' | 'ip6tables-save'): Promise<string> => normalized(await node1([tool]));

    /**
     * One request from `host` to addr:80 over `proto`: what came back, and how it failed. `connectSec` bounds the
     * TCP handshake (short where a drop is expected). socat stops waiting for the answer (or the ICMP error) `-t`
     * seconds after its stdin ends, 0.5 s by default: too short on a shared, loaded machine, where the echo server
     * forks a shell per request. TCP ends sooner when the server closes; UDP has no end, so it waits 3 s.
     */
    const ask = async (host: string, addr: string, proto: Proto = 'TCP', connectSec = 2): Promise<Answer> => {
      const v6 = addr.includes(':');
      const target =
        proto === 'TCP'
          ? `TCP${v6 ? 6 : 4}:${v6 ? `[${addr}]` : addr}:80,connect-timeout=${connectSec}`
          : `UDP${v6 ? 6 : 4}:${v6 ? `[${addr}]` : addr}:80`;
      const wait = proto === 'TCP' ? '8' : '3';
      const t0 = Date.now();
      const r = await need().exec(host, ['socat', '-T', wait, '-t', wait, 'STDIO', target], {
        input: 'hello\n',
        timeoutMs: (connectSec + 15) * 1000,
      });
      return { code: r.code, text: r.stdout.trim(), stderr: r.stderr.trim(), ms: Date.now() - t0 };
    };
    /** `<pod name> <the source address the pod saw>`, the address in canonical text. */
    const answerOf = (a: Answer): string => {
      const [name, seen] = a.text.split(' ');
      if (a.code !== 0 || seen === undefined) return `failed after ${a.ms} ms (exit ${a.code}): ${a.stderr || a.text}`;
      return `${name} ${formatIP(mustParseIP(seen.replace(/^\[|\]$/g, '')))}`;
    };

    /**
     * An echo server in pod1 bound to `addr`:8080 answering `<name> $SOCAT_PEERADDR`. The shell reads the request
     * line before it answers: a shell that exits before socat has written the request to it makes socat fail on the
     * closed pipe and close the connection without the answer. `-t 5`: socat's default 0.5 s wait for the shell's
     * answer after the client's end is too short on a loaded machine.
     */
    const serve = async (name: string, addr: string, proto: Proto): Promise<void> => {
      const v6 = addr.includes(':');
      const listen =
        proto === 'TCP'
          ? `TCP${v6 ? 6 : 4}-LISTEN:8080,bind=${addr},fork,reuseaddr`
          : `UDP${v6 ? 6 : 4}-RECVFROM:8080,bind=${addr},fork`;
      const argv = ['socat', '-t', '5', listen, `SYSTEM:read line; echo ${name} $SOCAT_PEERADDR`];
      servers.push(need().spawn('pod1', argv, { stdio: 'ignore' }));
      const listening = async (): Promise<boolean> => {
        const r = await need().exec('pod1', ['ss', proto === 'TCP' ? '-Hltn' : '-Hlun', 'sport = :8080']);
        return r.stdout.includes(v6 ? `[${addr}]:8080` : `${addr}:8080`);
      };
      if (!(await waitFor(listening, 5000))) throw new Error(`socat ${listen} in pod1 did not listen`);
    };

    beforeAll(async () => {
      const t0 = Date.now();
      lab = await Lab.up({ nodes: 1, router: 'none', ipv6: true, prefix });
      console.log(`lab ${prefix} up in ${Date.now() - t0} ms`);
      const l = need();
      // node1 serves the VIPs as if it had announced them.
      await l.exec('client', ['ip', 'route', 'add', `${VIP}/32`, 'via', '198.51.100.11']);
      await l.exec('client', ['ip', '-6', 'route', 'add', `${VIP6}/128`, 'via', '2001:db8:1::11']);
      await l.exec('pod1', ['ip', 'addr', 'add', `${POD_B}/28`, 'dev', 'eth0']);
      await serve('pod1', POD, 'TCP');
      await serve('pod1', POD, 'UDP');
      await serve('pod1b', POD_B, 'TCP');
      await serve('pod1v6', POD6, 'TCP');
      // Someone else's chains and jumps, in both tables and both families: sync and cleanup must leave them.
      for (const ipt of ['iptables', 'ip6tables']) {
        await node1([ipt, '-w', '5', '-t', 'nat', '-N', 'OTHER']);
        await node1([ipt, '-w', '5', '-t', 'nat', '-A', 'OTHER', '-p', 'tcp', '--dport', '9', '-j', 'RETURN']);
        await node1([ipt, '-w', '5', '-t', 'nat', '-A', 'PREROUTING', '-j', 'OTHER']);
        await node1([ipt, '-w', '5', '-t', 'filter', '-N', 'OTHERF']);
        await node1([ipt, '-w', '5', '-t', 'filter', '-A', 'INPUT', '-j', 'OTHERF']);
      }
      before['iptables-save'] = await save('iptables-save');
      before['ip6tables-save'] = await save('ip6tables-save');
      dp = new IptablesDataplane({ prefix: ['ip', 'netns', 'exec', l.host('node1').netns] });
    }, 60_000);

    afterAll(async () => {
      for (const s of servers) s.kill();
      // Even when a test failed: sweep by prefix, whether or not `lab` exists.
      await Lab.down(prefix);
    }, 60_000);

    test('iptables is the installed variant, and the test says which', async () => {
      const version = (await node1(['iptables', '--version'])).trim();
      console.log(`dataplane-iptables runs ${version}`);
      expect(version).toMatch(/^iptables v1\.\d+\.\d+ \((nf_tables|legacy)\)$/);
    });

    test('the client reaches nothing on the VIP before any sync', async () => {
      const a = await ask('client', VIP, 'TCP', 1);
      expect(a.code).not.toBe(0);
    });

    test('Cluster policy: the client gets pod1, which sees node1', async () => {
      await dp.sync(planOf({ masquerade: true }));
      expect(answerOf(await ask('client', VIP))).toBe(`pod1 ${NODE1_POD_SIDE}`);
    });

    test('Local policy: pod1 sees the client; pod1 through the VIP to itself is masqueraded (hairpin)', async () => {
      await dp.sync(planOf({ masquerade: false }));
      expect(answerOf(await ask('client', VIP))).toBe(`pod1 ${CLIENT}`);
      expect(answerOf(await ask('pod1', VIP))).toBe(`pod1 ${NODE1_POD_SIDE}`);
    });

    test('UDP on the same port beside TCP', async () => {
      await dp.sync(planOf({ masquerade: false }, { proto: 'UDP', masquerade: false }));
      expect(answerOf(await ask('client', VIP, 'UDP'))).toBe(`pod1 ${CLIENT}`);
      expect(answerOf(await ask('client', VIP, 'TCP'))).toBe(`pod1 ${CLIENT}`);
    });

    test('IPv6 through ip6tables: Cluster policy, pod1 sees node1', async () => {
      await dp.sync(planOf({ masquerade: false }, { vip: VIP6, backends: [POD6], masquerade: true }));
      expect(answerOf(await ask('client', VIP6))).toBe(`pod1v6 ${NODE1_POD_SIDE6}`);
      expect(answerOf(await ask('client', VIP))).toBe(`pod1 ${CLIENT}`);
    });

    test('no backends: TCP is refused at once (a reset), UDP with port unreachable; no timeout', async () => {
      await dp.sync(planOf({ backends: [] }, { proto: 'UDP', backends: [] }));
      const tcp = await ask('client', VIP, 'TCP', 3);
      console.log(`no backends: TCP failed after ${tcp.ms} ms: ${tcp.stderr}`);
      expect(tcp.code).not.toBe(0);
      expect(tcp.stderr).toMatch(/connect\(.*\): Connection refused/);
      expect(tcp.ms).toBeLessThan(2000);
      const udp = await ask('client', VIP, 'UDP', 3);
      expect(`exit ${udp.code} after ${udp.ms} ms: ${udp.text} ${udp.stderr}`).toMatch(/Connection refused/);
    });

    test('source ranges 203.0.113.0/24: our rule drops the client (it times out); pod1, inside, gets through', async () => {
      await dp.sync(planOf({ sourceRanges: ['203.0.113.0/24'] }));
      const a = await ask('client', VIP, 'TCP', 1);
      console.log(`source range: the client failed after ${a.ms} ms: ${a.stderr}`);
      expect(a.stderr).toMatch(/Connection timed out/);
      // A VIP packet left un-DNATed dies for want of a route anyway: the counter shows that our rule dropped it.
      const counted = (await node1(['iptables-save', '-c', '-t', 'filter']))
        .split('\n')
        .filter((l) => l.includes(`-A IRONLB-FILTER -d ${VIP}/32 -p tcp`) && l.endsWith('-j DROP'));
      expect(counted).toHaveLength(1);
      expect(Number(/^\[(\d+):/.exec(counted[0])?.[1])).toBeGreaterThan(0);
      expect(answerOf(await ask('pod1', VIP))).toBe(`pod1 ${NODE1_POD_SIDE}`);
    });

    test('two backends: both get connections; with ClientIP affinity one client keeps one', async () => {
      await dp.sync(planOf({ backends: [POD, POD_B], masquerade: false }));
      const seen = new Map<string, number>();
      const failures: string[] = [];
      // All 24 to one backend has probability 2^-23 when the spread is 1/2.
      for (let i = 0; i < 24; i++) {
        const answer = answerOf(await ask('client', VIP));
        if (answer.startsWith('failed')) failures.push(`request ${i}: ${answer}`);
        else seen.set(answer.split(' ')[0], (seen.get(answer.split(' ')[0]) ?? 0) + 1);
      }
      console.log(`spread over two backends: ${JSON.stringify(Object.fromEntries(seen))}`);
      expect(failures).toEqual([]);
      expect([...seen.keys()].sort()).toEqual(['pod1', 'pod1b']);

      await dp.sync(planOf({ backends: [POD, POD_B], masquerade: false, affinitySec: 60 }));
      const sticky = new Set<string>();
      for (let i = 0; i < 12; i++) sticky.add(answerOf(await ask('client', VIP)));
      expect(sticky.size).toBe(1);
      expect([`pod1 ${CLIENT}`, `pod1b ${CLIENT}`]).toContain([...sticky][0]);
    });

    test('a backend removed: its chain is deleted; a steady sync changes nothing and keeps one jump each', async () => {
      await dp.sync(planOf({ backends: [POD, POD_B] }));
      const two = await save('iptables-save');
      expect(two.match(/^:IRONLB-SEP-/gm)).toHaveLength(2);
      await dp.sync(planOf({ backends: [POD] }));
      const one = await save('iptables-save');
      expect(one.match(/^:IRONLB-SEP-/gm)).toHaveLength(1);
      expect(answerOf(await ask('client', VIP))).toBe(`pod1 ${NODE1_POD_SIDE}`);
      await dp.sync(planOf({ backends: [POD] }));
      expect(await save('iptables-save')).toBe(one);
      for (const [table, chain] of [
        ['nat', 'PREROUTING'],
        ['nat', 'OUTPUT'],
        ['nat', 'POSTROUTING'],
        ['filter', 'INPUT'],
        ['filter', 'FORWARD'],
        ['filter', 'OUTPUT'],
      ]) {
        const rules = await node1(['iptables', '-w', '5', '-t', table, '-S', chain]);
        expect(rules.split('\n').filter((l) => l.includes('-j IRONLB-'))).toHaveLength(1);
      }
    });

    test('a jump someone deleted comes back with the next sync', async () => {
      await node1(['iptables', '-w', '5', '-t', 'nat', '-D', 'PREROUTING', '-j', 'IRONLB-PREROUTING']);
      expect((await ask('client', VIP, 'TCP', 1)).code).not.toBe(0);
      await dp.sync(planOf({ backends: [POD] }));
      expect(answerOf(await ask('client', VIP))).toBe(`pod1 ${NODE1_POD_SIDE}`);
    });

    test('the foreign chains and jumps survive a sync', async () => {
      for (const tool of ['iptables-save', 'ip6tables-save'] as const) {
        const s = await save(tool);
        expect(s).toContain('\n:OTHER - [0:0]\n');
        expect(s).toContain('\n-A PREROUTING -j OTHER\n');
        expect(s).toContain('\n-A OTHER -p tcp -m tcp --dport 9 -j RETURN\n');
        expect(s).toContain('\n:OTHERF - [0:0]\n');
        expect(s).toContain('\n-A INPUT -j OTHERF\n');
        expect(s).toContain('\n-A PREROUTING -j IRONLB-PREROUTING\n');
      }
    });

    test("cleanup: node1's tables are exactly what they were before the first sync, in both families", async () => {
      await dp.cleanup();
      expect(await save('iptables-save')).toBe(before['iptables-save']);
      expect(await save('ip6tables-save')).toBe(before['ip6tables-save']);
      expect((await ask('client', VIP, 'TCP', 1)).code).not.toBe(0);
      // A second cleanup finds nothing of ours and changes nothing.
      await dp.cleanup();
      expect(await save('iptables-save')).toBe(before['iptables-save']);
    });

    test('every command runs inside node1; the root namespace holds no chain of ours', async () => {
      const netns = need().host('node1').netns;
      const real = processRunner();
      const calls: string[][] = [];
      const recorder: CommandRunner = {
        run: (argv, input) => {
          calls.push([...argv]);
          return real.run(argv, input);
        },
      };
      const dp2 = new IptablesDataplane({ runner: recorder, prefix: ['ip', 'netns', 'exec', netns] });
      await dp2.sync(planOf({}));
      expect((await real.run(['iptables-save'])).stdout).not.toContain('IRONLB-');
      expect((await real.run(['ip6tables-save'])).stdout).not.toContain('IRONLB-');
      await dp2.cleanup();
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.filter((c) => c.slice(0, 4).join(' ') !== `ip netns exec ${netns}`)).toEqual([]);
      expect(await save('iptables-save')).toBe(before['iptables-save']);
    });
  },
  ['none'],
);
