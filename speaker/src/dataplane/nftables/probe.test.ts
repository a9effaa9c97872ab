import { renderFull } from './render';
import { HOOKED_CHAINS } from './objects';
import { hasOurHookedChains } from './probe';
import { plan } from '../testPlans';

/** What `nft list chains inet` prints (nft 1.0.6): tables in order, chains with their hook line, no rules. */
function listing(ourChains: readonly string[], other = ''): string {
  const chain = (name: string, hooked = true) =>
    `\tchain ${name} {\n${hooked ? '\t\ttype nat hook prerouting priority dstnat; policy accept;\n' : ''}\t}`;
  return [
    'table inet firewalld {\n' + chain('nat-prerouting') + '\n}',
    'table inet ironlb {\n' +
      ourChains.map((c) => (c.endsWith('!') ? chain(c.slice(0, -1), false) : chain(c))).join('\n') +
      '\n\tchain dnat4-tcp-2 {\n\t}\n}',
    other,
  ]
    .filter((t) => t !== '')
    .join('\n');
}

describe('hasOurHookedChains', () => {
  it('our table with every hooked chain: no drift', () => {
    expect(hasOurHookedChains(listing(HOOKED_CHAINS))).toBe(true);
    expect(hasOurHookedChains(listing(HOOKED_CHAINS, 'table inet zz {\n}'))).toBe(true);
    // Ours first, or alone.
    const full = listing(HOOKED_CHAINS);
    const alone = full.slice(full.indexOf('table inet ironlb {'));
    expect(alone.startsWith('table inet ironlb {')).toBe(true);
    expect(hasOurHookedChains(alone)).toBe(true);
  });

  it('no table of ours (deleted, or `flush ruleset`), another owner having chains of the same names, is drift', () => {
    expect(hasOurHookedChains('')).toBe(false);
    expect(hasOurHookedChains(listing(HOOKED_CHAINS).replace('table inet ironlb {', 'table inet ironlb2 {'))).toBe(
      false,
    );
  });

  it.each(HOOKED_CHAINS)('%s missing, or there but not hooked (made again by hand), is drift', (c) => {
    expect(hasOurHookedChains(listing(HOOKED_CHAINS.filter((x) => x !== c)))).toBe(false);
    expect(hasOurHookedChains(listing(HOOKED_CHAINS.map((x) => (x === c ? `${x}!` : x))))).toBe(false);
  });

  it('a hooked chain of ours found only in the table after ours does not count', () => {
    const ours = HOOKED_CHAINS.filter((x) => x !== 'nat-output');
    const after =
      'table inet later {\n\tchain nat-output {\n\t\ttype nat hook output priority -100; policy accept;\n\t}\n}';
    expect(hasOurHookedChains(listing(ours, after))).toBe(false);
  });

  it('the table renderFull declares hooks exactly these chains', () => {
    const text = renderFull(plan());
    const hooked = [...text.matchAll(/ {2}chain (\S+) \{\n {4}type /g)].map((m) => m[1]);
    expect(hooked.sort()).toEqual([...HOOKED_CHAINS].sort());
  });
});
