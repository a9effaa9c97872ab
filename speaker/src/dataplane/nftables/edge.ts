/**
 * The nftables backend's edge: one `nft -f -` per apply, so every sync is one atomic transaction; a failed one
 * changes nothing. Only our table is ever named, so rules of other owners (kube-proxy, firewalld, Docker) stay.
 */
import type { ApplyStats, DataplaneBackend } from '../backend';
import { failureText, type CommandRunner } from '../command';
import type { DataplanePlan } from '../types';
import { DEFAULT_MASQUERADE_MARK, TABLE } from './objects';
import { hasOurHookedChains } from './probe';
import { diffTable, renderFull, sharedChainUsers } from './render';

export interface NftablesOptions {
  readonly runner: CommandRunner;
  /** Put before every argv: `ip netns exec NS` in tests; empty for the speaker. */
  readonly argvPrefix?: readonly string[];
  readonly mark?: number;
}

export function nftablesBackend(opts: NftablesOptions): DataplaneBackend {
  const prefix = opts.argvPrefix ?? [];
  const mark = opts.mark ?? DEFAULT_MASQUERADE_MARK;
  const nft = async (args: string[], input?: string): Promise<string> => {
    const argv = [...prefix, 'nft', ...args];
    const r = await opts.runner.run(argv, input);
    if (r.code !== 0) throw new Error(failureText(argv, r));
    return r.stdout;
  };
  // The shared chains in our table as the last successful apply left them (diffs keep unused ones; see render.ts).
  let inTable: ReadonlyMap<string, number> | undefined;
  return {
    name: 'nftables',
    async apply(prev: DataplanePlan | undefined, next: DataplanePlan, full: boolean): Promise<ApplyStats> {
      const step =
        full || !prev
          ? { text: renderFull(next, mark), inTable: sharedChainUsers(next) }
          : diffTable(prev, next, inTable);
      // A failed transaction changes nothing, so what the table holds is only updated after a success.
      if (step.text !== '') await nft(['-f', '-'], step.text);
      inTable = step.inTable;
      return { bytes: Buffer.byteLength(step.text) };
    },
    async drifted(): Promise<boolean> {
      // `list chains` names chains without their rules, so nft fetches no set elements: 0.05 s at 10,000 Services
      // where `list chain` took 2-9 s (it reads every element of the table's maps first). It sees our table or a
      // hooked chain gone (`flush ruleset`, `delete table`), not `flush table inet ironlb`: the periodic full
      // rewrite repairs that one.
      const r = await opts.runner.run([...prefix, 'nft', 'list', 'chains', 'inet']);
      return r.code !== 0 || !hasOurHookedChains(r.stdout);
    },
    async cleanup(): Promise<void> {
      // `add` first: deleting a table that is not there is an error, and cleanup must not fail for that.
      await nft(['-f', '-'], `add table inet ${TABLE}\ndelete table inet ${TABLE}\n`);
      inTable = undefined;
    },
  };
}
