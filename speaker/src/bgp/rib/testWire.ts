/** The check that ties the adj-RIB-out to the codec (tests only): what the table packs is what goes on the wire. */
import { decodeMessage, encodeMessage, maxUpdateLength, updateLength } from '../codec';
import type { CodecOptions, Prefix, UpdateMessage } from '../codec/types';

/** A prefix list as one string: deep equality over thousands of prefix objects is too slow for the big packs. */
function text(ps: readonly Prefix[] | undefined): string | undefined {
  return ps?.map((p) => `${p.ip.family}:${p.ip.value.toString(16)}/${p.length}`).join(' ');
}

/** `m` with its prefix lists as strings and everything else as it is. */
function comparable(m: UpdateMessage): unknown {
  const { mpReach, mpUnreach, ...rest } = m.attributes;
  return {
    type: m.type,
    withdrawn: text(m.withdrawn),
    nlri: text(m.nlri),
    attributes: rest,
    mpReach: mpReach && { family: mpReach.family, nextHops: mpReach.nextHops, nlri: text(mpReach.nlri) },
    mpUnreach: mpUnreach && { family: mpUnreach.family, withdrawn: text(mpUnreach.withdrawn) },
  };
}

/**
 * Encodes `m` as the session would and checks the bytes: exactly `assumed` long (the size the packer counted;
 * absent: the codec's updateLength), within the session's limit, and decoding back to `m` itself.
 */
export function expectOnTheWire(m: UpdateMessage, options: CodecOptions, assumed = updateLength(m, options)): void {
  const bytes = encodeMessage(m, options);
  expect(bytes.length).toBe(assumed);
  expect(bytes.length).toBeLessThanOrEqual(maxUpdateLength(options));
  const back = decodeMessage(bytes, options);
  if (back.ok !== true) throw new Error(`the UPDATE did not decode: ${JSON.stringify(back)}`);
  expect(back.treatAsWithdraw).toBeUndefined();
  expect(back.message.type).toBe('update');
  expect(comparable(back.message as UpdateMessage)).toEqual(comparable(m));
}
