/** `kubectl ironlb status`: pools with usage, speakers alive, BGP sessions; facts in, one value out. Pure. */
import { SPEAKER_LEASE_PREFIX } from './explain';
import { poolUsage, type PoolUsage } from './pools';
import type { RawObject } from './raw';
import { bgpSessionsOf, speakersOf, type BgpSessionFact, type SpeakerFact } from './speakers';

export interface StatusFacts {
  readonly pools: readonly RawObject[];
  readonly leases: readonly RawObject[];
  readonly bgpStatuses: readonly RawObject[];
  readonly now: number;
}

export interface StatusReport {
  readonly pools: readonly PoolUsage[];
  readonly speakers: readonly SpeakerFact[];
  readonly bgpSessions: readonly BgpSessionFact[];
}

export function status(facts: StatusFacts): StatusReport {
  return {
    pools: facts.pools.map(poolUsage).sort((a, b) => a.name.localeCompare(b.name)),
    speakers: speakersOf(facts.leases, SPEAKER_LEASE_PREFIX, facts.now),
    bgpSessions: bgpSessionsOf(facts.bgpStatuses),
  };
}
