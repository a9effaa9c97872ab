import { X509Certificate } from 'node:crypto';
import { WebhookCerts, type CertStore, type SecretRead } from './cert';
import { DAY_MS, DEFAULT_CERT_TIMING, serviceDNSNames, splitBundle, type StoredCerts } from './certRules';
import { certsOfSecret, secretData } from './certStore';
import type { ServingPair } from './server';

const NAMES = serviceDNSNames('ironlb-webhook', 'ironlb-system');
const T0 = Date.parse('2026-12-02T00:00:00Z');

/** The API server's part: one Secret with a resourceVersion, a configuration with `hooks` webhooks; calls recorded. */
class MemoryStore implements CertStore {
  secret: { certs?: StoredCerts; rv: number } | undefined;
  bundles: string[];
  readonly calls: string[] = [];
  /** Makes the next create or update lose, as when another replica wrote first. */
  raceWith?: StoredCerts;

  constructor(hooks = 2) {
    this.bundles = Array.from({ length: hooks }, () => '');
  }

  private race(): boolean {
    if (!this.raceWith) return false;
    this.secret = { certs: this.raceWith, rv: (this.secret?.rv ?? 0) + 1 };
    this.raceWith = undefined;
    return true;
  }

  readSecret(): Promise<SecretRead | undefined> {
    const s = this.secret;
    return Promise.resolve(s ? { resourceVersion: String(s.rv), ...(s.certs ? { certs: s.certs } : {}) } : undefined);
  }
  createSecret(certs: StoredCerts): Promise<boolean> {
    this.calls.push('create');
    if (this.race() || this.secret) return Promise.resolve(false);
    this.secret = { certs, rv: 1 };
    return Promise.resolve(true);
  }
  updateSecret(certs: StoredCerts, rv: string): Promise<boolean> {
    this.calls.push('update');
    if (this.race() || String(this.secret?.rv) !== rv) return Promise.resolve(false);
    this.secret = { certs, rv: Number(rv) + 1 };
    return Promise.resolve(true);
  }
  readCABundles(): Promise<readonly string[]> {
    return Promise.resolve([...this.bundles]);
  }
  writeCABundles(bundle: string, count: number): Promise<void> {
    this.calls.push('bundle');
    this.bundles = Array.from({ length: count }, () => bundle);
    return Promise.resolve();
  }
}

function replica(store: CertStore, clock: { now: number }, certManager = false) {
  const served: ServingPair[] = [];
  const log = { info: jest.fn(), warn: jest.fn() };
  const certs = new WebhookCerts({
    store,
    dnsNames: NAMES,
    timing: DEFAULT_CERT_TIMING,
    now: () => clock.now,
    serve: (p) => {
      (store as MemoryStore).calls.push('serve');
      served.push(p);
    },
    certManager,
    log,
  });
  return { certs, served, log };
}

/** The same check against bundles an API server read earlier. */
function trustedBy(bundles: readonly string[], pair: ServingPair | undefined): boolean {
  if (!pair) return false;
  const cert = new X509Certificate(pair.cert);
  return bundles.every((b) =>
    splitBundle(b).some((pem) => {
      const ca = new X509Certificate(pem);
      return cert.checkIssued(ca) && cert.verify(ca.publicKey);
    }),
  );
}

/** The API server's check: the served certificate chains to a CA in the caBundle of every webhook. */
function trusted(store: MemoryStore, pair: ServingPair | undefined): boolean {
  if (!pair) return false;
  const cert = new X509Certificate(pair.cert);
  return store.bundles.every((b) =>
    splitBundle(b).some((pem) => {
      const ca = new X509Certificate(pem);
      return cert.checkIssued(ca) && cert.verify(ca.publicKey);
    }),
  );
}

