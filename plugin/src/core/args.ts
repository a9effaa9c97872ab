/** The command line, parsed purely: a command to run, a help text to print, or a usage error. */

export const USAGE = `kubectl ironlb: why a LoadBalancer Service has or lacks its IP, and ironlb at a glance.

Usage:
  kubectl ironlb explain svc/NAME [-n NAMESPACE] [-o json|yaml]
  kubectl ironlb status [-o wide|json|yaml]

Flags:
  -n, --namespace NAME       the Service's namespace (default: the context's, else "default")
  -o, --output FORMAT        explain: json, yaml; status: wide, json, yaml (default: text)
      --kubeconfig PATH      the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
      --context NAME         the kubeconfig context (default: its current-context)
      --ironlb-namespace NS  where ironlb runs: pools, Leases, status objects (default: ironlb-system)
      --lb-class CLASS       the spec.loadBalancerClass ironlb-controller serves (default: ironlb.io/ironlb)
  -h, --help                 this text
`;

export interface Common {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly ironlbNamespace: string;
  readonly lbClass: string;
}

export type Command =
  | { readonly kind: 'help' }
  | ({ readonly kind: 'explain'; readonly name: string; readonly output: 'text' | 'json' | 'yaml' } & Common)
  | ({ readonly kind: 'status'; readonly output: 'text' | 'wide' | 'json' | 'yaml' } & Common);

export class UsageError extends Error {}

const VALUED = new Map([
  ['-n', 'namespace'],
  ['--namespace', 'namespace'],
  ['-o', 'output'],
  ['--output', 'output'],
  ['--kubeconfig', 'kubeconfig'],
  ['--context', 'context'],
  ['--ironlb-namespace', 'ironlbNamespace'],
  ['--lb-class', 'lbClass'],
]);

/** `svc/web`, `service/web`, `services/web` or `web`; any other kind is an error naming it. */
function serviceName(ref: string): string {
  const slash = ref.indexOf('/');
  const [kind, name] = slash < 0 ? ['svc', ref] : [ref.slice(0, slash), ref.slice(slash + 1)];
  if (!['svc', 'service', 'services'].includes(kind)) {
    throw new UsageError(`explain takes a Service (svc/NAME), not "${ref}"`);
  }
  if (name === '') throw new UsageError(`"${ref}" names no Service`);
  return name;
}

export function parseArgs(argv: readonly string[]): Command {
  const flags: Record<string, string> = {};
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUED.get(flag);
    if (key !== undefined) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`flag needs an argument: ${flag}`);
      flags[key] = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown flag: ${flag}`);
    } else {
      words.push(arg);
    }
  }
  const common: Common = {
    ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    ironlbNamespace: flags.ironlbNamespace ?? 'ironlb-system',
    lbClass: flags.lbClass ?? 'ironlb.io/ironlb',
  };
  const [verb, ...rest] = words;
  const output = flags.output ?? 'text';
  switch (verb) {
    case undefined:
      return { kind: 'help' };
    case 'explain': {
      if (rest.length !== 1) throw new UsageError('explain takes one Service: kubectl ironlb explain svc/NAME');
      if (output !== 'text' && output !== 'json' && output !== 'yaml') {
        throw new UsageError(`explain: unknown output format "${output}" (json, yaml)`);
      }
      return { kind: 'explain', name: serviceName(rest[0]), output, ...common };
    }
    case 'status': {
      if (rest.length !== 0) throw new UsageError(`status takes no arguments, got "${rest.join(' ')}"`);
      if (output !== 'text' && output !== 'wide' && output !== 'json' && output !== 'yaml') {
        throw new UsageError(`status: unknown output format "${output}" (wide, json, yaml)`);
      }
      return { kind: 'status', output, ...common };
    }
    default:
      throw new UsageError(`unknown command "${verb}" (explain, status)`);
  }
}
