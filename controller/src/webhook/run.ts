/**
 * The webhook as the controller runs it: the certificates settled first (the server needs a pair to start), then
 * the HTTPS server, then a pass every minute. Every replica serves, leader or not: the Service selects them all.
 */
import type { Logger } from 'pino';
import { errorText, type KubeClient, type NamespacedApi } from '@ironlb/shared/k8s';
import { WebhookCerts } from './cert';
import { DEFAULT_CERT_TIMING, serviceDNSNames } from './certRules';
import { apiCertStore } from './certStore';
import { apiLister } from './objects';
import { startWebhookServer, type ServingPair, type WebhookServer } from './server';

/** How often the Secret is read again: a renewal by another replica is served within this. */
export const CERT_PASS_MS = 60_000;
/** How soon a first pass that failed (no RBAC yet, API server away) is tried again. */
const FIRST_PASS_RETRY_MS = 5_000;

export interface WebhookOptions {
  readonly port: number;
  readonly service: string;
  readonly config: string;
  readonly secret: string;
  readonly certManager: boolean;
}

export async function runWebhook(
  o: WebhookOptions,
  client: KubeClient,
  api: NamespacedApi,
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<void> {
  const state: { server?: WebhookServer; pending?: ServingPair } = {};
  const certs = new WebhookCerts({
    store: apiCertStore(client, api.namespace, o.secret, o.config),
    dnsNames: serviceDNSNames(o.service, api.namespace),
    timing: DEFAULT_CERT_TIMING,
    now: Date.now,
    serve: (pair) => {
      if (state.server) state.server.setPair(pair);
      else state.pending = pair;
    },
    certManager: o.certManager,
    log,
  });
  for (;;) {
    try {
      await certs.sync();
    } catch (e) {
      log.warn({ err: errorText(e) }, 'webhook certificates not settled yet');
    }
    if (state.pending) break;
    await new Promise((r) => setTimeout(r, FIRST_PASS_RETRY_MS));
  }
  const list = apiLister(api);
  state.server = await startWebhookServer({ port: o.port, pair: state.pending, namespace: api.namespace, list, log });
  log.info({ port: state.server.port }, 'serving the validating webhook');
  await certs.start(CERT_PASS_MS);
}
