/**
 * Reading `iptables-save`: the chains of ours it lists (what the next restore must delete when the plan no longer has
 * them, whoever wrote them: this process, an earlier one, or nobody after a crash), and the rules of the built-in
 * chains, so that each of our jumps exists exactly once. Pure: text in, values out.
 */
import { CHAIN_PREFIX, jumpSpec, type BuiltinJump, type IptablesTable } from './names';

/** Chain names by table. */
export interface RenderedChains {
  readonly nat: ReadonlySet<string>;
  readonly filter: ReadonlySet<string>;
}

/** Every IRONLB- chain an `iptables-save` text declares, by table (other tables are not ours to touch). */
export function ownedChains(saveText: string): RenderedChains {
  const found: Record<IptablesTable, Set<string>> = { nat: new Set(), filter: new Set() };
  let table: IptablesTable | undefined;
  for (const line of saveText.split('\n')) {
    if (line.startsWith('*')) {
      const name = line.slice(1).trim();
      table = name === 'nat' || name === 'filter' ? name : undefined;
    } else if (table && line.startsWith(`:${CHAIN_PREFIX}`)) {
      found[table].add(line.slice(1).split(' ')[0]);
    }
  }
  return found;
}

/**
 * The words of one rule as iptables prints it: split on spaces, a double-quoted word (a comment) kept whole and
 * unquoted, `\"` inside it kept as `"`.
 */
export function ruleWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    let word = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        word += line[i++];
      }
      i++;
    } else {
      while (i < line.length && line[i] !== ' ') word += line[i++];
    }
    words.push(word);
  }
  return words;
}

/** The rules a save lists for one chain of one table, each as its words after `-A <chain>`. */
export function chainRules(saveText: string, table: IptablesTable, chain: string): string[][] {
  const rules: string[][] = [];
  let inTable = false;
  for (const line of saveText.split('\n')) {
    if (line.startsWith('*')) inTable = line.slice(1).trim() === table;
    else if (inTable && line.startsWith(`-A ${chain} `)) rules.push(ruleWords(line).slice(2));
  }
  return rules;
}

/** The target of a rule (the word after its last `-j`), if it has one. */
function target(rule: readonly string[]): string | undefined {
  const at = rule.lastIndexOf('-j');
  return at >= 0 ? rule[at + 1] : undefined;
}

const sameWords = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);

/** What to do so that `from` jumps to `to` exactly once, as `jump` says: rules to delete, and whether to insert. */
export interface JumpRepair {
  readonly remove: readonly (readonly string[])[];
  readonly insert: boolean;
}

/**
 * From the rules a built-in chain holds now: keep one rule exactly like ours, delete every other rule of that chain
 * jumping to our chain (a duplicate, or an older form of the jump), insert ours when none was kept.
 */
export function repairJump(rules: readonly (readonly string[])[], jump: BuiltinJump): JumpRepair {
  const want = jumpSpec(jump);
  const remove: (readonly string[])[] = [];
  let kept = false;
  for (const rule of rules) {
    if (target(rule) !== jump.to) continue;
    if (!kept && sameWords(rule, want)) kept = true;
    else remove.push(rule);
  }
  return { remove, insert: !kept };
}

/** Every rule of a built-in chain that jumps to one of our chains (cleanup deletes them all). */
export function ourJumps(rules: readonly (readonly string[])[]): (readonly string[])[] {
  return rules.filter((r) => target(r)?.startsWith(CHAIN_PREFIX) ?? false);
}
