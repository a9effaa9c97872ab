/** The speaker's dataplane from its flags: which backend (`--dataplane`, `auto` looks at the node), its sync loop and feed. */
import type { DataplaneBackend } from './backend';
import { decide, hostFacts, type DataplaneChoice, type DataplaneKind } from './choose';
import { processRunner, type CommandRunner } from './command';
import { DataplaneFeed } from './feed';
import { iptablesBackend } from './iptables/backend';
import { ipvsBackend } from './ipvs/backend';
import { nftablesBackend } from './nftables/edge';
import { DataplaneSync, type AppliedSync } from './sync';

type Log = { info(o: object, msg: string): void; warn(o: object, msg: string): void };

export interface DataplaneStartOptions {
  readonly choice: DataplaneChoice;
  readonly resyncSec: number;
  readonly node: string;
  readonly lbClass: string;
  readonly log: Log;
  readonly runner?: CommandRunner;
  readonly onApplied?: (backend: string, s: AppliedSync) => void;
  readonly onFailed?: (backend: string) => void;
}

export interface RunningDataplane {
  readonly feed: DataplaneFeed;
  readonly sync: DataplaneSync;
  readonly backend: string;
}

function backendOf(kind: Exclude<DataplaneKind, 'none'>, runner: CommandRunner): DataplaneBackend {
  switch (kind) {
    case 'nftables':
      return nftablesBackend({ runner });
    case 'iptables':
      return iptablesBackend({ runner });
    case 'ipvs':
      return ipvsBackend();
  }
}

export async function startDataplane(o: DataplaneStartOptions): Promise<RunningDataplane | undefined> {
  const runner = o.runner ?? processRunner();
  const facts = o.choice === 'auto' ? await hostFacts(runner) : { nft: true, iptables: true };
  const decision = decide(o.choice, facts);
  o.log.info({ dataplane: decision.kind, why: decision.why }, `dataplane: ${decision.kind}`);
  if (decision.kind === 'none') return undefined;
  const backend = backendOf(decision.kind, runner);
  const sync = new DataplaneSync({
    backend,
    runner,
    resyncMs: o.resyncSec * 1000,
    log: o.log,
    onApplied: (s) => {
      if (s.full) o.log.info({ backend: backend.name, ...s }, 'dataplane rules written in full');
      o.onApplied?.(backend.name, s);
    },
    onFailed: () => o.onFailed?.(backend.name),
  });
  return { feed: new DataplaneFeed(sync, o.node, o.lbClass, o.log), sync, backend: backend.name };
}
