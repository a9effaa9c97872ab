/**
 * nft scripts for a plan: the whole table (the first sync and every periodic resync: one atomic transaction that
 * replaces the table), or the diff between two plans (one atomic transaction touching only the forwards that
 * changed, so one endpoint change costs the same with 10 or 10,000 Services).
 */
import type { DataplanePlan, Forward, L4Protocol } from '../types';
import {
  DEFAULT_MASQUERADE_MARK,
  SHARED,
  TABLE,
  forwardObjects,
  endpointsMap,
  sharedChainOf,
  type Element,
  type ForwardObjects,
} from './objects';

const T = `inet ${TABLE}`;
const PROTOCOLS: readonly L4Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** The table's own objects: the shared maps and sets, and the base chains hooked into netfilter. */
function baseLines(mark: number): string[] {
  const m = `0x${mark.toString(16)}`;
  const lookup = (family: 'ip' | 'ip6'): string => `${family} daddr . meta l4proto . th dport`;
  const both = (f: (family: 'ip' | 'ip6', v: '4' | '6') => string): string[] => [f('ip', '4'), f('ip6', '6')];
  const chain = (name: string, hook: string | undefined, rules: string[]): string[] => [
    `  chain ${name} {`,
    ...(hook ? [`    ${hook}`] : []),
    ...rules.map((r) => `    ${r}`),
    '  }',
  ];
  const refuse = both(
    (f, v) => `ct state new ${lookup(f)} @${SHARED.refused[v === '4' ? 'IPv4' : 'IPv6']} goto refuse`,
  );
  const forward = [
    ...both((f, v) => `${lookup(f)} @masquerade${v} meta mark set meta mark | ${m}`),
    ...both((f, v) => `${lookup(f)} vmap @forwards${v}`),
  ];
  return [
    ...both((_, v) => `  map forwards${v} { type ipv${v}_addr . inet_proto . inet_service : verdict; }`),
    // typeof, not type: numgen's value is a plain integer, which only typeof can declare in a concatenation.
    ...both((f, v) =>
      PROTOCOLS.map(
        (p) =>
          `  map ${endpointsMap(v === '4' ? 'IPv4' : 'IPv6', p)} { typeof ${f} daddr . th dport . numgen random mod 1 : ${f} daddr . ${p.toLowerCase()} dport; }`,
      ).join('\n'),
    ),
    ...both((_, v) => `  set masquerade${v} { type ipv${v}_addr . inet_proto . inet_service; }`),
    ...both((_, v) => `  set refused${v} { type ipv${v}_addr . inet_proto . inet_service; }`),
    ...both((_, v) => `  set limited${v} { type ipv${v}_addr . inet_proto . inet_service; }`),
    ...both(
      (_, v) => `  set allowed${v} { type ipv${v}_addr . inet_proto . inet_service . ipv${v}_addr; flags interval; }`,
    ),
    ...chain('refuse', undefined, ['meta l4proto tcp reject with tcp reset', 'reject with icmpx port-unreachable']),
    ...chain(
      'filter-prerouting',
      'type filter hook prerouting priority dstnat - 10; policy accept;',
      both((f, v) => `${lookup(f)} @limited${v} ${lookup(f)} . ${f} saddr != @allowed${v} drop`),
    ),
    ...chain('filter-input', 'type filter hook input priority filter; policy accept;', refuse),
    ...chain('filter-forward', 'type filter hook forward priority filter; policy accept;', refuse),
    ...chain('filter-output', 'type filter hook output priority filter; policy accept;', refuse),
    ...chain('nat-prerouting', 'type nat hook prerouting priority dstnat; policy accept;', forward),
    ...chain('nat-output', 'type nat hook output priority -100; policy accept;', forward),
    ...chain('nat-postrouting', 'type nat hook postrouting priority srcnat; policy accept;', [
      `meta mark & ${m} == ${m} meta mark set meta mark ^ ${m} masquerade`,
    ]),
  ];
}

const elementText = (e: Element): string => (e.value === undefined ? e.key : `${e.key} : ${e.value}`);

/** `add element` / `delete element` statements, one per set, elements in the order given. */
function elementLines(verb: 'add' | 'delete', elements: readonly Element[]): string[] {
  const bySet = new Map<string, string[]>();
  for (const e of elements) {
    const list = bySet.get(e.set) ?? [];
    // A map's element is deleted by its key alone.
    list.push(verb === 'add' ? elementText(e) : e.key);
    bySet.set(e.set, list);
  }
  return [...bySet].map(([set, items]) => `${verb} element ${T} ${set} { ${items.join(', ')} }`);
}

/** The whole table, replacing whatever is there (the `add table` first makes the `delete` valid on a clean host). */
export function renderFull(plan: DataplanePlan, mark: number = DEFAULT_MASQUERADE_MARK): string {
  const lines = [`add table ${T}`, `delete table ${T}`, `table ${T} {`, ...baseLines(mark)];
  const elements: Element[] = [];
  const shared = new Map<string, readonly string[]>();
  for (const f of plan.forwards.values()) {
    const o = forwardObjects(f);
    for (const [name, rules] of o.sharedChains) shared.set(name, rules);
    for (const [name, decl] of o.sets) lines.push(`  set ${name} { ${decl} }`);
    for (const [name, rules] of o.chains) lines.push(`  chain ${name} {`, ...rules.map((r) => `    ${r}`), '  }');
    elements.push(...o.elements);
  }
  for (const [name, rules] of shared) lines.push(`  chain ${name} {`, ...rules.map((r) => `    ${r}`), '  }');
  lines.push('}', ...elementLines('add', elements));
  return `${lines.join('\n')}\n`;
}

