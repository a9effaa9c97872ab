// ironlb-lab: the command line over the Lab API (lab.ts). Errors print one clear message and exit 1.
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
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

interface UpFlags {
  prefix: string;
  nodes: number;
  router: RouterKind;
  ipv6?: boolean;
  kubeSocket?: string;
  kubePort?: number;
}

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
  .action(async (f: UpFlags) => {
    const t0 = Date.now();
    const lab = await Lab.up({
      prefix: f.prefix,
      nodes: f.nodes,
      router: f.router,
      ipv6: f.ipv6 === true,
      kubeSocket: f.kubeSocket,
      kubePort: f.kubePort,
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

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`ironlb-lab: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