describe('WebhookCerts', () => {
  it('first start: makes the Secret, writes every caBundle, then serves the pair (in that order)', async () => {
    const store = new MemoryStore();
    const clock = { now: T0 };
    const r = replica(store, clock);
    const certs = await r.certs.sync();
    expect(store.calls).toEqual(['create', 'bundle', 'serve']);
    expect(store.bundles).toEqual([certs?.caBundle, certs?.caBundle]);
    expect(r.served).toEqual([{ cert: certs?.cert, key: certs?.key }]);
    expect(trusted(store, r.served[0])).toBe(true);
  });

  it('a pass with nothing due writes nothing and serves nothing new', async () => {
    const store = new MemoryStore();
    const clock = { now: T0 };
    const r = replica(store, clock);
    await r.certs.sync();
    store.calls.length = 0;
    clock.now = T0 + 100 * DAY_MS;
    await r.certs.sync();
    expect(store.calls).toEqual([]);
  });

  it('a second replica, and a restart, reuse the Secret: one CA, one pair', async () => {
    const store = new MemoryStore();
    const clock = { now: T0 };
    const a = replica(store, clock);
    const b = replica(store, clock);
    await a.certs.sync();
    await b.certs.sync();
    expect(store.calls).toEqual(['create', 'bundle', 'serve', 'serve']);
    expect(b.served).toEqual(a.served);
  });

  it("losing the race to create: uses the winner's Secret", async () => {
    const store = new MemoryStore();
    const clock = { now: T0 };
    const winner = replica(new MemoryStore(), clock);
    const theirs = await winner.certs.sync();
    store.raceWith = theirs;
    const r = replica(store, clock);
    const ours = await r.certs.sync();
    expect(ours).toEqual(theirs);
    expect(store.calls).toEqual(['create', 'bundle', 'serve']);
    expect(r.served[0]?.cert).toBe(theirs?.cert);
  });

  it('a CA rollover: the new CA reaches the bundle an hour before any pair it signs is served', async () => {
    const store = new MemoryStore();
    const clock = { now: T0 };
    const a = replica(store, clock);
    const b = replica(store, clock);
    await a.certs.sync();
    await b.certs.sync();
    const old = store.secret?.certs;
    store.calls.length = 0;
    clock.now = T0 + 250 * DAY_MS;
    // Every pass below: what is served is trusted by the bundle written now and by the one before it (an API server
    // that has not re-read the configuration yet).
    let before = [...store.bundles];
    const check = (): void => {
      for (const pair of [a.served.at(-1), b.served.at(-1)]) {
        expect(trusted(store, pair)).toBe(true);
        expect(trustedBy(before, pair)).toBe(true);
      }
      before = [...store.bundles];
    };
    await a.certs.sync();
    expect(store.calls).toEqual(['update', 'bundle']);
    expect(splitBundle(store.bundles[0] ?? '')).toHaveLength(2);
    expect(a.served).toHaveLength(1);
    check();
    await b.certs.sync();
    check();
    clock.now += 60 * 60 * 1000 - 1;
    await a.certs.sync();
    expect(a.served).toHaveLength(1);
    check();
    clock.now += 1;
    await a.certs.sync();
    expect(store.calls).toEqual(['update', 'bundle', 'update', 'serve']);
    expect(a.served[1]?.cert).not.toBe(old?.cert);
    check();
    // b's next pass picks up the Secret a wrote: no second renewal.
    await b.certs.sync();
    expect(store.calls).toEqual(['update', 'bundle', 'update', 'serve', 'serve']);
    expect(b.served[1]).toEqual(a.served[1]);
    check();
  });

  it('a stale caBundle (reset by a helm upgrade) is written again, even with the Secret unchanged', async () => {
    const store = new MemoryStore();
    const clock = { now: T0 };
    const r = replica(store, clock);
    const certs = await r.certs.sync();
    store.bundles = ['', certs?.caBundle ?? ''];
    store.calls.length = 0;
    await r.certs.sync();
    expect(store.calls).toEqual(['bundle']);
    expect(store.bundles).toEqual([certs?.caBundle, certs?.caBundle]);
  });

  it('a Secret replaced by hand with a usable set is served at the next pass', async () => {
    const store = new MemoryStore();
    const clock = { now: T0 };
    const r = replica(store, clock);
    await r.certs.sync();
    const other = await replica(new MemoryStore(), clock).certs.sync();
    store.secret = { certs: other, rv: 9 };
    await r.certs.sync();
    expect(r.served[1]?.cert).toBe(other?.cert);
    expect(trusted(store, r.served[1])).toBe(true);
  });

  it('gives up after three lost races in one pass', async () => {
    const store = new MemoryStore();
    let creates = 0;
    store.createSecret = () => {
      creates++;
      return Promise.resolve(false);
    };
    const r = replica(store, { now: T0 });
    await expect(r.certs.sync()).rejects.toThrow('the webhook certificate Secret kept changing (3 attempts)');
    expect(creates).toBe(3);
  });

  it('logs what it wrote and what it serves', async () => {
    const r = replica(new MemoryStore(), { now: T0 });
    await r.certs.sync();
    expect(r.log.info.mock.calls).toEqual([
      [{ reason: 'no certificates are stored' }, 'wrote new webhook certificates to the Secret'],
      [{ webhooks: 2 }, 'wrote the CA bundle to the webhook configuration'],
      [{}, 'serving the webhook certificate from the Secret'],
    ]);
    expect(r.log.warn).not.toHaveBeenCalled();
  });

  it('without a webhook configuration: serves, and says no caBundle was written', async () => {
    const store = new MemoryStore(0);
    const r = replica(store, { now: T0 });
    await r.certs.sync();
    expect(store.calls).toEqual(['create', 'serve']);
    expect(r.log.warn).toHaveBeenCalledWith(
      {},
      'the webhook configuration is absent or has no webhooks: no caBundle written',
    );
  });

  it('with cert-manager: serves the Secret it made, generates and patches nothing', async () => {
    const store = new MemoryStore();
    const clock = { now: T0 };
    const r = replica(store, clock, true);
    expect(await r.certs.sync()).toBeUndefined();
    expect(r.served).toEqual([]);
    expect(r.log.warn.mock.calls).toEqual([
      [{}, 'the webhook certificate Secret has no certificates yet (cert-manager makes them)'],
    ]);
    const theirs = await replica(new MemoryStore(), clock).certs.sync();
    store.secret = { certs: theirs, rv: 1 };
    await r.certs.sync();
    expect(store.calls).toEqual(['serve']);
    expect(r.served[0]?.cert).toBe(theirs?.cert);
  });
});

