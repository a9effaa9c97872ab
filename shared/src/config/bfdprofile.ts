/**
 * BFDProfile objects: the BFD timers and modes a BGPPeer names in `spec.bfdProfile`. The bounds and defaults are
 * MetalLB's (api/v1beta1/bfdprofile_types.go, checked again in internal/config/config.go bfdProfileFromCR), which are
 * also those of ironlb's CRD and of FRR's bfdd.
 */
import { readBoolean, readInteger, type IntegerRange } from './fields';
import { errorsOf, loadInNameOrder, readObject, type Candidate, type LoadResult } from './object';
import type { FieldProblem, RawObject } from './raw';
import type { BFDProfile } from './types';

export const BFD_KIND = 'BFDProfile';

const INTERVAL: IntegerRange = { min: 10, max: 60000, why: 'milliseconds' };

function integer(spec: RawObject, key: string, range: IntegerRange, fallback: number, out: FieldProblem[]): number {
  return readInteger(spec[key], `spec.${key}`, range, out) ?? fallback;
}

function parseBFDProfile(raw: unknown, index: number): Candidate<BFDProfile> {
  const { id, spec, problems } = readObject(BFD_KIND, raw, index, false);
  const s = spec ?? {};
  const profile: BFDProfile = Object.freeze({
    name: id.name,
    receiveIntervalMs: integer(s, 'receiveInterval', INTERVAL, 300, problems),
    transmitIntervalMs: integer(s, 'transmitInterval', INTERVAL, 300, problems),
    detectMultiplier: integer(s, 'detectMultiplier', { min: 2, max: 255 }, 3, problems),
    echoIntervalMs: integer(s, 'echoInterval', INTERVAL, 50, problems),
    echoMode: readBoolean(s.echoMode, 'spec.echoMode', false, problems),
    passiveMode: readBoolean(s.passiveMode, 'spec.passiveMode', false, problems),
    minimumTtl: integer(s, 'minimumTtl', { min: 1, max: 254 }, 254, problems),
  });
  const errors = errorsOf(id, problems);
  return errors.length ? { id, errors } : { id, value: profile, errors };
}

/** Loaded profiles by name, in name order; `refused` names the ones a BGPPeer may name in vain. */
export function parseBFDProfiles(items: readonly unknown[]): LoadResult<BFDProfile> {
  return loadInNameOrder(
    items.map((raw, i) => parseBFDProfile(raw, i)),
    'BGPPeers name BFD profiles by name alone',
  );
}
