import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  DAY_MS,
  DEFAULT_CERT_TIMING,
  inspect,
  ROLLOVER_MS,
  serviceDNSNames,
  splitBundle,
  type StoredCerts,
} from './certRules';
import { nextCerts } from './certs';
import { makeCA, makeServing } from './x509';

const NAMES = serviceDNSNames('ironlb-webhook', 'ironlb-system');
const T0 = Date.parse('2026-12-02T00:00:00Z');
const TIMING = DEFAULT_CERT_TIMING;

async function fresh(now = T0): Promise<StoredCerts> {
  const r = await nextCerts(undefined, NAMES, now, TIMING);
  if (!r.changed) throw new Error('expected new certificates');
  return r.certs;
}

describe('serviceDNSNames', () => {
  it('the Service as the API server reaches it, short and full', () => {
    expect(NAMES).toEqual(['ironlb-webhook.ironlb-system.svc', 'ironlb-webhook.ironlb-system.svc.cluster.local']);
  });
});

describe('nextCerts: a CA and a serving certificate', () => {
  it('makes a CA and a serving pair it signs, naming the Service, valid a year', async () => {
    const r = await nextCerts(undefined, NAMES, T0, TIMING);
    expect(r).toMatchObject({ changed: true, reason: 'no certificates are stored' });
    const ca = new X509Certificate(splitBundle(r.certs.caBundle)[0] ?? '');
    const serving = new X509Certificate(r.certs.cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=ironlb-webhook-ca');
    expect(serving.ca).toBe(false);
    expect(serving.checkIssued(ca) && serving.verify(ca.publicKey)).toBe(true);
    expect(serving.subjectAltName).toBe(
      'DNS:ironlb-webhook.ironlb-system.svc, DNS:ironlb-webhook.ironlb-system.svc.cluster.local',
    );
    expect(Date.parse(serving.validTo)).toBe(T0 + TIMING.servingValidityMs);
    expect(splitBundle(r.certs.caBundle)).toHaveLength(1);
  });

  it('keeps a valid set, until 2/3 of its validity', async () => {
    const certs = await fresh();
    const renewAt = T0 - 3600_000 + ((TIMING.servingValidityMs + 3600_000) * 2) / 3;
    expect(await nextCerts(certs, NAMES, T0 + 200 * DAY_MS, TIMING)).toEqual({ changed: false, certs, renewAt });
  });

  it('rolls the CA over at 2/3 in two steps: the new CA into the bundle first, its pair served an hour later', async () => {
    const certs = await fresh();
    const later = T0 + 250 * DAY_MS;
    const r = await nextCerts(certs, NAMES, later, TIMING);
    expect(r.changed && r.reason).toBe('the CA certificate is due for renewal (2027-08-02T07:40:00.000Z)');
    const [newCA, oldCA] = splitBundle(r.certs.caBundle);
    expect(oldCA).toBe(splitBundle(certs.caBundle)[0]);
    expect(newCA).not.toBe(oldCA);
    expect(new X509Certificate(newCA ?? '').checkPrivateKey(createPrivateKey(r.certs.caKey))).toBe(true);
    // The pair the old CA signed is still the one served.
    expect([r.certs.cert, r.certs.key]).toEqual([certs.cert, certs.key]);
    const swap = later - 3600_000 + ROLLOVER_MS;
    expect(await nextCerts(r.certs, NAMES, swap - 1, TIMING)).toEqual({
      changed: false,
      certs: r.certs,
      renewAt: swap,
    });
    const r2 = await nextCerts(r.certs, NAMES, swap, TIMING);
    expect(r2.changed && r2.reason).toBe(
      'the serving certificate is signed by the previous CA, which the new one replaces',
    );
    expect([r2.certs.caBundle, r2.certs.caKey]).toEqual([r.certs.caBundle, r.certs.caKey]);
    const serving = new X509Certificate(r2.certs.cert);
    expect(serving.verify(new X509Certificate(newCA ?? '').publicKey)).toBe(true);
    expect(Date.parse(serving.validFrom)).toBe(swap - 3600_000);
    // The next rollover, after the first CA expired, drops it.
    const r3 = await nextCerts(r2.certs, NAMES, T0 + 500 * DAY_MS, TIMING);
    const bundle3 = splitBundle(r3.certs.caBundle);
    expect(bundle3).toHaveLength(2);
    expect(bundle3[1]).toBe(newCA);
  });

  it('a CA that is unusable (not merely due) is replaced with its pair at once', async () => {
    const certs = await fresh();
    const r = await nextCerts({ ...certs, caKey: 'garbage' }, NAMES, T0 + DAY_MS, TIMING);
    expect(r).toMatchObject({ changed: true, reason: 'the CA key does not match the CA certificate' });
    const [newCA, oldCA] = splitBundle(r.certs.caBundle);
    expect(oldCA).toBe(splitBundle(certs.caBundle)[0]);
    expect(new X509Certificate(r.certs.cert).verify(new X509Certificate(newCA ?? '').publicKey)).toBe(true);
  });

  it('renews the serving pair alone when only it is unusable, keeping the CA and the bundle', async () => {
    const certs = await fresh();
    const r = await nextCerts({ ...certs, cert: 'garbage' }, NAMES, T0 + DAY_MS, TIMING);
    expect(r).toMatchObject({ changed: true, reason: 'the serving certificate is missing or unreadable' });
    expect(r.certs.caBundle).toBe(certs.caBundle);
    expect(r.certs.caKey).toBe(certs.caKey);
    const ca = new X509Certificate(splitBundle(certs.caBundle)[0] ?? '');
    expect(new X509Certificate(r.certs.cert).verify(ca.publicKey)).toBe(true);
  });
});

describe('inspect: what makes a stored set unusable', () => {
  let certs: StoredCerts;
  beforeAll(async () => {
    certs = await fresh();
  });

  it.each<[string, (c: StoredCerts, other: StoredCerts) => StoredCerts, string]>([
    ['no CA', (c) => ({ ...c, caBundle: '' }), 'renew-all: the CA certificate is missing or unreadable'],
    [
      "another CA's key",
      (c, o) => ({ ...c, caKey: o.caKey }),
      'renew-all: the CA key does not match the CA certificate',
    ],
    [
      'a serving certificate of another CA',
      (c, o) => ({ ...c, cert: o.cert, key: o.key }),
      'renew-serving: the serving certificate is not signed by the CA',
    ],
    [
      "another pair's key",
      (c, o) => ({ ...c, key: o.key }),
      'renew-serving: the serving key does not match the serving certificate',
    ],
  ])('%s', async (_what, edit, expected) => {
    const other = await fresh();
    const found = inspect(edit(certs, other), NAMES, T0 + DAY_MS);
    expect(found.state === 'valid' ? 'valid' : `${found.state}: ${found.reason}`).toBe(expected);
  });

  it('the serving certificate as a CA: not a CA', () => {
    const found = inspect({ ...certs, caBundle: certs.cert, caKey: certs.key }, NAMES, T0 + DAY_MS);
    expect(found).toEqual({ state: 'renew-all', reason: 'the CA certificate is not a CA' });
  });

  it('a Service renamed: the names it lacks', () => {
    expect(inspect(certs, serviceDNSNames('hook', 'ironlb-system'), T0 + DAY_MS)).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate does not name hook.ironlb-system.svc, hook.ironlb-system.svc.cluster.local',
    });
  });

  it('a clock before the certificates: not valid yet', () => {
    expect(inspect(certs, NAMES, T0 - DAY_MS)).toEqual({
      state: 'renew-all',
      reason: 'the CA certificate is not valid yet',
    });
  });

  it('a serving certificate due before its CA', async () => {
    const ca = await makeCA('ca', T0, 10 * TIMING.caValidityMs);
    const serving = await makeServing(ca, NAMES, T0, 30 * DAY_MS);
    const found = inspect({ caBundle: ca.cert, caKey: ca.key, ...serving }, NAMES, T0 + 25 * DAY_MS);
    expect(found).toEqual({
      state: 'renew-serving',
      reason: 'the serving certificate is due for renewal (2026-12-21T23:40:00.000Z)',
    });
  });
});
