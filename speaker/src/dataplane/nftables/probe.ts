/** Reading the drift probe's answer: `nft list chains inet` (chains without their rules) as nft 1.0 prints it. */
import { HOOKED_CHAINS, TABLE } from './objects';

/** Whether the listing shows our table with each of its chains that hook into netfilter, hooked. */
export function hasOurHookedChains(listing: string): boolean {
  const ours = listing.split(/^(?=table )/m).find((t) => t.startsWith(`table inet ${TABLE} {`));
  return ours !== undefined && HOOKED_CHAINS.every((c) => new RegExp(`\\bchain ${c} \\{\\s*type `).test(ours));
}
