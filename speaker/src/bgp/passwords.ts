/**
 * TCP MD5 passwords kept in Secrets (BGPPeer.spec.passwordSecret, key `password`), for a mode whose apply is
 * synchronous: a lookup answers from what has been read and starts a read when nothing has, and `changed` is called
 * when an answer arrives so the speaker applies again. Answers are re-read after `refreshMs` (a rotated password
 * reaches new sessions) and failures after `retryMs`. A password never goes into a log line or a problem text.
 */
import type { SecretReference } from '@ironlb/shared/config';
import { errorText } from '@ironlb/shared';

export type PasswordLookup =
  | { readonly state: 'ready'; readonly password: string }
  | { readonly state: 'pending' }
  | { readonly state: 'failed'; readonly problem: string };

export interface PasswordSource {
  lookup(ref: SecretReference): PasswordLookup;
}

/** A Secret's `data`, base64 values by key, as the API returns it; undefined when the Secret does not exist. */
export type SecretReader = (
  namespace: string,
  name: string,
) => Promise<{ readonly data?: Readonly<Record<string, string>> } | undefined>;

export interface SecretPasswordsOptions {
  readonly read: SecretReader;
  /** Where a reference without a namespace points: the speaker's namespace. */
  readonly namespace: string;
  readonly changed: () => void;
  readonly now: () => number;
  readonly refreshMs: number;
  readonly retryMs: number;
}

interface Entry {
  answer: PasswordLookup;
  /** When the answer was read (0: never), and whether a read is in flight. */
  readAt: number;
  reading: boolean;
}

export class SecretPasswords implements PasswordSource {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly opts: SecretPasswordsOptions) {}

  lookup(ref: SecretReference): PasswordLookup {
    const namespace = ref.namespace ?? this.opts.namespace;
    const key = `${namespace}/${ref.name}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { answer: { state: 'pending' }, readAt: 0, reading: false };
      this.entries.set(key, entry);
    }
    const age = this.opts.now() - entry.readAt;
    const due = entry.readAt === 0 || age >= (entry.answer.state === 'ready' ? this.opts.refreshMs : this.opts.retryMs);
    if (due && !entry.reading) this.read(entry, namespace, ref.name);
    return entry.answer;
  }

  private read(entry: Entry, namespace: string, name: string): void {
    entry.reading = true;
    const where = `Secret ${namespace}/${name}`;
    this.opts
      .read(namespace, name)
      .then(
        (secret): PasswordLookup => {
          if (!secret) return { state: 'failed', problem: `${where} does not exist` };
          const b64 = secret.data?.password;
          if (b64 === undefined) return { state: 'failed', problem: `${where} has no key "password"` };
          return { state: 'ready', password: Buffer.from(b64, 'base64').toString('utf8') };
        },
        (e: unknown): PasswordLookup => ({ state: 'failed', problem: `cannot read ${where}: ${errorText(e)}` }),
      )
      .then((answer) => {
        const before = JSON.stringify(entry.answer);
        entry.answer = answer;
        entry.readAt = this.opts.now();
        entry.reading = false;
        if (JSON.stringify(answer) !== before) this.opts.changed();
      })
      .catch(() => undefined);
  }
}
