/**
 * When the webhook's certificates must be made anew, pure (the clock injected): a stored set is used only when it is
 * whole and coherent (the serving certificate signed by the CA, each key matching its certificate, every DNS name
 * the Service is reached by present) and neither certificate has reached its renewal time (2/3 of its validity).
 * MetalLB's usual failures are a served certificate the caBundle does not trust and a stale caBundle; here the
 * served pair is always checked against the CA the same Secret holds, and a new CA keeps the old one in the bundle
 * until it expires, so a replica still serving the old pair stays trusted while the others move on.
 *
 * A CA is rolled over in two steps, so no API server ever meets a pair signed by a CA its caBundle lacks: first the
 * new CA goes into the bundle ahead of the old one while the old pair is still served (`rotate-ca`); only once the
 * new CA has been valid for ROLLOVER_MS (about an hour after it was written: CAs are backdated an hour) is a pair
 * it signs made and served. An API server re-reads a changed webhook configuration within seconds.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';

/** What the Secret holds, as PEM. */
export interface StoredCerts {
  /** The CA bundle written to the caBundle: the current CA first, then the previous one while it is valid. */
  readonly caBundle: string;
  /** The current CA's key. */
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const YEAR_MS = 365 * DAY_MS;

export interface CertTiming {
  readonly caValidityMs: number;
  readonly servingValidityMs: number;
}

/** One year each: renewed after 8 months, so a renewal that fails has 4 months of daily retries. */
export const DEFAULT_CERT_TIMING: CertTiming = { caValidityMs: YEAR_MS, servingValidityMs: YEAR_MS };

/** How long after its notBefore a new CA is trusted everywhere, and the pair it signs may be served. */
export const ROLLOVER_MS = 2 * 60 * 60 * 1000;

export type Inspection =
  /** Serve it; look again by renewAt (ms). */
  | { readonly state: 'valid'; readonly renewAt: number }
  /** The CA is due: a new one goes into the bundle ahead of it, the serving pair kept for now. */
  | { readonly state: 'rotate-ca'; readonly reason: string }
  /** The CA is fine: a new serving pair from it, the bundle unchanged. */
  | { readonly state: 'renew-serving'; readonly reason: string }
  /** A new CA and serving pair. */
  | { readonly state: 'renew-all'; readonly reason: string };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, in order. */
export const splitBundle = (pem: string): string[] => pem.match(PEM_CERT) ?? [];

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

const validFrom = (c: X509Certificate): number => Date.parse(c.validFrom);
const validTo = (c: X509Certificate): number => Date.parse(c.validTo);

/** 2/3 of the way from notBefore to notAfter. */
export const renewAtOf = (c: X509Certificate): number => validFrom(c) + ((validTo(c) - validFrom(c)) * 2) / 3;

const namesOf = (c: X509Certificate): Set<string> =>
  new Set(
    (c.subjectAltName ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('DNS:'))
      .map((s) => s.slice(4)),
  );

/** Why the CA at the head of the bundle cannot be kept, or that it is due, or the CA. */
function inspectCA(stored: StoredCerts, now: number): X509Certificate | Inspection {
  const pem = splitBundle(stored.caBundle)[0];
  const ca = pem === undefined ? undefined : parse(pem);
  const all = (reason: string): Inspection => ({ state: 'renew-all', reason });
  if (!ca) return all('the CA certificate is missing or unreadable');
  if (!ca.ca) return all('the CA certificate is not a CA');
  if (!keyMatches(ca, stored.caKey)) return all('the CA key does not match the CA certificate');
  if (now < validFrom(ca)) return all('the CA certificate is not valid yet');
  if (now >= renewAtOf(ca)) {
    return {
      state: 'rotate-ca',
      reason: `the CA certificate is due for renewal (${new Date(renewAtOf(ca)).toISOString()})`,
    };
  }
  return ca;
}

const signedBy = (cert: X509Certificate, ca: X509Certificate): boolean =>
  cert.checkIssued(ca) && cert.verify(ca.publicKey);

/** The CA after the head of the bundle, still valid, that signed `serving`: the one a rollover replaces. */
function previousSigner(stored: StoredCerts, serving: X509Certificate, now: number): X509Certificate | undefined {
  return splitBundle(stored.caBundle)
    .slice(1)
    .map(parse)
    .find((c) => c !== undefined && c.ca && now < validTo(c) && signedBy(serving, c));
}

export function inspect(stored: StoredCerts | undefined, dnsNames: readonly string[], now: number): Inspection {
  if (!stored) return { state: 'renew-all', reason: 'no certificates are stored' };
  const ca = inspectCA(stored, now);
  if (!(ca instanceof X509Certificate)) return ca;
  const serving = parse(stored.cert);
  const renew = (reason: string): Inspection => ({ state: 'renew-serving', reason });
  if (!serving) return renew('the serving certificate is missing or unreadable');
  // During a rollover the pair the previous CA signed is served until every API server trusts the new CA.
  let until = Number.POSITIVE_INFINITY;
  if (!signedBy(serving, ca)) {
    const previous = previousSigner(stored, serving, now);
    if (previous === undefined) return renew('the serving certificate is not signed by the CA');
    until = validFrom(ca) + ROLLOVER_MS;
  }
  if (!keyMatches(serving, stored.key)) return renew('the serving key does not match the serving certificate');
  const names = namesOf(serving);
  const missing = dnsNames.filter((n) => !names.has(n));
  if (missing.length > 0) return renew(`the serving certificate does not name ${missing.join(', ')}`);
  if (now < validFrom(serving)) return renew('the serving certificate is not valid yet');
  // A pair made with its CA falls due with it: during the rollover it is kept, due or not, while it is valid.
  const renewServingAt = until === Number.POSITIVE_INFINITY ? renewAtOf(serving) : Math.min(until, validTo(serving));
  if (now >= renewServingAt) {
    if (now >= validTo(serving)) return renew('the serving certificate has expired');
    if (until !== Number.POSITIVE_INFINITY)
      return renew('the serving certificate is signed by the previous CA, which the new one replaces');
    return renew(`the serving certificate is due for renewal (${new Date(renewAtOf(serving)).toISOString()})`);
  }
  return { state: 'valid', renewAt: Math.min(renewAtOf(ca), renewServingAt) };
}

/** The bundle after a new CA: the new one first, then those of the old bundle still valid at `now` (one at most). */
export function rotatedBundle(newCA: string, oldBundle: string | undefined, now: number): string {
  const kept = splitBundle(oldBundle ?? '')
    .filter((pem) => {
      const c = parse(pem);
      return c !== undefined && c.ca && now < validTo(c);
    })
    .slice(0, 1);
  return [...splitBundle(newCA), ...kept].join('\n') + '\n';
}

/** The names the API server reaches the Service by. */
export const serviceDNSNames = (service: string, namespace: string): string[] => [
  `${service}.${namespace}.svc`,
  `${service}.${namespace}.svc.cluster.local`,
];
