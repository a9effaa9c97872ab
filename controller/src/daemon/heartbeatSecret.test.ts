import pino from 'pino';
import { ensureHeartbeatSecret, type SecretCreator } from './heartbeatSecret';

const silent = pino({ level: 'silent' });

describe('ensureHeartbeatSecret', () => {
  it('creates the Secret with a random 256-bit key under data "key" when it is absent', async () => {
    const created: { name: string; data: Record<string, string> }[] = [];
    const api: SecretCreator = {
      namespace: 'ironlb-system',
      createSecretIfAbsent: (name, data) => {
        created.push({ name, data });
        return Promise.resolve('created');
      },
    };
    expect(await ensureHeartbeatSecret(api, silent)).toBe('created');
    expect(created).toHaveLength(1);
    expect(created[0].name).toBe('ironlb-heartbeat-key');
    expect(Object.keys(created[0].data)).toEqual(['key']);
    const key = Buffer.from(created[0].data.key, 'base64');
    expect(key).toHaveLength(32);
    // Random: another call makes another key.
    await ensureHeartbeatSecret(api, silent);
    expect(created[1].data.key).not.toBe(created[0].data.key);
  });

  it('leaves an existing Secret alone, and retries until the API answers', async () => {
    let calls = 0;
    const api: SecretCreator = {
      namespace: 'ironlb-system',
      createSecretIfAbsent: () =>
        ++calls < 3 ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve('exists'),
    };
    const waits: number[] = [];
    expect(await ensureHeartbeatSecret(api, silent, (ms) => (waits.push(ms), Promise.resolve()))).toBe('exists');
    expect(calls).toBe(3);
    expect(waits).toEqual([2_000, 2_000]);
  });
});
