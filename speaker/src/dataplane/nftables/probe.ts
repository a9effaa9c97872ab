/** Reading the drift probe's answer: `nft list chains inet` (chains without their rules) as nft 1.0 prints it. */
import { HOOKED_CHAINS, TABLE } from './objects';

/** Whether the listing shows our table with each of its chains that hook into netfilter, hooked. */
export function hasOurHookedChains(listing: string): boolean {
  const start = listing.indexOf(`table inet ${TABLE} {`);
  if (start < 0) return false;
  const end = listing.indexOf('\ntable ', start + 1);
  const ours = listing.slice(start, end < 0 ? undefined : end);
  return HOOKED_CHAINS.every((c) => new RegExp(`\\bchain ${c} \\{\\s*type `).test(ours));
}
