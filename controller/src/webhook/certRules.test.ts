import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  DAY_MS,
  inspect,
  renewAtOf,
  ROLLOVER_MS,
  rotatedBundle,
  serviceDNSNames,
  splitBundle,
  YEAR_MS,
  type StoredCerts,
} from './certRules';
import { makeCA, makeServing, type PemPair } from './x509';

const NAMES = serviceDNSNames('ironlb-webhook', 'ironlb-system');
const T0 = Date.parse('2026-12-02T00:00:00Z');
/** makeCA and makeServing date notBefore an hour back. */
const BACKDATE_MS = 3600_000;

const stored = (ca: PemPair, serving: PemPair): StoredCerts => ({
  caBundle: ca.cert,
  caKey: ca.key,
  cert: serving.cert,
  key: serving.key,
});

const validTo = (pem: string): number => Date.parse(new X509Certificate(pem).validTo);

describe('splitBundle', () => {
  it('an empty bundle has no certificates', () => {
    expect(splitBundle('')).toEqual([]);
  });

  it('each certificate of a bundle apart, in order', async () => {
    const a = await makeCA('a', T0, YEAR_MS);
    const b = await makeCA('b', T0, YEAR_MS);
    expect(splitBundle(`${a.cert}\n${b.cert}`)).toEqual([a.cert.trim(), b.cert.trim()]);
  });
});

describe('inspect: the edges of validity', () => {
  let year: StoredCerts;
  /** A CA of ten years and a serving pair of 30 days: the serving pair is due first. */
  let short: StoredCerts;
  let ca10: PemPair;
  beforeAll(async () => {
    const ca = await makeCA('ca', T0, YEAR_MS);
    year = stored(ca, await makeServing(ca, NAMES, T0, YEAR_MS));
    ca10 = await makeCA('ca10', T0, 10 * YEAR_MS);
    short = stored(ca10, await makeServing(ca10, NAMES, T0, 30 * DAY_MS));
  });

  const caRenewAt = T0 - BACKDATE_MS + ((YEAR_MS + BACKDATE_MS) * 2) / 3;
  const servingRenewAt = T0 - BACKDATE_MS + ((30 * DAY_MS + BACKDATE_MS) * 2) / 3;

  it('valid from the first millisecond of notBefore', () => {
    expect(inspect(year, NAMES, T0 - BACKDATE_MS)).toEqual({ state: 'valid', renewAt: caRenewAt });
  });

  it('the CA due at its renewal time exactly, not a millisecond before', () => {
    expect(inspect(year, NAMES, caRenewAt - 1)).toEqual({ state: 'valid', renewAt: caRenewAt });
    expect(inspect(year, NAMES, caRenewAt)).toEqual({
      state: 'rotate-ca',
      reason: 'the CA certificate is due for renewal (2027-08-02T07:40:00.000Z)',
    });
  });

  it('the renewal time is the earlier of the two: here the serving pair', () => {
    expect(inspect(short, NAMES, T0 + DAY_MS)).toEqual({ state: 'valid', renewAt: servingRenewAt });
  });

  it('the serving pair due at its renewal time exactly', () => {
    expect(inspect(short, NAMES, servingRenewAt - 1)).toEqual({ state: 'valid', renewAt: servingRenewAt });
    expect(inspect(short, NAMES, servingRenewAt)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate is due for renewal (2026-12-21T23:40:00.000Z)',
    });
  });

  it('a serving pair made later than now is not valid yet, though its CA is', async () => {
    const later = stored(ca10, await makeServing(ca10, NAMES, T0 + 10 * DAY_MS, 30 * DAY_MS));
    expect(inspect(later, NAMES, T0 + DAY_MS)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate is not valid yet',
    });
  });

  it('renewAtOf: two thirds of the way from notBefore to notAfter', () => {
    expect(renewAtOf(new X509Certificate(short.cert))).toBe(servingRenewAt);
  });
});

