/**
 * `kubectl ironlb`: parse, read what the command needs (edge), decide (core), print. Errors go to stderr as
 * `Error: ...` with exit code 1, as kubectl's plugins do.
 */
import { parseArgs, USAGE, UsageError, type Command } from './core/args';
import { explain } from './core/explain';
import { explainText, statusText, structured } from './core/render';
import { status } from './core/status';
import { clientNodeReader, PluginError, type ClientNode, type ClusterReader } from './edge/reader';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly now: () => number;
}

const PLURAL = { l2: 'servicel2statuses', bgp: 'servicebgpstatuses', pools: 'ipaddresspools' } as const;

/** Runs one parsed command against a reader; the output text. */
export async function execute(
  cmd: Exclude<Command, { kind: 'help' }>,
  reader: ClusterReader,
  now: () => number,
): Promise<string> {
  const ns = cmd.ironlbNamespace;
  if (cmd.kind === 'explain') {
    const namespace = cmd.namespace ?? reader.defaultNamespace;
    const service = await reader.service(namespace, cmd.name);
    const [namespaceLabels, pools, services, events, l2Statuses, bgpStatuses, leases] = await Promise.all([
      reader.namespaceLabels(namespace),
      reader.custom(ns, PLURAL.pools),
      reader.services(),
      reader.events(namespace),
      reader.custom(ns, PLURAL.l2),
      reader.custom(ns, PLURAL.bgp),
      reader.leases(ns),
    ]);
    const t = now();
    const x = explain({
      service,
      namespaceLabels,
      lbClass: cmd.lbClass,
      pools,
      services,
      events,
      l2Statuses,
      bgpStatuses,
      leases,
      now: t,
    });
    return cmd.output === 'text' ? explainText(x, t) : structured(x, cmd.output);
  }
  const [pools, leases, bgpStatuses] = await Promise.all([
    reader.custom(ns, PLURAL.pools),
    reader.leases(ns),
    reader.custom(ns, PLURAL.bgp),
  ]);
  const t = now();
  const r = status({ pools, leases, bgpStatuses, now: t });
  return cmd.output === 'text' || cmd.output === 'wide'
    ? statusText(r, t, cmd.output === 'wide')
    : structured(r, cmd.output);
}

/** The whole command: 0 on success, 1 on any error (printed as `Error: ...`). */
export async function main(argv: readonly string[], k8s: ClientNode, io: Io): Promise<number> {
  try {
    const cmd = parseArgs(argv);
    if (cmd.kind === 'help') {
      io.out(USAGE);
      return 0;
    }
    io.out(await execute(cmd, clientNodeReader(k8s, cmd), io.now));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`Error: ${e.message}\n\n${USAGE}`);
      return 1;
    }
    io.err(`Error: ${e instanceof PluginError || e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** The bin's entry: process streams and clock. */
export function run(argv: readonly string[], k8s: ClientNode): void {
  void main(argv, k8s, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    now: () => Date.now(),
  }).then((code) => {
    process.exitCode = code;
  });
}
