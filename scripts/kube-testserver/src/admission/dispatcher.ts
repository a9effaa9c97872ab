/**
 * The validating admission step: every matching webhook is called in parallel with an AdmissionReview over HTTPS,
 * and all must allow. Denials answer the webhook's Status; failed calls follow failurePolicy (Fail: 500, Ignore:
 * allowed). The configurations are read from the store at each write, so a new one applies to the next request.
 */
import { randomUUID } from 'node:crypto';
import type { StatusError } from '../errors';
import type { Store } from '../server/store';
import { asNum, asObj, asStr, type Obj } from '../validation/json';
import { postReview, TransportError, type WebhookTarget } from './client';
import { matchingWebhooks, type MatchedWebhook } from './match';
import { ResolveError, resolveService, type WebhookDialer, type WebhookResolver } from './resolve';
import {
  InvalidResponse,
  admissionReview,
  callFailed,
  denied,
  httpFailure,
  reviewVersion,
  verifyResponse,
} from './review';
import type { Admission, AdmissionAttributes } from './types';

const CONFIGURATIONS = 'validatingwebhookconfigurations.admissionregistration.k8s.io';

/** A failed call: `why` follows `failed calling webhook "<name>": `. */
class CallError extends Error {}

export class WebhookAdmission implements Admission {
  constructor(
    private readonly store: Store,
    private readonly resolver?: WebhookResolver,
    private readonly dialer?: WebhookDialer,
  ) {}

  validate(attrs: AdmissionAttributes, warn: (message: string) => void): Promise<void> | undefined {
    const configurations = [...this.store.list(CONFIGURATIONS)].map(([, o]) => o as unknown as Obj);
    if (configurations.length === 0) return undefined;
    const hooks = matchingWebhooks(
      configurations,
      attrs,
      (name) => this.store.get('namespaces', undefined, name)?.metadata.labels ?? {},
    );
    if (hooks.length === 0) return undefined;
    return Promise.all(hooks.map((h) => this.call(h, attrs, warn))).then((errors) => {
      const first = errors.find((e) => e !== undefined);
      if (first) throw first;
    });
  }

  private async call(
    m: MatchedWebhook,
    attrs: AdmissionAttributes,
    warn: (message: string) => void,
  ): Promise<StatusError | undefined> {
    try {
      const version = reviewVersion(m.webhook);
      const uid = randomUUID();
      const timeoutSeconds = asNum(m.webhook.timeoutSeconds) ?? 10;
      const target = this.target(m.webhook, timeoutSeconds);
      const body = JSON.stringify(admissionReview(attrs, uid, version));
      let answer;
      try {
        answer = await postReview(target, body, timeoutSeconds * 1000);
      } catch (e) {
        if (e instanceof TransportError)
          throw new CallError(`failed to call webhook: Post "${target.url}": ${e.message}`);
        throw e;
      }
      if (answer.status < 200 || answer.status > 206)
        throw new CallError(`failed to call webhook: ${httpFailure(answer.status, answer.body)}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.body);
      } catch (e) {
        throw new CallError(
          `failed to call webhook: couldn't get version/kind; json parse error: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      const result = verifyResponse(parsed, uid, version);
      for (const w of result.warnings) warn(w);
      return result.allowed ? undefined : denied(m.name, result.status);
    } catch (e) {
      let why: string;
      if (e instanceof CallError) why = e.message;
      else if (e instanceof InvalidResponse) why = `received invalid webhook response: ${e.message}`;
      else throw e;
      return m.webhook.failurePolicy === 'Ignore' ? undefined : callFailed(m.name, why);
    }
  }

  /** The URL the messages show, and where to connect: clientConfig.url as is, or the Service resolved. */
  private target(h: Obj, timeoutSeconds: number): WebhookTarget {
    const cc = asObj(h.clientConfig) ?? {};
    const bundle = asStr(cc.caBundle);
    const ca = bundle ? Buffer.from(bundle, 'base64').toString('utf8') : undefined;
    const timeout = `timeout=${timeoutSeconds}s`;
    const url = asStr(cc.url);
    if (url !== undefined) {
      // Validation admits no query or fragment; the URL is shown as written (Go keeps an explicit :443).
      const u = new URL(url);
      const host = u.hostname.replace(/^\[|\]$/g, '');
      return {
        url: `${url}?${timeout}`,
        host,
        port: Number(u.port || 443),
        path: `${u.pathname}?${timeout}`,
        serverName: host,
        ca,
      };
    }
    const svc = asObj(cc.service) ?? {};
    const ref = { namespace: asStr(svc.namespace) ?? '', name: asStr(svc.name) ?? '', port: asNum(svc.port) ?? 443 };
    const serverName = `${ref.name}.${ref.namespace}.svc`;
    const path = `${asStr(svc.path) || '/'}?${timeout}`;
    const shown = `https://${serverName}:${ref.port}${path}`;
    let address = this.resolver?.(ref);
    if (!address) {
      try {
        address = resolveService(this.store, ref);
      } catch (e) {
        if (e instanceof ResolveError) throw new CallError(`failed to call webhook: Post "${shown}": ${e.message}`);
        throw e;
      }
    }
    const socketPath = this.dialer?.(address);
    return {
      url: shown,
      host: address.host,
      port: address.port,
      path,
      serverName,
      ca,
      ...(socketPath ? { socketPath } : {}),
    };
  }
}
