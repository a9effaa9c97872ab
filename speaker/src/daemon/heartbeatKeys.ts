/**
 * The heartbeat keys from their Secret (see @ironlb/shared's heartbeatSecret for its data keys and a rotation), and
 * the words a speaker says when it has none. Pure: the Secret object is passed in.
 */
import { createHash } from 'node:crypto';
import { HEARTBEAT_ACCEPT_KEY, HEARTBEAT_KEY, HEARTBEAT_KEY_BYTES } from '@ironlb/shared';
import type { HeartbeatKeys } from '../membership';

export type KeysFromSecret =
  { readonly ok: true; readonly keys: HeartbeatKeys } | { readonly ok: false; readonly problem: string };

type Raw = Record<string, unknown>;
const rec = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});

/** `key` signs and is accepted; `acceptKey`, when present, is accepted too. Each at least 32 bytes. */
export function heartbeatKeysOf(secret: unknown): KeysFromSecret {
  const data = rec(rec(secret).data);
  const read = (field: string): Buffer | string | undefined => {
    const text = data[field];
    if (typeof text !== 'string') return undefined;
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length < HEARTBEAT_KEY_BYTES) {
      return `"${field}" is ${bytes.length} bytes; at least ${HEARTBEAT_KEY_BYTES} are needed`;
    }
    return bytes;
  };
  const sign = read(HEARTBEAT_KEY);
  if (sign === undefined) return { ok: false, problem: `has no data key "${HEARTBEAT_KEY}"` };
  if (typeof sign === 'string') return { ok: false, problem: sign };
  const also = read(HEARTBEAT_ACCEPT_KEY);
  if (typeof also === 'string') return { ok: false, problem: also };
  return { ok: true, keys: { sign, accept: also === undefined ? [sign] : [sign, also] } };
}

/** The first 8 hex digits of the key's SHA-256: enough to tell keys apart in logs, nothing to forge with. */
export const keyFingerprint = (key: Uint8Array): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** Why the speaker will not start without a key, and what to do: the Secret to create, or the flags. */
export function missingSecretText(namespace: string, name: string, problem: string): string {
  return [
    `no heartbeat key: Secret ${namespace}/${name}: ${problem}.`,
    'ironlb-controller creates it (a random 256-bit key) when it starts; or create it yourself:',
    `  kubectl -n ${namespace} create secret generic ${name} --from-literal=${HEARTBEAT_KEY}="$(openssl rand -base64 32)"`,
    `Or name another Secret with --heartbeat-secret <name>, or run with --insecure-heartbeats (unauthenticated:`,
    'anyone who can reach the heartbeat port can then speak for a node).',
  ].join('\n');
}
