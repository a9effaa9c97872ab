/**
 * The certificates to store next, from those stored and the clock: kept when certRules finds them usable, else made
 * anew (the serving pair alone while the CA is usable; a CA due: a new one ahead of it in the bundle, the pair kept
 * until the rollover is over; a CA unusable: both, the old one kept in the bundle).
 */
import { inspect, rotatedBundle, splitBundle, type CertTiming, type StoredCerts } from './certRules';
import { makeCA, makeServing } from './x509';

export const CA_COMMON_NAME = 'ironlb-webhook-ca';

export type NextCerts =
  | { readonly changed: false; readonly certs: StoredCerts; readonly renewAt: number }
  | { readonly changed: true; readonly certs: StoredCerts; readonly reason: string };

export async function nextCerts(
  stored: StoredCerts | undefined,
  dnsNames: readonly string[],
  now: number,
  timing: CertTiming,
): Promise<NextCerts> {
  const found = inspect(stored, dnsNames, now);
  if (found.state === 'valid' && stored) return { changed: false, certs: stored, renewAt: found.renewAt };
  const reason = found.state === 'valid' ? '' : found.reason;
  if (found.state === 'renew-serving' && stored) {
    const caPem = splitBundle(stored.caBundle)[0] ?? '';
    const serving = await makeServing({ cert: caPem, key: stored.caKey }, dnsNames, now, timing.servingValidityMs);
    return { changed: true, reason, certs: { ...stored, cert: serving.cert, key: serving.key } };
  }
  const ca = await makeCA(CA_COMMON_NAME, now, timing.caValidityMs);
  const caBundle = rotatedBundle(ca.cert, stored?.caBundle, now);
  // A rollover's first step: the API servers learn the new CA while the old pair is still served.
  if (found.state === 'rotate-ca' && stored)
    return { changed: true, reason, certs: { ...stored, caBundle, caKey: ca.key } };
  const serving = await makeServing(ca, dnsNames, now, timing.servingValidityMs);
  return { changed: true, reason, certs: { caBundle, caKey: ca.key, cert: serving.cert, key: serving.key } };
}
