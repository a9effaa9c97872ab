/**
 * The speakers' heartbeat key: created at start, in the controller's namespace, with a random 256-bit key when the
 * Secret is absent (as MetalLB's controller creates its memberlist key), so a cluster authenticates its heartbeats
 * without anyone generating a key. An existing Secret is never read or changed: rotating it is the operator's
 * (see @ironlb/shared's heartbeatSecret). Runs beside the reconciler, retrying until the API server answers.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { errorText, HEARTBEAT_KEY, HEARTBEAT_KEY_BYTES, HEARTBEAT_SECRET } from '@ironlb/shared';

const RETRY_MS = 2_000;

/** The one call this needs (ClusterApi has it). */
export interface SecretCreator {
  readonly namespace: string;
  createSecretIfAbsent(name: string, data: Record<string, string>): Promise<'created' | 'exists'>;
}

export async function ensureHeartbeatSecret(
  api: SecretCreator,
  log: Logger,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<'created' | 'exists'> {
  const secret = `${api.namespace}/${HEARTBEAT_SECRET}`;
  for (;;) {
    try {
      const key = randomBytes(HEARTBEAT_KEY_BYTES).toString('base64');
      const r = await api.createSecretIfAbsent(HEARTBEAT_SECRET, { [HEARTBEAT_KEY]: key });
      log.info({ secret }, r === 'created' ? 'heartbeat key Secret created' : 'heartbeat key Secret exists');
      return r;
    } catch (e) {
      log.error({ secret, err: errorText(e) }, 'cannot create the heartbeat key Secret; retrying');
      await sleep(RETRY_MS);
    }
  }
}
