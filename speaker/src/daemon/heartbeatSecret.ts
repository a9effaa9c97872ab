/**
 * The heartbeat key's edge: read the Secret before the speaker starts (waiting a while for ironlb-controller to
 * create it, then refusing to start with the words to fix it), and follow it afterwards, so a rotation takes effect
 * without a restart. A Secret that disappears or turns invalid later keeps the keys in use (logged): a speaker that
 * dropped its key would hear no peer and announce everything.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { errorText, watchForever, type Watching } from '@ironlb/shared/k8s';
import type { HeartbeatKeys } from '../membership';
import { heartbeatKeysOf, keyFingerprint, missingSecretText } from './heartbeatKeys';
import type { SpeakerApi } from './speakerApi';

/** How long a missing Secret is waited for at start: ironlb-controller, started alongside, creates it. */
export const SECRET_WAIT_MS = 30_000;
const RETRY_MS = 1_000;

/** A reason not to start, worded for the operator; run() prints it as it is. */
export class StartupError extends Error {}

export const describeKeys = (keys: HeartbeatKeys): string =>
  `signed with key ${keyFingerprint(keys.sign)}, accepted with ${keys.accept.map(keyFingerprint).join(' and ')}`;

/**
 * The keys in Secret `name`. A missing Secret is waited for up to `waitMs`; API errors are retried without end (as
 * every other start-up read); an invalid or still missing Secret throws a StartupError.
 */
export async function loadHeartbeatKeys(
  api: SpeakerApi,
  name: string,
  log: Logger,
  waitMs = SECRET_WAIT_MS,
): Promise<HeartbeatKeys> {
  const deadline = Date.now() + waitMs;
  let said = false;
  for (;;) {
    try {
      const secret = await api.readSecret(name);
      if (secret !== undefined) {
        const r = heartbeatKeysOf(secret);
        if (!r.ok) throw new StartupError(missingSecretText(api.namespace, name, r.problem));
        return r.keys;
      }
      if (Date.now() >= deadline) throw new StartupError(missingSecretText(api.namespace, name, 'not found'));
      if (!said) log.info({ secret: `${api.namespace}/${name}` }, 'waiting for the heartbeat key Secret');
      said = true;
    } catch (e) {
      if (e instanceof StartupError) throw e;
      log.error({ err: errorText(e), secret: `${api.namespace}/${name}` }, 'cannot read the heartbeat key; retrying');
    }
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

/** Follows the Secret; `onKeys` gets every valid change. */
export function watchHeartbeatKeys(
  api: SpeakerApi,
  name: string,
  current: HeartbeatKeys,
  log: Logger,
  onKeys: (keys: HeartbeatKeys) => void,
): Watching {
  let described = describeKeys(current);
  const where = `${api.namespace}/${name}`;
  return watchForever<KubernetesObject>(log, api.client, `secret ${name}`, api.secretPath(name), {
    upsert: (secret) => {
      const r = heartbeatKeysOf(secret);
      if (!r.ok) {
        log.error({ secret: where }, `heartbeat key Secret ${r.problem}; keeping the keys in use`);
        return;
      }
      const now = describeKeys(r.keys);
      if (now === described) return;
      described = now;
      log.info({ secret: where }, `heartbeat keys changed: ${now}`);
      onKeys(r.keys);
    },
    remove: () => log.warn({ secret: where }, 'heartbeat key Secret deleted; keeping the keys in use'),
  });
}
