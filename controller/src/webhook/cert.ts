/**
 * The webhook's certificate life: one Secret holds the CA bundle, the CA key and the serving pair, so every replica
 * and every restart serves a pair the same CA signed; the caBundle of each webhook of the
 * ValidatingWebhookConfiguration is made equal to the Secret's bundle BEFORE a pair is served, so the API server
 * never meets a certificate it does not trust yet. Each pass (at start, then every minute) re-reads the Secret:
 * a renewal made by another replica, or a Secret edited by hand, is served within a minute. With cert-manager, the
 * Secret is its, and the caBundle its CA injector's: the pass only serves what the Secret holds.
 */
import type { Logger } from 'pino';
import { errorText } from '@ironlb/shared/k8s';
import type { CertTiming, StoredCerts } from './certRules';
import { nextCerts } from './certs';
import type { ServingPair } from './server';

/** The Secret as read: its certificates (when it has the keys) and its version, for an update that must not race. */
export interface SecretRead {
  readonly certs?: StoredCerts;
  readonly resourceVersion: string;
}

/** The API calls, behind an interface so the rules are tested with an in-memory store and an injected clock. */
export interface CertStore {
  /** Undefined when the Secret does not exist. */
  readSecret(): Promise<SecretRead | undefined>;
  /** false when one of that name exists already (another replica made it first). */
  createSecret(certs: StoredCerts): Promise<boolean>;
  /** false on a conflict: the Secret changed since `resourceVersion` was read. */
  updateSecret(certs: StoredCerts, resourceVersion: string): Promise<boolean>;
  /** The caBundle (PEM, decoded) of each webhook of the configuration, in order. */
  readCABundles(): Promise<readonly string[]>;
  /** Sets the caBundle of every webhook of the configuration. */
  writeCABundles(bundle: string, count: number): Promise<void>;
}

export interface WebhookCertsOptions {
  readonly store: CertStore;
  readonly dnsNames: readonly string[];
  readonly timing: CertTiming;
  readonly now: () => number;
  /** Called with the pair to serve whenever it changes (and first at the first pass). */
  readonly serve: (pair: ServingPair) => void;
  /** cert-manager makes the certificates and injects the CA: serve what the Secret holds, write nothing. */
  readonly certManager: boolean;
  readonly log: Pick<Logger, 'info' | 'warn'>;
}

/** Passes that lose a race (another replica wrote first) retry at once, this many times. */
const ATTEMPTS = 3;

export class WebhookCerts {
  private served: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: WebhookCertsOptions) {}

  /** One pass: the Secret read, renewed when due, the bundle patched when it differs, the pair served. */
  async sync(): Promise<StoredCerts | undefined> {
    const certs = this.o.certManager ? (await this.o.store.readSecret())?.certs : await this.settle();
    if (!certs) {
      this.o.log.warn({}, 'the webhook certificate Secret has no certificates yet (cert-manager makes them)');
      return undefined;
    }
    if (!this.o.certManager) await this.ensureBundle(certs.caBundle);
    if (this.served !== certs.cert) {
      this.o.serve({ cert: certs.cert, key: certs.key });
      this.served = certs.cert;
      this.o.log.info({}, 'serving the webhook certificate from the Secret');
    }
    return certs;
  }

  /** The certificates everyone agrees on: the Secret's when usable, else new ones written to it. */
  private async settle(): Promise<StoredCerts> {
    for (let attempt = 1; ; attempt++) {
      const found = await this.o.store.readSecret();
      const next = await nextCerts(found?.certs, this.o.dnsNames, this.o.now(), this.o.timing);
      if (!next.changed) return next.certs;
      const written = found
        ? await this.o.store.updateSecret(next.certs, found.resourceVersion)
        : await this.o.store.createSecret(next.certs);
      if (written) {
        this.o.log.info({ reason: next.reason }, 'wrote new webhook certificates to the Secret');
        return next.certs;
      }
      if (attempt >= ATTEMPTS) throw new Error(`the webhook certificate Secret kept changing (${ATTEMPTS} attempts)`);
    }
  }

  private async ensureBundle(bundle: string): Promise<void> {
    const current = await this.o.store.readCABundles();
    if (current.length === 0) {
      // Not installed (no chart webhook, or the configuration deleted): serve anyway; the next pass looks again.
      this.o.log.warn({}, 'the webhook configuration is absent or has no webhooks: no caBundle written');
      return;
    }
    if (current.every((b) => b === bundle)) return;
    await this.o.store.writeCABundles(bundle, current.length);
    this.o.log.info({ webhooks: current.length }, 'wrote the CA bundle to the webhook configuration');
  }

  /** The first pass, then one every `periodMs`; a failed pass is logged and the next one tries again. */
  async start(periodMs: number): Promise<void> {
    let running = false;
    // A pass slower than the period (API calls time out after 30 s each) is not overlapped by the next one.
    const pass = async (): Promise<void> => {
      if (running) return;
      running = true;
      try {
        await this.sync();
      } catch (e) {
        this.o.log.warn({ err: errorText(e) }, 'webhook certificate pass failed');
      } finally {
        running = false;
      }
    };
    await pass();
    this.timer = setInterval(() => void pass(), periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
