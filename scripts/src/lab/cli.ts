// ironlb-lab: the command line over the Lab API (lab.ts). Errors print one clear message and exit 1.
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import type { BgpRouterOptions } from './bgpOptions';
import { Lab } from './lab';
import { DEFAULT_PREFIX } from './names';
import { ROUTER_KINDS, type RouterKind } from './plan';
import { assertRoot } from './preflight';
import { inNetns } from './sh';
import { gatherStatus } from './status';
import { formatStatus } from './statusFormat';

function int(name: string, min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be ${min}..${max}`);
    return n;
  };
}

function routerKind(v: string): RouterKind {
  if (!(ROUTER_KINDS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`one of ${ROUTER_KINDS.join(', ')}`);
  return v as RouterKind;
}

/** `--bfd 300,3`: interval ms, detect multiplier. */
function bfdFlag(v: string): { intervalMs: number; multiplier: number } {
  const m = /^(\d+),(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError('<interval-ms>,<multiplier>, e.g. 300,3');
  return { intervalMs: Number(m[1]), multiplier: Number(m[2]) };
}

interface BgpFlags {
  md5Password?: string;
  bfd?: { intervalMs: number; multiplier: number };
  ibgp?: boolean;
  multihop?: number;
  gracefulRestart?: number;
  holdTime?: number;
  ipv6OverIpv4?: boolean;
  errorWait?: number;
}

interface UpFlags extends BgpFlags {
  prefix: string;
  nodes: number;
  router: RouterKind;
  ipv6?: boolean;
  kubeSocket?: string;
  kubePort?: number;
}

/** The flags given, as options (Lab.up validates them: ranges, combinations). */
function bgpOptionsOf(f: BgpFlags): BgpRouterOptions {
  const o: BgpRouterOptions = {};
  if (f.md5Password !== undefined) o.md5Password = f.md5Password;
  if (f.bfd !== undefined) o.bfd = f.bfd;
  if (f.ibgp === true) o.ibgp = true;
  if (f.multihop !== undefined) o.multihop = f.multihop;
  if (f.gracefulRestart !== undefined) o.gracefulRestartSec = f.gracefulRestart;
  if (f.holdTime !== undefined) o.holdTimeSec = f.holdTime;
  if (f.ipv6OverIpv4 === true) o.ipv6OverIpv4 = true;
  if (f.errorWait !== undefined) o.errorWaitSec = f.errorWait;
  return o;
}

const number = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('an integer');
  return n;
};

const program = new Command('ironlb-lab')
  .description('Network-namespace lab: nodes, pod hosts, a client and a BGP router on one machine')
  .showHelpAfterError();

program
  .command('up')
  .description('create the lab (namespaces <prefix>-*, bridge, veths, the router daemon)')
  .option('--prefix <prefix>', 'namespace/file prefix', DEFAULT_PREFIX)
  .option('--nodes <n>', 'node hosts (1..7)', int('--nodes', 1, 7), 3)
  .option('--router <kind>', `BGP daemon in the router host: ${ROUTER_KINDS.join('|')}`, routerKind, 'bird')
  .option('--ipv6', 'also IPv6 addresses and routes (2001:db8::/32)')
  .option('--kube-socket <path>', "forward every node's 127.0.0.1:<kube-port> to this Unix socket")
  .option('--kube-port <port>', 'port for --kube-socket', int('--kube-port', 1, 65535))
  .option('--md5-password <pw>', 'router: TCP MD5 password on every BGP session')
  .option('--bfd <ms,mult>', 'router: BFD on every neighbor (interval ms, detect multiplier; not GoBGP)', bfdFlag)
  .option('--ibgp', 'router: nodes in the router AS (64512)')
  .option('--multihop <ttl>', 'router: neighbors are multihop eBGP with this TTL', number)
  .option('--graceful-restart <sec>', 'router: graceful restart with this restart time', number)
  .option('--hold-time <sec>', 'router: BGP hold time', number)
  .option('--ipv6-over-ipv4', 'router: the IPv4 sessions also carry IPv6 unicast (needs --ipv6)')
  .option('--error-wait <sec>', 'router: re-accept a neighbor this soon after a session error', number)
  .action(async (f: UpFlags) => {
    const t0 = Date.now();
    const lab = await Lab.up({
      prefix: f.prefix,
      nodes: f.nodes,
      router: f.router,
      ipv6: f.ipv6 === true,
      kubeSocket: f.kubeSocket,
      kubePort: f.kubePort,
      bgp: bgpOptionsOf(f),
      log: (l) => console.log(l),
    });
    console.log(`lab '${lab.prefix}' is up in ${Date.now() - t0} ms; 'ironlb-lab status' shows it`);
  });

program
  .command('down')
  .description('remove the lab (also the leftovers of a crashed one): processes, namespaces, files')
  .option('--prefix <prefix>', 'namespace/file prefix', DEFAULT_PREFIX)
  .action(async (f: { prefix: string }) => {
    const r = await Lab.down(f.prefix);
    console.log(
      `lab '${f.prefix}' is down: ${r.killed.length} processes ended, ${r.namespaces.length} namespaces deleted`,
    );
    if (r.survivors.length > 0) throw new Error(`processes that would not die: ${r.survivors.join(' ')}`);
  });

program
  .command('status')
  .description('hosts, interfaces, addresses, MACs, routes, router sessions, processes')
  .option('--prefix <prefix>', 'namespace/file prefix', DEFAULT_PREFIX)
  .option('--json', 'machine-readable')
  .action(async (f: { prefix: string; json?: boolean }) => {
    assertRoot();
    const report = await gatherStatus(Lab.attach(f.prefix));
    process.stdout.write(f.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
  });

program
  .command('exec')
  .description('run a command inside <prefix>-<host> (streams stdio, exits with its code)')
  .argument('<host>', 'router, client, sw, node<k>, pod<k>')
  .argument('<cmd...>', 'the command, after --')
  .option('--prefix <prefix>', 'namespace/file prefix', DEFAULT_PREFIX)
  .action(async (host: string, cmd: string[], f: { prefix: string }) => {
    assertRoot();
    const lab = Lab.attach(f.prefix);
    const netns = host === 'sw' ? lab.plan.switchNetns : lab.host(host).netns;
    const [bin, ...args] = inNetns(netns, cmd);
    const child = spawn(bin, args, { stdio: 'inherit' });
    const code = await new Promise<number>((resolve) => {
      child.on('error', () => resolve(127));
      child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1)));
    });
    process.exitCode = code;
  });

program
  .command('router')
  .description("stop, start or restart the router's BGP daemon (start/restart reuse the options 'up' was given)")
  .argument('<action>', 'stop | start | restart')
  .option('--prefix <prefix>', 'namespace/file prefix', DEFAULT_PREFIX)
  .action(async (action: string, f: { prefix: string }) => {
    assertRoot();
    const lab = Lab.attach(f.prefix);
    if (action === 'stop') await lab.stopRouter();
    else if (action === 'start') await lab.startRouter();
    else if (action === 'restart') await lab.restartRouter();
    else throw new Error(`router: unknown action '${action}' (stop, start, restart)`);
    console.log(`router of lab '${f.prefix}': ${action} done`);
  });

program
  .command('link')
  .description("take a host's interface down or up (e.g. cut a node off the segment)")
  .argument('<host>', 'node<k>, router, client, pod<k>')
  .argument('<state>', 'up | down')
  .option('--prefix <prefix>', 'namespace/file prefix', DEFAULT_PREFIX)
  .option('--ifname <name>', 'the interface', 'eth0')
  .action(async (host: string, state: string, f: { prefix: string; ifname: string }) => {
    assertRoot();
    if (state !== 'up' && state !== 'down') throw new Error(`link: state must be up or down, got '${state}'`);
    await Lab.attach(f.prefix).setLink(host, state === 'up', f.ifname);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`ironlb-lab: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
