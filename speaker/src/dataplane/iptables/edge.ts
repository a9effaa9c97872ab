/**
 * The iptables backend's edge: hands the rendered text to iptables-restore / ip6tables-restore (--noflush, so only
 * our chains change) and keeps one jump from each built-in chain to ours. Each sync starts from one iptables-save
 * of the family: its IRONLB- chains are the render's `previous` (so chains that are gone are deleted whoever left
 * them: this process, an earlier one, a crash), and its built-in chains show which jumps are missing or doubled.
 * A steady sync is two commands per family: the save and the restore.
 *
 * Commands run through a CommandRunner, after an optional argv prefix (tests: ['ip', 'netns', 'exec', NS]; the
 * speaker runs in the node's own namespace and passes none). Calls are serialized: a sync never interleaves with
 * another sync or a cleanup.
 */
import { errorText, type IPFamily } from '@ironlb/shared';
import type { DataplanePlan } from '../types';
import { JUMPS, jumpSpec, type BuiltinJump, type IptablesTable } from './names';
import { renderIptables, renderRemoval } from './render';
import { processRunner, type CommandResult, type CommandRunner } from '../command';
import { chainRules, ourJumps, ownedChains, repairJump } from './save';

export interface IptablesDataplaneOptions {
  readonly runner?: CommandRunner;
  /** Put before every command's argv, e.g. ['ip', 'netns', 'exec', 'ns1']; none by default. */
  readonly prefix?: readonly string[];
  /** The families to program (default both): a node without IPv6 passes ['IPv4']. */
  readonly families?: readonly IPFamily[];
  /** How long iptables may wait for the xtables lock (-w), in seconds; default 5. */
  readonly lockWaitSec?: number;
}

interface Tools {
  readonly iptables: string;
  readonly restore: string;
  readonly save: string;
}

const TOOLS: Readonly<Record<IPFamily, Tools>> = {
  IPv4: { iptables: 'iptables', restore: 'iptables-restore', save: 'iptables-save' },
  IPv6: { iptables: 'ip6tables', restore: 'ip6tables-restore', save: 'ip6tables-save' },
};

/** A command that failed: its argv, exit code and stderr (and for a restore, the input line it refused). */
export class IptablesCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: CommandResult,
    input?: string,
  ) {
    super(
      `'${argv.join(' ')}' failed (exit ${result.code}): ${result.stderr.trim() || '(no stderr)'}${inputLine(result.stderr, input)}`,
    );
    this.name = 'IptablesCommandError';
  }
}

/** iptables-restore names the line it refused ("line 12: ..."): quote that line of our input with it. */
function inputLine(stderr: string, input: string | undefined): string {
  const m = /line (\d+)/.exec(stderr);
  if (!m || input === undefined) return '';
  const line = input.split('\n')[Number(m[1]) - 1];
  return line === undefined ? '' : ` [input line ${m[1]}: ${line}]`;
}

/** The built-in chains our jumps leave from, each once, in JUMPS order. */
function builtinChains(): { table: IptablesTable; from: string; jumps: BuiltinJump[] }[] {
  const out: { table: IptablesTable; from: string; jumps: BuiltinJump[] }[] = [];
  for (const j of JUMPS) {
    const at = out.find((c) => c.table === j.table && c.from === j.from);
    if (at) at.jumps.push(j);
    else out.push({ table: j.table, from: j.from, jumps: [j] });
  }
  return out;
}

export class IptablesDataplane {
  private readonly runner: CommandRunner;
  private readonly prefix: readonly string[];
  private readonly families: readonly IPFamily[];
  private readonly wait: string;
  private tail: Promise<void> = Promise.resolve();
  /** Bytes of restore input the last sync wrote, over both families. */
  lastBytes = 0;

  constructor(opts: IptablesDataplaneOptions = {}) {
    this.runner = opts.runner ?? processRunner();
    this.prefix = opts.prefix ?? [];
    this.families = opts.families ?? ['IPv4', 'IPv6'];
    this.wait = String(opts.lockWaitSec ?? 5);
  }

  /**
   * Makes our chains say `plan`, family by family; every family is tried even when one fails (a node whose IPv6
   * tables fail still forwards IPv4), then the failures are thrown together.
   */
  sync(plan: DataplanePlan): Promise<void> {
    return this.serial(() => {
      this.lastBytes = 0;
      return this.eachFamily((f) => this.syncFamily(plan, f));
    });
  }

  /** Removes our jumps and every IRONLB- chain, and nothing else. */
  cleanup(): Promise<void> {
    return this.serial(() => this.eachFamily((f) => this.cleanupFamily(f)));
  }

  private async syncFamily(plan: DataplanePlan, family: IPFamily): Promise<void> {
    const t = TOOLS[family];
    const saved = (await this.must([t.save])).stdout;
    const rendered = renderIptables(plan, family, ownedChains(saved));
    await this.must([t.restore, '--noflush', '-w', this.wait], rendered.text);
    this.lastBytes += Buffer.byteLength(rendered.text);
    // After the restore: a jump's target must exist before the jump. The restore does not touch built-in chains,
    // so the save still shows what they hold.
    for (const b of builtinChains()) {
      const rules = chainRules(saved, b.table, b.from);
      for (const j of b.jumps) {
        const repair = repairJump(rules, j);
        for (const r of repair.remove) await this.iptables(t, b.table, '-D', b.from, r);
        // First in the chain: an earlier ACCEPT must not let a source range's drop or a reject be skipped.
        if (repair.insert) await this.iptables(t, b.table, '-I', b.from, jumpSpec(j));
      }
    }
  }

  private async cleanupFamily(family: IPFamily): Promise<void> {
    const t = TOOLS[family];
    const saved = (await this.must([t.save])).stdout;
    // The jumps first: a chain still referenced cannot be deleted.
    for (const b of builtinChains()) {
      for (const r of ourJumps(chainRules(saved, b.table, b.from))) await this.iptables(t, b.table, '-D', b.from, r);
    }
    const removal = renderRemoval(ownedChains(saved));
    if (removal !== '') await this.must([t.restore, '--noflush', '-w', this.wait], removal);
  }

  private iptables(
    t: Tools,
    table: IptablesTable,
    op: '-D' | '-I',
    chain: string,
    rule: readonly string[],
  ): Promise<CommandResult> {
    return this.must([t.iptables, '-w', this.wait, '-t', table, op, chain, ...rule]);
  }

  private async eachFamily(op: (f: IPFamily) => Promise<void>): Promise<void> {
    const errors: unknown[] = [];
    for (const f of this.families) {
      try {
        await op(f);
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new Error(errors.map(errorText).join('; '));
  }

  private async must(argv: readonly string[], input?: string): Promise<CommandResult> {
    const full = [...this.prefix, ...argv];
    const result = await this.runner.run(full, input);
    if (result.code !== 0) throw new IptablesCommandError(full, result, input);
    return result;
  }

  private serial(op: () => Promise<void>): Promise<void> {
    const run = this.tail.then(op);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
