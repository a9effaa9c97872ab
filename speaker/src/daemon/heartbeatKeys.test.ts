import { heartbeatKeysOf, keyFingerprint, missingSecretText } from './heartbeatKeys';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const key = Buffer.alloc(32, 'k');
const next = Buffer.alloc(40, 'n');
const secret = (data: Record<string, string> | undefined) => ({
  metadata: { name: 'ironlb-heartbeat-key', namespace: 'ironlb-system' },
  ...(data ? { data } : {}),
});

describe('heartbeatKeysOf', () => {
  it('signs with `key` and accepts it, plus `acceptKey` during a rotation', () => {
    expect(heartbeatKeysOf(secret({ key: b64(key) }))).toEqual({ ok: true, keys: { sign: key, accept: [key] } });
    expect(heartbeatKeysOf(secret({ key: b64(key), acceptKey: b64(next) }))).toEqual({
      ok: true,
      keys: { sign: key, accept: [key, next] },
    });
  });

  it('takes the key made from `openssl rand -base64 32` as its text, as kubectl --from-literal stores it', () => {
    const text = 'q0bqj6qkYh1r0o3wJr8m2y5xv3U9QvYV4y2cJm6b1Xw=';
    expect(heartbeatKeysOf(secret({ key: b64(text) }))).toEqual({
      ok: true,
      keys: { sign: Buffer.from(text), accept: [Buffer.from(text)] },
    });
  });

  it.each<[string, Record<string, string> | undefined, string]>([
    ['no data', undefined, 'has no data key "key"'],
    ['no key', { acceptKey: b64(key) }, 'has no data key "key"'],
    ['a short key', { key: b64('0123456789abcdef') }, '"key" is 16 bytes; at least 32 are needed'],
    ['a short acceptKey', { key: b64(key), acceptKey: b64('short') }, '"acceptKey" is 5 bytes; at least 32'],
  ])('refuses %s, saying what is wrong', (_, data, problem) => {
    const r = heartbeatKeysOf(secret(data));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toContain(problem);
  });

  it('fingerprints a key for the logs without giving it away', () => {
    expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyFingerprint(key)).not.toBe(keyFingerprint(next));
  });

  it('tells how to create the Secret, or how to do without', () => {
    const text = missingSecretText('ironlb-system', 'ironlb-heartbeat-key', 'not found');
    expect(text).toContain('Secret ironlb-system/ironlb-heartbeat-key: not found');
    expect(text).toContain(
      'kubectl -n ironlb-system create secret generic ironlb-heartbeat-key --from-literal=key="$(openssl rand -base64 32)"',
    );
    expect(text).toContain('--heartbeat-secret <name>');
    expect(text).toContain('--insecure-heartbeats');
  });
});