describe('WebhookCerts.start', () => {
  afterEach(() => jest.useRealTimers());

  it('passes at once and then each period, a failed pass logged, a slow one never overlapped', async () => {
    jest.useFakeTimers();
    const store = new MemoryStore();
    let reads = 0;
    let hang = false;
    store.readSecret = () => {
      reads++;
      if (hang) return new Promise<never>(() => undefined);
      return Promise.reject(new Error('503 Service Unavailable'));
    };
    const r = replica(store, { now: T0 });
    await r.certs.start(60_000);
    expect(reads).toBe(1);
    expect(r.log.warn).toHaveBeenCalledWith({ err: '503 Service Unavailable' }, 'webhook certificate pass failed');
    hang = true;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(reads).toBe(2);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(reads).toBe(2);
    r.certs.stop();
  });

  it('stops passing once stopped; its timer does not hold the process open', async () => {
    jest.useFakeTimers();
    const interval = jest.spyOn(global, 'setInterval');
    const store = new MemoryStore();
    let reads = 0;
    store.readSecret = () => {
      reads++;
      return Promise.reject(new Error('503 Service Unavailable'));
    };
    const r = replica(store, { now: T0 });
    await r.certs.start(60_000);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(reads).toBe(2);
    expect((interval.mock.results[0]?.value as NodeJS.Timeout).hasRef()).toBe(false);
    r.certs.stop();
    await jest.advanceTimersByTimeAsync(180_000);
    expect(reads).toBe(2);
  });
});

describe('the Secret format', () => {
  it('round-trips through base64 data; a Secret without ca.crt has no certificates', () => {
    const certs = { caBundle: 'A', caKey: 'B', cert: 'C', key: 'D' };
    expect(certsOfSecret({ data: secretData(certs) })).toEqual(certs);
    expect(secretData(certs)).toEqual({ 'ca.crt': 'QQ==', 'ca.key': 'Qg==', 'tls.crt': 'Qw==', 'tls.key': 'RA==' });
    const { 'ca.crt': _ca, ...rest } = secretData(certs);
    expect(certsOfSecret({ data: rest })).toBeUndefined();
    expect(certsOfSecret(null)).toBeUndefined();
  });
});