/** Whether two forwards render the same objects (the key is the same by construction). */
export function sameForward(a: Forward, b: Forward): boolean {
  return (
    a.service === b.service &&
    a.portName === b.portName &&
    a.masquerade === b.masquerade &&
    a.affinitySec === b.affinitySec &&
    a.backends.length === b.backends.length &&
    a.backends.every((x, i) => x.port === b.backends[i].port && x.ip.value === b.backends[i].ip.value) &&
    a.sourceRanges.length === b.sourceRanges.length &&
    a.sourceRanges.every((x, i) => x.length === b.sourceRanges[i].length && x.ip.value === b.sourceRanges[i].ip.value)
  );
}

const NONE: ForwardObjects = { sets: new Map(), chains: new Map(), sharedChains: new Map(), elements: [] };
const sameRules = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((r, i) => r === b[i]);
const elementId = (e: Element): string => `${e.set}\n${elementText(e)}`;

/**
 * The shared chains of a table that renderFull(plan) made, with how many of the plan's forwards go to each. A diff
 * carries these on: a chain whose last user left stays (with 0) until the next full rewrite, because adding a chain
 * with a DNAT rule makes the kernel validate every jump of the table (+20-30 ms at 10,000 Services) and an endpoint
 * count that went from 10 to 9 comes back to 10 soon enough (a rolling update); a kept chain costs nothing.
 */
export function sharedChainUsers(plan: DataplanePlan): ReadonlyMap<string, number> {
  const counted = new Map<string, number>();
  for (const f of plan.forwards.values()) {
    const name = sharedChainOf(f);
    if (name !== undefined) counted.set(name, (counted.get(name) ?? 0) + 1);
  }
  return counted;
}

/**
 * The statements that turn the table rendered for `prev` into the one for `next` ('' when nothing changed), and
 * the shared chains the table then holds. `inTable`: the shared chains it holds now (by default those of a full
 * rewrite to `prev`); the caller keeps the returned ones for its next diff once the statements were applied. Order
 * inside the one transaction: new sets and chains, chain contents, elements out then in, and only then the chains
 * and sets nothing refers to any more (service chains before the endpoint chains they jump to).
 */
export function diffTable(
  prev: DataplanePlan,
  next: DataplanePlan,
  inTable: ReadonlyMap<string, number> = sharedChainUsers(prev),
): { readonly text: string; readonly inTable: ReadonlyMap<string, number> } {
  const addSets: string[] = [];
  const addChains: string[] = [];
  const fill: string[] = [];
  const delElements: Element[] = [];
  const addElements: Element[] = [];
  const delServiceChains: string[] = [];
  const delEndpointChains: string[] = [];
  const delSets: string[] = [];
  // How many forwards use each shared chain after the diff: the counts before, moved by the forwards that changed.
  const users = new Map(inTable);
  const joinedShared = new Map<string, readonly string[]>();
  const change = (a: Forward | undefined, b: Forward | undefined): void => {
    const oa = a ? forwardObjects(a) : NONE;
    const ob = b ? forwardObjects(b) : NONE;
    for (const [name, decl] of ob.sets) if (!oa.sets.has(name)) addSets.push(`add set ${T} ${name} { ${decl} }`);
    for (const name of oa.sets.keys()) if (!ob.sets.has(name)) delSets.push(`delete set ${T} ${name}`);
    for (const [name, rules] of ob.chains) {
      const before = oa.chains.get(name);
      if (before && sameRules(before, rules)) continue;
      if (before) fill.push(`flush chain ${T} ${name}`);
      else addChains.push(`add chain ${T} ${name}`);
      for (const r of rules) fill.push(`add rule ${T} ${name} ${r}`);
    }
    for (const name of oa.chains.keys()) {
      if (ob.chains.has(name)) continue;
      (name.startsWith('svc-') ? delServiceChains : delEndpointChains).push(`delete chain ${T} ${name}`);
    }
    for (const name of oa.sharedChains.keys()) users.set(name, (users.get(name) ?? 0) - 1);
    for (const [name, rules] of ob.sharedChains) {
      users.set(name, (users.get(name) ?? 0) + 1);
      joinedShared.set(name, rules);
    }
    const inB = new Set(ob.elements.map(elementId));
    const inA = new Set(oa.elements.map(elementId));
    delElements.push(...oa.elements.filter((e) => !inB.has(elementId(e))));
    addElements.push(...ob.elements.filter((e) => !inA.has(elementId(e))));
  };
  // Two passes over the maps rather than over their union: this loop is the whole in-process cost of a small change.
  for (const [key, a] of prev.forwards) {
    const b = next.forwards.get(key);
    if (a !== b && !(b && sameForward(a, b))) change(a, b);
  }
  for (const [key, b] of next.forwards) if (!prev.forwards.has(key)) change(undefined, b);
  for (const [name, rules] of joinedShared) {
    if (inTable.has(name)) continue;
    addChains.push(`add chain ${T} ${name}`);
    for (const r of rules) fill.push(`add rule ${T} ${name} ${r}`);
  }
  const lines = [
    ...addSets,
    ...addChains,
    ...fill,
    ...elementLines('delete', delElements),
    ...elementLines('add', addElements),
    ...delServiceChains,
    ...delEndpointChains,
    ...delSets,
  ];
  return { text: lines.length === 0 ? '' : `${lines.join('\n')}\n`, inTable: users };
}