/** A serving certificate signed by `ca` whose subjectAltName holds a DNS name and a URI, as given. */
async function withURI(ca: PemPair, dns: string, uri: string): Promise<PemPair> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.key), algorithm, false, [
    'sign',
  ]);
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const caCert = new x509.X509Certificate(ca.cert);
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${dns}`,
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date(T0 - BACKDATE_MS),
    notAfter: new Date(T0 + YEAR_MS),
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: dns },
        { type: 'url', value: uri },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(der, 'PRIVATE KEY') };
}

describe('inspect: what it takes the pair for', () => {
  let ca: PemPair;
  beforeAll(async () => {
    ca = await makeCA('ironlb-webhook-ca', T0, YEAR_MS);
  });

  it('nothing stored: everything made anew', () => {
    expect(inspect(undefined, NAMES, T0)).toEqual({ state: 'renew-all', reason: 'no certificates are stored' });
  });

  it('only DNS names count: a URI that spells a Service name does not name it', async () => {
    const [short, full] = NAMES as [string, string];
    const serving = await withURI(ca, short, full);
    expect(new X509Certificate(serving.cert).subjectAltName).toBe(`DNS:${short}, URI:${full}`);
    expect(inspect(stored(ca, serving), NAMES, T0)).toEqual({
      state: 'renew-serving',
      reason: `the serving certificate does not name ${full}`,
    });
  });

  it('a CA key that is no key at all: the CA is renewed', async () => {
    const certs = stored(ca, await makeServing(ca, NAMES, T0, YEAR_MS));
    expect(inspect({ ...certs, caKey: 'garbage' }, NAMES, T0)).toEqual({
      state: 'renew-all',
      reason: 'the CA key does not match the CA certificate',
    });
  });

  it('a pair naming the CA but signed by another key is not signed by the CA', async () => {
    // The same name and key identifier as the CA: only the signature tells them apart.
    const impostor = await makeCA('ironlb-webhook-ca', T0, YEAR_MS);
    const serving = await makeServing({ cert: ca.cert, key: impostor.key }, NAMES, T0, YEAR_MS);
    expect(inspect(stored(ca, serving), NAMES, T0)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate is not signed by the CA',
    });
  });

  it("a pair signed by the CA's key but naming another issuer is not signed by the CA", async () => {
    const other = await makeCA('another-ca', T0, YEAR_MS);
    const serving = await makeServing({ cert: other.cert, key: ca.key }, NAMES, T0, YEAR_MS);
    expect(inspect(stored(ca, serving), NAMES, T0)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate is not signed by the CA',
    });
  });
});

describe('inspect: a CA rollover', () => {
  let old: PemPair;
  let next: PemPair;
  let oldPair: PemPair;
  let rolling: StoredCerts;
  const NEXT_AT = T0 + 250 * DAY_MS;
  beforeAll(async () => {
    old = await makeCA('old', T0, YEAR_MS);
    next = await makeCA('next', NEXT_AT, YEAR_MS);
    oldPair = await makeServing(old, NAMES, T0, YEAR_MS);
    rolling = {
      caBundle: rotatedBundle(next.cert, old.cert, NEXT_AT),
      caKey: next.key,
      cert: oldPair.cert,
      key: oldPair.key,
    };
  });
  const until = NEXT_AT - BACKDATE_MS + ROLLOVER_MS;

  it('serves the pair the previous CA signed until the new CA has been valid for ROLLOVER_MS', () => {
    expect(inspect(rolling, NAMES, NEXT_AT)).toEqual({ state: 'valid', renewAt: until });
    expect(inspect(rolling, NAMES, until - 1)).toEqual({ state: 'valid', renewAt: until });
    expect(inspect(rolling, NAMES, until)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate is signed by the previous CA, which the new one replaces',
    });
  });
  it('keeps a pair that fell due with its CA through the rollover, unless it expires first', async () => {
    // Made with the old CA, due with it: kept until the rollover ends.
    const withCA = { ...rolling };
    expect(renewAtOf(new X509Certificate(oldPair.cert))).toBeLessThan(NEXT_AT);
    expect(inspect(withCA, NAMES, until - 1)).toEqual({ state: 'valid', renewAt: until });
    // One that expires during the rollover is renewed at its notAfter.
    const shortPair = await makeServing(old, NAMES, NEXT_AT - 20 * DAY_MS, 20 * DAY_MS + 30 * 60 * 1000);
    const expiring = { ...rolling, cert: shortPair.cert, key: shortPair.key };
    const end = validTo(shortPair.cert);
    expect(end).toBeLessThan(until);
    expect(inspect(expiring, NAMES, end - 1)).toEqual({ state: 'valid', renewAt: end });
    expect(inspect(expiring, NAMES, end)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate has expired',
    });
  });
  it('a pair signed by no CA of the bundle, or by one that expired, is renewed at once', async () => {
    const stranger = await makeCA('stranger', T0, YEAR_MS);
    const strangerPair = await makeServing(stranger, NAMES, T0, YEAR_MS);
    expect(inspect({ ...rolling, cert: strangerPair.cert, key: strangerPair.key }, NAMES, NEXT_AT)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate is not signed by the CA',
    });
    // The old CA kept in the bundle (not a CA any more would not count either) past its notAfter.
    const longNext = await makeCA('long', NEXT_AT, 10 * YEAR_MS);
    const late = { ...rolling, caBundle: `${longNext.cert}${old.cert}`, caKey: longNext.key };
    const oldEnd = validTo(old.cert);
    expect(inspect(late, NAMES, oldEnd - 1)).toMatchObject({ state: 'renew-serving' });
    expect(inspect(late, NAMES, oldEnd)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate is not signed by the CA',
    });
  });
  it('an unreadable certificate after the head of the bundle is skipped', () => {
    const garbled = '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----';
    const withJunk = { ...rolling, caBundle: `${next.cert}${garbled}\n${old.cert}` };
    expect(inspect(withJunk, NAMES, NEXT_AT)).toEqual({ state: 'valid', renewAt: until });
  });
});

describe('rotatedBundle', () => {
  let fresh: PemPair;
  let kept: PemPair;
  let second: PemPair;
  let expired: PemPair;
  let serving: PemPair;
  beforeAll(async () => {
    fresh = await makeCA('fresh', T0, YEAR_MS);
    kept = await makeCA('kept', T0 - 200 * DAY_MS, YEAR_MS);
    second = await makeCA('second', T0 - 100 * DAY_MS, YEAR_MS);
    expired = await makeCA('expired', T0 - 400 * DAY_MS, YEAR_MS);
    serving = await makeServing(kept, NAMES, T0 - 200 * DAY_MS, YEAR_MS);
  });

  const unreadable = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----';

  it('the new CA first, then the first CA of the old bundle still valid; nothing else', () => {
    const old = [serving.cert, expired.cert, unreadable, kept.cert, second.cert].join('\n');
    expect(rotatedBundle(fresh.cert, old, T0)).toBe(`${fresh.cert.trim()}\n${kept.cert.trim()}\n`);
  });

  it('without an old bundle: the new CA alone', () => {
    expect(rotatedBundle(fresh.cert, undefined, T0)).toBe(`${fresh.cert.trim()}\n`);
  });

  it('an old CA is dropped at its notAfter exactly, kept a millisecond before', () => {
    const end = validTo(kept.cert);
    expect(rotatedBundle(fresh.cert, kept.cert, end - 1)).toBe(`${fresh.cert.trim()}\n${kept.cert.trim()}\n`);
    expect(rotatedBundle(fresh.cert, kept.cert, end)).toBe(`${fresh.cert.trim()}\n`);
  });
});
